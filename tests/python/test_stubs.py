"""The checked-in python/et_llm/_et_llm.pyi is what scripts/generate_stubs.py makes from the
compiled module, and its --check (scripts/test.sh's gate) fails on a stub that differs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "generate_stubs.py"
STUB = ROOT / "python" / "et_llm" / "_et_llm.pyi"


def check(stub: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--stub", str(stub)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_checked_in_stub_is_current() -> None:
    result = check(STUB)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_fails_on_a_changed_line(tmp_path: Path) -> None:
    line = "def get_num_threads() -> int: ...\n"
    text = STUB.read_text()
    assert line in text
    stub = tmp_path / "_et_llm.pyi"
    stub.write_text(text.replace(line, "def get_num_threads() -> str: ...\n"))
    result = check(stub)
    assert result.returncode == 1
    assert "-def get_num_threads() -> str: ...\n+def get_num_threads() -> int: ..." in result.stdout
    assert "run python scripts/generate_stubs.py" in result.stderr
