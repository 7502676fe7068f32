"""The files `et-llm bench` measures: `.pte` paths as given, named models prepared first."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NamedTuple

from et_llm.errors import NotFoundError


class ModelFile(NamedTuple):
    group: str  # files of one model share a group; llama.cpp's GGUF is compared to all of them
    label: str  # the file's name in the report
    pte: str
    tokenizer: str
    gguf: str | None


def tokenizer_next_to(pte: Path) -> str:
    for folder in (pte.parent, pte.parent.parent):
        for name in ("tokenizer.json", "tokenizer.model", "tokenizer.bin"):
            if (folder / name).is_file():
                return str(folder / name)
    raise NotFoundError(f"no tokenizer next to {pte}; pass --tokenizer")


def resolve_models(args: argparse.Namespace) -> list[ModelFile]:
    """Every file to measure: --model paths, and named models (`name[:variant]`) prepared with
    `et-llm pull`'s steps when missing."""
    files = []
    for model in args.model or ["gemma3-270m"]:
        path = Path(model)
        if path.suffix == ".pte" or path.exists():
            if not path.is_file():
                raise NotFoundError(f"model file not found: {model}")
            tokenizer = args.tokenizer or tokenizer_next_to(path)
            files.append(ModelFile(path.stem, path.name, str(path), tokenizer, args.gguf))
            continue
        from et_llm import models

        model, _, named_variant = model.partition(":")
        for variant in [named_variant] if named_variant else args.variant or ["fp32"]:
            prepared = models.ensure_model(model, variant=variant)
            has_gguf = prepared.gguf is not None and Path(prepared.gguf).is_file()
            gguf = args.gguf or (str(prepared.gguf) if has_gguf else None)
            label = f"{model} {variant}"
            files.append(ModelFile(model, label, str(prepared.pte), str(prepared.tokenizer), gguf))
    return files
