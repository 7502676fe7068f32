"""Damaged files of every kind the runners read — programs, each tokenizer format, tokenizer
configs — truncated and bit-flipped, each loaded and used: every case ends in a typed et_llm
error or a run, never a signal, a hang or an untyped exception. A run of a damaged program may
differ from the intact one's (a flipped weight is still a valid file); the sweep counts those.

Run with ``-s`` to see the counts (cases / typed / same result / other result / findings).
"""

from __future__ import annotations

import collections
import json
import random
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.fixtures.tokenizer_formats.build import artifacts

WORKER = Path(__file__).with_name("bad_input_cases.py")
CASE_TIMEOUT_S = 60
FLIPS = {"program": 150, "tokenizer": 40, "tokenizer_config": 30}
# Where flips land in a program: its flatbuffer (the header, plans and values) is at the start.
PROGRAM_FLIP_SPAN = 65536


def _damaged(data: bytes, kind: str, rng: random.Random) -> list[tuple[str, bytes]]:
    cases = [("intact", data)]
    for length in sorted({0, 1, 8, len(data) // 2, len(data) - 1}):
        cases.append((f"truncated to {length}", data[:length]))
    span = min(len(data), PROGRAM_FLIP_SPAN) if kind == "program" else len(data)
    for _ in range(FLIPS[kind]):
        position, bit = rng.randrange(span), rng.randrange(8)
        flipped = bytearray(data)
        flipped[position] ^= 1 << bit
        cases.append((f"bit {bit} of byte {position} flipped", bytes(flipped)))
    return cases


def _run_cases(cases: list[list[str]]) -> dict[int, str]:
    """Each case's outcome; a worker that dies or stalls is charged to its current case and a
    new one goes on from the next."""
    outcomes: dict[int, str] = {}
    start = 0
    while start < len(cases):
        # stderr to a file: the runtime's messages on damaged files could fill a pipe.
        errors = tempfile.TemporaryFile("w+")
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), json.dumps(cases[start:])],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        selector = selectors.DefaultSelector()
        selector.register(worker.stdout, selectors.EVENT_READ)
        current = start
        deadline = time.monotonic() + CASE_TIMEOUT_S
        while True:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                worker.kill()
                outcomes[current] = "hang"
                break
            line = worker.stdout.readline()
            if not line:  # the worker ended: done, or dead in the current case
                code = worker.wait()
                if current < len(cases):
                    outcomes[current] = f"signal {-code}" if code < 0 else f"exit {code}"
                    errors.seek(0)
                    outcomes[current] += " " + errors.read()[-300:]
                break
            index, outcome = line.rstrip("\n").split(" ", 1)
            outcomes[start + int(index)] = outcome
            current = start + int(index) + 1
            deadline = time.monotonic() + CASE_TIMEOUT_S
        worker.wait()
        errors.close()
        worker.stdout.close()
        start = current + 1
    return outcomes


def _originals(fixture_dir: Path) -> list[tuple[str, Path, str]]:
    tokenizers = artifacts()
    hf = str(fixture_dir / "tokenizer.json")
    return [
        ("program", fixture_dir / "export_llm_dynamic.pte", hf),
        ("program", fixture_dir / "prefill_decode.pte", hf),
        ("tokenizer", fixture_dir / "tokenizer.json", ""),
        ("tokenizer", tokenizers.sp_bpe, ""),
        ("tokenizer", tokenizers.sp_unigram, ""),
        ("tokenizer", tokenizers.llama2c, ""),
        ("tokenizer", tokenizers.tiktoken, ""),
        ("tokenizer_config", fixture_dir / "tokenizer_config.json", hf),
    ]


def test_damaged_files_end_in_typed_errors(fixture_dir: Path, tmp_path: Path) -> None:
    rng = random.Random(14)
    cases: list[list[str]] = []
    described: list[tuple[str, str]] = []
    for kind, original, companion in _originals(fixture_dir):
        for number, (how, data) in enumerate(_damaged(original.read_bytes(), kind, rng)):
            path = tmp_path / f"{len(cases)}{original.suffix}"
            path.write_bytes(data)
            cases.append([kind, str(path), companion])
            described.append((original.name, how if number else "intact"))
    outcomes = _run_cases(cases)

    counts: collections.Counter[str] = collections.Counter()
    findings = []
    intact_result: dict[str, str] = {}
    for index, (name, how) in enumerate(described):
        outcome = outcomes.get(index, "no outcome")
        if how == "intact":
            assert outcome.startswith("ran"), (name, outcome)
            intact_result[name] = outcome
            continue
        if outcome.startswith("typed"):
            counts["typed error"] += 1
        elif outcome.startswith("ran"):
            counts["same result" if outcome == intact_result[name] else "other result"] += 1
        else:
            counts["finding"] += 1
            findings.append((name, how, outcome))
    print(f"\nbad-input sweep: {sum(counts.values())} cases, {dict(counts)}")
    assert not findings, "\n".join(map(str, findings))
    assert counts["typed error"] > len(described) // 3
