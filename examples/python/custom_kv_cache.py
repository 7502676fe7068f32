"""A KV-cache manager in Python: a sliding window with attention sinks, so a program whose
KV cache is an input keeps generating past its context length (StreamingLLM-style).

The first ``sinks`` positions stay in the cache for good; the other slots form a ring that
holds the most recent positions. RoPE positions keep growing, so the program must compute
RoPE from its ``positions`` input (the test fixture ``kv_io.pte`` does).

    python examples/python/custom_kv_cache.py MODEL.pte TOKENIZER.json "Once upon a time" -n 400
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import et_llm
from et_llm.kv_cache import NumpyKVCache


class SlidingWindowKVCache(NumpyKVCache):
    def __init__(self, sinks: int = 4) -> None:
        super().__init__()
        self.sinks = sinks

    def slot_for(self, position: int) -> int:
        if position < self.sinks:
            return position
        return self.sinks + (position - self.sinks) % (self.slots - self.sinks)

    def visible_slots(self, start_pos: int, num_tokens: int) -> np.ndarray:
        visible = super().visible_slots(start_pos, num_tokens)
        # Entries this call overwrites have left the window.
        visible[[self.slot_for(start_pos + i) for i in range(num_tokens)]] = False
        return visible

    def max_tokens_per_call(self) -> int:
        # One call must not write the same ring slot twice.
        return min(self.program_max_tokens, self.slots - self.sinks)

    def max_context_len(self) -> int:
        return 1 << 40  # no limit: old positions are evicted instead


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("tokenizer")
    parser.add_argument("prompt")
    parser.add_argument("-n", "--max-new-tokens", type=int, default=400)
    parser.add_argument("--sinks", type=int, default=4)
    args = parser.parse_args()

    cache = SlidingWindowKVCache(args.sinks)
    runner = et_llm.TextLLMRunner(args.model, args.tokenizer, io_manager=cache)
    config = et_llm.GenerationConfig(
        max_new_tokens=args.max_new_tokens, temperature=0.0, echo=False, ignore_eos=True
    )
    runner.generate(args.prompt, config, lambda piece: print(piece, end="", flush=True))
    print()
    print(f"{runner.position} positions used with a {cache.slots}-slot cache", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
