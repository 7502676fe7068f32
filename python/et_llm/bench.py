"""`et-llm bench`: prefill/decode speed, time to first token and peak memory of et_llm, next to
upstream ExecuTorch's runner on the same `.pte` and llama.cpp on the model's GGUF, in one run.

Every (engine, file) pair runs in a fresh subprocess (see `et_llm.bench_engines`), the pairs
alternate over several rounds so load on the machine hits all engines alike, and the medians
are compared. Upstream's runner needs torch in its interpreter; llama.cpp needs
llama-cpp-python in its own (``--llama-cpp-python``, default the venv that
``benchmarks/setup_llama_cpp.sh`` makes). An engine that is not installed is skipped with the
reason, not silently dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from et_llm.errors import InvalidArgumentError, NotFoundError

ENGINES = ("et_llm", "upstream", "llama.cpp")
DEFAULT_PROMPT = (
    "The history of the printing press begins in the fifteenth century, when Johannes "
    "Gutenberg combined movable metal type, oil-based ink and a screw press. Within fifty "
    "years, presses had spread across Europe, and books became"
)
METRICS = ("prefill_tok_s", "decode_tok_s", "ttft_s", "peak_rss_mib")
LLAMA_CPP_VENV = (
    Path(os.environ.get("ET_LLM_CACHE", Path.home() / ".cache" / "et_llm")) / "llama-cpp-venv"
)


@dataclass(frozen=True)
class Target:
    """One thing to measure: an engine on a file."""

    label: str  # the model file's name in the report
    group: str  # files of one model share a group; llama.cpp's GGUF is compared to all of them
    engine: str
    model: str
    tokenizer: str | None
    python: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        action="append",
        help=".pte file or model name[:variant] (default gemma3-270m); repeatable",
    )
    parser.add_argument(
        "--variant",
        action="append",
        help="variant of a named model (fp32, 8da4w, fp32-plain); repeatable, default fp32",
    )
    parser.add_argument("--tokenizer", help="tokenizer for .pte paths (default: next to it)")
    parser.add_argument("--gguf", help="GGUF for llama.cpp (named models bring their own)")
    parser.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help=f"comma-separated subset of {', '.join(ENGINES)} (default: all)",
    )
    parser.add_argument("--prompt", default=DEFAULT_PROMPT)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3, help="timings per subprocess")
    parser.add_argument("--rounds", type=int, default=2, help="subprocesses per engine and file")
    parser.add_argument("--threads", type=int, help="default: physical cores")
    parser.add_argument("--json", dest="json_path", help="write all results here")
    parser.add_argument("--upstream-python", default=sys.executable)
    parser.add_argument("--llama-cpp-python", help="interpreter with llama_cpp installed")


def _tokenizer_next_to(pte: Path) -> str:
    for folder in (pte.parent, pte.parent.parent):
        for name in ("tokenizer.json", "tokenizer.model", "tokenizer.bin"):
            if (folder / name).is_file():
                return str(folder / name)
    raise NotFoundError(f"no tokenizer next to {pte}; pass --tokenizer")


def _resolve_models(args: argparse.Namespace) -> list[tuple[str, str, str, str, str | None]]:
    """(group, label, pte, tokenizer, gguf) for every file to measure."""
    files = []
    for model in args.model or ["gemma3-270m"]:
        path = Path(model)
        if path.suffix == ".pte" or path.exists():
            if not path.is_file():
                raise NotFoundError(f"model file not found: {model}")
            tokenizer = args.tokenizer or _tokenizer_next_to(path)
            files.append((path.stem, path.name, str(path), tokenizer, args.gguf))
            continue
        from et_llm import models

        model, _, named_variant = model.partition(":")
        for variant in [named_variant] if named_variant else args.variant or ["fp32"]:
            prepared = models.ensure_model(model, variant=variant)
            has_gguf = prepared.gguf is not None and Path(prepared.gguf).is_file()
            gguf = args.gguf or (str(prepared.gguf) if has_gguf else None)
            label = f"{model} {variant}"
            files.append((model, label, str(prepared.pte), str(prepared.tokenizer), gguf))
    return files


def _python_has(python: str, module: str) -> str | None:
    """None when `python` can import `module`, else why not."""
    try:
        done = subprocess.run(
            [python, "-c", f"import {module}"], capture_output=True, text=True, check=False
        )
    except OSError as error:
        return str(error)
    return None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["failed"])[-1]


def _llama_cpp_python(args: argparse.Namespace) -> str:
    if args.llama_cpp_python:
        return args.llama_cpp_python
    venv_python = LLAMA_CPP_VENV / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


def plan(args: argparse.Namespace) -> tuple[list[Target], dict[str, str]]:
    """The targets to measure, and the engines skipped with the reason."""
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        raise InvalidArgumentError(f"unknown engine(s) {unknown}; choose from {list(ENGINES)}")
    if args.new_tokens < 2 or args.repeats < 1 or args.rounds < 1:
        raise InvalidArgumentError("--new-tokens must be >= 2, --repeats and --rounds >= 1")
    skipped: dict[str, str] = {}
    llama_python = _llama_cpp_python(args)
    checks = {"upstream": (args.upstream_python, "executorch.extension.llm.runner")}
    checks["llama.cpp"] = (llama_python, "llama_cpp")
    for engine, (python, module) in checks.items():
        if engine in engines:
            problem = _python_has(python, module)
            if problem:
                skipped[engine] = f"{python}: {problem}"
    targets: list[Target] = []
    ggufs: dict[str, str] = {}
    files = _resolve_models(args)
    if args.prompt == DEFAULT_PROMPT:
        _fit_default_prompt(args, [(pte, tokenizer) for _, _, pte, tokenizer, _ in files])
    for group, label, pte, tokenizer, gguf in files:
        if "et_llm" in engines:
            targets.append(Target(label, group, "et_llm", pte, tokenizer, sys.executable))
        if "upstream" in engines and "upstream" not in skipped:
            python = args.upstream_python
            targets.append(Target(label, group, "upstream", pte, tokenizer, python))
        if gguf:
            ggufs.setdefault(gguf, group)
    if "llama.cpp" in engines and "llama.cpp" not in skipped:
        if not ggufs:
            skipped["llama.cpp"] = "no GGUF (pass --gguf)"
        for gguf, group in ggufs.items():
            label = f"{group} {Path(gguf).name}"
            targets.append(Target(label, group, "llama.cpp", gguf, None, llama_python))
    return targets, skipped


def _fit_default_prompt(args: argparse.Namespace, files: list[tuple[str, str]]) -> None:
    """Shortens the default prompt and --new-tokens to what the smallest context holds (a
    tiny test model's 128 positions, say), and says so; a prompt of the user's is theirs."""
    import et_llm

    for pte, tokenizer in files:
        metadata = et_llm.get_llm_metadata(pte)
        context = int(metadata.get("get_max_context_len") or metadata.get("get_max_seq_len"))
        tokenizer_of = et_llm.load_tokenizer(tokenizer)

        def prompt_tokens(text: str, tok: et_llm.Tokenizer = tokenizer_of) -> int:
            return len(tok.encode(text, bos=1))

        if prompt_tokens(args.prompt) + args.new_tokens < context:
            continue
        args.new_tokens = max(2, min(args.new_tokens, context // 4))
        words = args.prompt.split(" ")
        while len(words) > 1 and prompt_tokens(" ".join(words)) + args.new_tokens >= context:
            words.pop()
        args.prompt = " ".join(words)
        print(
            f"[bench] {Path(pte).name} holds {context} positions: the default prompt cut to "
            f"{prompt_tokens(args.prompt)} tokens, {args.new_tokens} new tokens",
            file=sys.stderr,
        )


def _run_target(target: Target, args: argparse.Namespace, threads: int) -> dict[str, Any]:
    script = str(Path(__file__).with_name("bench_engines.py"))
    command = [target.python, script, target.engine, "--model", target.model]
    if target.tokenizer:
        command += ["--tokenizer", target.tokenizer]
    command += ["--prompt", args.prompt, "--new-tokens", str(args.new_tokens)]
    command += ["--repeats", str(args.repeats), "--threads", str(threads)]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", errors="replace")
        raise RuntimeError(f"{target.engine} on {target.model} failed:\n{stderr[-3000:]}")
    stdout = done.stdout.decode("utf-8", errors="replace")
    return json.loads(stdout.strip().splitlines()[-1])


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def _ratios(
    medians: dict[tuple[str, str], dict[str, Any]], groups: dict[str, str]
) -> dict[str, dict[str, float]]:
    """et_llm over each other engine, per file: above 1 means et_llm is better."""
    gguf_of = {groups[label]: label for label, engine in medians if engine == "llama.cpp"}
    ratios: dict[str, dict[str, float]] = {}
    for (label, engine), ours in medians.items():
        if engine != "et_llm":
            continue
        others = {"upstream": (label, "upstream")}
        if groups[label] in gguf_of:
            others["llama.cpp"] = (gguf_of[groups[label]], "llama.cpp")
        for name, key in others.items():
            theirs = medians.get(key)
            if not theirs:
                continue
            entry = {}
            for metric in ("prefill_tok_s", "decode_tok_s"):
                if ours.get(metric) and theirs.get(metric):
                    entry[metric] = ours[metric] / theirs[metric]
            if ours.get("ttft_s") and theirs.get("ttft_s"):
                entry["ttft_speedup"] = theirs["ttft_s"] / ours["ttft_s"]
            if ours.get("peak_rss_mib") and theirs.get("peak_rss_mib"):
                entry["peak_rss"] = ours["peak_rss_mib"] / theirs["peak_rss_mib"]
            ratios[f"{label}: et_llm/{name}"] = entry
    return ratios


def _print_report(
    medians: dict[tuple[str, str], dict[str, Any]],
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


def run(args: argparse.Namespace) -> int:
    from et_llm import physical_core_count

    targets, skipped = plan(args)
    threads = args.threads or physical_core_count()
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    failed: dict[str, str] = {}
    for round_index in range(args.rounds):
        for target in list(targets):
            print(
                f"[bench] round {round_index + 1}/{args.rounds}: {target.engine} on {target.label}",
                file=sys.stderr,
                flush=True,
            )
            try:
                result = _run_target(target, args, threads)
            except RuntimeError as failure:
                # One engine failing on one file must not lose the other measurements.
                failed[f"{target.engine} on {target.label}"] = str(failure).splitlines()[-1]
                targets.remove(target)
                runs.pop((target.label, target.engine), None)
                continue
            runs.setdefault((target.label, target.engine), []).append(result)
    medians = {}
    for key, results in runs.items():
        medians[key] = {metric: _median(results, metric) for metric in METRICS}
        medians[key]["prompt_tokens"] = results[0]["prompt_tokens"]
        medians[key]["overhead"] = _median(results, "overhead")
    ratios = _ratios(medians, {t.label: t.group for t in targets})
    _print_report(medians, ratios, skipped, failed)
    if args.json_path:
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
        Path(args.json_path).write_text(json.dumps(report, indent=2) + "\n")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="et-llm bench", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
