"""Runs the C++ multimodal example on the fixture vision-LM: it must print the eager
reference continuation of [question, image.ppm, "in a few words"]."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def main() -> int:
    binary = sys.argv[1]
    fixtures = Path(os.environ["ET_LLM_MULTIMODAL_FIXTURES_DIR"])
    manifest = json.loads((fixtures / "manifest.json").read_text())
    reference = next(r for r in manifest["references"] if r["name"] == "vlm_text_image_text")
    question = reference["inputs"][0]["text"]
    assert reference["inputs"][2]["text"] == "in a few words"
    n = len(reference["output_ids"])
    args = [
        binary,
        str(fixtures / "vlm_input_pos.pte"),
        str(fixtures / "tokenizer.json"),
        str(fixtures / "image.ppm"),
        question,
        str(n),
        "0",  # the reference prompt has no BOS
    ]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 1
    ids_line = next(line for line in done.stderr.splitlines() if line.startswith("ids:"))
    got = [int(x) for x in ids_line.split()[1:]]
    print(f"example printed: {done.stdout.rstrip()!r}")
    if got != reference["output_ids"]:
        print(f"mismatch:\n got  {got}\n want {reference['output_ids']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
