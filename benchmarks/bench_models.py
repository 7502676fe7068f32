"""The whole speed comparison in one command: et_llm vs upstream ExecuTorch's runner on
the same `.pte` files and llama.cpp on the same weights' GGUF, alternating in one run.

Files: Gemma 3 270M fp32 and 8da4w (both calling the llama:: custom ops, served by et_llm's
own kernels and by upstream's AOT library), SmolLM2-135M-Instruct fp32 without custom ops
(the plain-attention case), and with ``--plain-gemma`` Gemma 3 fp32 without custom ops.
Missing models are prepared first (`et-llm pull`, tens of minutes the first time).
Prints prefill/decode tok/s, TTFT, peak RSS and the ratios; writes everything as JSON.

    python benchmarks/bench_models.py [--rounds 3] [--json benchmarks/results.json]
    bash benchmarks/setup_llama_cpp.sh   # once, for the llama.cpp column (~13 min build)
"""

from __future__ import annotations

import argparse
import sys

from et_llm import bench

FILES = ["gemma3-270m:fp32", "gemma3-270m:8da4w", "smollm2-135m-instruct:fp32"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    bench.add_arguments(parser)
    parser.add_argument(
        "--plain-gemma", action="store_true", help="also Gemma fp32 without custom ops"
    )
    parser.set_defaults(rounds=3, repeats=3, new_tokens=64, json_path="bench_models.json")
    args = parser.parse_args()
    if not args.model:
        args.model = FILES + (["gemma3-270m:fp32-plain"] if args.plain_gemma else [])
    return bench.run(args)


if __name__ == "__main__":
    sys.exit(main())
