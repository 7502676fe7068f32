"""The load-time program rewrites: KV-cache updates run in place, redundant copies elided.

Which programs they apply to (as `inspect_program` reports), and that they change no token:
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

# Per method, (cache updates run in place, copies elided). Updates: two layers, keys and
# values, for programs whose cache is a mutable buffer updated with index_put; none where
# the cache is updated by llama::update_cache (custom ops), passed as I/O, or absent.
# Copies: static-shape expands whose input memory the planner does not reuse meanwhile.
EXPECTED = {
    "export_llm_dynamic": {"forward": (4, 1)},
    "export_llm_static": {"forward": (4, 0)},
    "export_llm_chunked": {"forward": (4, 0)},
    "export_llm_custom_sdpa": {"forward": (0, 0)},
    "cache_position": {"forward": (4, 1)},
    "no_kv": {"forward": (0, 0)},
    "prefill_decode": {"prefill": (4, 0), "decode": (4, 0)},
    "fp16_logits": {"forward": (4, 0)},
    "kv_io": {"forward": (0, 0)},
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


def rewrites(path: str) -> dict[str, tuple[int, int]]:
    methods = et_llm.inspect_program(path, load_methods=False)["methods"]
    return {
        name: (m["in_place_cache_updates"], m["elided_copies"])
        for name, m in methods.items()
        if m["constant_values"] is None
    }


@pytest.mark.parametrize("variant", sorted(EXPECTED))
def test_inspect_reports_the_rewrites(fixture_dir, variant):
    path = str(fixture_dir / f"{variant}.pte")
    assert rewrites(path) == EXPECTED[variant]
    with rewrite(False):
        assert set(rewrites(path).values()) == {(0, 0)}


def test_multimodal_decoders_are_rewritten(multimodal_dir):
    for name in ("vlm_input_pos", "vlm_cache_position"):
        got = rewrites(str(multimodal_dir / f"{name}.pte"))
        assert got["text_decoder"][0] == 4, got


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
    "variant", sorted(name for name, methods in EXPECTED.items() if any(map(any, methods.values())))
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
