"""The options of `et-llm bench` (also `python -m et_llm.bench` and the scripts in
benchmarks/, which add their own defaults)."""

from __future__ import annotations

import argparse
import sys

ENGINES = ("et_llm", "upstream", "llama.cpp")
DEFAULT_PROMPT = (
    "The history of the printing press begins in the fifteenth century, when Johannes "
    "Gutenberg combined movable metal type, oil-based ink and a screw press. Within fifty "
    "years, presses had spread across Europe, and books became"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        action="append",
        help=".pte file or model name[:variant] (default gemma3-270m); repeatable",
    )
    parser.add_argument(
        "--variant",
        action="append",
        help="variant of a named model (fp32, 8da4w, fp32-plain); repeatable, default fp32",
    )
    parser.add_argument("--tokenizer", help="tokenizer for .pte paths (default: next to it)")
    parser.add_argument("--gguf", help="GGUF for llama.cpp (named models bring their own)")
    parser.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help=f"comma-separated subset of {', '.join(ENGINES)} (default: all)",
    )
    parser.add_argument("--prompt", default=DEFAULT_PROMPT)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3, help="timings per subprocess")
    parser.add_argument("--rounds", type=int, default=2, help="subprocesses per engine and file")
    parser.add_argument("--threads", type=int, help="default: physical cores")
    parser.add_argument("--json", dest="json_path", help="write all results here")
    parser.add_argument("--upstream-python", default=sys.executable)
    parser.add_argument("--llama-cpp-python", help="interpreter with llama_cpp installed")
