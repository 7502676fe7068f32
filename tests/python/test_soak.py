"""Soak: 1,000 generates on one runner, 200 load/unload cycles, and 8 sessions of one Engine
taking 500 turns each leave the resident set flat — at most 2% above its size after warm-up.
Each runs in its own process so the RSS is the loop's alone; ``-s`` prints the curves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MAX_GROWTH = 0.02

LOOPS = """
import json, sys
import et_llm

def rss_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))

model, tokenizer, loop = sys.argv[1], sys.argv[2], sys.argv[3]
config = et_llm.GenerationConfig(temperature=0.0, max_new_tokens=8, echo=False, num_bos=0)
curve = []

def generates(count):
    runner = et_llm.TextLLMRunner(model, tokenizer)
    for i in range(count):
        runner.reset()
        runner.generate_tokens([1, 5 + i % 50, 6], config)
        if i % 50 == 49:
            curve.append(rss_kb())

def load_unload(count):
    for i in range(count):
        runner = et_llm.TextLLMRunner(model, tokenizer)
        runner.generate_tokens([1, 5, 6], config)
        del runner
        if i % 10 == 9:
            curve.append(rss_kb())

def sessions(count):
    engine = et_llm.Engine(model, tokenizer)
    live = [engine.create_session() for _ in range(8)]
    for turn in range(count):
        for session in live:
            if session.position() > 100:  # the fixture's context is 128
                session.reset()
            session.generate_tokens([5 + turn % 50, 6], config)
        if turn % 25 == 24:
            curve.append(rss_kb())

{"generates": lambda: generates(1000), "load_unload": lambda: load_unload(200),
 "sessions": lambda: sessions(500)}[loop]()
print(json.dumps(curve))
"""


@pytest.mark.parametrize("loop", ["generates", "load_unload", "sessions"])
def test_rss_stays_flat(loop: str, fixture_dir: Path, tokenizer_path: str) -> None:
    model = str(fixture_dir / "export_llm_dynamic.pte")
    done = subprocess.run(
        [sys.executable, "-c", LOOPS, model, tokenizer_path, loop],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    curve = json.loads(done.stdout)
    warm = curve[len(curve) // 5]  # after the first fifth: allocator pools and caches filled
    growth = (max(curve[len(curve) // 5 :]) - warm) / warm
    print(f"\n{loop}: RSS kB every step {curve}; growth after warm-up {growth:+.2%}")
    assert growth <= MAX_GROWTH, (loop, curve)
