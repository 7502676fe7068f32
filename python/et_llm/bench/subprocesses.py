"""Every (engine, file) pair measured in a fresh subprocess (`engines.py` run by the engine's
interpreter), the pairs alternating over the rounds so load on the machine hits all alike."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from et_llm.bench.planning import Target

# (file label, engine) -> the results of its subprocesses, one per round.
Runs = dict[tuple[str, str], list[dict[str, Any]]]


def run_target(target: Target, args: argparse.Namespace, threads: int) -> dict[str, Any]:
    """One subprocess: the JSON line it prints last."""
    script = str(Path(__file__).with_name("engines.py"))
    command = [target.python, script, target.engine, "--model", target.model]
    if target.tokenizer:
        command += ["--tokenizer", target.tokenizer]
    command += ["--prompt", args.prompt, "--new-tokens", str(args.new_tokens)]
    command += ["--repeats", str(args.repeats), "--threads", str(threads)]
    return last_json_line(command, f"{target.engine} on {target.model}")


def last_json_line(command: list[str], what: str) -> dict[str, Any]:
    """Runs a benchmark subprocess and parses the JSON line it prints last; RuntimeError with
    the end of its stderr when it fails. Bytes, not text: upstream's runner writes raw (possibly
    partial UTF-8) token bytes to stdout."""
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", errors="replace")
        raise RuntimeError(f"{what} failed:\n{stderr[-3000:]}")
    stdout = done.stdout.decode("utf-8", errors="replace")
    return json.loads(stdout.strip().splitlines()[-1])


def run_rounds(
    targets: list[Target], args: argparse.Namespace, threads: int
) -> tuple[Runs, dict[str, str]]:
    """The results of every round, and the pairs that failed with the reason; a failed pair is
    dropped from the later rounds (and its earlier results with it)."""
    runs: Runs = {}
    failed: dict[str, str] = {}
    for round_index in range(args.rounds):
        for target in list(targets):
            print(
                f"[bench] round {round_index + 1}/{args.rounds}: {target.engine} on {target.label}",
                file=sys.stderr,
                flush=True,
            )
            try:
                result = run_target(target, args, threads)
            except RuntimeError as failure:
                # One engine failing on one file must not lose the other measurements.
                failed[f"{target.engine} on {target.label}"] = str(failure).splitlines()[-1]
                targets.remove(target)
                runs.pop((target.label, target.engine), None)
                continue
            runs.setdefault((target.label, target.engine), []).append(result)
    return runs, failed
