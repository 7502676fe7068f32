"""Shared fixtures: the cached tiny models/tokenizer and the eager reference."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import et_llm


@pytest.fixture(scope="session")
def fixture_dir() -> Path:
    env = os.environ.get("ET_LLM_FIXTURES_DIR")
    if env:
        return Path(env)
    from tests.fixtures.build import fixture_dir as build_fixtures

    return build_fixtures()


@pytest.fixture(scope="session")
def manifest(fixture_dir: Path) -> dict:
    return json.loads((fixture_dir / "manifest.json").read_text())


@pytest.fixture(scope="session")
def oracle(fixture_dir: Path):
    from tests.fixtures.oracle import get_oracle

    return get_oracle(fixture_dir)


@pytest.fixture(scope="session")
def tokenizer_path(fixture_dir: Path) -> str:
    return str(fixture_dir / "tokenizer.json")


@pytest.fixture(scope="session")
def hf_tokenizer(tokenizer_path: str):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(tokenizer_path)


@pytest.fixture(scope="session")
def eos_ids(manifest: dict) -> set[int]:
    return set(manifest["tokenizer"]["eos_ids"])


@pytest.fixture(scope="session")
def bos_id(manifest: dict) -> int:
    return int(manifest["tokenizer"]["bos_id"])


def variant_names() -> list[str]:
    return [
        "export_llm_dynamic",
        "export_llm_static",
        "export_llm_chunked",
        "export_llm_custom_sdpa",
        "cache_position",
        "no_kv",
        "prefill_decode",
        "fp16_logits",
    ]


@pytest.fixture(scope="session")
def model_path(fixture_dir: Path) -> str:
    """The export_llm dynamic-shape file: the one most users have."""
    return str(fixture_dir / "export_llm_dynamic.pte")


@pytest.fixture()
def runner(model_path: str, tokenizer_path: str) -> et_llm.TextLLMRunner:
    return et_llm.TextLLMRunner(model_path, tokenizer_path)


def greedy_config(max_new_tokens: int = 64, **kwargs: object) -> et_llm.GenerationConfig:
    """Greedy, with upstream's exact framing (num_bos=0 unless given): the references give
    their prompts' BOS themselves. test_bos_framing.py covers the tokenizer's default."""
    kwargs.setdefault("num_bos", 0)
    return et_llm.GenerationConfig(
        temperature=0.0, max_new_tokens=max_new_tokens, echo=False, **kwargs
    )


@pytest.fixture(scope="session")
def multimodal_dir() -> Path:
    """The multimodal fixtures (their own cache dir and hash; built on first use)."""
    env = os.environ.get("ET_LLM_MULTIMODAL_FIXTURES_DIR")
    if env:
        return Path(env)
    from tests.fixtures.build_multimodal import ensure_built

    return ensure_built()


@pytest.fixture(scope="session")
def multimodal_oracle(multimodal_dir: Path):
    from tests.fixtures.multimodal import MultimodalOracle

    return MultimodalOracle(multimodal_dir)
