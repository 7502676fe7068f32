"""One benchmark measurement of one engine, run in a subprocess of its own.

`et_llm.bench` starts ``python engines.py ENGINE --model ... `` with the interpreter
that has the engine (llama.cpp's usually lives in a venv without et_llm, so this file imports
nothing from et_llm at module level) and reads the JSON line it prints last.

Every engine is timed the same way, from Python, on a fresh conversation each time:
  TTFT          = wall time of a 1-token generation (tokenize + prefill + first token)
  prefill tok/s = prompt tokens / TTFT
  decode tok/s  = (n - 1) / (time of an n-token generation - TTFT)
Peak RSS is the process's high-water mark (ru_maxrss); `load_rss_mib` is what the
model added on top of the interpreter and the engine's imports.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

# A generation: (number of new tokens) -> (prompt tokens, tokens generated).
Generate = Callable[[int], tuple[int, int]]


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def et_llm_engine(args: argparse.Namespace) -> tuple[Generate, dict[str, Any]]:
    import et_llm

    runner = et_llm.TextLLMRunner(args.model, args.tokenizer, num_threads=args.threads)
    extra: dict[str, Any] = {"threads": et_llm.get_num_threads(), "overhead": []}

    def generate(n: int) -> tuple[int, int]:
        stats: list[Any] = []
        runner.reset()
        config = et_llm.GenerationConfig(
            echo=False, max_new_tokens=n, temperature=0.0, num_bos=args.num_bos
        )
        runner.generate(args.prompt, config, None, stats.append)
        if n > 1:
            extra["overhead"].append(stats[0].decode_overhead_fraction)
        return stats[0].num_prompt_tokens, stats[0].num_generated_tokens

    return generate, extra


def upstream_engine(args: argparse.Namespace) -> tuple[Generate, dict[str, Any]]:
    # Upstream's runner gets the llama:: custom-op kernels and the quantized kernels only
    # from these libtorch-linked libraries; loading them is what its users do.
    import executorch.extension.llm.custom_ops.custom_ops  # noqa: F401
    import executorch.kernels.quantized  # noqa: F401
    from executorch.extension.llm import runner as upstream
    from executorch.extension.pybindings import portable_lib

    portable_lib._unsafe_reset_threadpool(args.threads)
    runner = upstream.TextLLMRunner(args.model, args.tokenizer)
    extra = {"threads": portable_lib._threadpool_get_thread_count()}

    def generate(n: int) -> tuple[int, int]:
        stats: list[Any] = []
        runner.reset()
        config = upstream.GenerationConfig(
            echo=False, max_new_tokens=n, temperature=0.0, num_bos=args.num_bos
        )
        # No token callback: upstream's raises UnicodeDecodeError on partial UTF-8 pieces.
        runner.generate(args.prompt, config, None, stats.append)
        return stats[0].num_prompt_tokens, stats[0].num_generated_tokens

    return generate, extra


def llama_cpp_engine(args: argparse.Namespace) -> tuple[Generate, dict[str, Any]]:
    import llama_cpp

    llm = llama_cpp.Llama(
        model_path=args.model,
        n_ctx=args.context,
        n_batch=512,
        n_threads=args.threads,
        n_threads_batch=args.threads,
        verbose=False,
    )
    extra = {"threads": args.threads, "llama_cpp_version": llama_cpp.__version__}

    def generate(n: int) -> tuple[int, int]:
        # The same loop as the ExecuTorch runners: greedy, EOS ignored so n tokens are made.
        llm.reset()
        tokens = llm.tokenize(args.prompt.encode(), add_bos=args.num_bos > 0, special=False)
        llm.eval(tokens)
        token = llm.sample(temp=0.0)
        for _ in range(n - 1):
            llm.eval([token])
            token = llm.sample(temp=0.0)
        return len(tokens), n

    return generate, extra


ENGINES = {"et_llm": et_llm_engine, "upstream": upstream_engine, "llama.cpp": llama_cpp_engine}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    rss_before = rss_mib()
    start = time.perf_counter()
    generate, extra = ENGINES[args.engine](args)
    load_s = time.perf_counter() - start

    def timed(n: int) -> tuple[float, int, int]:
        begin = time.perf_counter()
        prompt_tokens, generated = generate(n)
        return time.perf_counter() - begin, prompt_tokens, generated

    timed(min(8, args.new_tokens))  # warm-up: weight packing, page faults
    ttft, prefill, decode = [], [], []
    for _ in range(args.repeats):
        first, prompt_tokens, _ = timed(1)
        whole, _, generated = timed(args.new_tokens)
        ttft.append(first)
        prefill.append(prompt_tokens / first)
        if generated > 1 and whole > first:
            decode.append((generated - 1) / (whole - first))
    overhead = extra.pop("overhead", None)
    return {
        "engine": args.engine,
        "model": args.model,
        "load_s": load_s,
        "prompt_tokens": prompt_tokens,
        "generated": generated,
        "ttft_s": statistics.median(ttft),
        "prefill_tok_s": statistics.median(prefill),
        "decode_tok_s": statistics.median(decode) if decode else None,
        "peak_rss_mib": peak_rss_mib(),
        "load_rss_mib": peak_rss_mib() - rss_before,
        "overhead": statistics.median(overhead) if overhead else None,
        **extra,
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=sorted(ENGINES))
    parser.add_argument("--model", required=True, help=".pte (or .gguf for llama.cpp)")
    parser.add_argument("--tokenizer", help="tokenizer file (ExecuTorch engines)")
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--num-bos", type=int, default=1)
    parser.add_argument("--context", type=int, default=1024, help="llama.cpp context size")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    result = measure(args)
    sys.stdout.flush()
    # Upstream's runner may have written raw token bytes to stdout: the result is the last line.
    print("\n" + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
