"""Per-token cost of a Python IIOManager vs the C++ StaticKVCacheIOManager on the same
KV-cache-as-I/O program (the test fixture kv_io.pte unless --model is given).

Decode time per token is read from et_llm's Stats (decode wall time / decoded tokens); runs
alternate between the two managers; medians are printed with the difference in us/token.

    python benchmarks/bench_io_manager.py [--model kv_io.pte --tokenizer tokenizer.json]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import et_llm
from et_llm.kv_cache import NumpyKVCache


def decode_us_per_token(runner: et_llm.TextLLMRunner, prompt: list[int], n: int) -> float:
    stats: list[et_llm.Stats] = []
    runner.reset()
    config = et_llm.GenerationConfig(temperature=0.0, echo=False, max_new_tokens=n, ignore_eos=True)
    runner.generate_tokens(prompt, config, None, stats.append)
    return stats[0].decode_time_us / (stats[0].num_generated_tokens - 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--tokenizer")
    parser.add_argument("--new-tokens", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if not args.model:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.fixtures.build import fixture_dir

        fixtures = fixture_dir()
        args.model, args.tokenizer = str(fixtures / "kv_io.pte"), str(fixtures / "tokenizer.json")

    runners = {
        "C++ StaticKVCacheIOManager": et_llm.TextLLMRunner(
            args.model, args.tokenizer, io_manager=et_llm.StaticKVCacheIOManager()
        ),
        "Python NumpyKVCache": et_llm.TextLLMRunner(
            args.model, args.tokenizer, io_manager=NumpyKVCache()
        ),
    }
    prompt = runners["C++ StaticKVCacheIOManager"].tokenizer.encode("Hello, world!", bos=1)
    results: dict[str, list[float]] = {name: [] for name in runners}
    for runner in runners.values():
        decode_us_per_token(runner, prompt, 8)  # warm-up
    for _ in range(args.rounds):
        for name, runner in runners.items():
            results[name].append(decode_us_per_token(runner, prompt, args.new_tokens))

    print(f"model: {args.model}, {args.new_tokens} tokens x {args.rounds} rounds")
    medians = {name: statistics.median(values) for name, values in results.items()}
    for name, value in medians.items():
        print(f"{name:<28} {value:9.1f} us/token ({1e6 / value:7.1f} tok/s)")
    cpp, py = medians.values()
    print(f"Python manager overhead: {py - cpp:+.1f} us/token ({py / cpp:.2f}x the C++ step)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
