"""Corrupt .pte files: single-bit flips in the program flatbuffer of a fixture, each loaded
and run in its own process, end in a typed error or a normal run — never a segfault (before
the load-time checks, 5 of these 40 flips crashed). The ExecuTorch runtime's own asserts
(ET_CHECK: an abort naming the failed check) remain possible on flips that change a value's
type; those are its limitation, told apart here by their message."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from pathlib import Path

FLIPS = 40
RUN = """
import sys, et_llm
try:
    runner = et_llm.TextLLMRunner(sys.argv[1], sys.argv[2])
    runner.generate_tokens([1, 5, 6], et_llm.GenerationConfig(temperature=0.0, max_new_tokens=4))
except et_llm.Error:
    sys.exit(1)
"""


def test_bit_flips_never_crash(fixture_dir: Path, tmp_path: Path) -> None:
    data = (fixture_dir / "export_llm_dynamic.pte").read_bytes()
    rng = random.Random(1)
    flipped = tmp_path / "flipped.pte"
    crashes = []
    outcomes = {"ran": 0, "error": 0, "runtime assert": 0}
    for _ in range(FLIPS):
        corrupt = bytearray(data)
        position, bit = rng.randrange(min(len(data), 65536)), rng.randrange(8)
        corrupt[position] ^= 1 << bit
        flipped.write_bytes(bytes(corrupt))
        done = subprocess.run(
            [sys.executable, "-c", RUN, str(flipped), str(fixture_dir / "tokenizer.json")],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=120,
        )
        if done.returncode in (0, 1):
            outcomes["ran" if done.returncode == 0 else "error"] += 1
        elif done.returncode == -signal.SIGABRT and "assert failed" in done.stderr:
            outcomes["runtime assert"] += 1
        else:
            crashes.append((position, bit, done.returncode, done.stderr[-300:]))
    assert not crashes, crashes
    assert outcomes["error"] > 0, outcomes
