"""Stream a continuation (or a ChatML chat reply) from an ExecuTorch LLM with et_llm.

python examples/python/text_generation.py MODEL.pte TOKENIZER.json "Once upon a time"
python examples/python/text_generation.py MODEL.pte TOKENIZER.json "What is 2+2?" --chat
"""

from __future__ import annotations

import argparse
import sys

import et_llm


def chatml(user_message: str) -> str:
    return f"<|im_start|>user\n{user_message}<|im_end|>\n<|im_start|>assistant\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("tokenizer")
    parser.add_argument("prompt")
    parser.add_argument("--chat", action="store_true", help="wrap the prompt in ChatML")
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--temperature", type=float, default=0.0)
    parser.add_argument("--num-bos", type=int, default=0)
    args = parser.parse_args()

    try:
        runner = et_llm.TextLLMRunner(args.model, args.tokenizer)
    except et_llm.Error as error:
        print(f"cannot load: {error}", file=sys.stderr)
        return 1
    prompt = chatml(args.prompt) if args.chat else args.prompt
    config = et_llm.GenerationConfig(
        echo=False,
        max_new_tokens=args.max_new_tokens,
        temperature=args.temperature,
        num_bos=args.num_bos,
    )
    stats: list[et_llm.Stats] = []
    runner.generate(prompt, config, lambda piece: print(piece, end="", flush=True), stats.append)
    print()
    if stats:
        s = stats[0]
        print(
            f"{s.num_prompt_tokens} prompt tokens at {s.prefill_tokens_per_second:.1f} tok/s, "
            f"{s.num_generated_tokens} generated at {s.decode_tokens_per_second:.1f} tok/s",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
