"""Runs the C++ multimodal example on the fixture vision-LM: it must print the eager
reference continuation of [question, image.ppm, "in a few words"]."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from example_ids import check_example_ids


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
    return check_example_ids(args, reference["output_ids"])


if __name__ == "__main__":
    sys.exit(main())
