"""When stop() counts: from the moment generate() begins (while its grammar compiles, before
any forward) it ends that turn; while idle it is forgotten by the next generate(), so a late
click of a "stop" button never cuts the following answer short."""

from __future__ import annotations

import threading

import pytest

import et_llm
from et_llm import _et_llm
from et_llm.grammar import compile_grammar, install

from .conftest import greedy_config

pytest.importorskip("llguidance")


def test_a_stop_while_the_grammar_compiles_ends_that_turn(runner: et_llm.TextLLMRunner) -> None:
    compiling, release = threading.Event(), threading.Event()

    def slow_compile(*args: object) -> object:
        compiling.set()
        release.wait(timeout=30)
        return compile_grammar(*args)  # type: ignore[arg-type]

    def stop_during_compile() -> None:
        compiling.wait(timeout=30)
        runner.stop()
        release.set()

    _et_llm.set_grammar_backend(slow_compile)
    try:
        stopper = threading.Thread(target=stop_during_compile)
        stopper.start()
        tokens = runner.generate_tokens(
            "hello", greedy_config(max_new_tokens=32, grammar="[a-z ]{0,200}", grammar_type="regex")
        )
        stopper.join()
    finally:
        install()
    assert compiling.is_set()
    assert tokens == []
    # The turn it stopped kept nothing, and the runner goes on normally.
    assert runner.generate_tokens("hello", greedy_config(max_new_tokens=4)) != []


def test_a_stop_while_idle_does_not_cut_the_next_turn(runner: et_llm.TextLLMRunner) -> None:
    expected = runner.generate_tokens("hello", greedy_config(max_new_tokens=8))
    runner.reset()
    runner.stop()
    assert runner.generate_tokens("hello", greedy_config(max_new_tokens=8)) == expected
