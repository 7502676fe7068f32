"""`--model` / `--tokenizer` / `--variant`: a known model name (prepared on first use) or files."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from et_llm.errors import InvalidArgumentError, NotFoundError


@dataclass(frozen=True)
class SelectedModel:
    pte: Path
    tokenizer: Path
    tokenizer_config: Path | None


def add_model_arguments(parser: argparse.ArgumentParser, default_model: str) -> None:
    group = parser.add_argument_group("model")
    group.add_argument(
        "-m",
        "--model",
        default=default_model,
        help=f"known model name (`et-llm pull --list`) or .pte file (default: {default_model})",
    )
    group.add_argument(
        "--variant",
        help="variant of a known model: Gemma's 8da8w (default), fp32, 8da4w, fp32-plain",
    )
    group.add_argument(
        "--tokenizer",
        type=Path,
        help="tokenizer file (default: tokenizer.json next to the .pte or one folder up)",
    )
    group.add_argument(
        "--tokenizer-config",
        type=Path,
        help="tokenizer_config.json with the chat template (default: found like the tokenizer)",
    )


def _next_to(pte: Path, names: tuple[str, ...]) -> Path | None:
    for folder in (pte.parent, pte.parent.parent):
        for name in names:
            if (folder / name).is_file():
                return folder / name
    return None


def select_model(args: argparse.Namespace) -> SelectedModel:
    """Files for `args.model`, preparing a known model when its cache lacks them."""
    name = str(args.model)
    path = Path(name).expanduser()
    for flag, given in (
        ("--tokenizer", args.tokenizer),
        ("--tokenizer-config", args.tokenizer_config),
    ):
        if given is not None and not Path(given).expanduser().is_file():
            raise NotFoundError(f"{flag}: no such file: {given}")
    if path.suffix == ".pte" or path.is_file():
        if not path.is_file():
            raise NotFoundError(f"model file not found: {path}")
        if args.variant:
            raise InvalidArgumentError(
                f"--variant {args.variant} names a variant of a known model, not of {path}"
            )
        tokenizer = args.tokenizer or _next_to(
            path, ("tokenizer.json", "tokenizer.model", "tokenizer.bin")
        )
        if tokenizer is None:
            raise InvalidArgumentError(f"no tokenizer next to {path}; pass --tokenizer PATH")
        config = args.tokenizer_config or _next_to(path, ("tokenizer_config.json",))
        return SelectedModel(path, Path(tokenizer), config)

    from et_llm.models import ensure_model, known_models

    if name not in known_models():
        raise InvalidArgumentError(
            f"--model {name!r} is neither a .pte file nor a known model "
            f"({', '.join(known_models())})"
        )
    files = ensure_model(name, args.variant)
    return SelectedModel(
        files.pte,
        args.tokenizer or files.tokenizer,
        args.tokenizer_config or files.tokenizer_config,
    )
