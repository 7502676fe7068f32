"""Fuzzes the GGUF tokenizer import (et_llm.models.gguf_tokenizer) with atheris.

    python tests/fuzz/fuzz_gguf_tokenizer.py [CORPUS_DIR ...] [libFuzzer flags]
    python tests/fuzz/fuzz_gguf_tokenizer.py --write-seeds corpus/gguf_tokenizer

An input is a GGUF file. It is read with the gguf library, its tokenizer metadata checked, and
rebuilt as `et-llm pull` rebuilds it, without transformers: a SentencePiece GGUF
(``tokenizer.ggml.model == "llama"``) becomes a ``tokenizer.model``, a byte-level BPE one
(``"gpt2"``) a ``tokenizer.json`` with its config. et_llm then loads what was written and
encodes and decodes a text with it, whole and token by token. The seeds are small GGUFs of
both kinds (``--write-seeds`` makes them with gguf's writer).

A tokenizer that loads and works, a GGUFError or an et_llm error from the load is an
expected outcome; any other exception (the gguf reader's, protobuf's or tokenizers' leaking),
an error from a loaded tokenizer, or an id outside its vocabulary is a finding.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris
from atheris_run import fuzz

with atheris.instrument_imports(
    include=["et_llm.models.gguf_tokenizer", "et_llm.models.gguf_layout", "gguf"]
):
    import gguf

    from et_llm.models import gguf_tokenizer

import et_llm  # noqa: E402

TEXT = "Hello wörld 12 <s> 你好\n  end"


def _byte_level_seed(path: Path) -> None:
    # GPT-2's byte alphabet for ASCII letters and space ("Ġ"), and two merges.
    tokens = ["<|endoftext|>", *"abcdehlnorwt", "Ġ", "he", "ll", "Ġw"]
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("smollm")
    writer.add_token_list(tokens)
    writer.add_token_types([3] + [1] * (len(tokens) - 1))
    writer.add_token_merges(["h e", "l l", "Ġ w"])
    writer.add_bos_token_id(0)
    writer.add_eos_token_id(0)
    writer.add_chat_template("{% for m in messages %}{{ m.content }}{% endfor %}")
    _close(writer)


def _sentencepiece_seed(path: Path) -> None:
    bytes_ = [f"<0x{i:02X}>" for i in range(256)]
    pieces = ["▁", "a", "e", "h", "l", "o", "▁h", "he", "ll", "▁hello", "  "]
    tokens = ["<unk>", "<s>", "</s>", *bytes_, *pieces]
    writer = gguf.GGUFWriter(str(path), "gemma3")
    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_scores([0.0, 0.0, 0.0] + [0.0] * 256 + [-float(i) for i in range(len(pieces))])
    writer.add_token_types([2, 3, 3] + [6] * 256 + [1] * len(pieces))
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_add_bos_token(True)
    _close(writer)


def _close(writer: gguf.GGUFWriter) -> None:
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def write_seeds(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    _byte_level_seed(directory / "byte_level_bpe.gguf")
    _sentencepiece_seed(directory / "sentencepiece.gguf")


class GGUFTokenizerTarget:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(dir=os.environ.get("ET_LLM_FUZZ_TMPDIR")))

    def __call__(self, data: bytes) -> None:
        for stale in self.dir.iterdir():
            stale.unlink()
        path = self.dir / "model.gguf"
        path.write_bytes(data)
        try:
            fields = gguf_tokenizer.tokenizer_fields(gguf_tokenizer.read_gguf_fields(path))
            kind = fields.get("tokenizer.ggml.model")
            if kind == "llama":
                written = self.dir / "tokenizer.model"
                gguf_tokenizer._sentencepiece_model(fields, written)
            elif kind == "gpt2":
                gguf_tokenizer._byte_level_bpe_tokenizer(fields, self.dir)
                written = self.dir / "tokenizer.json"
            else:
                return
        except gguf_tokenizer.GGUFError:
            return
        try:
            tokenizer = et_llm.load_tokenizer(written)
        except et_llm.Error:
            return
        ids = tokenizer.encode(TEXT)
        tokenizer.decode(ids)
        previous = tokenizer.vocab_size
        for token in ids:
            tokenizer.decode_token(previous, token)
            previous = token
        if any(not 0 <= token < tokenizer.vocab_size for token in ids):
            raise AssertionError(f"encode gave ids outside the vocabulary: {ids}")


def main() -> None:
    if sys.argv[1:2] == ["--write-seeds"]:
        write_seeds(Path(sys.argv[2]))
        return
    fuzz(sys.argv, GGUFTokenizerTarget(), max_len="65536", timeout="30")


if __name__ == "__main__":
    main()
