"""The runner's thread-count option and the physical-core default."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import et_llm
from tests.python.conftest import greedy_config
from tests.python.test_generation_oracle import PROMPTS, prompt_ids


def sysfs_physical_cores() -> int:
    """Distinct (package, core) pairs among the CPUs this process may use."""
    cores: set[tuple[str, str]] = set()
    for cpu in os.sched_getaffinity(0):
        topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        try:
            package = (topology / "physical_package_id").read_text().strip()
            core = (topology / "core_id").read_text().strip()
        except OSError:
            return len(os.sched_getaffinity(0))
        cores.add((package, core))
    return len(cores)


@pytest.fixture(autouse=True)
def restore_pool() -> Iterator[None]:
    gc.collect()  # runners of earlier tests in reference cycles hold the pool
    before = et_llm.get_num_threads()
    yield
    gc.collect()
    et_llm.set_num_threads(before)


def test_physical_core_count_matches_sysfs():
    assert et_llm.physical_core_count() == sysfs_physical_cores()


@pytest.mark.parametrize("threads", [1, 3])
def test_num_threads_sizes_the_pool_and_keeps_tokens(
    threads, model_path, tokenizer_path, oracle, hf_tokenizer, bos_id, eos_ids
):
    runner = et_llm.TextLLMRunner(model_path, tokenizer_path, num_threads=threads)
    assert et_llm.get_num_threads() == threads
    ids = prompt_ids(hf_tokenizer, bos_id, PROMPTS[0])
    assert runner.generate_tokens(ids, greedy_config(24)) == oracle.greedy(ids, 24, eos_ids)


def test_default_is_physical_cores(model_path, tokenizer_path):
    et_llm.set_num_threads(et_llm.physical_core_count() + 1)
    et_llm.TextLLMRunner(model_path, tokenizer_path)
    assert et_llm.get_num_threads() == et_llm.physical_core_count()


def test_bad_thread_counts_are_typed_errors(model_path, tokenizer_path):
    with pytest.raises(et_llm.InvalidArgumentError, match="num_threads"):
        et_llm.TextLLMRunner(model_path, tokenizer_path, num_threads=100_000)
    with pytest.raises(TypeError):
        et_llm.TextLLMRunner(model_path, tokenizer_path, num_threads=-1)
    runner = et_llm.TextLLMRunner(model_path, tokenizer_path, num_threads=2)
    assert runner.generate("Hello", greedy_config(4)) is not None


def test_sizing_the_pool_prints_nothing(model_path, tokenizer_path):
    # Creating the pool probes the CPU and logs at Info level; that must stay filtered.
    code = (
        "import et_llm; "
        f"et_llm.TextLLMRunner({model_path!r}, {tokenizer_path!r}, num_threads=1); "
        "et_llm.get_num_threads()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


def test_no_resize_while_a_model_is_loaded(
    model_path, tokenizer_path, oracle, hf_tokenizer, bos_id, eos_ids
):
    # XNNPACK keeps the pool a delegate was loaded with: replacing it under a loaded model
    # left that model reading freed memory on its next forward (found by ASan).
    ids = prompt_ids(hf_tokenizer, bos_id, PROMPTS[0])
    expected = oracle.greedy(ids, 16, eos_ids)
    runner = et_llm.TextLLMRunner(model_path, tokenizer_path, num_threads=2)
    assert runner.generate_tokens(ids, greedy_config(16)) == expected
    with pytest.raises(et_llm.InvalidStateError, match="while a model is loaded"):
        et_llm.set_num_threads(1)
    with pytest.raises(et_llm.InvalidStateError, match="while a model is loaded"):
        et_llm.TextLLMRunner(model_path, tokenizer_path, num_threads=3)
    et_llm.set_num_threads(2)  # the size it has
    other = et_llm.TextLLMRunner(model_path, tokenizer_path)  # no count asked: the pool serves
    assert et_llm.get_num_threads() == 2
    assert other.generate_tokens(ids, greedy_config(16)) == expected
    runner.reset()
    assert runner.generate_tokens(ids, greedy_config(16)) == expected
    del runner, other
    et_llm.set_num_threads(1)  # nothing loaded any more
    assert et_llm.get_num_threads() == 1
