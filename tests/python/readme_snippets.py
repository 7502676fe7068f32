"""Code blocks of README.md, so tests can build and run them as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def section(heading: str) -> str:
    """The text under ``## heading`` (up to the next ``## ``)."""
    text = README.read_text()
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    assert match, f"README.md has no '## {heading}' section"
    return match.group(1)


def code_blocks(heading: str, language: str) -> list[str]:
    """The ```language blocks of the section, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```", section(heading), flags=re.S | re.M)
