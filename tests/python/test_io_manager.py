"""IIOManager: the C++ managers and Python subclasses give eager PyTorch's greedy tokens."""

from __future__ import annotations

import gc
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import et_llm
from et_llm.kv_cache import NumpyKVCache
from tests.python.conftest import greedy_config

ROOT = Path(__file__).resolve().parents[2]


def load_example(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / "python" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MANAGERS = {
    "auto": lambda: None,  # picked from the program's signature
    "cpp": et_llm.StaticKVCacheIOManager,
    "python": NumpyKVCache,
}


@pytest.fixture(params=list(MANAGERS))
def kv_io_runner(request, fixture_dir, tokenizer_path) -> et_llm.TextLLMRunner:
    return et_llm.TextLLMRunner(
        fixture_dir / "kv_io.pte", tokenizer_path, io_manager=MANAGERS[request.param]()
    )


def test_references(kv_io_runner, manifest):
    for reference in manifest["references"]:
        kv_io_runner.reset()
        got = kv_io_runner.generate_tokens(reference["prompt_ids"], greedy_config(reference["n"]))
        assert got == reference["output_ids"], reference["name"]


def test_multi_turn_prefill_and_rewind(kv_io_runner, manifest, oracle):
    prompt = manifest["references"][0]["prompt_ids"]
    follow = manifest["references"][1]["prompt_ids"][1:6]
    kv_io_runner.reset()
    turn1 = kv_io_runner.generate_tokens(prompt, greedy_config(20, ignore_eos=True))
    turn2 = kv_io_runner.generate_tokens(follow, greedy_config(10, ignore_eos=True))
    assert turn2 == oracle.greedy(prompt + turn1 + follow, 10)

    # Back to just after the 5th generated token of turn 1, then somewhere else.
    kv_io_runner.rewind(len(prompt) + 5)
    turn3 = kv_io_runner.generate_tokens(follow, greedy_config(10, ignore_eos=True))
    assert turn3 == oracle.greedy(prompt + turn1[:5] + follow, 10)

    kv_io_runner.reset()
    kv_io_runner.prefill(prompt)
    assert kv_io_runner.generate_tokens(follow, greedy_config(10, ignore_eos=True)) == (
        oracle.greedy(prompt + follow, 10)
    )


def test_default_manager_given_explicitly(fixture_dir, tokenizer_path, manifest):
    runner = et_llm.TextLLMRunner(
        fixture_dir / "export_llm_dynamic.pte", tokenizer_path, io_manager=et_llm.DefaultIOManager()
    )
    reference = manifest["references"][0]
    got = runner.generate_tokens(reference["prompt_ids"], greedy_config(reference["n"]))
    assert got == reference["output_ids"]


def test_wrong_manager_for_the_program(fixture_dir, tokenizer_path):
    with pytest.raises(et_llm.NotSupportedError, match="KV cache as inputs"):
        et_llm.TextLLMRunner(
            fixture_dir / "kv_io.pte", tokenizer_path, io_manager=et_llm.DefaultIOManager()
        )
    with pytest.raises(et_llm.NotSupportedError):
        et_llm.TextLLMRunner(
            fixture_dir / "export_llm_dynamic.pte",
            tokenizer_path,
            io_manager=et_llm.StaticKVCacheIOManager(),
        )


class FlakyKVCache(NumpyKVCache):
    """Raises from update_decode once, on the third decode step."""

    def __init__(self) -> None:
        super().__init__()
        self.decodes = 0

    def update_decode(self, outputs, tokens, start_pos) -> None:
        self.decodes += 1
        if self.decodes == 3:
            raise KeyError("boom from Python")
        super().update_decode(outputs, tokens, start_pos)


def test_python_exception_is_a_typed_error(fixture_dir, tokenizer_path, manifest):
    runner = et_llm.TextLLMRunner(
        fixture_dir / "kv_io.pte", tokenizer_path, io_manager=FlakyKVCache()
    )
    reference = manifest["references"][0]
    with pytest.raises(et_llm.CallbackError, match="update_decode.*KeyError.*boom") as info:
        runner.generate_tokens(reference["prompt_ids"], greedy_config(20))
    assert info.value.code == et_llm.ErrorCode.CALLBACK_FAILED
    runner.reset()
    got = runner.generate_tokens(reference["prompt_ids"], greedy_config(reference["n"]))
    assert got == reference["output_ids"]


def test_python_manager_stays_alive(fixture_dir, tokenizer_path, manifest):
    runner = et_llm.TextLLMRunner(
        fixture_dir / "kv_io.pte", tokenizer_path, io_manager=NumpyKVCache()
    )
    gc.collect()
    reference = manifest["references"][2]
    got = runner.generate_tokens(reference["prompt_ids"], greedy_config(reference["n"]))
    assert got == reference["output_ids"]


def test_missing_method_is_reported(fixture_dir, tokenizer_path):
    class Incomplete(et_llm.IIOManager):
        def load(self, program) -> None:
            self.signature = program.method_meta("forward")

    with pytest.raises(et_llm.NotSupportedError, match="not implement: reset, rewind, prepare"):
        et_llm.TextLLMRunner(fixture_dir / "kv_io.pte", tokenizer_path, io_manager=Incomplete())


def test_sliding_window_example_goes_past_the_context(
    fixture_dir, tokenizer_path, manifest, oracle
):
    example = load_example("custom_kv_cache")
    cache = example.SlidingWindowKVCache(sinks=4)
    runner = et_llm.TextLLMRunner(fixture_dir / "kv_io.pte", tokenizer_path, io_manager=cache)
    context = runner.metadata["get_max_context_len"]
    prompt = manifest["references"][0]["prompt_ids"]
    got = runner.generate_tokens(prompt, greedy_config(3 * context, ignore_eos=True))
    assert len(got) == 3 * context
    assert runner.position > 2 * context
    # Before the window is full nothing is evicted: the eager reference holds.
    before = context - len(prompt) - 1
    assert got[:before] == oracle.greedy(prompt, before)


class TestDecoderLLMRunner:
    def test_equals_text_runner(self, fixture_dir, tokenizer_path, manifest):
        decoder = et_llm.DecoderLLMRunner.load(
            fixture_dir / "export_llm_dynamic.pte", tokenizer_path
        )
        text_runner = et_llm.TextLLMRunner(fixture_dir / "export_llm_dynamic.pte", tokenizer_path)
        for reference in manifest["references"]:
            pieces: list[str] = []
            out = decoder.generate(
                np.array([reference["prompt_ids"]]),
                max_new_tokens=reference["n"],
                streamer=pieces.append,
            )
            text_runner.reset()
            want = text_runner.generate_tokens(
                reference["prompt_ids"], greedy_config(reference["n"])
            )
            assert out.new_tokens == want == reference["output_ids"]
            assert out.sequences == reference["prompt_ids"] + want
            assert out.text == "".join(pieces)

    def test_prompt_and_eos_override(self, fixture_dir, tokenizer_path, manifest):
        decoder = et_llm.DecoderLLMRunner.load(fixture_dir / "kv_io.pte", tokenizer_path)
        reference = manifest["references"][0]
        first = decoder.generate(reference["prompt_ids"], max_new_tokens=30)
        stop_at = first.new_tokens[7]
        cut = decoder.generate(reference["prompt_ids"], max_new_tokens=30, eos_token_id=stop_at)
        assert cut.new_tokens == first.new_tokens[: first.new_tokens.index(stop_at) + 1]
        by_text = decoder.generate(reference["text"], max_new_tokens=5)
        assert by_text.sequences[: -len(by_text.new_tokens)] == reference["prompt_ids"][1:]

    def test_sampling(self, fixture_dir, tokenizer_path):
        decoder = et_llm.DecoderLLMRunner.load(
            fixture_dir / "export_llm_dynamic.pte", tokenizer_path
        )
        a = decoder.generate([1, 5, 9], max_new_tokens=20, do_sample=True, temperature=1.0, seed=3)
        b = decoder.generate([1, 5, 9], max_new_tokens=20, do_sample=True, temperature=1.0, seed=3)
        assert a.new_tokens == b.new_tokens
        with pytest.raises(et_llm.InvalidArgumentError):
            decoder.generate([[1, 2], [3, 4]])


class SizesRaise(NumpyKVCache):
    def max_context_len(self) -> int:
        raise ValueError("no context length today")


class SizesZero(NumpyKVCache):
    def max_tokens_per_call(self) -> int:
        return 0


class KeepsTokens(NumpyKVCache):
    def __init__(self) -> None:
        super().__init__()
        self.kept = []

    def prepare_prefill(self, tokens, start_pos, method):
        self.kept.append(tokens)
        return super().prepare_prefill(tokens, start_pos, method)

    prepare_decode = prepare_prefill


def test_size_methods_that_fail_are_reported_at_load(fixture_dir, tokenizer_path):
    """An exception or a nonsense value from max_context_len() / max_tokens_per_call() is an
    error when the runner loads (it used to be swallowed: "only 0 of the 0-token context")."""
    with pytest.raises(et_llm.CallbackError, match="max_context_len.*no context length today"):
        et_llm.TextLLMRunner(fixture_dir / "kv_io.pte", tokenizer_path, io_manager=SizesRaise())
    with pytest.raises(et_llm.InvalidArgumentError, match=r"max_tokens_per_call\(\) returned 0"):
        et_llm.TextLLMRunner(fixture_dir / "kv_io.pte", tokenizer_path, io_manager=SizesZero())


def test_reset_clears_a_poisoned_cache(fixture_dir, tokenizer_path, manifest):
    """A NaN once in the cache arrays must not outlive reset()."""
    cache = NumpyKVCache()
    runner = et_llm.TextLLMRunner(fixture_dir / "kv_io.pte", tokenizer_path, io_manager=cache)
    reference = manifest["references"][0]
    runner.generate_tokens(reference["prompt_ids"], greedy_config(4))
    cache.k[:] = np.nan
    runner.reset()
    got = runner.generate_tokens(reference["prompt_ids"], greedy_config(reference["n"]))
    assert got == reference["output_ids"]


def test_kept_token_arrays_stay_valid(fixture_dir, tokenizer_path, manifest):
    cache = KeepsTokens()
    runner = et_llm.TextLLMRunner(fixture_dir / "kv_io.pte", tokenizer_path, io_manager=cache)
    reference = manifest["references"][0]
    runner.generate_tokens(reference["prompt_ids"], greedy_config(4))
    del runner
    gc.collect()
    assert list(cache.kept[0]) == reference["prompt_ids"]
