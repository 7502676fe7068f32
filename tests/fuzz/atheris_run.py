"""The libFuzzer command line the atheris harnesses share."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import atheris


def fuzz(args: list[str], target: Callable[[bytes], None], **defaults: str) -> None:
    """Fuzzes `target` with libFuzzer's `args` (the program, corpus directories, flags).

    A corpus directory that does not exist yet is created (libFuzzer only reads and adds to
    one), and each flag in `defaults` (``max_len="4096"``) applies unless `args` give it.
    """
    os.environ.setdefault("PYTHONHASHSEED", "0")
    args = list(args)
    for corpus_dir in (a for a in args[1:] if not a.startswith("-") and not Path(a).is_file()):
        Path(corpus_dir).mkdir(parents=True, exist_ok=True)
    for flag, value in defaults.items():
        if not any(a.startswith(f"-{flag}=") for a in args):
            args.append(f"-{flag}={value}")
    atheris.Setup(args, target)
    atheris.Fuzz()
