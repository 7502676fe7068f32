"""Fuzzes et_llm's tokenizer loaders and encoders with atheris (libFuzzer for Python).

    python tests/fuzz/fuzz_tokenizers.py load   [CORPUS_DIR] [libFuzzer flags]
    python tests/fuzz/fuzz_tokenizers.py encode [CORPUS_DIR] [libFuzzer flags]

``load`` writes each input to a file and runs ``et_llm.load_tokenizer`` on it (content
detection, then the HF, SentencePiece, tiktoken and llama2.c parsers), and when it loads,
encodes and decodes with it. ``encode`` feeds each input, as bytes, to the encoder and
decoders of every tokenizer in ``tests.fixtures.tokenizer_formats`` and checks that the
lossless formats (tiktoken, llama2.c) give the input back.

``load`` starts from the real tokenizer files of every format and damages them as the input
says. A Python exception other than an et_llm error, or a crash, is a failure (libFuzzer
saves the input).
See README.md here.
"""

from __future__ import annotations

import hashlib
import os
import random
import sys
import tempfile
from pathlib import Path

from atheris_run import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import et_llm  # noqa: E402
from tests.fixtures.tokenizer_fixture import CORPUS  # noqa: E402
from tests.fixtures.tokenizer_formats.build import FILES, artifacts  # noqa: E402

TEXTS = ["", "Hello, world!", "  spaces  and\ttabs\n", "Привет 你好 😀 <|begin_of_text|> <s>"]


def _exercise(tok: et_llm.Tokenizer, data: bytes) -> None:
    for text in [*TEXTS, data[:200]]:
        ids = tok.encode(text)
        tok.decode(ids)
        prev = tok.vocab_size
        for token in ids:
            tok.decode_token(prev, token)
            prev = token
    for token in list(data[:8]) + [tok.vocab_size - 1]:
        try:
            tok.decode([token])
            tok.decode_token(token, token)
            tok.id_to_piece(token)
        except et_llm.Error:
            pass
        except UnicodeDecodeError:
            pass  # id_to_piece of a piece that is not UTF-8 (a fuzzed llama2.c file)


def recipe(data: bytes) -> random.Random:
    """A generator seeded by the input. libFuzzer sees no coverage of the C++ code, so its
    mutations are blind anyway; seeding from the input gives every input, however short, a
    full-sized, varied case, and the same input always the same case."""
    return random.Random(hashlib.sha256(data).digest())


def damaged(original: bytes, rng: random.Random) -> bytes:
    """`original` with up to six random edits."""
    content = bytearray(original)
    for _ in range(rng.randint(0, 6)):
        op = rng.randint(0, 4)
        pos = rng.randint(0, len(content))
        if op == 0:
            content[pos : pos + 1] = rng.randbytes(1)
        elif op == 1:
            content[pos:pos] = rng.randbytes(rng.randint(1, 16))
        elif op == 2:
            del content[pos : pos + rng.randint(1, 64)]
        elif op == 3:
            del content[pos:]
        else:
            length = rng.randint(1, 256)
            content[pos:pos] = content[rng.randint(0, len(content)) :][:length]
    return bytes(content)


class LoadTarget:
    """The input chooses a real tokenizer file and how to damage it, or is itself the file."""

    def __init__(self) -> None:
        art = artifacts()
        self.seeds = [(art.dir / name).read_bytes() for name in FILES.values()]
        # libFuzzer ends the process with exit(): nothing here could remove the file later.
        tmp = os.environ.get("ET_LLM_FUZZ_TMPDIR", tempfile.gettempdir())
        self.path = Path(tmp) / f"et_llm_fuzz_{os.getpid()}.model"

    def file_from(self, data: bytes) -> bytes:
        rng = recipe(data)
        choice = rng.randint(0, len(self.seeds))
        return data if choice == len(self.seeds) else damaged(self.seeds[choice], rng)

    def __call__(self, data: bytes) -> None:
        self.path.write_bytes(self.file_from(data))
        try:
            tok = et_llm.load_tokenizer(self.path)
        except et_llm.Error:
            return
        try:
            _exercise(tok, data)
        except et_llm.Error:
            pass


class EncodeTarget:
    def __init__(self) -> None:
        art = artifacts()
        paths = [
            art.tiktoken,
            art.sp_bpe,
            art.sp_unigram,
            art.sp_unigram_unk,
            art.llama2c,
            art.llama2c_pt,
            art.byte_level_json,
            art.metaspace_json,
        ]
        self.tokenizers = {}
        for path in paths:
            try:
                self.tokenizers[path.name] = et_llm.load_tokenizer(path)
            except et_llm.NotSupportedError:
                pass  # an HF component the tokenizer.json implementation lacks
        self.lossless = {art.tiktoken.name, art.llama2c.name, art.llama2c_pt.name}
        self.corpus = "\n".join([*CORPUS, *TEXTS]).encode()

    def text_from(self, data: bytes) -> bytes:
        """A slice of the multilingual corpus (cut anywhere, even inside a character), damaged
        as the input says; or the input itself."""
        rng = recipe(data)
        if rng.random() < 0.25:
            return data
        start = rng.randint(0, len(self.corpus))
        return damaged(self.corpus[start : start + rng.randint(0, 1024)], rng)

    def __call__(self, data: bytes) -> None:
        data = self.text_from(data)
        for name, tok in self.tokenizers.items():
            ids = tok.encode(data)
            text = tok.decode(ids)
            if name in self.lossless:
                want = data.decode("utf-8", "replace")
                if text != want:
                    raise AssertionError(f"{name}: {data!r} decodes to {text!r}")
            prev = tok.bos_id if tok.bos_id is not None else tok.vocab_size
            streamed = b"".join(
                tok.decode_token(p, t) for p, t in zip([prev, *ids], ids, strict=False)
            )
            if streamed.decode("utf-8", "replace") != text:
                raise AssertionError(f"{name}: streamed pieces differ from decode for {data!r}")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("load", "encode"):
        sys.exit(__doc__)
    target = LoadTarget() if sys.argv[1] == "load" else EncodeTarget()
    fuzz([sys.argv[0], *sys.argv[2:]], target, max_len="4096")


if __name__ == "__main__":
    main()
