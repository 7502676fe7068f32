"""What `et-llm bench` will measure: one target per (engine, file), the engines that cannot run
here skipped with the reason, and the default prompt cut to the smallest context."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from et_llm.bench.arguments import DEFAULT_PROMPT, ENGINES
from et_llm.bench.model_files import ModelFile, resolve_models
from et_llm.errors import InvalidArgumentError

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
    files = resolve_models(args)
    if args.prompt == DEFAULT_PROMPT:
        _fit_default_prompt(args, files)
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


def _fit_default_prompt(args: argparse.Namespace, files: list[ModelFile]) -> None:
    """Shortens the default prompt and --new-tokens to what the smallest context holds (a
    tiny test model's 128 positions, say), and says so; a prompt of the user's is theirs."""
    import et_llm

    for file in files:
        metadata = et_llm.get_llm_metadata(file.pte)
        context = int(metadata.get("get_max_context_len") or metadata.get("get_max_seq_len"))
        tokenizer_of = et_llm.load_tokenizer(file.tokenizer)

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
            f"[bench] {Path(file.pte).name} holds {context} positions: the default prompt cut to "
            f"{prompt_tokens(args.prompt)} tokens, {args.new_tokens} new tokens",
            file=sys.stderr,
        )
