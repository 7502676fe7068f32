"""Sampling flags shared by `generate` and `chat`, mapped onto GenerationConfig.

Both spellings work: `--top-k` and HF's `--top_k`, `--max-new-tokens` and `--max_new_tokens`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from et_llm.errors import InvalidArgumentError


def _flag(group: argparse._ArgumentGroup, name: str, **kwargs: Any) -> None:
    dashed = "--" + name.replace("_", "-")
    underscored = "--" + name
    flags = [dashed] if dashed == underscored else [dashed, underscored]
    group.add_argument(*flags, dest=name, **kwargs)


def add_sampling_arguments(parser: argparse.ArgumentParser, max_new_tokens: int) -> None:
    group = parser.add_argument_group("generation (as in GenerationConfig / HF generate)")
    _flag(group, "max_new_tokens", type=int, default=max_new_tokens, help="default: %(default)s")
    _flag(group, "temperature", type=float, help="0 = greedy (default: 0.8)")
    group.add_argument("--greedy", action="store_true", help="argmax decoding (temperature 0)")
    _flag(group, "top_k", type=int, help="keep the k most likely tokens (0 = off)")
    _flag(group, "top_p", type=float, help="nucleus sampling mass (1 = off)")
    _flag(group, "min_p", type=float, help="drop tokens below min_p x the top probability")
    _flag(group, "repetition_penalty", type=float, help="HF-style repetition penalty (1 = off)")
    _flag(group, "frequency_penalty", type=float, help="OpenAI-style frequency penalty")
    _flag(group, "presence_penalty", type=float, help="OpenAI-style presence penalty")
    _flag(group, "penalty_last_n", type=int, help="window of recent tokens the penalties see")
    _flag(group, "seed", type=int, help="seed for reproducible sampling")
    group.add_argument(
        "--stop", action="append", default=[], metavar="TEXT", help="stop string (repeatable)"
    )
    _flag(
        group,
        "stop_token_id",
        type=int,
        action="append",
        default=[],
        metavar="ID",
        help="extra token id that ends generation (repeatable)",
    )
    group.add_argument("--ignore-eos", action="store_true", help="do not stop at EOS")
    group.add_argument(
        "--speculative",
        choices=["prompt_lookup"],
        help="verify drafts taken from the conversation in one forward: the same greedy text "
        "(or, sampling, the same distribution), faster where the output repeats the input",
    )
    _flag(group, "num_draft_tokens", type=int, help="tokens drafted at most per step (default: 8)")
    structured = group.add_mutually_exclusive_group()
    structured.add_argument(
        "--json-schema",
        metavar="FILE|JSON",
        help="the output is JSON valid under this schema (a file, or the schema itself)",
    )
    structured.add_argument("--regex", metavar="PATTERN", help="the output matches this regex")
    structured.add_argument(
        "--grammar",
        type=Path,
        metavar="FILE",
        help="the output follows this grammar: Lark, or GBNF for a .gbnf file",
    )


def _structured(args: argparse.Namespace) -> tuple[str, str]:
    """(grammar, grammar_type) of --json-schema / --regex / --grammar, or ("", "")."""
    if getattr(args, "json_schema", None):
        text = args.json_schema
        if not text.lstrip().startswith("{"):
            path = Path(text).expanduser()
            if not path.is_file():
                raise InvalidArgumentError(
                    f"--json-schema: no such file, nor a JSON object: {text}"
                )
            text = path.read_text(encoding="utf-8")
        return text, "json_schema"
    if getattr(args, "regex", None):
        return args.regex, "regex"
    if getattr(args, "grammar", None):
        if not args.grammar.is_file():
            raise InvalidArgumentError(f"--grammar: no such file: {args.grammar}")
        kind = "gbnf" if args.grammar.suffix == ".gbnf" else "lark"
        return args.grammar.read_text(encoding="utf-8"), kind
    return "", ""


_PASSED_THROUGH = (
    "temperature",
    "top_k",
    "top_p",
    "min_p",
    "repetition_penalty",
    "frequency_penalty",
    "presence_penalty",
    "penalty_last_n",
    "seed",
    "num_draft_tokens",
)


def generation_config(args: argparse.Namespace) -> Any:
    from et_llm import GenerationConfig

    config = GenerationConfig(echo=False, max_new_tokens=args.max_new_tokens)
    for name in _PASSED_THROUGH:
        value = getattr(args, name)
        if value is not None:
            setattr(config, name, value)
    if args.greedy:
        if args.temperature not in (None, 0.0):
            raise InvalidArgumentError("--greedy contradicts --temperature")
        config.temperature = 0.0
    config.speculative = args.speculative or ""
    config.stop = list(args.stop)
    config.stop_token_ids = list(args.stop_token_id)
    config.ignore_eos = args.ignore_eos
    config.grammar, config.grammar_type = _structured(args)
    config.validate()
    return config
