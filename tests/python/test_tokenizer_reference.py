"""The HF tokenizer.json implementation gives the ids of HF `tokenizers` itself."""

from __future__ import annotations

import pytest

import et_llm
from tests.fixtures.tokenizer_fixture import CORPUS

EXTRA = [
    "",
    " ",
    "   leading and trailing   ",
    "tabs\tand\nnewlines\r\n\n\n",
    "<|im_start|>user\nhi<|im_end|>",
    "text<|end_of_text|>more<|begin_of_text|>",
    "numbers 1234567890 3.14159 -42",
    "emoji 👍🏽 🏳️‍🌈 🇯🇵 👨‍👩‍👧‍👦",
    "mixed: Ελληνικά, العربية, हिन्दी, 日本語, 한국어",
    "code: for (int i = 0; i < n; ++i) { x += y[i]; }",
    "  multiple   spaces    ",
    "'s 't 're 've 'm 'll 'd",
    "\u00e9\u0065\u0301 composed and decomposed",
]


@pytest.fixture(scope="module")
def ours(tokenizer_path: str) -> et_llm.Tokenizer:
    return et_llm.load_tokenizer(tokenizer_path)


@pytest.mark.parametrize("text", CORPUS + EXTRA)
def test_ids_equal_hf(ours, hf_tokenizer, text):
    want = hf_tokenizer.encode(text, add_special_tokens=False).ids
    assert ours.encode(text) == want
    assert ours.decode(want) == hf_tokenizer.decode(want, skip_special_tokens=False)


def test_bos_eos_counts(ours, manifest):
    bos, eos = manifest["tokenizer"]["bos_id"], manifest["tokenizer"]["eos_id"]
    assert ours.encode("hi", bos=2, eos=1) == [bos, bos, *ours.encode("hi"), eos]
    # From tokenizer_config.json; the model's metadata adds <|im_end|> at run time.
    assert ours.bos_id == bos
    assert ours.eos_ids == [eos]


def test_vocab(ours, hf_tokenizer):
    assert ours.vocab_size == hf_tokenizer.get_vocab_size()
    for piece, idx in list(hf_tokenizer.get_vocab().items())[:200]:
        assert ours.id_to_piece(idx) == piece
        assert ours.piece_to_id(piece) == idx


def test_streaming_pieces_are_whole_characters(ours):
    text = "".join(CORPUS)
    ids = ours.encode(text)
    raw = b"".join(ours.decode_token(prev, tok) for prev, tok in zip([0, *ids], ids, strict=False))
    assert raw.decode("utf-8") == text
    assert ours.decode(ids) == text


def test_bad_ids(ours):
    with pytest.raises(et_llm.InvalidArgumentError):
        ours.decode([ours.vocab_size + 5])
