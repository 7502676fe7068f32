"""The runner's thread-count option and the physical-core default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
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


def in_fresh_process(code: str) -> object:
    """Runs `code` in a new interpreter and returns the JSON it prints last.

    The pool is one per process and cannot be resized while any model is loaded: a runner
    another test module still holds would make these tests depend on the order they run in.
    """
    prelude = "import json, sys, et_llm\nfrom tests.python.conftest import greedy_config\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_physical_core_count_matches_sysfs():
    assert et_llm.physical_core_count() == sysfs_physical_cores()


@pytest.mark.parametrize("threads", [1, 3])
def test_num_threads_sizes_the_pool_and_keeps_tokens(
    threads, model_path, tokenizer_path, oracle, hf_tokenizer, bos_id, eos_ids
):
    ids = prompt_ids(hf_tokenizer, bos_id, PROMPTS[0])
    got = in_fresh_process(f"""
        runner = et_llm.TextLLMRunner({model_path!r}, {tokenizer_path!r}, num_threads={threads})
        tokens = runner.generate_tokens({ids!r}, greedy_config(24))
        print(json.dumps([et_llm.get_num_threads(), tokens]))
    """)
    assert got == [threads, oracle.greedy(ids, 24, eos_ids)]


def test_default_is_physical_cores(model_path, tokenizer_path):
    got = in_fresh_process(f"""
        et_llm.set_num_threads(et_llm.physical_core_count() + 1)
        et_llm.TextLLMRunner({model_path!r}, {tokenizer_path!r})
        print(json.dumps([et_llm.get_num_threads(), et_llm.physical_core_count()]))
    """)
    assert got[0] == got[1]


def test_bad_thread_counts_are_typed_errors(model_path, tokenizer_path):
    with pytest.raises(et_llm.InvalidArgumentError, match="num_threads"):
        et_llm.TextLLMRunner(model_path, tokenizer_path, num_threads=100_000)
    with pytest.raises(TypeError):
        et_llm.TextLLMRunner(model_path, tokenizer_path, num_threads=-1)
    same = et_llm.get_num_threads()  # the size the pool has is always accepted
    runner = et_llm.TextLLMRunner(model_path, tokenizer_path, num_threads=same)
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
    got = in_fresh_process(f"""
        ids, out = {ids!r}, {{}}
        runner = et_llm.TextLLMRunner({model_path!r}, {tokenizer_path!r}, num_threads=2)
        out["first"] = runner.generate_tokens(ids, greedy_config(16))
        for name, resize in [
            ("set", lambda: et_llm.set_num_threads(1)),
            ("runner", lambda: et_llm.TextLLMRunner({model_path!r}, {tokenizer_path!r},
                                                    num_threads=3)),
        ]:
            try:
                resize()
                out[name] = "resized"
            except et_llm.InvalidStateError as error:
                out[name] = str(error)
        et_llm.set_num_threads(2)  # the size it has
        other = et_llm.TextLLMRunner({model_path!r}, {tokenizer_path!r})  # no count: the pool
        out["pool"] = et_llm.get_num_threads()
        out["other"] = other.generate_tokens(ids, greedy_config(16))
        runner.reset()
        out["again"] = runner.generate_tokens(ids, greedy_config(16))
        del runner, other
        et_llm.set_num_threads(1)  # nothing loaded any more
        out["after"] = et_llm.get_num_threads()
        print(json.dumps(out))
    """)
    expected = oracle.greedy(ids, 16, eos_ids)
    assert got["first"] == got["other"] == got["again"] == expected
    assert "while a model is loaded" in got["set"] and "while a model is loaded" in got["runner"]
    assert got["pool"] == 2 and got["after"] == 1
