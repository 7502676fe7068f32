"""The GGUF tokenizer import (et_llm.models.gguf_tokenizer, run by `et-llm pull`) on corrupt and
inconsistent GGUFs: each is a GGUFError that says what is wrong, never another exception or a
read that grows past the file (gguf's reader trusts the counts in it). A well-formed GGUF of
each kind is rebuilt and loads in et_llm. The GGUFs are the fuzz harness's seeds, written by
gguf's own writer."""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import et_llm

gguf = pytest.importorskip("gguf")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fuzz"))
pytest.importorskip("atheris")  # the harness module imports it

from fuzz_gguf_tokenizer import _byte_level_seed, _sentencepiece_seed  # noqa: E402

from et_llm.models.gguf_layout import GGUFError, check_gguf_layout  # noqa: E402
from et_llm.models.gguf_tokenizer import (  # noqa: E402
    _byte_level_bpe_tokenizer,
    _sentencepiece_model,
    read_gguf_fields,
    tokenizer_fields,
)

REGRESSIONS = Path(__file__).resolve().parents[1] / "fuzz" / "regressions" / "gguf_tokenizer"


@pytest.fixture(params=["byte_level", "sentencepiece"])
def seed(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / f"{request.param}.gguf"
    {"byte_level": _byte_level_seed, "sentencepiece": _sentencepiece_seed}[request.param](path)
    return path


def test_a_well_formed_gguf_rebuilds_a_tokenizer_et_llm_loads(seed: Path, tmp_path: Path) -> None:
    fields = tokenizer_fields(read_gguf_fields(seed))
    if fields["tokenizer.ggml.model"] == "llama":
        written = tmp_path / "tokenizer.model"
        _sentencepiece_model(fields, written)
    else:
        _byte_level_bpe_tokenizer(fields, tmp_path)
        written = tmp_path / "tokenizer.json"
    tokenizer = et_llm.load_tokenizer(written)
    assert tokenizer.vocab_size == len(fields["tokenizer.ggml.tokens"])
    assert tokenizer.decode(tokenizer.encode("hello")) == "hello"


def test_every_truncation_is_a_gguf_error(seed: Path, tmp_path: Path) -> None:
    data = seed.read_bytes()
    # The file ends in alignment padding (a cut there loses nothing); its last value does not
    # end in a zero byte.
    end = len(data.rstrip(b"\0"))
    cut = tmp_path / "cut.gguf"
    for size in range(0, end, max(1, end // 97)):
        cut.write_bytes(data[:size])
        with pytest.raises(GGUFError):
            tokenizer_fields(read_gguf_fields(cut))


def _patched(seed: Path, tmp_path: Path, offset: int, fmt: str, value: int) -> Path:
    data = bytearray(seed.read_bytes())
    struct.pack_into(fmt, data, offset, value)
    path = tmp_path / "patched.gguf"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("offset", "fmt", "value", "message"),
    [
        (0, "<I", 0x46554747 + 1, "no GGUF magic"),
        (8, "<Q", 2**63, "tensors"),  # the tensor count
        (16, "<Q", 2**40, "metadata entries"),  # the metadata count
    ],
)
def test_header_counts_past_the_file_are_gguf_errors(
    seed: Path, tmp_path: Path, offset: int, fmt: str, value: int, message: str
) -> None:
    with pytest.raises(GGUFError, match=message):
        check_gguf_layout(_patched(seed, tmp_path, offset, fmt, value))


def test_fuzz_regressions_are_gguf_errors() -> None:
    regressions = sorted(REGRESSIONS.glob("*.gguf"))
    assert regressions
    for path in regressions:
        with pytest.raises(GGUFError, match="array claims"):
            read_gguf_fields(path)


def _fields(seed: Path) -> dict[str, Any]:
    return read_gguf_fields(seed)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.pop("tokenizer.ggml.tokens"), "tokens is missing"),
        (lambda f: f.update({"tokenizer.ggml.tokens": []}), "vocabulary is empty"),
        (lambda f: f["tokenizer.ggml.token_type"].pop(), "not as many token_type"),
        (lambda f: f["tokenizer.ggml.token_type"].__setitem__(0, 9), "token type"),
        (lambda f: f.update({"tokenizer.ggml.eos_token_id": 10**6}), "eos id"),
        (lambda f: f.update({"tokenizer.ggml.bos_token_id": -1}), "bos id"),
        (lambda f: f.update({"tokenizer.chat_template": 5}), "chat_template is not a str"),
    ],
)
def test_inconsistent_tokenizer_metadata_is_a_gguf_error(
    seed: Path, change: Callable[[dict[str, Any]], object], message: str
) -> None:
    fields = _fields(seed)
    change(fields)
    with pytest.raises(GGUFError, match=message):
        tokenizer_fields(fields)


def test_a_merge_of_unknown_tokens_is_a_gguf_error(tmp_path: Path) -> None:
    path = tmp_path / "byte_level.gguf"
    _byte_level_seed(path)
    fields = tokenizer_fields(read_gguf_fields(path))
    fields["tokenizer.ggml.merges"] = ["h e", "x y"]
    with pytest.raises(GGUFError, match="'x y' is not a pair of tokens"):
        _byte_level_bpe_tokenizer(fields, tmp_path)
