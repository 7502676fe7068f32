"""The worker of test_bad_input_sweep.py: loads and uses each damaged file it is given, one
after another in one process, and prints one line per case as it ends, so the parent can
tell which case a crash or a hang belongs to and go on from the next one.

argv[1] is a JSON list of [kind, path, companion] cases; each line printed is
``<index> ran <digest>``, ``<index> typed <ErrorCode name>`` or ``<index> untyped <type>``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import et_llm

TEXT = "Hello, world! Ünïcödé 你好 123 <|im_start|>"


def _use_program(path: str, tokenizer: str) -> object:
    runner = et_llm.TextLLMRunner(path, tokenizer)
    config = et_llm.GenerationConfig(temperature=0.0, max_new_tokens=4, echo=False)
    return runner.generate_tokens([1, 5, 6], config)


def _use_tokenizer(path: str) -> object:
    tokenizer = et_llm.load_tokenizer(path)
    ids = tokenizer.encode(TEXT)
    return [
        ids,
        tokenizer.decode(ids),
        tokenizer.decode(list(range(min(64, tokenizer.vocab_size)))),
    ]


def _use_tokenizer_config(path: str, tokenizer: str) -> object:
    # The loader reads the tokenizer_config.json next to the tokenizer; chat templates too.
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(tokenizer, Path(folder) / "tokenizer.json")
        shutil.copy(path, Path(folder) / "tokenizer_config.json")
        loaded = et_llm.load_tokenizer(str(Path(folder) / "tokenizer.json"))
        template = et_llm.ChatTemplate.from_tokenizer_config(Path(folder) / "tokenizer_config.json")
        rendered = template.render([{"role": "user", "content": "hi"}], add_generation_prompt=True)
        return [loaded.encode(TEXT), rendered]


def _run(kind: str, path: str, companion: str) -> object:
    if kind == "program":
        return _use_program(path, companion)
    if kind == "tokenizer":
        return _use_tokenizer(path)
    if kind == "tokenizer_config":
        return _use_tokenizer_config(path, companion)
    raise ValueError(f"unknown case kind {kind}")


def main() -> None:
    for index, (kind, path, companion) in enumerate(json.loads(sys.argv[1])):
        try:
            result = _run(kind, path, companion)
        except et_llm.Error as error:
            line = f"typed {error.code.name}"
        except Exception as error:  # a finding: the parent reports it
            line = f"untyped {type(error).__name__}: {str(error)[:200]!r}"
        else:
            digest = hashlib.sha256(json.dumps(result, default=str).encode()).hexdigest()[:16]
            line = f"ran {digest}"
        print(index, line, flush=True)


if __name__ == "__main__":
    main()
