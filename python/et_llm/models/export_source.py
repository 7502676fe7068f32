"""`et-llm export`: any HF model directory or GGUF file to a `.pte`, through the pull's steps.

The output directory gets `model.pte` plus the tokenizer files (and, from a GGUF, the HF
checkpoint in `hf/`), with the same per-step manifests as a pulled model, so a repeated export
with the same settings does nothing and an interrupted one resumes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from et_llm.errors import InvalidArgumentError, NotFoundError
from et_llm.models.optimum_export import QUANTIZATIONS
from et_llm.models.pipeline import run_steps
from et_llm.models.registry import DEFAULT_MAX_SEQ_LEN, Step

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model")


def _source_identity(source: Path) -> dict[str, object]:
    """Path, size and mtime: a changed source makes every step run again."""
    files = [source] if source.is_file() else sorted(p for p in source.iterdir() if p.is_file())
    return {
        "source": str(source),
        "source_files": {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in files},
    }


def export_steps(source: Path, quant: str, custom_ops: bool, max_seq_len: int) -> list[Step]:
    identity = _source_identity(source)
    export_params: dict[str, object] = {
        **identity,
        "quant": quant,
        "custom_ops": custom_ops,
        "max_seq_len": max_seq_len,
        "output": "model.pte",
    }
    if source.is_file():
        gguf = {**identity, "gguf": str(source)}
        tokenizer_outputs = ("tokenizer.json", "tokenizer_config.json")
        return [
            Step("tokenizer", "tokenizer", tokenizer_outputs, gguf),
            Step("hf", "hf", ("hf",), gguf),
            Step("export", "optimum_export", ("model.pte",), export_params),
        ]
    export_params["hf_dir"] = str(source)
    return [Step("export", "optimum_export", ("model.pte",), export_params)]


def export_model(
    source: Path,
    output: Path,
    quant: str = "fp32",
    custom_ops: bool = True,
    max_seq_len: int = DEFAULT_MAX_SEQ_LEN,
    force: bool = False,
) -> Path:
    """Export `source` (HF dir with config.json, or .gguf file) into `output`; returns the .pte."""
    source = source.expanduser().resolve()
    if not source.exists():
        raise NotFoundError(f"no such model: {source}")
    if source.is_file() and source.suffix != ".gguf":
        raise InvalidArgumentError(f"{source} is neither a HF model directory nor a .gguf file")
    if source.is_dir() and not (source / "config.json").is_file():
        raise InvalidArgumentError(f"{source} has no config.json: not a HF model directory")
    if quant not in QUANTIZATIONS:
        raise InvalidArgumentError(
            f"unknown quantization {quant!r}; known: {', '.join(QUANTIZATIONS)}"
        )
    if max_seq_len < 2:
        raise InvalidArgumentError(f"--max-seq-len must be at least 2, got {max_seq_len}")
    output = output.expanduser().resolve()
    run_steps(output, export_steps(source, quant, custom_ops, max_seq_len), force=force)
    if source.is_dir():
        for name in TOKENIZER_FILES:
            if (source / name).is_file():
                shutil.copy2(source / name, output / name)
    return output / "model.pte"
