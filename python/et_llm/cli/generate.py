"""`et-llm generate`: stream a continuation (or, with --chat, a chat reply) to stdout."""

from __future__ import annotations

import argparse
import json
import sys

from et_llm.cli.model_selection import add_model_arguments, select_model
from et_llm.cli.runner_setup import open_chat, open_runner, print_stats, tokenizer_adds_bos
from et_llm.cli.sampling import add_sampling_arguments, generation_config
from et_llm.errors import InvalidArgumentError
from et_llm.models.registry import DEFAULT_MODEL

EXAMPLES = """examples:
  et-llm generate "The tallest mountain in the world is"
  et-llm generate --model smollm2-135m-instruct --chat "What is the capital of France?"
  et-llm generate -m model.pte --tokenizer tokenizer.json --top_k 40 --temperature 0.7 "Hi"
  echo "Once upon a time" | et-llm generate --max-new-tokens 32 --seed 1
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prompt", nargs="?", help="the prompt (default: read from stdin)")
    add_model_arguments(parser, DEFAULT_MODEL)
    add_sampling_arguments(parser, max_new_tokens=128)
    parser.add_argument(
        "--chat", action="store_true", help="wrap the prompt in the model's chat template"
    )
    parser.add_argument("--system", help="system message (with --chat)")
    parser.add_argument(
        "--num-bos",
        type=int,
        help="BOS tokens before the prompt (default: 1 if the tokenizer adds one, as HF does; "
        "0 with --chat, where the template decides)",
    )
    parser.add_argument("--echo", action="store_true", help="print the prompt before the text")
    parser.add_argument("--stats", action="store_true", help="timing figures on stderr")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (text, token ids, finish reason, stats) instead of streaming",
    )


def _prompt(args: argparse.Namespace) -> str:
    if args.prompt is not None:
        return str(args.prompt)
    if sys.stdin.isatty():
        raise InvalidArgumentError("no prompt: pass one as an argument or on stdin")
    text = sys.stdin.read().rstrip("\n")
    if not text:
        raise InvalidArgumentError("the prompt on stdin is empty")
    return text


def run(args: argparse.Namespace) -> int:
    import et_llm

    prompt = _prompt(args)
    config = generation_config(args)
    model = select_model(args)
    runner = open_runner(model, args.global_threads)
    if args.chat:
        chat = open_chat(runner, model, args.system)
        prompt = chat.render(
            [*chat.messages, {"role": "user", "content": prompt}], add_generation_prompt=True
        )
    if args.num_bos is not None:
        config.num_bos = args.num_bos
    elif args.chat:
        config.add_special_tokens = False  # the chat template writes the BOS
    else:
        config.num_bos = 1 if tokenizer_adds_bos(model) else 0
    stats: list[et_llm.Stats] = []
    if args.json:
        text = runner.generate(prompt, config, None, stats.append)
        session = runner.session
        print(
            json.dumps(
                {
                    "text": (prompt if args.echo else "") + text,
                    "tokens": list(session.generated_tokens),
                    "finish_reason": session.finish_reason,
                    "stats": json.loads(stats[-1].to_json_string()) if stats else None,
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
        return 0
    if args.echo:
        print(prompt, end="", flush=True)
    runner.generate(prompt, config, lambda piece: print(piece, end="", flush=True), stats.append)
    print(flush=True)
    if args.stats and stats:
        print_stats(stats[-1])
    return 0
