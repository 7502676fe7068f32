"""Decode and prefill speed of et_llm vs upstream ExecuTorch's runner on the same .pte.

`et_llm.bench` (= `et-llm bench`) with the two ExecuTorch engines, defaulting to the test
fixture model: alternating subprocesses, medians, ratios, and et_llm's time outside the
forward as a share of a decode step.

    python benchmarks/bench_text_runner.py                       # the test fixture model
    python benchmarks/bench_text_runner.py --model M.pte [--tokenizer tokenizer.json]
"""

from __future__ import annotations

import argparse
import sys

from fixture_files import FIXTURE_PROMPT, fixture_dir

from et_llm import bench


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    bench.add_arguments(parser)
    parser.set_defaults(engines="et_llm,upstream", rounds=3, repeats=5)
    args = parser.parse_args()
    if not args.model:
        fixtures = fixture_dir()
        args.model = [str(fixtures / "export_llm_dynamic.pte")]
        args.prompt = FIXTURE_PROMPT
    return bench.run(args)


if __name__ == "__main__":
    sys.exit(main())
