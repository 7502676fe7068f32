"""et_llm vs upstream ExecuTorch's runner on a .pte that calls the llama:: custom ops.

The file (by default the test fixture exported with upstream's `use_sdpa_with_kv_cache`)
calls `llama::custom_sdpa.out` and `llama::update_cache.out`. et_llm runs it on its own
kernels; upstream's runner needs its custom-ops library, which importing
`executorch.extension.llm.custom_ops.custom_ops` loads (with torch). The plain-attention
export of the same weights is measured too, for reference.

Each (engine, file) runs in its own subprocess, alternating, several rounds; the timing is
bench_text_runner.worker's: prefill tok/s from generate(max_new_tokens=1), decode tok/s
from the difference to generate(max_new_tokens=N+1). Prints medians and ratios.

    python benchmarks/bench_custom_ops.py
    python benchmarks/bench_custom_ops.py --model M.pte --tokenizer tokenizer.json [--plain P.pte]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_text_runner import run_worker, worker  # noqa: E402

ENGINES = ("et_llm", "upstream")


def fixture_files() -> tuple[str, str, str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fixtures.build import fixture_dir

    fixtures = fixture_dir()
    return (
        str(fixtures / "export_llm_custom_sdpa.pte"),
        str(fixtures / "export_llm_dynamic.pte"),
        str(fixtures / "tokenizer.json"),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a .pte calling the llama:: custom ops")
    parser.add_argument("--plain", help="the same model without custom ops (optional)")
    parser.add_argument("--tokenizer")
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", choices=ENGINES)
    args = parser.parse_args()
    if args.worker:
        if args.worker == "upstream":
            # Loads libcustom_ops_aot_lib, which registers upstream's llama:: kernels.
            import executorch.extension.llm.custom_ops.custom_ops  # noqa: F401
        result = worker(args.worker, args.model, args.tokenizer, args.new_tokens, args.repeats)
        print(json.dumps(result))
        return 0
    if not args.model:
        args.model, args.plain, args.tokenizer = fixture_files()

    files = {"custom ops": args.model}
    if args.plain:
        files["plain"] = args.plain
    results: dict[tuple[str, str], list[dict]] = {}
    for _ in range(args.rounds):
        for kind, model in files.items():
            for engine in ENGINES:
                results.setdefault((kind, engine), []).append(
                    run_worker(engine, args, model=model, script=__file__)
                )

    def med(kind: str, engine: str, key: str) -> float:
        return statistics.median(r[key] for r in results[(kind, engine)])

    first = results[("custom ops", "et_llm")][0]
    print(f"custom-op model: {args.model}")
    if args.plain:
        print(f"plain model:     {args.plain}")
    print(
        f"prompt tokens: {first['prompt_tokens']}, decoded tokens: {first['generated']}, "
        f"rounds: {args.rounds}"
    )
    print(f"{'file':<11} {'engine':<9} {'prefill tok/s':>14} {'decode tok/s':>13}")
    for kind, engine in results:
        prefill, decode = med(kind, engine, "prefill_tok_s"), med(kind, engine, "decode_tok_s")
        print(f"{kind:<11} {engine:<9} {prefill:>14.1f} {decode:>13.1f}")
    for kind in files:
        prefill = med(kind, "et_llm", "prefill_tok_s") / med(kind, "upstream", "prefill_tok_s")
        decode = med(kind, "et_llm", "decode_tok_s") / med(kind, "upstream", "decode_tok_s")
        print(f"ratio et_llm/upstream ({kind}): prefill {prefill:.3f}x, decode {decode:.3f}x")
    if args.plain:
        for engine in ENGINES:
            speedup = med("custom ops", engine, "decode_tok_s") / med(
                "plain", engine, "decode_tok_s"
            )
            print(f"{engine}: custom-op file decode = {speedup:.2f}x the plain file's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
