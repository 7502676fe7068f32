"""The load-time rewrite that runs plain-attention KV-cache updates in place.

Which programs it applies to (as `inspect_program` reports), and that it changes no token:
every variant generates the same ids with the rewrite on and off (ET_LLM_NO_PROGRAM_REWRITE,
read at each load), up to a full context. The oracle tests in test_generation_oracle.py run
with the rewrite on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

import et_llm
from tests.python.conftest import greedy_config

# Per method: two layers, keys and values, for programs whose cache is a mutable buffer
# updated with index_put; none where the cache is updated by llama::update_cache (custom
# ops), passed as I/O, or absent.
EXPECTED = {
    "export_llm_dynamic": {"forward": 4},
    "export_llm_static": {"forward": 4},
    "export_llm_chunked": {"forward": 4},
    "export_llm_custom_sdpa": {"forward": 0},
    "cache_position": {"forward": 4},
    "no_kv": {"forward": 0},
    "prefill_decode": {"prefill": 4, "decode": 4},
    "fp16_logits": {"forward": 4},
    "kv_io": {"forward": 0},
}


@contextmanager
def rewrite(enabled: bool) -> Iterator[None]:
    old = os.environ.get("ET_LLM_NO_PROGRAM_REWRITE")
    if enabled:
        os.environ.pop("ET_LLM_NO_PROGRAM_REWRITE", None)
    else:
        os.environ["ET_LLM_NO_PROGRAM_REWRITE"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("ET_LLM_NO_PROGRAM_REWRITE", None)
        else:
            os.environ["ET_LLM_NO_PROGRAM_REWRITE"] = old


def updates(path: str) -> dict[str, int]:
    methods = et_llm.inspect_program(path, load_methods=False)["methods"]
    return {
        name: m["in_place_cache_updates"]
        for name, m in methods.items()
        if m["constant_values"] is None
    }


@pytest.mark.parametrize("variant", sorted(EXPECTED))
def test_inspect_reports_the_updates_made_in_place(fixture_dir, variant):
    path = str(fixture_dir / f"{variant}.pte")
    assert updates(path) == EXPECTED[variant]
    with rewrite(False):
        assert set(updates(path).values()) == {0}


def test_multimodal_decoders_are_rewritten(multimodal_dir):
    for name in ("vlm_input_pos", "vlm_cache_position"):
        got = updates(str(multimodal_dir / f"{name}.pte"))
        assert got["text_decoder"] == 4, got


def generate_all(path: str, tokenizer_path: str, ids: list[int]) -> list[list[int]]:
    """Three turns on one runner: a prompt, a continuation, then the context filled up."""
    runner = et_llm.TextLLMRunner(path, tokenizer_path)
    turns = [runner.generate_tokens(ids, greedy_config(20, ignore_eos=True))]
    turns.append(runner.generate_tokens([5, 6, 7], greedy_config(10, ignore_eos=True)))
    left = runner.metadata["get_max_context_len"] - runner.position - 4
    turns.append(runner.generate_tokens([8, 9], greedy_config(left, ignore_eos=True)))
    runner.reset()
    turns.append(runner.generate_tokens(ids[:3], greedy_config(8, ignore_eos=True)))
    return turns


@pytest.mark.parametrize(
    "variant", sorted(name for name, methods in EXPECTED.items() if any(methods.values()))
)
def test_rewrite_changes_no_token(fixture_dir, tokenizer_path, hf_tokenizer, bos_id, variant):
    path = str(fixture_dir / f"{variant}.pte")
    ids = [bos_id, *hf_tokenizer.encode("The cache grows by one row", add_special_tokens=False).ids]
    with rewrite(True):
        fast = generate_all(path, tokenizer_path, ids)
    with rewrite(False):
        plain = generate_all(path, tokenizer_path, ids)
    assert fast == plain
    assert sum(len(turn) for turn in fast) > 100
