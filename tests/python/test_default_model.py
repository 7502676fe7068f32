"""SmolLM2-135M-Instruct, prepared by `et-llm pull smollm2-135m-instruct` (et_llm.models):
greedy ids equal HF transformers eager, recorded in its reference.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import et_llm

MODEL_DIR = os.environ.get("ET_LLM_DEFAULT_MODEL_DIR")

pytestmark = pytest.mark.skipif(
    not MODEL_DIR, reason="ET_LLM_DEFAULT_MODEL_DIR not set (scripts/test.sh sets it)"
)


@pytest.fixture(scope="module")
def model() -> tuple[et_llm.TextLLMRunner, dict]:
    directory = Path(MODEL_DIR or "")
    reference = json.loads((directory / "reference.json").read_text())
    runner = et_llm.TextLLMRunner(directory / "model.pte", directory / "tokenizer.json")
    return runner, reference


def test_greedy_equals_transformers(model):
    runner, reference = model
    config = et_llm.GenerationConfig(
        temperature=0.0, echo=False, max_new_tokens=reference["new_tokens"], ignore_eos=True
    )
    assert runner.tokenizer.encode(reference["prompt"]) == reference["prompt_ids"]
    assert runner.generate_tokens(reference["prompt_ids"], config) == reference["generated_ids"]


def test_chat_answer_stops_at_im_end(model):
    runner, reference = model
    runner.reset()
    config = et_llm.GenerationConfig(temperature=0.0, echo=False, max_new_tokens=64)
    text = runner.generate(reference["prompt"], config)
    runner.reset()
    ids = runner.generate_tokens(reference["prompt"], config)
    # The EOS (<|im_end|>) ends the answer and is not part of the streamed text.
    assert ids == reference["generated_ids_until_eos"]
    assert text == runner.tokenizer.decode(ids[:-1]) == "The capital of France is Paris."
