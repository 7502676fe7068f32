"""Structured output (GenerationConfig.grammar through llguidance): on the random-weight
fixture, whose free output is noise, every constrained output parses and validates; greedy
decoding under a grammar equals eager PyTorch's greedy under the same mask; every tokenizer
format bridges; bad grammars are typed errors before any forward."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest

import et_llm
from et_llm.grammar import compile_grammar, to_llguidance

llguidance = pytest.importorskip("llguidance")
jsonschema = pytest.importorskip("jsonschema")

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 6},
        "kind": {"enum": ["cat", "dog", "bird"]},
        "age": {"type": "integer", "minimum": 0, "maximum": 99},
        "weight": {"type": "number", "minimum": 0, "maximum": 50, "multipleOf": 0.25},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 4}, "maxItems": 2},
        "owner": {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "minimum": 0, "maximum": 999},
                "ok": {"type": "boolean"},
            },
            "required": ["id", "ok"],
            "additionalProperties": False,
        },
    },
    "required": ["name", "kind", "age", "tags", "owner"],
    "additionalProperties": False,
}
DATE = r"(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
LARK = r"""
start: greeting " " name "!"
greeting: "hello" | "hi" | "hey"
name: /[a-z]{1,8}/
"""
LARK_MATCH = r"(hello|hi|hey) [a-z]{1,8}!"
GBNF = r"""
root ::= answer " " number
answer ::= "yes" | "no"
number ::= [0-9] [0-9]? [0-9]?
"""
GBNF_MATCH = r"(yes|no) [0-9]{1,3}"


@pytest.fixture(scope="module")
def runner(fixture_dir: Path, tokenizer_path: str):
    return et_llm.TextLLMRunner(str(fixture_dir / "export_llm_dynamic.pte"), tokenizer_path)


def constrained(runner, grammar_type: str, grammar: str, seed: int, temperature: float) -> str:
    runner.reset()
    config = et_llm.GenerationConfig(
        echo=False,
        max_new_tokens=100,
        temperature=temperature,
        seed=seed,
        grammar=grammar,
        grammar_type=grammar_type,
    )
    text = runner.generate("Hello", config)
    assert runner.session.finish_reason in ("grammar", "eos"), (text, runner.session.finish_reason)
    return text


@pytest.mark.parametrize("temperature", [0.0, 1.0])
def test_every_output_validates_against_a_json_schema(runner, temperature: float):
    schema = json.dumps(SCHEMA)
    for seed in range(50):
        text = constrained(runner, "json_schema", schema, seed, temperature)
        jsonschema.validate(json.loads(text), SCHEMA)


@pytest.mark.parametrize(
    ("grammar_type", "grammar", "pattern"),
    [("regex", DATE, DATE), ("lark", LARK, LARK_MATCH), ("gbnf", GBNF, GBNF_MATCH)],
)
@pytest.mark.parametrize("temperature", [0.0, 1.0])
def test_every_output_matches_a_regex_or_grammar(
    runner, grammar_type, grammar, pattern, temperature
):
    outputs = {constrained(runner, grammar_type, grammar, seed, temperature) for seed in range(50)}
    for text in outputs:
        assert re.fullmatch(pattern, text), text
    if temperature > 0:
        assert len(outputs) > 1  # sampled, not one forced answer


def test_unconstrained_output_is_noise(runner):
    # What the tests above constrain: free output of this model is not JSON.
    runner.reset()
    text = runner.generate("Hello", et_llm.GenerationConfig(echo=False, max_new_tokens=40))
    with pytest.raises(ValueError):
        json.loads(text)


class EagerMask:
    """llguidance's mask over eager PyTorch logits: the oracle's side of the comparison."""

    def __init__(self, runner, grammar_type: str, grammar: str, eos_ids: set[int]) -> None:
        vocab = runner.get_vocab_size()
        self.matcher = compile_grammar(
            grammar_type, grammar, runner.tokenizer, sorted(eos_ids), vocab
        )
        self.words = np.zeros((vocab + 31) // 32, np.uint32)
        self.vocab = vocab

    def allowed(self) -> np.ndarray:
        self.words[:] = 0
        self.matcher.fill_mask(self.words.ctypes.data, len(self.words))
        bits = np.unpackbits(self.words.view(np.uint8), bitorder="little")
        return bits[: self.vocab].astype(bool)


@pytest.mark.parametrize(
    ("grammar_type", "grammar"),
    [("json_schema", json.dumps(SCHEMA)), ("regex", DATE), ("lark", LARK)],
)
def test_greedy_under_a_grammar_equals_eager_pytorch(
    runner, oracle, eos_ids, grammar_type, grammar
):
    import torch

    prompt = runner.tokenizer.encode("Hello", bos=1)
    runner.reset()
    config = et_llm.GenerationConfig(
        echo=False, max_new_tokens=100, temperature=0.0, grammar=grammar, grammar_type=grammar_type
    )
    ours = runner.session.generate_tokens(prompt, config)
    mask = EagerMask(runner, grammar_type, grammar, eos_ids)
    expected: list[int] = []
    sequence = list(prompt)
    while len(expected) < 100 and not mask.matcher.is_stopped():
        logits = oracle.logits(sequence).clone()
        logits[torch.from_numpy(~mask.allowed())] = float("-inf")
        token = int(torch.argmax(logits))
        expected.append(token)
        if token in eos_ids:
            break
        mask.matcher.accept(token)
        sequence.append(token)
    assert ours == expected


def test_forced_tokens_are_fed_without_sampling(runner):
    # Only the two digits are free: the literal before them is forced.
    grammar = 'start: "The answer is: " /[0-9]{2}/'
    sampled = []

    def count(input_ids, scores):
        sampled.append(input_ids.shape[1])

    runner.reset()
    config = et_llm.GenerationConfig(
        echo=False,
        max_new_tokens=50,
        grammar=grammar,
        grammar_type="lark",
        logits_processors=[count],
    )
    text = runner.generate("Hello", config)
    assert re.fullmatch(r"The answer is: \d\d", text)
    literal = len(runner.tokenizer.encode("The answer is: "))
    assert runner.stats.num_generated_tokens >= literal + 1
    # Only the digits (one or two tokens, and perhaps one merging into them) were sampled.
    assert len(sampled) <= 3
    assert runner.session.finish_reason == "grammar"


def format_tokenizers() -> list[str]:
    return ["byte_level_json", "metaspace_json", "tiktoken", "sp_bpe", "sp_unigram", "llama2c"]


@pytest.fixture(scope="module")
def tokenizer_files():
    from tests.fixtures.tokenizer_formats.build import artifacts

    return artifacts()


@pytest.mark.parametrize("name", format_tokenizers())
def test_every_tokenizer_format_bridges(tokenizer_files, name: str):
    """A random walk through the schema's mask on each format's vocabulary decodes to
    valid JSON: each id's bytes, the special ids and EOS reach llguidance right."""
    tokenizer = et_llm.load_tokenizer(str(getattr(tokenizer_files, name)))
    vocab = tokenizer.vocab_size
    eos = tokenizer.eos_ids or [vocab - 1]
    rng = random.Random(name)
    for _ in range(5):
        matcher = compile_grammar("json_schema", json.dumps(SCHEMA), tokenizer, eos, vocab)
        words = np.zeros((vocab + 31) // 32, np.uint32)
        out: list[int] = []
        while not matcher.is_stopped() and len(out) < 400:
            forced = matcher.forced_tokens()
            if forced:
                for token in forced:
                    matcher.accept(token)
                out += forced
                continue
            words[:] = 0
            matcher.fill_mask(words.ctypes.data, len(words))
            allowed = np.flatnonzero(np.unpackbits(words.view(np.uint8), bitorder="little")[:vocab])
            choices = [int(t) for t in allowed if int(t) not in eos]
            if not choices:
                break  # only an end is allowed
            token = rng.choice(choices)
            matcher.accept(token)
            out.append(token)
        jsonschema.validate(json.loads(tokenizer.decode(out)), SCHEMA)


@pytest.mark.parametrize(
    ("grammar_type", "grammar", "message"),
    [
        ("json_schema", "{not json", "json_schema"),
        ("json_schema", json.dumps({"type": "frobnicate"}), "json_schema"),
        ("regex", "a(b", "regex"),
        ("lark", "start: foo", "lark"),
        ("gbnf", "root ::= (", "gbnf"),
    ],
)
def test_bad_grammars_are_typed_errors_and_the_runner_goes_on(
    runner, grammar_type, grammar, message
):
    runner.reset()
    config = et_llm.GenerationConfig(
        echo=False, max_new_tokens=5, grammar=grammar, grammar_type=grammar_type
    )
    with pytest.raises(et_llm.InvalidArgumentError, match=message):
        runner.generate("Hello", config)
    assert runner.session.position() == 0  # nothing ran
    assert runner.generate("Hello", et_llm.GenerationConfig(echo=False, max_new_tokens=3))


def test_an_unknown_grammar_type_is_refused_by_the_config():
    with pytest.raises(et_llm.InvalidArgumentError, match="grammar_type"):
        et_llm.GenerationConfig(grammar="x", grammar_type="yaml")
    assert "grammar_type='regex'" in repr(
        et_llm.GenerationConfig(grammar="a", grammar_type="regex")
    )
    with pytest.raises(et_llm.InvalidArgumentError):
        to_llguidance("yaml", "x")


def test_sessions_and_streams_honour_the_grammar(fixture_dir: Path, tokenizer_path: str):
    engine = et_llm.Engine(str(fixture_dir / "export_llm_dynamic.pte"), tokenizer_path)
    config = et_llm.GenerationConfig(
        echo=False, max_new_tokens=60, temperature=1.0, seed=3, grammar=DATE, grammar_type="regex"
    )
    a, b = engine.create_session(), engine.create_session()
    streamed = "".join(a.stream("Hello", config))
    whole = b.generate("Hello", config)
    assert streamed == whole and re.fullmatch(DATE, whole)


def test_the_cli_constrains_generate(fixture_dir: Path, tokenizer_path: str, tmp_path: Path):
    from tests.python.cli_helpers import run_cli

    model = ["--model", fixture_dir / "export_llm_dynamic.pte", "--tokenizer", tokenizer_path]
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(SCHEMA))
    for flag in (str(schema_file), json.dumps(SCHEMA)):
        done = run_cli("generate", *model, "--json-schema", flag, "--seed", "5", "Hello")
        assert done.returncode == 0, done.stderr
        jsonschema.validate(json.loads(done.stdout), SCHEMA)
    done = run_cli("generate", *model, "--regex", DATE, "--greedy", "Hello")
    assert done.returncode == 0 and re.fullmatch(DATE, done.stdout.strip()), done.stderr
    gbnf = tmp_path / "answer.gbnf"
    gbnf.write_text(GBNF)
    done = run_cli("generate", *model, "--grammar", gbnf, "Hello")
    assert done.returncode == 0 and re.fullmatch(GBNF_MATCH, done.stdout.strip()), done.stderr
    bad = run_cli("generate", *model, "--regex", "a(b", "Hello")
    assert bad.returncode == 1 and "regex" in bad.stderr
    both = run_cli("generate", *model, "--regex", "a", "--json-schema", "{}", "Hello")
    assert both.returncode == 2  # mutually exclusive
