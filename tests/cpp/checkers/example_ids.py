"""Runs a C++ example and compares the token ids it reports on stderr (a line "ids: 1 2 3")
with the reference's."""

from __future__ import annotations

import subprocess
import sys


def check_example_ids(args: list[str], want: list[int]) -> int:
    """Runs `args`; 0 when the example succeeds and reports exactly `want`, else 1."""
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 1
    ids_line = next(line for line in done.stderr.splitlines() if line.startswith("ids:"))
    got = [int(x) for x in ids_line.split()[1:]]
    print(f"example printed: {done.stdout.rstrip()!r}")
    if got != want:
        print(f"mismatch:\n got  {got}\n want {want}", file=sys.stderr)
        return 1
    return 0
