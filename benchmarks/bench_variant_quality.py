"""How much a quantized variant of a prepared model loses against its fp32 file, and what it
gains: the quality figures behind the CLI's default variant.

    .venv/bin/python benchmarks/bench_variant_quality.py [--model gemma3-270m]
        [--variants fp32 8da4w] [--tokens 512]

Per variant, each in its own process (so peak RSS is its own):
- `hf greedy`: tokens of the transformers greedy reference (reference.json) reproduced before
  the first difference;
- `nll`, `ppl`: mean negative log-likelihood per token (and perplexity) of a fixed English text
  (CPython's own documentation, `pydoc_data`), teacher-forced;
- `top-1 = fp32`: positions of that text where the variant's most likely next token is fp32's;
- `greedy = fp32`: mean tokens of 32-token greedy continuations (8 prompts from the text) that
  equal fp32's before the first difference;
- decode and prefill tokens/s, file size, peak RSS. Ratios are against the first variant.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

CONTINUATION = 32
PROMPTS = 8


def _text() -> str:
    from pydoc_data.topics import topics

    return " ".join(topics[name] for name in ("assignment", "if", "while", "for", "try"))


class TeacherForcing:
    """A logits processor that records log p(reference token) and the argmax at each step,
    then forces the reference token."""

    def __init__(self, reference: list[int]) -> None:
        self.reference = reference
        self.log_probs: list[float] = []
        self.argmax: list[int] = []

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> None:
        step = len(self.log_probs)
        logits = scores[0].astype(np.float64)
        top = float(logits.max())
        log_z = top + float(np.log(np.exp(logits - top).sum()))
        target = self.reference[step]
        self.log_probs.append(float(logits[target]) - log_z)
        self.argmax.append(int(logits.argmax()))
        scores[0, :] = -np.inf
        scores[0, target] = 0.0


def measure(pte: str, tokenizer: str, reference: dict[str, Any], tokens: int) -> dict[str, Any]:
    import et_llm

    runner = et_llm.TextLLMRunner(pte, tokenizer)
    greedy = et_llm.GenerationConfig(temperature=0.0, echo=False, num_bos=0)

    greedy.max_new_tokens = reference["new_tokens"]
    got = runner.generate_tokens(reference["prompt_ids"], greedy)
    want = reference["generated_ids"]
    hf_match = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), None)
    hf_match = len(want) if hf_match is None else hf_match

    ids = [runner.tokenizer.bos_id, *runner.tokenizer.encode(_text())][: tokens + 1]
    forcing = TeacherForcing(ids[1:])
    forced = et_llm.GenerationConfig(
        temperature=0.0, echo=False, num_bos=0, ignore_eos=True, max_new_tokens=len(ids) - 1
    )
    forced.logits_processors = [forcing]
    runner.reset()
    runner.generate_tokens(ids[:1], forced)

    greedy.max_new_tokens = CONTINUATION
    continuations = []
    for i in range(PROMPTS):
        runner.reset()
        continuations.append(runner.generate_tokens(ids[: 16 + 24 * i], greedy))
    runner.reset()
    greedy.max_new_tokens = 64
    greedy.ignore_eos = True
    runner.generate_tokens(ids[:256], greedy)
    stats = runner.stats
    return {
        "hf_match": hf_match,
        "hf_total": len(want),
        "log_probs": forcing.log_probs,
        "argmax": forcing.argmax,
        "continuations": continuations,
        "decode_tps": stats.decode_tokens_per_second,
        "prefill_tps": stats.prefill_tokens_per_second,
        "file_mb": Path(pte).stat().st_size / 2**20,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gemma3-270m")
    parser.add_argument("--variants", nargs="+", default=["fp32", "8da4w"])
    parser.add_argument("--tokens", type=int, default=512, help="teacher-forced text length")
    parser.add_argument("--worker", nargs=3, metavar=("PTE", "TOKENIZER", "REFERENCE"))
    args = parser.parse_args()
    if args.worker:
        pte, tokenizer, reference = args.worker
        result = measure(pte, tokenizer, json.loads(Path(reference).read_text()), args.tokens)
        print(json.dumps(result))
        return 0

    from et_llm.models import find_model

    results = {}
    for variant in args.variants:
        files = find_model(args.model, variant=variant)
        reference = Path(files.pte).parents[1] / "reference.json"
        command = [sys.executable, __file__, "--tokens", str(args.tokens), "--worker"]
        command += [str(files.pte), str(files.tokenizer), str(reference)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results[variant] = json.loads(done.stdout.splitlines()[-1])

    base_name = args.variants[0]
    base = results[base_name]
    print(f"{args.model}: {len(base['log_probs'])} teacher-forced tokens, ratios vs {base_name}")
    header = "variant     hf greedy   nll    ppl   top-1 = fp32  greedy = fp32  decode t/s"
    print(header + "  prefill t/s  file MB  RSS MB")
    for variant, r in results.items():
        nll = -float(np.mean(r["log_probs"]))
        top1 = float(np.mean(np.array(r["argmax"]) == np.array(base["argmax"])))
        agree = [
            common_prefix(a, b)
            for a, b in zip(r["continuations"], base["continuations"], strict=True)
        ]
        print(
            f"{variant:10s} {r['hf_match']:3d}/{r['hf_total']:<3d}  {nll:6.3f} {np.exp(nll):6.1f}"
            f"   {top1:10.1%}   {np.mean(agree):5.1f}/{CONTINUATION}"
            f"    {r['decode_tps']:6.1f} ({r['decode_tps'] / base['decode_tps']:.2f}x)"
            f"  {r['prefill_tps']:6.0f} ({r['prefill_tps'] / base['prefill_tps']:.2f}x)"
            f"  {r['file_mb']:6.0f}  {r['rss_mb']:6.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
