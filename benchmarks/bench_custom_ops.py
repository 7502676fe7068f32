"""et_llm vs upstream ExecuTorch's runner on a .pte that calls the llama:: custom ops.

The default file is the test fixture exported with upstream's `use_sdpa_with_kv_cache`
(`llama::custom_sdpa.out`, `llama::update_cache.out`), next to the plain-attention export of
the same weights. et_llm runs it on its own kernels; upstream's runner on the kernels of its
libtorch-linked AOT library, which `et_llm.bench` loads in upstream's subprocess.

    python benchmarks/bench_custom_ops.py
    python benchmarks/bench_custom_ops.py --model custom.pte --model plain.pte [--tokenizer T]
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
        args.model = [
            str(fixtures / "export_llm_custom_sdpa.pte"),
            str(fixtures / "export_llm_dynamic.pte"),
        ]
        args.prompt = FIXTURE_PROMPT
    return bench.run(args)


if __name__ == "__main__":
    sys.exit(main())
