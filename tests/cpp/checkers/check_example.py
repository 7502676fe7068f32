"""Runs the C++ example on the fixture model: it must print the eager reference continuation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def main() -> int:
    binary = sys.argv[1]
    fixtures = Path(os.environ["ET_LLM_FIXTURES_DIR"])
    manifest = json.loads((fixtures / "manifest.json").read_text())
    # Reference prompts are BOS + the text, so the example is asked for one BOS.
    reference = next(r for r in manifest["references"] if r["text"] and not r["stops_at_eos"])
    n = 24
    args = [
        binary,
        str(fixtures / "export_llm_dynamic.pte"),
        str(fixtures / "tokenizer.json"),
        reference["text"],
        str(n),
        "0",
        "1",
    ]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 1
    ids_line = next(line for line in done.stderr.splitlines() if line.startswith("ids:"))
    got = [int(x) for x in ids_line.split()[1:]]
    want = reference["output_ids"][:n]
    print(f"example printed: {done.stdout.rstrip()!r}")
    if got != want:
        print(f"mismatch:\n got  {got}\n want {want}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
