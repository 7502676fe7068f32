"""SentencePiece-style tokenizer.json files give the ids and text of HF `tokenizers`.

The tokenizers are trained here with HF `tokenizers` (Metaspace BPE with byte fallback,
arranged as Llama 2, Mistral and Gemma arrange theirs, and HF's SentencePieceBPETokenizer),
plus Gemma 3's real tokenizer rebuilt by tests/fixtures/gemma_tokenizer.py. Streaming is
checked by feeding decode_token's bytes to an incremental UTF-8 decoder that replaces
invalid sequences the way et_llm's Utf8StreamDecoder does (maximal subparts).
"""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from tokenizers import (
    Tokenizer,
    decoders,
    normalizers,
    pre_tokenizers,
    processors,
)
from tokenizers.implementations import SentencePieceBPETokenizer

import et_llm
from tests.fixtures.sentencepiece_style import (
    SPECIAL_TOKENS,
    sentencepiece_decoder,
    to_json,
    train_metaspace_bpe,
)
from tests.fixtures.tokenizer_fixture import CORPUS

NO_PREVIOUS_TOKEN = 2**64 - 1  # et_llm::kNoPreviousToken: decode as the start of a text

TEXTS = [
    *CORPUS,
    "",
    " ",
    "   ",
    "  two leading spaces, trailing ones   ",
    "tabs\t\tand\nnewlines\r\n\n\nand   runs    of     spaces",
    "<s>Hello</s> world <unk> and <s> spaced </s> and <s><s></s>",
    "<start_of_turn>user\nHi there!<end_of_turn>\n<start_of_turn>model\n",
    "Rare scripts fall back to bytes: ꙮ 𓀀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ⱥ ǂ ᚠᛇᚻ ⴰⵣⵓⵍ",
    "Emoji: 👨‍👩‍👧‍👦👋🏽🇯🇵🏳️‍🌈 1️⃣ 🫠🥹 ❤️‍🔥",
    "Digits 0123456789, ٠١٢٣٤٥٦٧٨٩, १२३, ①②③, 3.14159e-10, 1,000,000.00",
    "def f(x):\n\tif x:\n\t\treturn {'a': [1, 2]}  # comment\n",
    "▁ a literal metaspace ▁▁ and ▁word▁",
    "Ligatures ﬁ ﬂ, full width ＡＢＣ１２３, combining e\u0301 a\u0308, Å Å",
    "\ufeffBOM, zero\u200bwidth, nbsp\u00a0and em\u2003space",
]


def styles() -> dict[str, dict]:
    """Style name -> tokenizer.json content."""
    base = train_metaspace_bpe(TEXTS, vocab_size=1000, limit_alphabet=160)
    bos_template = to_json(
        processors.TemplateProcessing(
            single="<s> $A", special_tokens=[("<s>", base["model"]["vocab"]["<s>"])]
        )
    )
    sentencepiece_bpe = SentencePieceBPETokenizer()
    sentencepiece_bpe.train_from_iterator(
        TEXTS * 3, vocab_size=1000, special_tokens=SPECIAL_TOKENS, show_progress=False
    )
    return {
        # Llama 2 (legacy): the space prefix comes from the normalizer, per stretch of text.
        "llama2_legacy": {
            **base,
            "normalizer": to_json(
                normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
            ),
            "pre_tokenizer": None,
            "post_processor": bos_template,
            "decoder": sentencepiece_decoder(strip=True),
        },
        # Llama 2 / Mistral without legacy: Metaspace adds the prefix at the very start only.
        "llama2_metaspace_first": {
            **base,
            "pre_tokenizer": to_json(pre_tokenizers.Metaspace(prepend_scheme="first", split=False)),
            "post_processor": bos_template,
            "decoder": sentencepiece_decoder(strip=True),
        },
        "metaspace_first_split": {
            **base,
            "pre_tokenizer": to_json(pre_tokenizers.Metaspace(prepend_scheme="first")),
            "decoder": to_json(
                decoders.Sequence(
                    [decoders.ByteFallback(), decoders.Metaspace(prepend_scheme="first")]
                )
            ),
        },
        # Gemma: spaces become "▁" and are never prepended; no stripping when decoding.
        "gemma_style": {
            **base,
            "normalizer": to_json(normalizers.Replace(" ", "▁")),
            "pre_tokenizer": to_json(pre_tokenizers.Split(" ", "merged_with_previous")),
            "decoder": sentencepiece_decoder(strip=False),
        },
        "unknown_without_byte_fallback": train_metaspace_bpe(TEXTS, byte_fallback=False),
        "sentencepiece_bpe": json.loads(sentencepiece_bpe.to_str()),
    }


STYLE_NAMES = [
    "llama2_legacy",
    "llama2_metaspace_first",
    "metaspace_first_split",
    "gemma_style",
    "unknown_without_byte_fallback",
    "sentencepiece_bpe",
]


@pytest.fixture(scope="module")
def style_dirs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hf_styles")
    dirs = {}
    for name, content in styles().items():
        directory = root / name
        directory.mkdir()
        (directory / "tokenizer.json").write_text(json.dumps(content, ensure_ascii=False))
        if name.startswith("llama2"):
            config = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}
            (directory / "tokenizer_config.json").write_text(json.dumps(config))
        dirs[name] = directory
    assert sorted(dirs) == sorted(STYLE_NAMES)
    return dirs


@pytest.fixture(scope="module")
def gemma_dir() -> Path:
    """Gemma 3's tokenizer; scripts/test.sh builds it and names it in the environment."""
    built = os.environ.get("ET_LLM_GEMMA_TOKENIZER_DIR")
    if built:
        return Path(built)
    try:
        from tests.fixtures.gemma_tokenizer import ensure

        return ensure()
    except Exception as error:  # noqa: BLE001 - any failure to build means: skip
        pytest.skip(
            f"the Gemma 3 tokenizer could not be built ({error.__class__.__name__}: {error})"
        )


@pytest.fixture(scope="module", params=[*STYLE_NAMES, "gemma3"])
def pair(request, style_dirs) -> tuple[et_llm.Tokenizer, Tokenizer]:
    """(ours, HF's) for one tokenizer.json."""
    if request.param == "gemma3":
        directory = request.getfixturevalue("gemma_dir")
    else:
        directory = style_dirs[request.param]
    path = str(directory / "tokenizer.json")
    return et_llm.load_tokenizer(path), Tokenizer.from_file(path)


def streamed(ours: et_llm.Tokenizer, ids: list[int]) -> str:
    """decode_token pieces from the start of a text, through an incremental decoder."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    text = []
    prev = NO_PREVIOUS_TOKEN
    for token in ids:
        text.append(decoder.decode(ours.decode_token(prev, token)))
        prev = token
    text.append(decoder.decode(b"", final=True))
    return "".join(text)


@pytest.mark.parametrize("text", TEXTS)
def test_ids_and_decodes_equal_hf(pair, text):
    ours, hf = pair
    want = hf.encode(text, add_special_tokens=False).ids
    assert ours.encode(text) == want
    for skip in (False, True):
        assert ours.decode(want, skip_special_tokens=skip) == hf.decode(
            want, skip_special_tokens=skip
        )


def test_streaming_equals_decode_and_hf(pair):
    ours, hf = pair
    for text in TEXTS:
        ids = hf.encode(text, add_special_tokens=False).ids
        sequences = [ids] if ours.bos_id is None else [ids, [ours.bos_id, *ids]]
        for sequence in sequences:
            whole = hf.decode(sequence, skip_special_tokens=False)
            assert ours.decode(sequence) == whole
            assert streamed(ours, sequence) == whole, text


def test_vocabulary_equals_hf(pair):
    ours, hf = pair
    assert ours.vocab_size == hf.get_vocab_size(with_added_tokens=True)
    vocab = hf.get_vocab(with_added_tokens=True)
    for piece in ["<unk>", "<0x0A>", "<0xE4>", "▁", "▁▁", *list(vocab)[:300]]:
        if piece in vocab:
            assert ours.piece_to_id(piece) == vocab[piece]
            assert ours.id_to_piece(vocab[piece]) == piece


def test_bos_and_eos_come_from_the_config(style_dirs):
    legacy = et_llm.load_tokenizer(str(style_dirs["llama2_legacy"] / "tokenizer.json"))
    assert (legacy.bos_id, legacy.eos_ids) == (1, [2])
    assert legacy.encode("Hello", bos=1, eos=1) == [1, *legacy.encode("Hello"), 2]
    # Without a config, BOS is the template's first special token; EOS is "</s>".
    plain = et_llm.load_tokenizer(str(style_dirs["metaspace_first_split"] / "tokenizer.json"))
    assert (plain.bos_id, plain.eos_ids) == (None, [2])


def test_start_of_text_rule(style_dirs):
    ours = et_llm.load_tokenizer(str(style_dirs["llama2_legacy"] / "tokenizer.json"))
    hello = ours.encode("Hello")
    assert ours.id_to_piece(hello[0]).startswith("▁")
    assert ours.decode_token(NO_PREVIOUS_TOKEN, hello[0]).startswith(b"H")
    assert ours.decode_token(1, hello[0]).startswith(b" H")  # after BOS, as HF
    assert ours.decode([1, *hello], skip_special_tokens=True) == "Hello"


def test_gemma3(gemma_dir):
    path = str(gemma_dir / "tokenizer.json")
    ours, hf = et_llm.load_tokenizer(path), Tokenizer.from_file(path)
    assert (ours.bos_id, ours.eos_ids, ours.vocab_size) == (2, [1], 262144)
    # Multi-space pieces (ids 138-167), which other C++ readers get wrong.
    assert ours.encode("  leading") == [138, 26016]
    chat = "<start_of_turn>user\nWrite a haiku.<end_of_turn>\n<start_of_turn>model\n"
    assert ours.encode(chat) == hf.encode(chat, add_special_tokens=False).ids
    assert ours.encode("Hi", bos=1) == [2, *hf.encode("Hi", add_special_tokens=False).ids]
