"""What a model-tools worker prints: et_llm's own step lines go to stderr, everything else
(torch / torchao / transformers warnings, progress bars) to the step's log file, which is
named when the step runs long or fails."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import IO

from et_llm.models.log import log

OWN_LINE = "[et_llm.models"
HEARTBEAT_SECONDS = 60.0
TAIL_LINES = 30


def relay(lines: IO[str], log_file: IO[str], own: IO[str], tail: deque[str]) -> None:
    """Copies every line to `log_file` and keeps the last ones in `tail`; et_llm's step
    lines also go to `own`."""
    for line in lines:
        log_file.write(line)
        log_file.flush()
        tail.append(line)
        if line.startswith(OWN_LINE):
            own.write(line)
            own.flush()


def run_logged(command: list[str], env: dict[str, str], task: str, log_path: Path) -> int:
    """Runs a worker, its output relayed as above; says every minute that it still works.
    Returns its exit code; on failure the log's last lines are shown."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    done = threading.Event()
    begin = time.monotonic()

    def heartbeat() -> None:
        while not done.wait(HEARTBEAT_SECONDS):
            minutes = (time.monotonic() - begin) / 60
            log(f"{task}: still working ({minutes:.0f} min; its log: {log_path})")

    with log_path.open("w", encoding="utf-8", errors="replace") as log_file:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        beat = threading.Thread(target=heartbeat, daemon=True)
        beat.start()
        try:
            assert process.stdout is not None
            relay(process.stdout, log_file, sys.stderr, tail)
            code = process.wait()
        finally:
            done.set()
            beat.join()
    if code != 0:
        sys.stderr.write("".join(without_tracebacks(list(tail))))
        log(f"{task} failed; its whole log: {log_path}")
    return code


def without_tracebacks(lines: list[str]) -> list[str]:
    """The lines with each Python traceback cut to its last line (the exception): what went
    wrong, without the frames a user cannot act on (the log keeps them)."""
    kept: list[str] = []
    in_traceback = False
    for line in lines:
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
        elif in_traceback and not line.startswith((" ", "\t")):
            in_traceback = False
            kept.append(line)
        elif not in_traceback:
            kept.append(line)
    return kept
