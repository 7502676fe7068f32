"""`et-llm list`: the prepared models in the cache, each variant with its .pte and size."""

from __future__ import annotations

import argparse

EXAMPLES = """examples:
  et-llm list
  et-llm rm gemma3-270m --variant fp32      # frees what a variant takes
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def folder_size(path: object) -> int:
    from pathlib import Path

    root = Path(str(path))
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) if root.exists() else 0


def run(args: argparse.Namespace) -> int:
    from et_llm.errors import NotFoundError
    from et_llm.models import find_model, known_models, model_dir_of, recipe_of

    found = False
    for name in known_models():
        variants = []
        for variant in recipe_of(name).variants:
            try:
                files = find_model(name, variant)
            except NotFoundError:
                continue
            variants.append(f"  {variant:<11} {_size(files.pte.stat().st_size):>9}  {files.pte}")
        directory = model_dir_of(name)
        if variants or directory.exists():
            found = True
            print(f"{name} ({_size(folder_size(directory))} in {directory})")
            print("\n".join(variants) if variants else "  (no variant prepared)")
    if not found:
        print("no model is prepared; `et-llm pull NAME` prepares one (`et-llm pull --list`)")
    return 0
