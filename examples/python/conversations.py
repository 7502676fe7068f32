"""Several conversations on one loaded model: each user gets a Session of one Engine, the
weights are loaded once, and replies are produced token by token, round-robin, the way a
server interleaves its clients.

python examples/python/conversations.py MODEL.pte TOKENIZER.json "Hi, I'm Ann." "Hello from Bo."
"""

from __future__ import annotations

import argparse
import sys

import et_llm


def interleave(engine: et_llm.Engine, prompts: list[str], max_new_tokens: int) -> list[str]:
    """Prefills one session per prompt, then decodes one token of each in turn."""
    sessions = [engine.create_session() for _ in prompts]
    for session, prompt in zip(sessions, prompts, strict=True):
        session.prefill(prompt)
    replies = [""] * len(sessions)
    active = set(range(len(sessions)))
    greedy = et_llm.SamplingConfig(temperature=0.0)
    for _ in range(max_new_tokens):
        for i in sorted(active):
            step = sessions[i].decode_one(greedy)
            replies[i] += step.text_piece
            if step.is_terminal:
                active.discard(i)
        if not active:
            break
    return replies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("tokenizer")
    parser.add_argument("prompts", nargs="+")
    parser.add_argument("--max-new-tokens", type=int, default=48)
    args = parser.parse_args()
    try:
        engine = et_llm.Engine(args.model, args.tokenizer)
        replies = interleave(engine, args.prompts, args.max_new_tokens)
    except et_llm.Error as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for prompt, reply in zip(args.prompts, replies, strict=True):
        print(f"{prompt!r} -> {reply!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
