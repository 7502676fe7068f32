"""How soon stop() lands during a long prefill, and what the time-sized prefill calls that make
it land cost against one call for the whole prompt.

    .venv/bin/python benchmarks/bench_stop_latency.py [--model gemma3-270m] [--variant fp32]
        [--tokens 500]

A stoppable prefill (generate, stream, a session's generate) sizes each call from the time the
last one took (TextPrefiller::kStopLatencyUs); Session.prefill_tokens is not stoppable and
feeds the prompt in one call, the old behaviour. Prints prefill tok/s of both (best of 3) and
the delay from stop() to generate() returning for stops issued 0.2, 0.45 and 0.7 s in.
"""

from __future__ import annotations

import argparse
import threading
import time

import et_llm
from et_llm.models import find_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gemma3-270m")
    parser.add_argument("--variant", default="fp32")
    parser.add_argument("--tokens", type=int, default=500)
    args = parser.parse_args()
    files = find_model(args.model, args.variant)
    runner = et_llm.TextLLMRunner(files.pte, files.tokenizer)
    text = "The quick brown fox jumps over the lazy dog. " * (args.tokens // 8)
    ids = runner.tokenizer.encode(text)[: args.tokens]
    one_token = et_llm.GenerationConfig(temperature=0.0, max_new_tokens=1, echo=False, num_bos=0)

    whole, sized = [], []
    for _ in range(3):
        runner.reset()
        begin = time.perf_counter()
        runner.session.prefill_tokens(ids)
        whole.append(time.perf_counter() - begin)
        runner.reset()
        runner.generate_tokens(ids, one_token)
        sized.append(runner.stats.prefill_time_us / 1e6)
    print(
        f"{args.model} {args.variant}, {len(ids)}-token prompt, {et_llm.get_num_threads()} threads"
    )
    print(
        f"prefill: one call {len(ids) / min(whole):.0f} tok/s, time-sized calls "
        f"{len(ids) / min(sized):.0f} tok/s (ratio {min(whole) / min(sized):.3f})"
    )

    delays = []
    for after in (0.2, 0.45, 0.7):
        runner.reset()
        stopped_at: list[float] = []

        def stop_later(after: float, stopped_at: list[float]) -> None:
            time.sleep(after)
            stopped_at.append(time.perf_counter())
            runner.stop()

        stopper = threading.Thread(target=stop_later, args=(after, stopped_at))
        stopper.start()
        runner.generate_tokens(ids, one_token)
        returned = time.perf_counter()
        stopper.join()
        delays.append(returned - stopped_at[0])
    shown = [f"{d * 1000:.0f} ms" if d >= 0 else "done before the stop" for d in delays]
    print("stop() to return, for stops at 0.2 / 0.45 / 0.7 s: " + ", ".join(shown))


if __name__ == "__main__":
    main()
