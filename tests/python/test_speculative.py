"""Speculative decoding (GenerationConfig.speculative="prompt_lookup"): drafts taken from the
conversation, verified in one forward, the KV cache rolled back past rejected tokens. Its greedy
output equals plain greedy decoding token for token — over long generations, with drafts that
are mostly right and mostly wrong, at stop strings, EOS, the length limit and stop() — on the
fixture whose program returns every position's logits; programs that return the last position's
only decode as without it."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

import et_llm

from .conftest import greedy_config

REPEATING = [1] + [5, 6, 7, 8, 9, 10, 11, 12] * 4  # drafts from the prompt are mostly right
REPEATING_TEXT = "one two three four five six seven eight " * 3
NOISE = [1] + random.Random(5).sample(range(3, 700), 40)  # few repeats: mostly rejected drafts


def _spec(max_new_tokens: int, draft: int = 8, **kwargs: object) -> et_llm.GenerationConfig:
    return greedy_config(
        max_new_tokens, speculative="prompt_lookup", num_draft_tokens=draft, **kwargs
    )


@pytest.fixture(scope="module")
def every_position(fixture_dir: Path, tokenizer_path: str) -> et_llm.TextLLMRunner:
    """The fixture program that returns logits for every position it is given."""
    return et_llm.TextLLMRunner(str(fixture_dir / "cache_position.pte"), tokenizer_path)


@pytest.mark.parametrize("draft", [1, 3, 8])
@pytest.mark.parametrize("prompt", [REPEATING, NOISE], ids=["repeating", "noise"])
def test_greedy_output_equals_plain_greedy(
    every_position: et_llm.TextLLMRunner, prompt: list[int], draft: int
) -> None:
    every_position.reset()
    plain = every_position.generate_tokens(prompt, greedy_config(80, ignore_eos=True))
    every_position.reset()
    fast = every_position.generate_tokens(prompt, _spec(80, draft, ignore_eos=True))
    stats = every_position.stats
    assert fast == plain
    assert stats.num_draft_tokens > 0
    # Rejections happened (the cache was rolled back) and so did acceptances.
    assert 0 < stats.num_accepted_draft_tokens < stats.num_draft_tokens


def test_eos_stop_strings_and_the_length_limit_land_on_the_same_token(
    every_position: et_llm.TextLLMRunner,
) -> None:
    for extra in ({}, {"stop_token_ids": [9]}, {"ignore_eos": True}):
        for limit in (1, 2, 7, 33):
            every_position.reset()
            plain = every_position.generate_tokens(REPEATING, greedy_config(limit, **extra))
            reason = every_position.session.finish_reason
            every_position.reset()
            assert every_position.generate_tokens(REPEATING, _spec(limit, **extra)) == plain
            assert every_position.session.finish_reason == reason
    every_position.reset()
    text = every_position.generate(REPEATING_TEXT, greedy_config(60))
    stop = text[len(text) // 2 : len(text) // 2 + 3]
    every_position.reset()
    plain = every_position.generate(REPEATING_TEXT, greedy_config(60, stop=[stop]))
    every_position.reset()
    assert every_position.generate(REPEATING_TEXT, _spec(60, stop=[stop])) == plain


def test_stop_mid_draft_keeps_the_conversation_consistent(
    every_position: et_llm.TextLLMRunner,
) -> None:
    results = []
    for config in (greedy_config(40, ignore_eos=True), _spec(40, ignore_eos=True)):
        every_position.reset()
        pieces: list[str] = []

        def stop_at_five(piece: str, pieces: list[str] = pieces) -> None:
            pieces.append(piece)
            if len(pieces) == 5:
                every_position.stop()

        first = every_position.generate_tokens(REPEATING, config, stop_at_five)
        # The turn after the stop continues from exactly where the stopped one ended.
        second = every_position.generate_tokens([5, 6, 7], config)
        results.append((first, second, every_position.session.position()))
    assert results[0] == results[1]
    assert len(results[0][0]) < 40  # stopped


def test_sessions_of_an_engine(fixture_dir: Path, tokenizer_path: str) -> None:
    engine = et_llm.Engine(str(fixture_dir / "cache_position.pte"), tokenizer_path)
    plain, fast = engine.create_session(), engine.create_session()
    for prompt in (REPEATING, [5, 6, 7, 8], NOISE[:10]):
        assert fast.generate_tokens(prompt, _spec(12)) == plain.generate_tokens(
            prompt, greedy_config(12)
        )


def test_a_last_position_program_decodes_as_without_it(
    fixture_dir: Path, tokenizer_path: str
) -> None:
    runner = et_llm.TextLLMRunner(str(fixture_dir / "export_llm_dynamic.pte"), tokenizer_path)
    plain = runner.generate_tokens(REPEATING, greedy_config(30, ignore_eos=True))
    runner.reset()
    assert runner.generate_tokens(REPEATING, _spec(30, ignore_eos=True)) == plain
    assert runner.stats.num_draft_tokens == 0


def test_configs_it_cannot_serve_are_typed_errors() -> None:
    with pytest.raises(et_llm.InvalidArgumentError, match="speculative"):
        et_llm.GenerationConfig(speculative="medusa")
    with pytest.raises(et_llm.InvalidArgumentError, match="num_draft_tokens"):
        et_llm.GenerationConfig(temperature=0.0, speculative="prompt_lookup", num_draft_tokens=0)
    for conflict in (
        {"temperature": 0.7},
        {"temperature": 0.0, "repetition_penalty": 1.2},
        {"temperature": 0.0, "logprobs": True},
        {"temperature": 0.0, "grammar": "[a-z]+", "grammar_type": "regex"},
    ):
        with pytest.raises(et_llm.NotSupportedError, match="greedy"):
            et_llm.GenerationConfig(speculative="prompt_lookup", **conflict)


def test_gemma_repeats_a_text_with_drafts_accepted() -> None:
    gemma = os.environ.get("ET_LLM_GEMMA_DIR")
    if not gemma:
        pytest.skip("ET_LLM_GEMMA_DIR not set (scripts/test.sh pulls gemma3-270m)")
    runner = et_llm.TextLLMRunner(
        str(Path(gemma) / "fp32" / "model.pte"), str(Path(gemma) / "tokenizer.json")
    )
    text = "The committee met on Tuesday to discuss the budget for the new library. " * 2
    prompt = f"Repeat the text exactly.\nText: {text}\nRepeated: "
    plain = runner.generate_tokens(prompt, greedy_config(48))
    runner.reset()
    assert runner.generate_tokens(prompt, _spec(48)) == plain
    assert runner.stats.num_accepted_draft_tokens >= 12
