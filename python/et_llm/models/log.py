"""Step logs of model preparation: stderr only (stdout belongs to the CLI's output)."""

from __future__ import annotations

import sys
import time

_START = time.monotonic()


def log(message: str) -> None:
    print(
        f"[et_llm.models {time.monotonic() - _START:7.1f}s] {message}", file=sys.stderr, flush=True
    )
