"""Runs the C API test program on the fixture model with an eager-PyTorch reference."""

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
    reference = next(r for r in manifest["references"] if r["text"])
    args = [
        binary,
        str(fixtures / "export_llm_dynamic.pte"),
        str(fixtures / "tokenizer.json"),
        reference["text"],
        ",".join(map(str, reference["prompt_ids"])),
        ",".join(map(str, reference["output_ids"])),
    ]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    sys.stderr.write(done.stderr)
    if done.stdout:
        print(f"the C API printed to stdout: {done.stdout!r}", file=sys.stderr)
        return 1
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
