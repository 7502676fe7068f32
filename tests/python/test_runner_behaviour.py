"""TextLLMRunner behaviour: lengths, echo, EOS, stop, callbacks, threads, errors."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import et_llm
from tests.python.conftest import greedy_config

PROMPT = "Hello, world! How are you doing"


def ids_of(runner: et_llm.TextLLMRunner, text: str) -> list[int]:
    return runner.tokenizer.encode(text, bos=1)


def test_vocab_size_right_after_construction(runner, hf_tokenizer):
    assert runner.get_vocab_size() == hf_tokenizer.get_vocab_size()


def test_metadata(runner, model_path):
    meta = et_llm.get_llm_metadata(model_path)
    assert meta["get_max_seq_len"] > 0
    assert meta["get_max_context_len"] >= meta["get_max_seq_len"] - 1
    assert runner.metadata["get_max_context_len"] == meta["get_max_context_len"]


def test_max_new_tokens_and_seq_len(runner):
    ids = ids_of(runner, PROMPT)
    assert len(runner.generate_tokens(ids, greedy_config(5, ignore_eos=True))) == 5
    runner.reset()
    config = greedy_config(-1, ignore_eos=True, seq_len=len(ids) + 7)
    assert len(runner.generate_tokens(ids, config)) == 7
    runner.reset()
    assert runner.generate_tokens(ids, greedy_config(0)) == []


def test_auto_length_fills_the_context(runner):
    ids = ids_of(runner, PROMPT)
    context = runner.metadata["get_max_context_len"]
    got = runner.generate_tokens(ids, greedy_config(-1, ignore_eos=True))
    # Every position is used; the last token is returned but never fed.
    assert len(ids) + len(got) == context + 1
    with pytest.raises(et_llm.ContextLengthExceededError):
        runner.generate_tokens([5], greedy_config(4))


def test_echo_sends_the_prompt_first(runner):
    pieces: list[str] = []
    config = greedy_config(8)
    config.echo = True
    text = runner.generate(PROMPT, config, pieces.append)
    assert pieces[0] == PROMPT
    assert "".join(pieces[1:]) == text


def test_ignore_eos(runner, oracle, eos_ids):
    ids = ids_of(runner, PROMPT)
    with_eos = runner.generate_tokens(ids, greedy_config(64))
    runner.reset()
    without = runner.generate_tokens(ids, greedy_config(64, ignore_eos=True))
    assert without == oracle.greedy(ids, 64)
    assert len(without) == 64
    assert with_eos == oracle.greedy(ids, 64, eos_ids)


def test_eos_ends_generation(runner, manifest, oracle, eos_ids):
    """Prompts whose eager continuation reaches EOS (ids from both the model and tokenizer)."""
    references = [r for r in manifest["references"] if r["stops_at_eos"]]
    assert references
    for reference in references:
        runner.reset()
        got = runner.generate_tokens(reference["prompt_ids"], greedy_config(reference["n"]))
        assert got == reference["output_ids"]
        assert got[-1] in eos_ids
        runner.reset()
        longer = runner.generate_tokens(
            reference["prompt_ids"], greedy_config(len(got) + 5, ignore_eos=True)
        )
        assert longer == oracle.greedy(reference["prompt_ids"], len(got) + 5)


def test_stop_from_callback_ends_within_one_token(runner):
    ids = ids_of(runner, PROMPT)
    seen: list[str] = []

    def on_piece(piece: str) -> None:
        seen.append(piece)
        if len(seen) == 3:
            runner.stop()

    got = runner.generate_tokens(ids, greedy_config(100, ignore_eos=True), on_piece)
    assert len(seen) <= 4
    assert len(got) < 100
    # The runner goes on afterwards, continuing the conversation.
    assert len(runner.generate_tokens([5], greedy_config(3, ignore_eos=True))) == 3


def test_stop_from_another_thread(runner):
    ids = ids_of(runner, PROMPT)
    started = threading.Event()
    stopped = threading.Event()
    count = 0

    def on_piece(piece: str) -> None:
        nonlocal count
        count += 1
        if count == 5:
            started.set()
            stopped.wait(10)  # hold the generator until stop() has been called

    def stopper() -> None:
        started.wait(10)
        runner.stop()
        stopped.set()

    thread = threading.Thread(target=stopper)
    thread.start()
    got = runner.generate_tokens(ids, greedy_config(100, ignore_eos=True), on_piece)
    thread.join()
    assert 5 <= len(got) <= 6


def test_stop_during_token_by_token_prefill(fixture_dir, tokenizer_path):
    runner = et_llm.TextLLMRunner(str(fixture_dir / "export_llm_static.pte"), tokenizer_path)
    ids = ids_of(runner, PROMPT * 4)
    runner.stop()  # a stop before generate() starts is not carried over
    assert len(runner.generate_tokens(ids[:8], greedy_config(5, ignore_eos=True))) == 5
    runner.reset()

    done = threading.Event()

    def keep_stopping() -> None:
        while not done.is_set():
            runner.stop()

    thread = threading.Thread(target=keep_stopping)
    thread.start()
    try:
        got = runner.generate_tokens(ids, greedy_config(50, ignore_eos=True))
    finally:
        done.set()
        thread.join()
    # The prompt is fed one token per call; stop() lands between two of them.
    assert got == []
    assert runner.position < len(ids)


def test_gil_is_released_while_generating(runner):
    ids = ids_of(runner, PROMPT)
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.0005)

    thread = threading.Thread(target=count)
    thread.start()
    runner.generate_tokens(ids, greedy_config(80, ignore_eos=True))
    done.set()
    thread.join()
    assert ticks > 3


def test_callback_exception_reaches_the_caller(runner):
    ids = ids_of(runner, PROMPT)
    calls = 0

    def explode(piece: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback"):
        runner.generate_tokens(ids, greedy_config(50, ignore_eos=True), explode)
    assert calls == 2
    runner.reset()
    assert len(runner.generate_tokens(ids, greedy_config(4, ignore_eos=True))) == 4


def test_stats_callback(runner):
    received: list[et_llm.Stats] = []
    runner.generate(PROMPT, greedy_config(10, ignore_eos=True), None, received.append)
    (stats,) = received
    assert stats.num_generated_tokens == 10
    assert stats.num_prompt_tokens == len(runner.tokenizer.encode(PROMPT))
    assert stats.inference_end_ms >= stats.prompt_eval_end_ms >= stats.inference_start_ms
    assert stats.decode_tokens_per_second > 0
    assert '"generated_tokens":10' in stats.to_json_string()


def test_sampling_is_reproducible_with_a_seed(runner):
    ids = ids_of(runner, PROMPT)
    config = et_llm.GenerationConfig(temperature=1.0, seed=7, max_new_tokens=30, echo=False)
    config.ignore_eos = True
    first = runner.generate_tokens(ids, config)
    runner.reset()
    assert runner.generate_tokens(ids, config) == first
    runner.reset()
    config.seed = 8
    assert runner.generate_tokens(ids, config) != first


def test_generate_returns_the_streamed_text(runner):
    pieces: list[str] = []
    text = runner.generate(PROMPT, greedy_config(40), pieces.append)
    assert text == "".join(pieces)


def test_stream_iterator(runner):
    pieces = list(et_llm.stream(runner, PROMPT, greedy_config(20, ignore_eos=True)))
    runner.reset()
    assert "".join(pieces) == runner.generate(PROMPT, greedy_config(20, ignore_eos=True))


def test_upstream_style_call(model_path, tokenizer_path):
    """Code written for executorch.extension.llm.runner runs unchanged."""
    runner = et_llm.TextLLMRunner(model_path, tokenizer_path, None)
    config = et_llm.GenerationConfig(echo=True, max_new_tokens=8, temperature=0.0, num_bos=1)
    assert config.resolve_max_new_tokens(128, 120) == 8
    out: list[str] = []
    runner.generate("Hello", config, lambda s: out.append(s), lambda stats: None)
    runner.prefill("more", config)
    runner.stop()
    runner.reset()
    assert out[0] == "Hello"


def test_no_torch_and_nothing_on_stdout(model_path, tokenizer_path):
    code = f"""
import sys, et_llm
r = et_llm.TextLLMRunner({model_path!r}, {tokenizer_path!r})
r.warmup()
text = r.generate("Hello", et_llm.GenerationConfig(max_new_tokens=16, temperature=0))
for bad in [("/nonexistent.pte", {tokenizer_path!r})]:
    try:
        et_llm.TextLLMRunner(*bad)
    except et_llm.NotFoundError:
        pass
assert "torch" not in sys.modules, "et_llm imported torch"
sys.stderr.write("ok " + str(len(text)))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "ok " in done.stderr


class TestBadInput:
    def test_missing_model(self, tokenizer_path):
        with pytest.raises(et_llm.NotFoundError) as info:
            et_llm.TextLLMRunner("/nonexistent/model.pte", tokenizer_path)
        assert info.value.code == et_llm.ErrorCode.NOT_FOUND
        assert isinstance(info.value, FileNotFoundError)

    def test_corrupt_model(self, tmp_path: Path, tokenizer_path):
        bad = tmp_path / "bad.pte"
        bad.write_bytes(os.urandom(4096))
        with pytest.raises(et_llm.InvalidProgramError):
            et_llm.TextLLMRunner(str(bad), tokenizer_path)

    def test_truncated_model(self, tmp_path: Path, model_path, tokenizer_path):
        data = Path(model_path).read_bytes()
        bad = tmp_path / "truncated.pte"
        bad.write_bytes(data[: len(data) // 3])
        with pytest.raises(et_llm.InvalidProgramError):
            et_llm.TextLLMRunner(str(bad), tokenizer_path)

    def test_missing_tokenizer(self, model_path):
        with pytest.raises(et_llm.NotFoundError):
            et_llm.TextLLMRunner(model_path, "/nonexistent/tokenizer.json")

    def test_corrupt_tokenizer(self, tmp_path: Path, model_path):
        bad = tmp_path / "tokenizer.json"
        bad.write_text('{"model": {"type": "BPE", "vocab": ')
        with pytest.raises(et_llm.TokenizerError):
            et_llm.TextLLMRunner(model_path, str(bad))

    def test_bad_config_values(self, runner):
        with pytest.raises(et_llm.InvalidArgumentError):
            et_llm.GenerationConfig(temperature=-1.0)
        config = greedy_config(4)
        config.max_new_tokens = -5
        with pytest.raises(et_llm.InvalidArgumentError, match="max_new_tokens"):
            runner.generate(PROMPT, config)
        config = greedy_config(4)
        config.temperature = float("nan")
        with pytest.raises(ValueError):
            runner.generate(PROMPT, config)

    def test_over_long_prompt(self, runner):
        context = runner.metadata["get_max_context_len"]
        with pytest.raises(et_llm.ContextLengthExceededError) as info:
            runner.generate_tokens([5] * (context + 1), greedy_config(4))
        assert info.value.code == et_llm.ErrorCode.CONTEXT_OVERFLOW
        # Nothing was consumed: the runner still works from position 0.
        assert runner.position == 0
        assert len(runner.generate_tokens([5, 6], greedy_config(3, ignore_eos=True))) == 3

    def test_token_out_of_vocabulary(self, runner):
        with pytest.raises(et_llm.InvalidArgumentError):
            runner.generate_tokens([runner.get_vocab_size() + 10], greedy_config(3))

    def test_empty_prompt_without_history(self, runner):
        with pytest.raises(et_llm.InvalidArgumentError):
            runner.generate_tokens([], greedy_config(3))


def test_metadata_gives_every_value_of_a_multi_value_method(fixture_dir, manifest):
    path = str(fixture_dir / "export_llm_dynamic.pte")
    eos = sorted(manifest["tokenizer"]["eos_ids"])
    described = et_llm.inspect_program(path, load_methods=False)["methods"]["get_eos_ids"]
    assert sorted(described["constant_values"]) == eos and len(eos) > 1
    runner = et_llm.TextLLMRunner(path, str(fixture_dir / "tokenizer.json"))
    for metadata in (runner.metadata, et_llm.get_llm_metadata(path)):
        assert sorted(metadata["get_eos_ids"]) == eos
        assert isinstance(metadata["get_max_context_len"], int)


def test_bytes_and_non_utf8_paths(tmp_path, model_path: str, tokenizer_path: str) -> None:
    """Paths are the OS's bytes (os.fsencode): bytes work, a non-UTF-8 name opens, and
    messages show the path itself, not its repr."""
    import os
    import shutil

    import pytest

    import et_llm

    folder = os.path.join(os.fsencode(tmp_path), b"caf\xe9")  # Latin-1, not UTF-8
    os.mkdir(folder)
    model = os.path.join(folder, b"model.pte")
    shutil.copy(model_path, model)
    runner = et_llm.TextLLMRunner(model, os.fsencode(tokenizer_path))
    config = et_llm.GenerationConfig(temperature=0.0, max_new_tokens=3, num_bos=0)
    assert len(runner.generate_tokens([1, 5], config)) == 3
    assert len(
        et_llm.TextLLMRunner(os.fsdecode(model), tokenizer_path).generate_tokens([1], config)
    )
    with pytest.raises(et_llm.NotFoundError) as error:
        et_llm.TextLLMRunner(b"/nope/model.pte", tokenizer_path)
    assert "/nope/model.pte" in str(error.value) and "b'" not in str(error.value)
    with pytest.raises(et_llm.NotFoundError) as error:
        et_llm.TextLLMRunner(os.path.join(folder, b"missing.pte"), tokenizer_path)
    assert "caf\\xe9" in str(error.value)  # shown escaped, printable


def test_bad_token_ids_are_typed_errors(runner) -> None:
    import numpy as np
    import pytest

    import et_llm

    config = et_llm.GenerationConfig(temperature=0.0, max_new_tokens=2, num_bos=0)
    for bad in ([-1], [10**20], [1, np.int64(-3)]):
        with pytest.raises(et_llm.InvalidArgumentError, match="is not an id"):
            runner.generate_tokens(bad, config)
        with pytest.raises(et_llm.InvalidArgumentError, match="is not an id"):
            runner.session.prefill_tokens(bad)
    with pytest.raises(et_llm.InvalidArgumentError, match="outside the vocabulary"):
        runner.generate_tokens([2**64 - 1], config)
    assert len(runner.generate_tokens(np.array([1, 5], dtype=np.int32), config)) == 2
