"""Decode and prefill speed of et_llm vs upstream ExecuTorch's runner on the same .pte.

Both engines run in their own subprocess (upstream's needs torch; ours must not), with the
same thread count, alternately, several rounds; each round times generate() from Python
the same way for both:
  prefill tok/s = prompt tokens / time of generate(max_new_tokens=1)
  decode tok/s  = N / (time of generate(max_new_tokens=N+1) - time of generate(max_new_tokens=1))
It prints medians and the et_llm/upstream ratios, and et_llm's time outside the model's
forward as a share of a decode step (from its Stats).

    python benchmarks/bench_text_runner.py                       # the test fixture model
    python benchmarks/bench_text_runner.py --model M.pte --tokenizer tokenizer.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PROMPT = "Hello, world! How are you doing today? " * 3


def worker(engine: str, model: str, tokenizer: str, new_tokens: int, repeats: int) -> dict:
    if engine == "et_llm":
        import et_llm as runner_module
    else:
        from executorch.extension.llm import runner as runner_module

    runner = runner_module.TextLLMRunner(model, tokenizer)

    def config(n: int) -> Any:
        return runner_module.GenerationConfig(
            echo=False, max_new_tokens=n, temperature=0.0, num_bos=1
        )

    def timed(n: int) -> tuple[float, Any]:
        received: list[Any] = []
        runner.reset()
        start = time.perf_counter()
        # No token callback: upstream's raises UnicodeDecodeError on partial UTF-8 pieces.
        runner.generate(PROMPT, config(n), None, received.append)
        return time.perf_counter() - start, received[0]

    timed(8)  # warm-up: first-call costs (XNNPACK weight packing, page faults)
    prefill, decode, overhead = [], [], []
    for _ in range(repeats):
        t1, stats1 = timed(1)
        t2, stats2 = timed(new_tokens + 1)
        generated = stats2.num_generated_tokens - stats1.num_generated_tokens
        prefill.append(stats1.num_prompt_tokens / t1)
        decode.append(generated / (t2 - t1))
        if engine == "et_llm":
            overhead.append(stats2.decode_overhead_fraction)
    return {
        "prefill_tok_s": statistics.median(prefill),
        "decode_tok_s": statistics.median(decode),
        "prompt_tokens": stats1.num_prompt_tokens,
        "generated": generated,
        "overhead": statistics.median(overhead) if overhead else None,
    }


def run_worker(
    engine: str, args: argparse.Namespace, model: str | None = None, script: str = __file__
) -> dict:
    """Runs `script --worker ENGINE` on `model` (default args.model); its last stdout line."""
    model = model or args.model
    cmd = [
        sys.executable,
        script,
        "--worker",
        engine,
        "--model",
        model,
        "--tokenizer",
        args.tokenizer,
        "--new-tokens",
        str(args.new_tokens),
        "--repeats",
        str(args.repeats),
    ]
    # Upstream's runner writes raw (possibly partial UTF-8) token bytes to stdout.
    done = subprocess.run(cmd, capture_output=True, check=False)
    stdout = done.stdout.decode("utf-8", errors="replace")
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", errors="replace")
        raise RuntimeError(f"{engine} worker failed:\n{stderr[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def default_model() -> tuple[str, str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fixtures.build import fixture_dir

    fixtures = fixture_dir()
    return str(fixtures / "export_llm_dynamic.pte"), str(fixtures / "tokenizer.json")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--tokenizer")
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", choices=["et_llm", "upstream"])
    args = parser.parse_args()
    if not args.model:
        args.model, args.tokenizer = default_model()
    if args.worker:
        print(
            json.dumps(
                worker(args.worker, args.model, args.tokenizer, args.new_tokens, args.repeats)
            )
        )
        return 0

    results: dict[str, list[dict]] = {"et_llm": [], "upstream": []}
    for _ in range(args.rounds):
        for engine in ("et_llm", "upstream"):
            results[engine].append(run_worker(engine, args))

    def med(engine: str, key: str) -> float:
        return statistics.median(r[key] for r in results[engine])

    print(f"model: {args.model}")
    print(
        f"prompt tokens: {results['et_llm'][0]['prompt_tokens']}, "
        f"decoded tokens: {results['et_llm'][0]['generated']}, rounds: {args.rounds}"
    )
    print(f"{'engine':<10} {'prefill tok/s':>14} {'decode tok/s':>13}")
    for engine in results:
        prefill, decode = med(engine, "prefill_tok_s"), med(engine, "decode_tok_s")
        print(f"{engine:<10} {prefill:>14.1f} {decode:>13.1f}")
    print(
        f"ratio et_llm/upstream: prefill "
        f"{med('et_llm', 'prefill_tok_s') / med('upstream', 'prefill_tok_s'):.3f}x, decode "
        f"{med('et_llm', 'decode_tok_s') / med('upstream', 'decode_tok_s'):.3f}x"
    )
    print(f"et_llm time outside forward: {100 * med('et_llm', 'overhead'):.2f}% of a decode step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
