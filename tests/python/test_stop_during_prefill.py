"""stop() during a long prefill lands within about TextPrefiller's latency target, because
a stoppable prefill sizes its calls from the time the last one took. A KV-cache manager that
takes 8 ms per token stands in for a large model."""

from __future__ import annotations

import threading
import time

import numpy as np

import et_llm
from et_llm.kv_cache import NumpyKVCache
from tests.python.conftest import greedy_config

SECONDS_PER_TOKEN = 0.008


class SlowKVCache(NumpyKVCache):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def prepare_prefill(self, tokens: np.ndarray, start_pos: int, method: str) -> list:
        self.calls.append(len(tokens))
        time.sleep(SECONDS_PER_TOKEN * len(tokens))
        return super().prepare_prefill(tokens, start_pos, method)

    prepare_decode = prepare_prefill


def test_stop_lands_within_half_a_second_of_the_call(fixture_dir, tokenizer_path) -> None:
    cache = SlowKVCache()
    runner = et_llm.TextLLMRunner(fixture_dir / "kv_io.pte", tokenizer_path, io_manager=cache)
    prompt = list(range(5, 125))  # 120 tokens: ~1 s of prefill in one call
    assert runner.session.max_context_len > len(prompt)
    stopped_at: list[float] = []

    def stop_soon() -> None:
        time.sleep(0.3)
        stopped_at.append(time.perf_counter())
        runner.stop()

    stopper = threading.Thread(target=stop_soon)
    stopper.start()
    runner.generate_tokens(prompt, greedy_config(8))
    returned = time.perf_counter()
    stopper.join()
    assert runner.session.finish_reason == "stopped"
    assert runner.session.position() == 0, "a prefill cut short keeps nothing"
    assert returned - stopped_at[0] < 0.5
    assert cache.calls[0] == 64, cache.calls  # a first call to learn the speed

    # Unstopped, the whole prompt goes in, in calls sized to the latency target.
    cache.calls.clear()
    runner.reset()
    runner.generate_tokens(prompt, greedy_config(2))
    assert cache.calls[:3] == [64, 32, 24], cache.calls  # 0.3 s at 8 ms per token: 32
    assert runner.session.position() == len(prompt) + 1
