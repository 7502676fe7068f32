"""tiktoken, SentencePiece and llama2.c tokenizers, load_tokenizer's format detection, and
Python tokenizer objects handed to the runner, each checked against its reference library.

References: ``tiktoken.Encoding`` built from the same ranks (Llama 3's pattern and special
tokens), ``sentencepiece.SentencePieceProcessor``, pytorch-tokenizers' llama2.c reader
(``pytorch_tokenizers.llama2c``, plus its C++ reader for raw bytes) and HF ``tokenizers``.
The tokenizer files come from ``tests.fixtures.tokenizer_formats.build`` (cached).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sentencepiece as spm
import tiktoken
from hypothesis import given, settings
from hypothesis import strategies as st
from pytorch_tokenizers import CppLlama2cTokenizer
from pytorch_tokenizers.constants import CL100K_PAT_STR, LLAMA_SPECIAL_TOKENS
from pytorch_tokenizers.llama2c import Llama2cTokenizer
from tokenizers import Tokenizer as HFTokenizer

import et_llm
from tests.fixtures.tokenizer_fixture import CORPUS
from tests.fixtures.tokenizer_formats.build import Artifacts, artifacts, tiktoken_ranks
from tests.python.atheris_harness import run_harness
from tests.python.conftest import greedy_config

EXTRA_TEXTS = [
    "",
    " ",
    "  ",
    "\n",
    "\t\t",
    " leading",
    "trailing ",
    "   three leading and trailing   ",
    "a" * 300,
    " " * 500 + "x",
    "x" + " " * 37 + "\n\n\n" + "\t" * 9 + "y",
    "\r\n".join(CORPUS[:3]),
    "12345678901234567890 3.14159 -0.001 1e10 0x1F 1,000,000",
    "<|begin_of_text|>Hello<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nhi",
    "<s>inside</s> <unk> <pad> <|im_start|>assistant\nhi<|im_end|>",
    "<0x41><0xFF> byte-piece look-alikes",
    "DON'T I'M HE'S we'LL they'Re 'S 'ſ 'K",
    "emoji 👍🏽 🏳️‍🌈 🇯🇵 👨‍👩‍👧‍👦 🫠 🪿",
    "combining e\u0301 a\u0308 \u0915\u094d\u0937 Z\u0351\u0362a\u035bl\u0350",
    "zero\u200bwidth\u200d joiner \ufeffBOM \u00a0nbsp \u3000ideographic",
    "rtl \u202eevil\u202c mixed עברית עם English",
    "control \x01\x02\x1f\x7f chars",
    "nul \x00 inside",
    "math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ∑∫√∞ ≠ ≤ ≥",
    "fullwidth ＡＢＣ１２３ ｶﾀｶﾅ",
    "python:\n\tdef f(x):\n\t\treturn x ** 2  # square\n",
    'json {"a": [1, 2, {"b": null}], "c": "\\u00e9"}',
    "".join(CORPUS),
]
TEXTS = CORPUS + EXTRA_TEXTS

INVALID_UTF8 = [
    b"ab\xff\xfecd",
    b"\xe4\xb8",
    b"\xe4\xb8 trailing",
    b"\xc3",
    b"x\x80y",
    b"\xc0\xaf overlong",
    b"\xed\xa0\x80 surrogate",
    b"\xf4\x90\x80\x80 too large",
    b"\xf0\x9f\x98 cut emoji \xf0\x9f\x98\x80",
    "héllo wörld 你好".encode()[:-1],
    bytes(range(1, 256)),
]

# The SentencePiece meta symbol stands for a space, so texts with it do not round-trip.
META_SYMBOL = "\u2581"


@dataclass
class Format:
    """One tokenizer file, ours and the reference library's view of it."""

    ours: et_llm.Tokenizer
    encode: Callable[[str], list[int]]
    encode_bytes: Callable[[bytes], list[int]] | None
    decode: Callable[[list[int]], str]
    round_trips: Callable[[str], bool]  # whether decode(encode(text)) == text
    # Unigram models only: the score of a segmentation (see assert_same_ids).
    path_score: Callable[[list[int]], float] | None = None


def assert_same_ids(fmt: Format, ours: list[int], reference: list[int]) -> None:
    """Ids equal to the reference library's.

    The one exception: a unigram segmentation whose best paths tie. et_llm links Debian's
    libsentencepiece (0.1.97), whose Viterbi breaks exact ties (e.g. "0"+"00" against
    "00"+"0" inside "1000000") differently from PyPI's sentencepiece 0.2, the reference
    here. Then both must be best paths: the same pieces' text and the same total score.
    """
    if ours == reference or fmt.path_score is None:
        assert ours == reference
        return
    assert fmt.decode(ours) == fmt.decode(reference)
    assert fmt.path_score(ours) == pytest.approx(fmt.path_score(reference), rel=1e-6)


def _tiktoken_encoding(art: Artifacts) -> tiktoken.Encoding:
    ranks = tiktoken_ranks(art.tiktoken)
    return tiktoken.Encoding(
        name="byte_level",
        pat_str=CL100K_PAT_STR,
        mergeable_ranks=ranks,
        special_tokens={name: len(ranks) + i for i, name in enumerate(LLAMA_SPECIAL_TOKENS)},
    )


def _make_formats(art: Artifacts) -> dict[str, Format]:
    formats = {}
    enc = _tiktoken_encoding(art)
    formats["tiktoken"] = Format(
        ours=et_llm.load_tokenizer(art.tiktoken),
        encode=lambda s: enc.encode(s, allowed_special="all"),
        # Invalid UTF-8 is replaced with U+FFFD first, like tiktoken does for lone surrogates.
        encode_bytes=lambda b: enc.encode(b.decode("utf-8", "replace"), allowed_special="all"),
        decode=enc.decode,
        round_trips=lambda s: True,
    )
    for name in ("sp_bpe", "sp_unigram", "sp_unigram_unk"):
        sp = spm.SentencePieceProcessor(model_file=str(getattr(art, name)))
        lossless = name == "sp_bpe"  # identity normalization, no whitespace folding
        formats[name] = Format(
            ours=et_llm.load_tokenizer(getattr(art, name)),
            encode=sp.encode,
            encode_bytes=sp.encode,
            decode=sp.decode,
            round_trips=lambda s, lossless=lossless: lossless and META_SYMBOL not in s,
            path_score=None if lossless else lambda ids, sp=sp: sum(map(sp.get_score, ids)),
        )
    reader = Llama2cTokenizer(model_path=str(art.sp_bpe))
    cpp_reader = CppLlama2cTokenizer()
    cpp_reader.load(str(art.llama2c_pt))
    for name in ("llama2c", "llama2c_pt"):
        formats[name] = Format(
            ours=et_llm.load_tokenizer(getattr(art, name)),
            encode=lambda s: reader.encode(s, bos=False, eos=False),
            # The Python reader takes str only; pytorch-tokenizers' C++ reader takes bytes
            # (up to the first NUL, being C code).
            encode_bytes=lambda b: cpp_reader.encode(b, 0, 0),
            decode=reader.decode,
            round_trips=lambda s: True,
        )
    return formats


@pytest.fixture(scope="module")
def art() -> Artifacts:
    return artifacts()


@pytest.fixture(scope="module")
def formats(art: Artifacts) -> dict[str, Format]:
    return _make_formats(art)


FORMAT_NAMES = ["tiktoken", "sp_bpe", "sp_unigram", "sp_unigram_unk", "llama2c", "llama2c_pt"]


# --- ids and text equal to the reference --------------------------------------------------


@pytest.mark.parametrize("name", FORMAT_NAMES)
@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_ids_equal_reference(formats, name, text):
    fmt = formats[name]
    ids = fmt.ours.encode(text)
    assert_same_ids(fmt, ids, fmt.encode(text))
    assert fmt.ours.decode(ids) == fmt.decode(ids)
    if fmt.round_trips(text):
        assert fmt.ours.decode(ids) == text


@pytest.mark.parametrize("name", FORMAT_NAMES)
@pytest.mark.parametrize("raw", INVALID_UTF8, ids=range(len(INVALID_UTF8)))
def test_invalid_utf8_ids_equal_reference(formats, name, raw):
    fmt = formats[name]
    ids = fmt.ours.encode(raw)
    assert_same_ids(fmt, ids, fmt.encode_bytes(raw))
    if name.startswith("llama2c") or name == "tiktoken":
        # Byte fallback (llama2.c) and U+FFFD (tiktoken) both decode to the lossy text.
        assert fmt.ours.decode(ids) == raw.decode("utf-8", "replace")


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_streaming_pieces_equal_full_decode(formats, name):
    fmt = formats[name]
    tok = fmt.ours
    for text in TEXTS:
        ids = tok.encode(text)
        want = fmt.decode(ids)
        # After BOS, and at the start of the text (no previous token).
        for first_prev in (tok.bos_id, tok.vocab_size + 7):
            raw = b"".join(
                tok.decode_token(p, t) for p, t in zip([first_prev, *ids], ids, strict=False)
            )
            assert raw.decode("utf-8", "replace") == want
        assert tok.decode([tok.bos_id, *ids]) == fmt.decode([tok.bos_id, *ids])


def test_streaming_yields_partial_characters(formats):
    """Byte tokens carry one byte of a character: exactly that byte is streamed."""
    tok = formats["llama2c"].ours
    ids = tok.encode("🪿")  # not in the vocabulary: four byte tokens after the dummy space
    pieces = [tok.decode_token(p, t) for p, t in zip([tok.bos_id, *ids], ids, strict=False)]
    assert b"".join(pieces) == "🪿".encode()
    assert len([p for p in pieces if len(p) == 1 and p[0] >= 0x80]) == 4


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_bos_eos(formats, name):
    tok = formats[name].ours
    ids = tok.encode("hi there")
    assert tok.encode("hi there", bos=2, eos=1) == [tok.bos_id] * 2 + ids + tok.eos_ids
    assert tok.is_special(tok.bos_id) and all(tok.is_special(e) for e in tok.eos_ids)
    assert not tok.is_special(ids[-1])


def test_bos_eos_ids_match_references(art, formats):
    sp = spm.SentencePieceProcessor(model_file=str(art.sp_bpe))
    for name in ("sp_bpe", "llama2c", "llama2c_pt"):
        assert formats[name].ours.bos_id == sp.bos_id()
        assert formats[name].ours.eos_ids == [sp.eos_id()]
    n = len(tiktoken_ranks(art.tiktoken))
    tok = formats["tiktoken"].ours
    assert (tok.bos_id, tok.eos_ids) == (n, [n + 1])
    assert tok.vocab_size == n + 256


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_bad_ids(formats, name):
    tok = formats[name].ours
    with pytest.raises(et_llm.InvalidArgumentError):
        tok.decode([tok.vocab_size + 5])
    with pytest.raises(et_llm.InvalidArgumentError):
        tok.decode_token(0, tok.vocab_size)
    with pytest.raises(et_llm.InvalidArgumentError):
        tok.id_to_piece(tok.vocab_size)


@pytest.mark.parametrize("name", ["sp_bpe", "sp_unigram", "sp_unigram_unk"])
def test_sentencepiece_vocabulary(art, formats, name):
    sp = spm.SentencePieceProcessor(model_file=str(getattr(art, name)))
    tok = formats[name].ours
    assert tok.vocab_size == sp.get_piece_size()
    for i in range(sp.get_piece_size()):
        piece = sp.id_to_piece(i)
        assert tok.id_to_piece(i) == piece
        assert tok.piece_to_id(piece) == i
        assert tok.is_special(i) == (sp.is_control(i) or sp.is_unknown(i))
    assert tok.piece_to_id("no such piece") is None


def test_sentencepiece_unknown_surface(formats):
    fmt = formats["sp_unigram_unk"]
    ids = fmt.ours.encode("pizza 🍕 and ᚠᛇᚻ runes")
    assert 0 in ids  # <unk>
    assert fmt.ours.decode(ids) == fmt.decode(ids)


def test_llama2c_vocabulary(art, formats):
    sp = spm.SentencePieceProcessor(model_file=str(art.sp_bpe))
    for name in ("llama2c", "llama2c_pt"):
        tok = formats[name].ours
        assert tok.vocab_size == sp.get_piece_size()
        for i in range(3, sp.get_piece_size()):
            piece = sp.id_to_piece(i).replace(META_SYMBOL, " ")
            assert tok.id_to_piece(i) == piece
            assert tok.piece_to_id(piece) == i
    assert formats["llama2c"].ours.id_to_piece(1) == "\n<s>\n"
    assert formats["llama2c_pt"].ours.id_to_piece(1) == "<s>"


def test_tiktoken_vocabulary(art, formats):
    tok = formats["tiktoken"].ours
    hf = HFTokenizer.from_file(str(art.byte_level_json))
    # Ranked tokens are spelled like the same tokens in a byte-level tokenizer.json.
    for piece, i in hf.get_vocab().items():
        assert tok.id_to_piece(i) == piece
        assert tok.piece_to_id(piece) == i
    n = len(tiktoken_ranks(art.tiktoken))
    for i, name in enumerate(LLAMA_SPECIAL_TOKENS):
        assert tok.piece_to_id(name) == n + i
        assert tok.id_to_piece(n + i) == name
        assert tok.decode([n + i]) == name
        assert tok.decode([n + i], skip_special_tokens=True) == ""


# --- property tests -----------------------------------------------------------------------

# Characters of the corpus (so merges happen) mixed with any others.
CORPUS_CHARS = sorted(set("".join(TEXTS)) - {"\x00"})
TEXT = st.text(alphabet=st.sampled_from(CORPUS_CHARS) | st.characters(codec="utf-8"), max_size=80)


@pytest.mark.parametrize("name", FORMAT_NAMES)
@settings(max_examples=150, deadline=None)
@given(text=TEXT)
def test_property_round_trip(formats, name, text):
    fmt = formats[name]
    ids = fmt.ours.encode(text)
    assert_same_ids(fmt, ids, fmt.encode(text))
    decoded = fmt.ours.decode(ids)
    assert decoded == fmt.decode(ids)
    if fmt.round_trips(text):
        assert decoded == text


@pytest.mark.parametrize("name", ["tiktoken", "sp_bpe", "sp_unigram", "llama2c"])
@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=60))
def test_property_bytes(formats, name, raw):
    fmt = formats[name]
    ids = fmt.ours.encode(raw)
    # pytorch-tokenizers' C++ llama2.c reader stops at NUL and refuses empty text.
    if not name.startswith("llama2c") or (raw and b"\x00" not in raw):
        assert_same_ids(fmt, ids, fmt.encode_bytes(raw))
    if name in ("tiktoken", "llama2c"):
        assert fmt.ours.decode(ids) == raw.decode("utf-8", "replace")


# --- load_tokenizer -----------------------------------------------------------------------


def _same_tokenizer(a: et_llm.Tokenizer, b: et_llm.Tokenizer) -> bool:
    text = " ".join(CORPUS)
    return a.vocab_size == b.vocab_size and a.encode(text) == b.encode(text)


@pytest.mark.parametrize(
    ("source", "misleading_name"),
    [
        ("tiktoken", "tokenizer.model"),
        ("sp_bpe", "tokenizer.bin"),
        ("llama2c", "tokenizer.model"),
        ("llama2c_pt", "cl100k.tiktoken"),
        ("byte_level_json", "tokenizer.model"),
    ],
)
def test_format_detected_from_content(art, tmp_path, source, misleading_name):
    path = tmp_path / misleading_name
    shutil.copy(getattr(art, source), path)
    assert _same_tokenizer(et_llm.load_tokenizer(path), et_llm.load_tokenizer(getattr(art, source)))


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("byte_level_json", "tokenizer.json"),
        ("sp_unigram", "tokenizer.model"),
        ("tiktoken", "tokenizer.model"),
        ("llama2c", "tokenizer.bin"),
        ("tiktoken", "o200k_base.tiktoken"),
    ],
)
def test_model_directory(art, tmp_path, source, name):
    shutil.copy(getattr(art, source), tmp_path / name)
    (tmp_path / "model.pte").write_bytes(b"not looked at")
    tok = et_llm.load_tokenizer(tmp_path)
    assert _same_tokenizer(tok, et_llm.load_tokenizer(getattr(art, source)))
    assert _same_tokenizer(tok, et_llm.load_tokenizer(str(tmp_path)))


def test_directory_prefers_tokenizer_json_and_skips_broken_files(art, tmp_path):
    shutil.copy(art.byte_level_json, tmp_path / "tokenizer.json")
    shutil.copy(art.sp_bpe, tmp_path / "tokenizer.model")
    json_tok = et_llm.load_tokenizer(art.byte_level_json)
    assert _same_tokenizer(et_llm.load_tokenizer(tmp_path), json_tok)
    (tmp_path / "tokenizer.json").write_text("{broken")
    assert _same_tokenizer(et_llm.load_tokenizer(tmp_path), et_llm.load_tokenizer(art.sp_bpe))


def test_failure_says_what_was_tried(tmp_path):
    garbage = tmp_path / "tokenizer.model"
    garbage.write_bytes(b"\x0a\x07garbage" * 5)
    with pytest.raises(et_llm.TokenizerError) as info:
        et_llm.load_tokenizer(garbage)
    message = str(info.value)
    for format_name in ("Hugging Face", "SentencePiece", "tiktoken", "llama2.c"):
        assert format_name in message
    assert "does not start with '{'" in message
    assert "first line is not '<base64> <rank>'" in message

    (tmp_path / "bad.tiktoken").write_text("SGVsbG8= 0\nIQ== x\n")
    with pytest.raises(et_llm.TokenizerError, match="line 2: rank is not a number"):
        et_llm.load_tokenizer(tmp_path / "bad.tiktoken")
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(et_llm.TokenizerError, match="empty"):
        et_llm.load_tokenizer(tmp_path / "empty")


def test_missing_tokenizer(tmp_path):
    with pytest.raises(et_llm.NotFoundError):
        et_llm.load_tokenizer(tmp_path / "missing.model")
    with pytest.raises(et_llm.NotFoundError, match=r"tokenizer\.json, tokenizer\.model"):
        et_llm.load_tokenizer(tmp_path)
    with pytest.raises(et_llm.InvalidArgumentError):
        et_llm.load_tokenizer("")


GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def test_tiktoken_given_pattern_and_special_tokens(art):
    specials = ["<|start|>", "<|stop|>", "<|tool|>", "<|tool|>x"]
    tok = et_llm.load_tokenizer(
        art.tiktoken,
        special_tokens=specials,
        pattern=GPT2_PATTERN,
        bos_token_index=2,
        eos_token_index=0,
    )
    ranks = tiktoken_ranks(art.tiktoken)
    n = len(ranks)
    enc = tiktoken.Encoding(
        name="custom",
        pat_str=GPT2_PATTERN,
        mergeable_ranks=ranks,
        special_tokens={name: n + i for i, name in enumerate(specials)},
    )
    assert (tok.bos_id, tok.eos_ids, tok.vocab_size) == (n + 2, [n], n + 4)
    for text in [*TEXTS, "a<|tool|>xb<|start|><|stop|>", "<|begin_of_text|> is text here"]:
        assert tok.encode(text) == enc.encode(text, allowed_special="all")
    with pytest.raises(et_llm.InvalidArgumentError):
        et_llm.load_tokenizer(art.tiktoken, special_tokens=["<a>"], eos_token_index=1)
    with pytest.raises(et_llm.InvalidArgumentError, match="invalid regex"):
        et_llm.load_tokenizer(art.tiktoken, pattern="(unclosed")


def test_llama3_defaults_match_pytorch_tokenizers(formats):
    tok = formats["tiktoken"].ours
    n = tok.bos_id
    assert [tok.id_to_piece(n + i) for i in range(256)] == LLAMA_SPECIAL_TOKENS


# --- Python tokenizer objects -------------------------------------------------------------


def _stream(tok: et_llm.Tokenizer, ids: list[int], first_prev: int) -> bytes:
    return b"".join(tok.decode_token(p, t) for p, t in zip([first_prev, *ids], ids, strict=False))


def test_python_hf_byte_level_tokenizer(art):
    hf = HFTokenizer.from_file(str(art.byte_level_json))
    tok = et_llm.tokenizer_from_python(hf)
    assert tok.vocab_size == hf.get_vocab_size()
    assert tok.bos_id is None and tok.eos_ids == []
    for text in TEXTS:
        ids = tok.encode(text)
        assert ids == hf.encode(text, add_special_tokens=False).ids
        assert tok.decode(ids) == hf.decode(ids, skip_special_tokens=False)
        raw = _stream(tok, ids, tok.vocab_size)
        # Byte-exact: each piece holds exactly the bytes of its token, partial characters too.
        assert raw == text.encode()
    with pytest.raises(et_llm.InvalidArgumentError):
        tok.decode([hf.get_vocab_size()])
    assert tok.piece_to_id(hf.id_to_token(300)) == 300
    assert tok.piece_to_id("no such piece") is None


def test_python_hf_metaspace_tokenizer(art):
    hf = HFTokenizer.from_file(str(art.metaspace_json))
    tok = et_llm.tokenizer_from_python(hf)
    assert tok.is_special(hf.token_to_id("<s>"))
    for text in CORPUS:
        ids = tok.encode(text)
        assert ids == hf.encode(text, add_special_tokens=False).ids
        want = hf.decode(ids, skip_special_tokens=False)
        for first_prev in (hf.token_to_id("<s>"), tok.vocab_size + 1):
            assert _stream(tok, ids, first_prev).decode() == want
        assert tok.decode(ids) == want


class TransformersLike:
    """What a transformers tokenizer offers the adapter, over a tokenizers.Tokenizer."""

    def __init__(self, tok: HFTokenizer) -> None:
        self._tok = tok
        self.bos_token_id = tok.token_to_id("<s>")
        self.eos_token_id = tok.token_to_id("</s>")
        self.unk_token_id = tok.token_to_id("<unk>")
        self.added_tokens_decoder = tok.get_added_tokens_decoder()

    @property
    def all_special_ids(self) -> list[int]:
        return [self.unk_token_id, self.bos_token_id, self.eos_token_id]

    def __len__(self) -> int:
        return self._tok.get_vocab_size()

    def encode(self, text, add_special_tokens=True):
        ids = self._tok.encode(text, add_special_tokens=False).ids
        return [self.bos_token_id, *ids] if add_special_tokens else ids

    def decode(self, ids, skip_special_tokens=False, clean_up_tokenization_spaces=True):
        assert clean_up_tokenization_spaces is False  # the adapter turns it off
        return self._tok.decode(ids, skip_special_tokens=skip_special_tokens)

    def convert_ids_to_tokens(self, ids):
        return self._tok.id_to_token(ids)

    def convert_tokens_to_ids(self, tokens):
        found = self._tok.token_to_id(tokens)
        return self.unk_token_id if found is None else found


def test_transformers_like_tokenizer(art):
    hf = HFTokenizer.from_file(str(art.metaspace_json))
    like = TransformersLike(hf)
    tok = et_llm.tokenizer_from_python(like)
    assert (tok.bos_id, tok.eos_ids, tok.vocab_size) == (1, [2], hf.get_vocab_size())
    ids = hf.encode("Hello world", add_special_tokens=False).ids
    assert tok.encode("Hello world", bos=1, eos=1) == [1, *ids, 2]
    assert tok.piece_to_id("no such piece") is None
    assert tok.piece_to_id(hf.id_to_token(ids[0])) == ids[0]
    assert tok.decode([1, *ids, 2], skip_special_tokens=True) == hf.decode(ids)
    assert tok.decode([1, *ids, 2]) == "<s>" + hf.decode(ids) + "</s>"


def test_real_transformers_tokenizer(art):
    transformers = pytest.importorskip("transformers")
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_file=str(art.byte_level_json), bos_token=None, eos_token=None
    )
    hf = HFTokenizer.from_file(str(art.byte_level_json))
    tok = et_llm.tokenizer_from_python(fast)
    for text in CORPUS:
        ids = tok.encode(text)
        assert ids == hf.encode(text, add_special_tokens=False).ids
        assert _stream(tok, ids, tok.vocab_size) == text.encode()


class CharTokenizer:
    """The least a tokenizer object needs: encode(text) and decode(ids)."""

    def encode(self, text):
        return [ord(c) for c in text]

    def decode(self, ids):
        return "".join(chr(i) for i in ids)


def test_minimal_python_tokenizer():
    tok = et_llm.tokenizer_from_python(CharTokenizer())
    assert tok.encode("héllo 😀") == [ord(c) for c in "héllo 😀"]
    ids = tok.encode("héllo 😀")
    assert _stream(tok, ids, 10**9).decode() == "héllo 😀"
    assert tok.bos_id is None and tok.vocab_size == 0
    with pytest.raises(et_llm.InvalidArgumentError):
        tok.encode("x", bos=1)


def test_python_tokenizer_errors():
    class Failing(CharTokenizer):
        def encode(self, text):
            raise ValueError("no encoding today")

    class WrongType(CharTokenizer):
        def encode(self, text):
            return "not ids"

    with pytest.raises(et_llm.CallbackError, match="no encoding today"):
        et_llm.tokenizer_from_python(Failing()).encode("x")
    with pytest.raises(et_llm.CallbackError):
        et_llm.tokenizer_from_python(WrongType()).encode("x")
    with pytest.raises(TypeError, match="encode"):
        et_llm.tokenizer_from_python(object())
    tok = et_llm.load_tokenizer(artifacts().sp_bpe)
    assert et_llm.tokenizer_from_python(tok) is tok


RUNNER_PROMPT = "<|im_start|>user\nHello, world! Привет 👋<|im_end|>\n"


def test_runner_with_python_tokenizer(model_path, tokenizer_path, hf_tokenizer):
    config = greedy_config(24, ignore_eos=True)
    by_path = et_llm.TextLLMRunner(model_path, tokenizer_path)
    want_pieces: list[str] = []
    want = by_path.generate_tokens(RUNNER_PROMPT, config, token_callback=want_pieces.append)

    runner = et_llm.TextLLMRunner(model_path, hf_tokenizer)
    pieces: list[str] = []
    assert runner.generate_tokens(RUNNER_PROMPT, config, token_callback=pieces.append) == want
    assert "".join(pieces) == "".join(want_pieces)
    runner.reset()
    assert runner.generate(RUNNER_PROMPT, config) == "".join(want_pieces)
    assert runner.tokenizer.encode(RUNNER_PROMPT) == by_path.tokenizer.encode(RUNNER_PROMPT)


# --- fuzzing ------------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "runs"), [("load", 1500), ("encode", 3000)])
def test_fuzz_short_run(tmp_path, target, runs):
    pytest.importorskip("atheris")
    args = [target, str(tmp_path / "corpus"), f"-runs={runs}"]
    result = run_harness(
        "fuzz_tokenizers.py", args, tmp_path, {"ET_LLM_FUZZ_TMPDIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr[-4000:]


def test_out_of_range_vocabulary_ids_are_typed_errors(tmp_path, tokenizer_path) -> None:
    """An id of 10^12, -5 or 2*10^7 in a 768-entry vocabulary would size a table by it: the
    file is refused instead (before, MemoryError or a 358 MB load)."""
    import json
    import resource

    import pytest

    import et_llm

    base = json.loads(open(tokenizer_path, encoding="utf-8").read())
    first = next(iter(base["model"]["vocab"]))
    for bad in (10**12, -5, 2 * 10**7, "7"):
        tokenizer = json.loads(json.dumps(base))
        tokenizer["model"]["vocab"][first] = bad
        path = tmp_path / "tokenizer.json"
        path.write_text(json.dumps(tokenizer))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with pytest.raises(et_llm.TokenizerError, match="vocab id .* is not an id of a 768-entry"):
            et_llm.load_tokenizer(str(path))
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # kB
    tokenizer = json.loads(json.dumps(base))
    tokenizer["added_tokens"][0]["id"] = -1
    path.write_text(json.dumps(tokenizer))
    with pytest.raises(et_llm.TokenizerError, match="added token id -1"):
        et_llm.load_tokenizer(str(path))
