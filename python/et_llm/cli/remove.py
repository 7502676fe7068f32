"""`et-llm rm NAME [--variant V]`: deletes a prepared model (or one variant's .pte) from the
cache. The next `pull` or `generate` prepares it again."""

from __future__ import annotations

import argparse
import shutil

EXAMPLES = """examples:
  et-llm rm gemma3-270m --variant fp32     # only the fp32 .pte and its record
  et-llm rm smollm2-135m-instruct          # everything of the model
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="a known model (`et-llm list` shows what is prepared)")
    parser.add_argument("--variant", action="append", help="remove only this variant; repeatable")


def run(args: argparse.Namespace) -> int:
    import sys

    from et_llm.cli.list_models import folder_size
    from et_llm.errors import InvalidArgumentError, NotFoundError
    from et_llm.models import model_dir_of, recipe_of
    from et_llm.models.cache import forget_step

    recipe = recipe_of(args.name)
    directory = model_dir_of(args.name)
    if not directory.exists():
        raise NotFoundError(f"{args.name} is not prepared (no {directory})")
    if not args.variant:
        freed = folder_size(directory)
        shutil.rmtree(directory)
        print(f"removed {directory} ({freed / 2**20:.0f} MB)", file=sys.stderr)
        return 0
    for variant in args.variant:
        if variant not in recipe.variants:
            raise InvalidArgumentError(
                f"{args.name} has no variant {variant!r}; variants: {', '.join(recipe.variants)}"
            )
        step = recipe.variants[variant]
        pte = directory / recipe.pte_path(variant)
        forget_step(directory, step.name)  # first: a half-removed variant reads as not prepared
        freed = 0
        if pte.parent != directory and pte.parent.exists():
            freed = folder_size(pte.parent)
            shutil.rmtree(pte.parent)
        elif pte.exists():
            freed = pte.stat().st_size
            pte.unlink()
        print(f"removed {args.name} {variant} ({freed / 2**20:.0f} MB)", file=sys.stderr)
    return 0
