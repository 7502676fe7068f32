"""Image prefill time and decode speed of et_llm's MultimodalRunner vs upstream's.

Both engines load the same vision-language .pte in their own subprocess (upstream's
runner needs torch; ours must not), alternately, several rounds. Each round times from
Python, the same way for both:
  image prefill = time of prefill([image]) after reset()
  decode tok/s  = N / (time of generate([text, image, text], max_new_tokens=N+1)
                       - time of the same with max_new_tokens=1)
It prints medians and et_llm/upstream ratios.

    python benchmarks/bench_multimodal.py            # the multimodal test fixture (32x32 image)
    python benchmarks/bench_multimodal.py --model M.pte --tokenizer tokenizer.json --image-size 336
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

IMAGE_SIZE_ENV = "ET_LLM_BENCH_IMAGE_SIZE"


def worker(engine: str, model: str, tokenizer: str, new_tokens: int, repeats: int) -> dict:
    import numpy as np

    size = int(os.environ.get(IMAGE_SIZE_ENV, "32"))
    pixels = np.random.default_rng(0).integers(0, 256, (size, size, 3), dtype=np.uint8)
    if engine == "et_llm":
        import et_llm as runner_module

        image = runner_module.make_image_input(pixels)
    else:
        import torch
        from executorch.extension.llm import runner as runner_module

        # Upstream reads a 3-D tensor as CHW.
        chw = np.ascontiguousarray(pixels.transpose(2, 0, 1))
        image = runner_module.make_image_input(torch.from_numpy(chw))
    runner = runner_module.MultimodalRunner(model, tokenizer)
    inputs = [runner_module.make_text_input("Describe"), image, runner_module.make_text_input("it")]

    def config(n: int) -> Any:
        return runner_module.GenerationConfig(echo=False, max_new_tokens=n, temperature=0.0)

    def timed_generate(n: int) -> tuple[float, Any]:
        received: list[Any] = []
        runner.reset()
        start = time.perf_counter()
        runner.generate(inputs, config(n), None, received.append)
        return time.perf_counter() - start, received[0]

    def timed_image_prefill() -> float:
        runner.reset()
        start = time.perf_counter()
        runner.prefill([image])
        return time.perf_counter() - start

    timed_generate(4)  # warm-up: XNNPACK weight packing, page faults
    prefill_ms, decode = [], []
    for _ in range(repeats):
        prefill_ms.append(1000 * timed_image_prefill())
        t1, stats1 = timed_generate(1)
        t2, stats2 = timed_generate(new_tokens + 1)
        generated = stats2.num_generated_tokens - stats1.num_generated_tokens
        decode.append(generated / (t2 - t1))
    runner.reset()
    return {
        "image_prefill_ms": statistics.median(prefill_ms),
        "decode_tok_s": statistics.median(decode),
        "generated": generated,
    }


def run_worker(engine: str, args: argparse.Namespace) -> dict:
    """This script with `--worker ENGINE` in a subprocess; its last stdout line."""
    from et_llm.bench.subprocesses import last_json_line  # here: the upstream worker stays free

    command = [sys.executable, __file__, "--worker", engine, "--model", args.model]
    command += ["--tokenizer", args.tokenizer, "--new-tokens", str(args.new_tokens)]
    command += ["--repeats", str(args.repeats)]
    return last_json_line(command, f"{engine} worker")


def default_model() -> tuple[str, str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fixtures.build_multimodal import ensure_built

    fixtures = ensure_built()
    return str(fixtures / "vlm_input_pos.pte"), str(fixtures / "tokenizer.json")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--tokenizer")
    parser.add_argument("--image-size", type=int, default=None)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", choices=["et_llm", "upstream"])
    args = parser.parse_args()
    if not args.model:
        args.model, args.tokenizer = default_model()
    if args.image_size:
        os.environ[IMAGE_SIZE_ENV] = str(args.image_size)
    if args.worker:
        result = worker(args.worker, args.model, args.tokenizer, args.new_tokens, args.repeats)
        print(json.dumps(result))
        return 0

    results: dict[str, list[dict]] = {"et_llm": [], "upstream": []}
    for _ in range(args.rounds):
        for engine in ("et_llm", "upstream"):
            results[engine].append(run_worker(engine, args))

    def med(engine: str, key: str) -> float:
        return statistics.median(r[key] for r in results[engine])

    print(f"model: {args.model}")
    print(f"decoded tokens: {results['et_llm'][0]['generated']}, rounds: {args.rounds}")
    print(f"{'engine':<10} {'image prefill ms':>17} {'decode tok/s':>13}")
    for engine in results:
        print(
            f"{engine:<10} {med(engine, 'image_prefill_ms'):>17.3f} "
            f"{med(engine, 'decode_tok_s'):>13.1f}"
        )
    print(
        f"ratio et_llm/upstream: image prefill time "
        f"{med('et_llm', 'image_prefill_ms') / med('upstream', 'image_prefill_ms'):.3f}x "
        f"(lower is faster), decode "
        f"{med('et_llm', 'decode_tok_s') / med('upstream', 'decode_tok_s'):.3f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
