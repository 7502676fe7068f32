"""Fuzzes structured output (GenerationConfig.grammar) with atheris, through the runner.

    python tests/fuzz/fuzz_grammar.py [CORPUS_DIR ...] [libFuzzer flags]

An input is a type byte and a grammar: the first byte picks the grammar_type (one of the four, or a
name that is none of them) and the rest is the grammar's text (a JSON schema, a regex, a Lark
or a GBNF grammar). It is generated from, greedy and a few tokens long, on the fixture's
random-weight model with its tokenizer: the C++ core asks et_llm.grammar (llguidance) for
each step's token mask, masks the logits, commits the token and feeds forced tokens, so the
whole bridge runs.

A generated text or an et_llm error is an expected outcome; any other exception, a hang, a
sampled token the grammar then refuses (the mask allowed it), or a runner that generates
differently afterwards is a finding.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import atheris
from atheris_run import fuzz

with atheris.instrument_imports(include=["et_llm.grammar"]):
    import et_llm.grammar  # noqa: F401

import et_llm  # noqa: E402

TYPES = ["json_schema", "regex", "lark", "gbnf", "yaml"]
PROMPT = "Once upon a time"
NEW_TOKENS = 6


class GrammarTarget:
    def __init__(self) -> None:
        fixtures = Path(os.environ["ET_LLM_FIXTURES_DIR"])
        self.runner = et_llm.TextLLMRunner(
            str(fixtures / "export_llm_dynamic.pte"), str(fixtures / "tokenizer.json")
        )
        self.plain = self.runner.generate(PROMPT, self.config())

    @staticmethod
    def config(**grammar: str) -> et_llm.GenerationConfig:
        return et_llm.GenerationConfig(
            max_new_tokens=NEW_TOKENS, temperature=0.0, echo=False, **grammar
        )

    def __call__(self, data: bytes) -> None:
        if not data:
            return
        grammar_type = TYPES[data[0] % len(TYPES)]
        text = data[1:].decode("utf-8", "replace")
        try:
            self.runner.generate(PROMPT, self.config(grammar=text, grammar_type=grammar_type))
        except et_llm.InvalidStateError as error:
            if "does not allow token" in str(error):
                raise AssertionError(f"a masked-in token was refused: {error}") from error
        except et_llm.Error:
            pass
        finally:
            self.runner.reset()
        # A refused or finished grammar leaves the runner as it was.
        if self.runner.generate(PROMPT, self.config()) != self.plain:
            raise AssertionError("the runner generates differently after a grammar")
        self.runner.reset()


def main() -> None:
    fuzz(sys.argv, GrammarTarget(), max_len="2048", timeout="30")


if __name__ == "__main__":
    main()
