"""`et-llm chat`: a multi-turn conversation over stdin (a terminal or a pipe).

Each line is a user turn; the reply streams to stdout. The model's chat template renders the
conversation and only the new turn is prefilled (the KV cache keeps the rest). `/reset` starts
over, `/exit` (or end of input) ends.
"""

from __future__ import annotations

import argparse
import sys

from et_llm.cli.model_selection import add_model_arguments, select_model
from et_llm.cli.runner_setup import open_chat, open_runner, print_stats
from et_llm.cli.sampling import add_sampling_arguments, generation_config
from et_llm.models.registry import SMOLLM2_135M_INSTRUCT

EXAMPLES = """examples:
  et-llm chat                                   # SmolLM2-135M-Instruct, prepared on first use
  et-llm chat --system "Answer in one sentence." --temperature 0.7 --seed 3
  printf 'Hi!\\n/reset\\nWhat is 2+2?\\n' | et-llm chat --greedy

commands inside the chat: /reset (forget the conversation), /exit
"""

# The default is the instruct model: Gemma 3 270M is a base model without a chat template.
DEFAULT_CHAT_MODEL = SMOLLM2_135M_INSTRUCT.name


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_arguments(parser, DEFAULT_CHAT_MODEL)
    add_sampling_arguments(parser, max_new_tokens=256)
    parser.add_argument("--system", help="system message")
    parser.add_argument("--stats", action="store_true", help="timing figures on stderr per turn")


def _ask(interactive: bool) -> str | None:
    if interactive:
        try:
            return input(">>> ")  # readline: line editing and history
        except EOFError:
            return None
    line = sys.stdin.readline()
    return None if line == "" else line.rstrip("\n")


def run(args: argparse.Namespace) -> int:
    config = generation_config(args)
    model = select_model(args)
    runner = open_runner(model, args.global_threads)
    session = open_chat(runner, model, args.system)
    interactive = sys.stdin.isatty()
    if interactive:
        import readline  # noqa: F401  (input() gains line editing and history)

        print(
            "Chat started: /reset to start over, /exit to leave; Ctrl-C ends a reply.",
            file=sys.stderr,
        )
    while (line := _ask(interactive)) is not None:
        text = line.strip()
        if not text:
            continue
        if text in ("/exit", "/quit"):
            break
        if text == "/reset":
            session.reset()
            print("[conversation reset]", file=sys.stderr, flush=True)
            continue
        dropped = session.dropped_turns
        try:
            session.send(text, config, lambda piece: print(piece, end="", flush=True))
        except KeyboardInterrupt:
            # Ctrl-C ends this reply (the turn is taken back); Ctrl-C at the prompt exits.
            print("\n[reply interrupted]", file=sys.stderr, flush=True)
            continue
        print(flush=True)
        if session.dropped_turns > dropped:
            print(
                f"[context full: dropped the {session.dropped_turns - dropped} oldest "
                "message(s) of the conversation]",
                file=sys.stderr,
                flush=True,
            )
        if runner.session.finish_reason == "length" and runner.session.position() >= (
            runner.session.max_context_len
        ):
            print("[the reply was cut: the context is full]", file=sys.stderr, flush=True)
        if args.stats:
            print_stats(runner.stats)
    return 0
