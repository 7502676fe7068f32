"""`et-llm bench` from start to end: plan, rounds of subprocesses, medians and ratios, report."""

from __future__ import annotations

import argparse
from pathlib import Path

from et_llm.bench.arguments import add_arguments
from et_llm.bench.planning import plan
from et_llm.bench.report import print_report, write_json
from et_llm.bench.subprocesses import run_rounds
from et_llm.bench.summary import medians_of, ratios_of


def run(args: argparse.Namespace) -> int:
    """Measures, prints the report (and writes the JSON); 1 when any pair failed."""
    from et_llm import physical_core_count

    targets, skipped = plan(args)
    threads = args.threads or physical_core_count()
    runs, failed = run_rounds(targets, args, threads)
    medians = medians_of(runs)
    ratios = ratios_of(medians, {t.label: t.group for t in targets})
    print_report(medians, ratios, skipped, failed)
    if args.json_path:
        write_json(Path(args.json_path), args, threads, runs, medians, ratios, skipped, failed)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="et-llm bench", description="Speed of et_llm next to upstream's runner and llama.cpp."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
