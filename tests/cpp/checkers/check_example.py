"""Runs the C++ example on the fixture model: it must print the eager reference continuation."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from example_ids import check_example_ids


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
    return check_example_ids(args, reference["output_ids"][:n])


if __name__ == "__main__":
    sys.exit(main())
