"""Greedy tokens from every program style equal eager PyTorch on the same weights."""

from __future__ import annotations

import pytest

import et_llm
from tests.python.conftest import greedy_config, variant_names

PROMPTS = [
    "Hello, world! How are you doing",
    "Привет, мир! Как дела",
    "Family: 👨‍👩‍👧‍👦 and flags 🇺🇦 你好",
]
N = 64


def prompt_ids(hf_tokenizer, bos_id: int, text: str) -> list[int]:
    return [bos_id, *hf_tokenizer.encode(text, add_special_tokens=False).ids]


@pytest.fixture(scope="module", params=variant_names())
def variant_runner(request, fixture_dir, tokenizer_path) -> et_llm.TextLLMRunner:
    return et_llm.TextLLMRunner(str(fixture_dir / f"{request.param}.pte"), tokenizer_path)


@pytest.mark.parametrize("text", PROMPTS)
def test_greedy_equals_eager(variant_runner, oracle, hf_tokenizer, bos_id, eos_ids, text):
    ids = prompt_ids(hf_tokenizer, bos_id, text)
    pieces: list[str] = []
    variant_runner.reset()
    got = variant_runner.generate_tokens(ids, greedy_config(N), token_callback=pieces.append)
    want = oracle.greedy(ids, N, eos_ids)
    assert got == want
    assert len(got) >= min(N, len(want))
    # The streamed text is the tokenizer's full decode of what was generated (minus the EOS).
    text_ids = got[:-1] if got and got[-1] in eos_ids else got
    assert "".join(pieces) == variant_runner.tokenizer.decode(text_ids)


def test_text_prompt_with_bos(variant_runner, oracle, hf_tokenizer, bos_id, eos_ids):
    text = PROMPTS[0]
    variant_runner.reset()
    got = variant_runner.generate_tokens(text, greedy_config(N, num_bos=1))
    assert got == oracle.greedy(prompt_ids(hf_tokenizer, bos_id, text), N, eos_ids)


def test_multi_turn_continues_the_cache(variant_runner, oracle, hf_tokenizer, bos_id, eos_ids):
    first = prompt_ids(hf_tokenizer, bos_id, PROMPTS[0])
    second = hf_tokenizer.encode(" and then", add_special_tokens=False).ids
    variant_runner.reset()
    turn1 = variant_runner.generate_tokens(first, greedy_config(12, ignore_eos=True))
    turn2 = variant_runner.generate_tokens(second, greedy_config(12, ignore_eos=True))
    assert turn1 == oracle.greedy(first, 12)
    assert turn2 == oracle.greedy(first + turn1 + second, 12)
    assert variant_runner.position == len(first) + len(turn1) + len(second) + len(turn2) - 1


def test_prefill_then_generate(variant_runner, oracle, hf_tokenizer, bos_id, eos_ids):
    history = prompt_ids(hf_tokenizer, bos_id, PROMPTS[1])
    question = hf_tokenizer.encode(" да?", add_special_tokens=False).ids
    variant_runner.reset()
    variant_runner.prefill(history)
    got = variant_runner.generate_tokens(question, greedy_config(16, ignore_eos=True))
    assert got == oracle.greedy(history + question, 16)
    # An empty prompt continues from what prefill() left.
    variant_runner.reset()
    variant_runner.prefill(history)
    assert variant_runner.generate_tokens([], greedy_config(16, ignore_eos=True)) == (
        oracle.greedy(history, 16)
    )


def test_reset_starts_over(variant_runner, hf_tokenizer, bos_id):
    ids = prompt_ids(hf_tokenizer, bos_id, PROMPTS[2])
    variant_runner.reset()
    first = variant_runner.generate_tokens(ids, greedy_config(20))
    variant_runner.generate_tokens(ids, greedy_config(5))
    variant_runner.reset()
    assert variant_runner.position == 0
    assert variant_runner.generate_tokens(ids, greedy_config(20)) == first


def test_long_prompt_is_prefilled_in_chunks(
    fixture_dir, tokenizer_path, oracle, hf_tokenizer, bos_id, eos_ids
):
    runner = et_llm.TextLLMRunner(str(fixture_dir / "export_llm_chunked.pte"), tokenizer_path)
    assert runner.metadata["get_max_seq_len"] < runner.metadata["get_max_context_len"]
    ids = prompt_ids(hf_tokenizer, bos_id, " ".join(PROMPTS * 2))[:90]
    assert len(ids) > 2 * runner.metadata["get_max_seq_len"]  # three calls at least
    assert runner.generate_tokens(ids, greedy_config(32)) == oracle.greedy(ids, 32, eos_ids)
