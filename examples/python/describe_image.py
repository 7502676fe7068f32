"""Describe an image with a vision-language ExecuTorch model, streaming the answer.

python examples/python/describe_image.py MODEL.pte TOKENIZER.json photo.jpg
python examples/python/describe_image.py MODEL.pte TOKENIZER.json image.ppm --question "What is it?"

The image is opened with PIL when it is installed (any format PIL reads), else it must be
a binary PPM (P6) or a ``.npy`` array. It is resized to what the model's vision_encoder
takes (``--size``, PIL only); et_llm converts its layout and dtype.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import et_llm


def read_ppm(path: Path) -> np.ndarray:
    data = path.read_bytes()
    fields = data.split(maxsplit=4)
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError(f"{path} is not an 8-bit binary PPM")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[len(data) - width * height * 3 :]
    return np.frombuffer(pixels, np.uint8).reshape(height, width, 3)


def load_image(path: Path, size: int | None) -> object:
    if path.suffix == ".npy":
        return np.load(path)
    try:
        from PIL import Image
    except ImportError:
        return read_ppm(path)
    image = Image.open(path).convert("RGB")
    return image.resize((size, size)) if size else image


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("tokenizer")
    parser.add_argument("image", type=Path)
    parser.add_argument("--question", default="Describe this image")
    parser.add_argument("--size", type=int, default=None, help="resize to SIZE x SIZE first")
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--temperature", type=float, default=0.0)
    args = parser.parse_args()

    try:
        runner = et_llm.MultimodalRunner(args.model, args.tokenizer)
        image = load_image(args.image, args.size)
    except (et_llm.Error, OSError, ValueError) as error:
        print(f"cannot load: {error}", file=sys.stderr)
        return 1
    config = et_llm.GenerationConfig(
        echo=False, max_new_tokens=args.max_new_tokens, temperature=args.temperature
    )
    try:
        runner.generate(
            [args.question, image, "Answer briefly."],
            config,
            token_callback=lambda piece: print(piece, end="", flush=True),
        )
    except et_llm.Error as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    stats = runner.stats
    print(
        f"\n[{stats.num_prompt_tokens} prompt positions in {stats.prefill_time_us / 1000:.1f} ms, "
        f"{stats.decode_tokens_per_second:.1f} tok/s]",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
