"""Many sessions on one Engine: what each costs in memory and what they do together.

For each model, in fresh subprocesses (so RSS is the model's alone):
- RSS with 1, 2, 4, 8 sessions, each holding a short conversation: the weights (RSS of the
  first session) and the growth per extra session, next to the planned memory a session
  allocates (``Engine.serving_capacity().estimated_bytes_per_session``); once with
  XNNPACK's weight cache (the default) and once without (``ET_LLM_NO_WEIGHT_SHARING=1``,
  each session packing its own weights, as N runners would).
- Aggregate decode tok/s of 1, 2 and 4 sessions generating at once on their own threads.
- The per-token cost of driving a session with ``decode_one`` from Python against
  ``generate_tokens`` (the C++ loop), as a share of one decode step.

    python benchmarks/bench_sessions.py [--model gemma3-270m:8da4w --model gemma3-270m:fp32]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time

PROMPT = "The three primary colors are red, yellow and blue. Mixing two of them gives"


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def measure_memory(pte: str, tokenizer: str, counts: list[int]) -> dict:
    """Runs in the child: RSS after each session count is reached."""
    import et_llm

    config = et_llm.GenerationConfig(temperature=0, max_new_tokens=8, echo=False, ignore_eos=True)
    base = rss_bytes()
    engine = et_llm.Engine(pte, tokenizer)
    sessions = []
    out = {
        "baseline": base,
        "engine": rss_bytes() - base,
        "planned_per_session": engine.serving_capacity().estimated_bytes_per_session,
    }
    for count in counts:
        while len(sessions) < count:
            session = engine.create_session()
            session.generate_tokens(PROMPT, config)  # touch its memory
            sessions.append(session)
        out[str(count)] = rss_bytes() - base
    return out


def measure_throughput(pte: str, tokenizer: str, counts: list[int], new_tokens: int) -> dict:
    import et_llm

    engine = et_llm.Engine(pte, tokenizer)
    config = et_llm.GenerationConfig(
        temperature=0, max_new_tokens=new_tokens, echo=False, ignore_eos=True
    )
    sessions = [engine.create_session() for _ in range(max(counts))]
    for session in sessions:  # warm-up: first-call costs out of the timings
        session.generate_tokens(PROMPT, config)
    out: dict[str, float] = {}
    for count in counts:
        for session in sessions:
            session.reset()
            session.prefill(PROMPT)
        barrier = threading.Barrier(count + 1)

        def work(session: et_llm.Session, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            session.generate_tokens([], config)

        threads = [threading.Thread(target=work, args=(s,)) for s in sessions[:count]]
        for thread in threads:
            thread.start()
        barrier.wait()
        begin = time.perf_counter()
        for thread in threads:
            thread.join()
        out[str(count)] = count * new_tokens / (time.perf_counter() - begin)

    # decode_one from Python vs the C++ loop of generate_tokens, same session and tokens,
    # alternating so drifts in machine speed hit both; medians.
    session = sessions[0]
    greedy = et_llm.SamplingConfig(temperature=0)
    loop, step = [], []
    for _ in range(7):
        session.reset()
        session.prefill(PROMPT)
        begin = time.perf_counter()
        session.generate_tokens([], config)
        loop.append((time.perf_counter() - begin) / new_tokens)
        session.reset()
        session.prefill(PROMPT)
        begin = time.perf_counter()
        for _ in range(new_tokens):
            session.decode_one(greedy)
        step.append((time.perf_counter() - begin) / new_tokens)
    out["generate_s_per_token"] = statistics.median(loop)
    out["decode_one_s_per_token"] = statistics.median(step)
    return out


def child(args: argparse.Namespace) -> int:
    if args.child == "memory":
        result = measure_memory(args.pte, args.tokenizer, args.counts)
    else:
        result = measure_throughput(args.pte, args.tokenizer, args.counts, args.new_tokens)
    print(json.dumps(result))
    return 0


def run_child(kind: str, pte: str, tokenizer: str, counts: list[int], extra_env: dict) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--pte", pte, "--tokenizer", tokenizer]
    command += [arg for count in counts for arg in ("--count", str(count))]
    env = {**os.environ, **extra_env}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def mib(value: float) -> str:
    return f"{value / 2**20:8.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", help="NAME[:VARIANT] or a .pte")
    parser.add_argument("--tokenizer", help="for a .pte given by path")
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--json", dest="json_path")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--pte", help=argparse.SUPPRESS)
    parser.add_argument("--count", dest="counts", type=int, action="append", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    from et_llm.models import ensure_model

    report = {}
    for spec in args.model or ["gemma3-270m:8da4w", "gemma3-270m:fp32"]:
        if spec.endswith(".pte"):
            pte, tokenizer = spec, args.tokenizer
        else:
            name, _, variant = spec.partition(":")
            files = ensure_model(name, variant=variant or None)
            pte, tokenizer = str(files.pte), str(files.tokenizer)
        counts = [1, 2, 4, 8]
        shared = run_child("memory", pte, tokenizer, counts, {})
        duplicated = run_child("memory", pte, tokenizer, [1, 2], {"ET_LLM_NO_WEIGHT_SHARING": "1"})
        speed = run_child("speed", pte, tokenizer, [1, 2, 4], {})
        report[spec] = {"memory": shared, "memory_without_sharing": duplicated, "speed": speed}

        print(f"\n{spec}   (MiB; RSS above the interpreter's)")
        print(f"  planned memory per session {mib(shared['planned_per_session'])}")
        print(f"  {'sessions':>8} {'RSS':>8} {'per extra session':>18}")
        for count in counts:
            extra = (shared[str(count)] - shared["1"]) / max(count - 1, 1)
            print(f"  {count:8d} {mib(shared[str(count)])} {mib(extra) if count > 1 else '':>18}")
        dup_extra = duplicated["2"] - duplicated["1"]
        print(
            f"  without the weight cache: 1 session {mib(duplicated['1'])}, "
            f"2nd session adds {mib(dup_extra)}"
        )
        step = speed["generate_s_per_token"]
        print(
            "  aggregate decode tok/s: "
            + ", ".join(f"{c} session{'s' if c > 1 else ''} {speed[str(c)]:.1f}" for c in (1, 2, 4))
        )
        overhead = (speed["decode_one_s_per_token"] - step) / step
        print(
            f"  decode_one from Python vs generate: {speed['decode_one_s_per_token'] * 1e3:.2f} "
            f"vs {step * 1e3:.2f} ms/token ({overhead:+.2%} of a step)"
        )
    if args.json_path:
        with open(args.json_path, "w") as out:
            json.dump(report, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
