"""Gemma 3 270M prepared by `et-llm pull`: greedy ids of our runner on its .pte equal
HF transformers eager on the checkpoint it was exported from (reference.json, 32 tokens).

scripts/test.sh pulls the fp32 variant (~10 min once, cached) and sets ET_LLM_GEMMA_DIR.
The 8da4w variant is in the slow suite: `et-llm pull gemma3-270m --variant 8da4w`, then
`ET_LLM_GEMMA_DIR=~/.cache/et_llm/models/gemma3-270m pytest -m slow tests/python`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import et_llm

GEMMA_DIR = os.environ.get("ET_LLM_GEMMA_DIR")
pytestmark = pytest.mark.skipif(
    not GEMMA_DIR, reason="ET_LLM_GEMMA_DIR not set (scripts/test.sh pulls gemma3-270m)"
)


def _reference() -> dict:
    return json.loads((Path(GEMMA_DIR or "") / "reference.json").read_text())


def _greedy(variant: str, prompt_ids: list[int], count: int) -> list[int]:
    directory = Path(GEMMA_DIR or "")
    runner = et_llm.TextLLMRunner(directory / variant / "model.pte", directory / "tokenizer.json")
    config = et_llm.GenerationConfig(
        temperature=0.0, echo=False, max_new_tokens=count, ignore_eos=True
    )
    return runner.generate_tokens(prompt_ids, config)


def test_fp32_greedy_equals_transformers():
    reference = _reference()
    tokenizer = et_llm.load_tokenizer(Path(GEMMA_DIR or "") / "tokenizer.json")
    assert tokenizer.encode(reference["prompt"], bos=1) == reference["prompt_ids"]
    assert _greedy("fp32", reference["prompt_ids"], 32) == reference["generated_ids"]


def test_fp32_metadata_follows_the_conventions():
    metadata = et_llm.inspect_program(
        Path(GEMMA_DIR or "") / "fp32" / "model.pte", load_methods=False
    )["methods"]
    assert metadata["get_bos_id"]["constant_values"] == [2]
    assert metadata["get_eos_ids"]["constant_values"] == [1, 106]
    assert metadata["get_max_seq_len"]["constant_values"] == [1024]
    assert metadata["get_max_context_len"]["constant_values"] == [1024]
    assert metadata["use_sdpa_with_kv_cache"]["constant_values"] == [1]


@pytest.mark.slow
def test_8da4w_greedy_stays_close_to_transformers():
    reference = _reference()
    generated = _greedy("8da4w", reference["prompt_ids"], 32)
    expected = reference["generated_ids"]
    # 4-bit weights change the logits: the text must start the same and mostly agree.
    agreeing_prefix = next(
        (i for i, (a, b) in enumerate(zip(generated, expected, strict=True)) if a != b), 32
    )
    assert agreeing_prefix >= 4, (generated, expected)
