"""Speculative decoding (prompt lookup) against plain greedy decoding on the same runner, on a
grounded task (repeat a given text, as rewriting and quoting do) and an open-ended one.

    .venv/bin/python benchmarks/bench_speculative.py [--model gemma3-270m] [--variant fp32]
        [--new-tokens 96] [--repeats 3] [--draft 8] [--temperature 0] [--seed 0]

Prints, per task, decode tok/s of both (best of the repeats, alternated), the ratio, the share of
drafted tokens the model accepted, whether the two outputs are identical (greedy: they must be;
sampled with --temperature, they are two draws of the same distribution), and the start of the
text (a small base model's open-ended text often loops, which lookup predicts).
"""

from __future__ import annotations

import argparse

import et_llm
from et_llm.models import find_model

PASSAGE = (
    "The committee met on Tuesday to discuss the budget for the new library, which will open "
    "in the spring with forty thousand books, a reading room for children, a small cafe and a "
    "garden where the town's oldest oak tree stands. Funding comes from the council and from a "
    "bequest left by a retired teacher who spent her life in the town."
)
TASKS = {
    "grounded": f"Repeat the following text exactly.\nText: {PASSAGE}\nRepeated text:",
    "open-ended": "Once upon a time, in a village by the sea, there lived an old fisherman who",
}


def _decode(
    runner: et_llm.TextLLMRunner, prompt: str, config: et_llm.GenerationConfig
) -> tuple[list[int], et_llm.Stats]:
    runner.reset()
    tokens = runner.generate_tokens(prompt, config)
    return tokens, runner.stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gemma3-270m")
    parser.add_argument("--variant", default="fp32")
    parser.add_argument("--new-tokens", type=int, default=96)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--draft", type=int, default=8)
    parser.add_argument("--temperature", type=float, default=0.0, help="0: greedy")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    files = find_model(args.model, args.variant)
    runner = et_llm.TextLLMRunner(files.pte, files.tokenizer)
    common = {
        "temperature": args.temperature,
        "seed": args.seed,
        "max_new_tokens": args.new_tokens,
        "echo": False,
        "ignore_eos": True,
    }
    plain = et_llm.GenerationConfig(**common)
    fast = et_llm.GenerationConfig(
        **common, speculative="prompt_lookup", num_draft_tokens=args.draft
    )
    decoding = f"temperature {args.temperature}, seed {args.seed}" if args.temperature else "greedy"
    print(
        f"{args.model} {args.variant}, {args.new_tokens} new tokens, drafts of <= {args.draft},"
        f" {decoding}"
    )
    for task, prompt in TASKS.items():
        best = {"plain": 0.0, "speculative": 0.0}
        outputs: dict[str, list[int]] = {}
        accepted = drafted = 0
        for _ in range(args.repeats):
            for name, config in (("plain", plain), ("speculative", fast)):
                tokens, stats = _decode(runner, prompt, config)
                outputs[name] = tokens
                best[name] = max(best[name], stats.decode_tokens_per_second)
                if name == "speculative":
                    drafted, accepted = stats.num_draft_tokens, stats.num_accepted_draft_tokens
        ratio = best["speculative"] / best["plain"]
        share = accepted / drafted if drafted else 0.0
        print(
            f"{task:11s} plain {best['plain']:6.1f} tok/s  speculative {best['speculative']:6.1f}"
            f" tok/s  ratio {ratio:4.2f}x  accepted {accepted}/{drafted} ({share:.0%})"
            f"  identical: {outputs['plain'] == outputs['speculative']}"
        )
        # Small base models fall into loops, which prompt lookup predicts: show the text.
        text = runner.tokenizer.decode(outputs["plain"]).replace("\n", " ")
        print(f"{'':11s} text: {text[:150]!r}")


if __name__ == "__main__":
    main()
