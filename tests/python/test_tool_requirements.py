"""The model tools environment installs what pyproject.toml's `export` extra says, read from
the installed package's metadata (so a version is written in one place)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import tomllib

from et_llm.models import tool_env
from et_llm.models.tool_requirements import pip_arguments, tool_requirements, tools_problem

ROOT = Path(__file__).resolve().parents[2]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_requirements_are_the_export_extra_plus_the_runtime_pin():
    project = _pyproject()["project"]
    runtime = [dep for dep in project["dependencies"] if dep.startswith("executorch")]
    assert sorted(pip_arguments(tool_requirements())) == sorted(
        project["optional-dependencies"]["export"] + runtime
    )


def test_a_missing_or_mismatched_tool_is_named():
    assert tools_problem({"json5-et-llm-no-such-package": ""}) == (
        "json5-et-llm-no-such-package is not installed"
    )
    assert tools_problem({"torch": "==0.0.1"}).startswith("torch ")
    assert tools_problem({"numpy": "==0.0.1"}) is None  # only the exact-for-reuse set is pinned


def test_the_worker_answers_the_tools_question_for_given_requirements():
    command = [
        sys.executable,
        "-c",
        tool_env._BOOTSTRAP,
        tool_env._package_dir(),
        "--tools-problem",
        json.dumps({"et-llm-no-such-package": ""}),
    ]
    answer = subprocess.run(command, capture_output=True, text=True, check=True)
    assert answer.stdout.strip() == "et-llm-no-such-package is not installed"
