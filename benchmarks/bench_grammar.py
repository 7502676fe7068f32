"""The cost of structured output on a real vocabulary (Gemma 3 270M: 262,144 ids).

For a JSON-schema task: the grammar's time per sampled step (llguidance's mask, applying it
to the logits, taking the token) as a share of a decode step, the tokens the grammar forced
(fed in a prefill without sampling), the one-time vocabulary bridge and compile, and an
unconstrained decode step measured in the same run.

    python benchmarks/bench_grammar.py [--model gemma3-270m --variant 8da4w] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 40},
        "age": {"type": "integer", "minimum": 0, "maximum": 120},
        "email": {"type": "string", "maxLength": 40},
        "languages": {
            "type": "array",
            "items": {"enum": ["en", "fr", "de", "es", "pl"]},
            "maxItems": 4,
        },
        "address": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "maxLength": 30},
                "country": {"type": "string", "maxLength": 30},
            },
            "required": ["city", "country"],
            "additionalProperties": False,
        },
        "member": {"type": "boolean"},
    },
    "required": ["name", "age", "email", "languages", "address", "member"],
    "additionalProperties": False,
}
PROMPT = (
    "Here is the customer record of Marie Curie, born 1867 in Warsaw, who speaks French and "
    "Polish, as JSON:\n"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gemma3-270m")
    parser.add_argument("--variant", default="8da4w")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()

    import et_llm
    from et_llm.models import ensure_model

    files = ensure_model(args.model, args.variant)
    runner = et_llm.TextLLMRunner(str(files.pte), str(files.tokenizer), num_threads=args.threads)
    constrained = et_llm.GenerationConfig(
        echo=False,
        max_new_tokens=256,
        temperature=0.0,
        num_bos=1,
        grammar=json.dumps(SCHEMA),
        grammar_type="json_schema",
    )
    begin = time.perf_counter()
    runner.generate(PROMPT, et_llm.GenerationConfig(**_fields(constrained, max_new_tokens=1)))
    first_call_s = time.perf_counter() - begin  # the vocabulary bridge and the compile
    runs = []
    for _ in range(args.repeats):
        runner.reset()
        stats: list = []
        text = runner.generate(PROMPT, constrained, None, stats.append)
        s = stats[0]
        sampled = s.num_generated_tokens - s.num_forced_tokens
        runs.append(
            {
                "generated": s.num_generated_tokens,
                "forced": s.num_forced_tokens,
                "grammar_ms_per_sampled_step": s.grammar_time_us / 1000 / max(sampled, 1),
                "decode_ms_per_token": s.decode_time_us / 1000 / max(s.num_generated_tokens - 1, 1),
                "valid_json": _is_json(text),
            }
        )
    free = et_llm.GenerationConfig(
        echo=False, max_new_tokens=64, temperature=0.0, num_bos=1, ignore_eos=True
    )
    steps = []
    for _ in range(args.repeats):
        runner.reset()
        stats = []
        runner.generate(PROMPT, free, None, stats.append)
        steps.append(stats[0].decode_time_us / 1000 / (stats[0].num_generated_tokens - 1))
    step_ms = statistics.median(steps)
    grammar_ms = statistics.median(r["grammar_ms_per_sampled_step"] for r in runs)
    report = {
        "model": str(files.pte),
        "vocab_size": runner.get_vocab_size(),
        "first_call_s": first_call_s,
        "unconstrained_decode_ms": step_ms,
        "grammar_ms_per_sampled_step": grammar_ms,
        "grammar_share_of_decode_step": grammar_ms / step_ms,
        "forced_share": statistics.median(r["forced"] / r["generated"] for r in runs),
        "runs": runs,
    }
    print(f"{files.pte} ({report['vocab_size']} ids), {args.repeats} runs of a JSON-schema task")
    print(f"  first call (vocabulary bridge + compile): {first_call_s:.2f} s")
    print(f"  unconstrained decode step: {step_ms:.2f} ms")
    print(
        f"  grammar per sampled step, on the critical path (the mask is computed during the "
        f"forward): {grammar_ms:.3f} ms = "
        f"{100 * report['grammar_share_of_decode_step']:.1f}% of a decode step"
    )
    constrained_ms = statistics.median(r["decode_ms_per_token"] for r in runs)
    print(f"  constrained decode, per generated token: {constrained_ms:.2f} ms")
    last = runs[-1]
    print(
        f"  forced tokens: {last['forced']} of {last['generated']} "
        f"({100 * report['forced_share']:.0f}%, fed without sampling); "
        f"valid JSON: {all(r['valid_json'] for r in runs)}"
    )
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=2)
    return 0


def _fields(config: object, **changes: object) -> dict:
    names = ("echo", "max_new_tokens", "temperature", "num_bos", "grammar", "grammar_type")
    return {**{n: getattr(config, n) for n in names}, **changes}


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
