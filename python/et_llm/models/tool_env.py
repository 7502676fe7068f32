"""The Python environment that does the heavy model work (torch, transformers, optimum-executorch).

et_llm runs without torch, so preparing a model happens in a separate "model tools" venv
(`~/.cache/et_llm/model-tools-venv`, created on first use) unless the current interpreter
already has the tools (`pip install et_llm[export]`). Each step is one worker process: the
tools' memory is returned to the system when it ends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from et_llm.models.cache import space_note, tools_venv_dir
from et_llm.models.log import log
from et_llm.models.tool_requirements import pip_arguments, tool_requirements, tools_problem
from et_llm.models.worker_output import run_logged

WORKER_ENV = "ET_LLM_MODEL_WORKER"

# Runs a worker without executing et_llm/__init__.py, which needs the compiled extension of the
# caller's environment: the tools venv gets only this pure-Python subpackage.
_BOOTSTRAP = (
    "import sys, types\n"
    "package = types.ModuleType('et_llm')\n"
    "package.__path__ = [sys.argv[1]]\n"
    "sys.modules['et_llm'] = package\n"
    "from et_llm.models.worker import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


def _run_logged(command: list[str]) -> None:
    log("$ " + " ".join(command))
    done = subprocess.run(command, check=False, stdout=sys.stderr)
    if done.returncode != 0:
        note = space_note(tools_venv_dir())
        raise RuntimeError(f"`{' '.join(command)}` failed (exit code {done.returncode}){note}")


def ensure_tools_python() -> Path:
    """The interpreter of the tools venv, created and filled (a few minutes) when needed."""
    venv = tools_venv_dir()
    python = venv / "bin" / "python"
    if not python.exists():
        base = os.environ.get("ET_LLM_PYTHON", "python3.11")
        log(f"creating the model tools venv {venv} with {base}")
        _run_logged([base, "-m", "venv", str(venv)])
    requirements = tool_requirements()
    check = subprocess.run(
        [
            str(python),
            "-c",
            _BOOTSTRAP,
            _package_dir(),
            "--tools-problem",
            json.dumps(requirements),
        ],
        env=_tools_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0 or check.stdout.strip():
        reason = check.stdout.strip() or check.stderr.strip()[-200:]
        log(f"installing the model tools into {venv} ({reason})")
        _run_logged([str(python), "-m", "pip", "install", "-q", *pip_arguments(requirements)])
    return python


def _tools_environment() -> dict[str, str]:
    """The caller's environment without its Python path: the tools venv must import its own
    packages (the caller's site-packages may hold other versions of the same ones)."""
    return {
        **{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")},
        WORKER_ENV: "1",
    }


def _package_dir() -> str:
    return str(Path(__file__).resolve().parents[1])


def run_task(task: str, model_dir: Path, params: dict[str, Any]) -> None:
    """Run one worker task, in this process when it has the tools, else in the tools venv."""
    request = json.dumps({"model_dir": str(model_dir), "params": params})
    problem = tools_problem(tool_requirements())
    if problem is None:
        from et_llm.models.worker import run

        run(task, model_dir, params)
        return
    if os.environ.get(WORKER_ENV):
        raise RuntimeError(f"the model tools environment is incomplete: {problem}")
    python = ensure_tools_python()
    command = [str(python), "-c", _BOOTSTRAP, _package_dir(), task, request]
    # Beside what the step makes (a variant's folder), so variants keep their own logs.
    output = params.get("output")
    folder = (model_dir / str(output)).parent if output else model_dir / "logs"
    log_path = folder / f"{task}.log"
    code = run_logged(command, _tools_environment(), task, log_path)
    if code != 0:
        note = space_note(folder)
        raise RuntimeError(
            f"model step '{task}' failed (exit code {code}){note}; its log: {log_path}"
        )
