"""What `et-llm bench` hands back: a table on stdout and, with --json, every result."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from et_llm.bench.subprocesses import Runs
from et_llm.bench.summary import Medians


def print_report(
    medians: Medians,
    ratios: dict[str, dict[str, float]],
    skipped: dict[str, str],
    failed: dict[str, str],
) -> None:
    out = sys.stdout
    out.write(
        f"{'file':<28} {'engine':<10} {'prompt':>6} {'prefill tok/s':>14} {'decode tok/s':>13} "
        f"{'TTFT ms':>9} {'peak RSS MiB':>13}\n"
    )
    for (label, engine), m in medians.items():
        decode = f"{m['decode_tok_s']:.1f}" if m.get("decode_tok_s") else "-"
        out.write(
            f"{label:<28} {engine:<10} {m['prompt_tokens']:>6} {m['prefill_tok_s']:>14.1f} "
            f"{decode:>13} {1000 * m['ttft_s']:>9.1f} {m['peak_rss_mib']:>13.0f}\n"
        )
    for name, entry in ratios.items():
        parts = [f"{k.removesuffix('_tok_s')} {v:.2f}x" for k, v in entry.items()]
        out.write(f"ratio {name}: {', '.join(parts)}\n")
    for (label, engine), m in medians.items():
        if engine == "et_llm" and m.get("overhead") is not None:
            share = 100 * m["overhead"]
            out.write(f"et_llm time outside the forward ({label}): {share:.2f}% of a decode step\n")
    for engine, reason in skipped.items():
        out.write(f"skipped {engine}: {reason}\n")
    for what, reason in failed.items():
        out.write(f"FAILED {what}: {reason}\n")


def write_json(
    path: Path,
    args: argparse.Namespace,
    threads: int,
    runs: Runs,
    medians: Medians,
    ratios: dict[str, dict[str, float]],
    skipped: dict[str, str],
    failed: dict[str, str],
) -> None:
    report = {
        "settings": {
            "threads": threads,
            "new_tokens": args.new_tokens,
            "repeats": args.repeats,
            "rounds": args.rounds,
            "prompt": args.prompt,
        },
        "runs": [
            {"file": label, "engine": engine, "results": results}
            for (label, engine), results in runs.items()
        ],
        "medians": [
            {"file": label, "engine": engine, **m} for (label, engine), m in medians.items()
        ],
        "ratios": ratios,
        "skipped": skipped,
        "failed": failed,
    }
    path.write_text(json.dumps(report, indent=2) + "\n")
