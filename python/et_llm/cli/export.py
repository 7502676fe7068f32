"""`et-llm export`: a HF model directory or a GGUF file to an ExecuTorch .pte."""

from __future__ import annotations

import argparse
from pathlib import Path

from et_llm.models.optimum_export import QUANTIZATIONS
from et_llm.models.registry import DEFAULT_MAX_SEQ_LEN

EXAMPLES = """examples:
  et-llm export ./my-hf-model --output my-model-fp32
  et-llm export model.gguf --quant 8da4w --max-seq-len 2048
  et-llm export ./my-hf-model --no-custom-ops --output plain

The output directory gets model.pte and the tokenizer files; the .pte path is printed.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", type=Path, help="HF model directory (config.json) or .gguf file")
    parser.add_argument("--quant", choices=sorted(QUANTIZATIONS), default="fp32")
    parser.add_argument(
        "--custom-ops",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="use the llama:: custom SDPA / KV-cache ops (default: on; et_llm has kernels)",
    )
    parser.add_argument("--max-seq-len", type=int, default=DEFAULT_MAX_SEQ_LEN)
    parser.add_argument("-o", "--output", type=Path, help="output directory (default: NAME-QUANT)")
    parser.add_argument("--force", action="store_true", help="redo every step")


def run(args: argparse.Namespace) -> int:
    from et_llm.models.export_source import export_model

    suffix = args.quant + ("" if args.custom_ops else "-plain")
    output = args.output or Path(f"{args.source.expanduser().resolve().stem}-{suffix}")
    pte = export_model(
        args.source, output, args.quant, args.custom_ops, args.max_seq_len, force=args.force
    )
    print(pte)
    return 0
