"""What the model tools environment must hold: the `export` extra of et_llm's package metadata
(pyproject.toml) plus the runtime it is built against, read from the installed distribution so
the versions are written once."""

from __future__ import annotations

import importlib.metadata
import re

# A caller's own interpreter is used only when these match exactly.
EXACT_FOR_REUSE = ("torch", "executorch", "transformers", "optimum-executorch")
# The runtime pin comes from et_llm's own dependencies, not from the extra.
_FROM_DEPENDENCIES = ("executorch",)

# name[extras] specifier ; marker
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+(?:\[[^\]]*\])?)\s*([^;]*?)\s*(?:;(.*))?$")


def _parse(requirement: str) -> tuple[str, str, str]:
    match = _REQUIREMENT.match(requirement)
    if match is None:
        raise ValueError(f"unexpected requirement in et_llm's metadata: {requirement!r}")
    name, specifier, marker = match.groups()
    return name, specifier.replace(" ", ""), (marker or "").strip()


def tool_requirements() -> dict[str, str]:
    """Package name → version specifier ('==2.13.0', '' for any) of the model tools."""
    found: dict[str, str] = {}
    for requirement in importlib.metadata.requires("et_llm") or []:
        name, specifier, marker = _parse(requirement)
        in_extra = re.fullmatch(r"""extra\s*==\s*["']export["']""", marker) is not None
        if in_extra or (not marker and name in _FROM_DEPENDENCIES):
            found[name] = specifier
    return found


def pip_arguments(requirements: dict[str, str]) -> list[str]:
    return [name + specifier for name, specifier in requirements.items()]


def tools_problem(requirements: dict[str, str]) -> str | None:
    """Why this interpreter cannot do the model work, or None when it can."""
    for package, specifier in requirements.items():
        try:
            found = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return f"{package} is not installed"
        wanted = specifier.removeprefix("==")
        if (
            specifier.startswith("==")
            and package in EXACT_FOR_REUSE
            and found.split("+")[0] != wanted
        ):
            return f"{package} {found} != {wanted}"
    return None
