"""A Hugging Face tokenizer (`tokenizer.json` + `tokenizer_config.json`) rebuilt from a GGUF.

transformers' own GGUF tokenizer conversion crashes on Gemma 3 and gets SmolLM2's EOS wrong, so
the two formats real GGUFs use are rebuilt here from the vocabulary itself:

- SentencePiece (`tokenizer.ggml.model == "llama"`, e.g. Gemma): a `tokenizer.model` protobuf is
  written from tokens, scores and types and converted by transformers' slow→fast converter.
  Two repairs: `<unk>` is marked UNKNOWN, and whitespace-only pieces, which llama.cpp stores
  with real spaces, get their "▁" back.
- byte-level BPE (`"gpt2"` with the `smollm` pre-tokenizer): vocabulary and merges become a
  `tokenizers` BPE with every digit split off before the GPT-2 regex.

Other GGUF tokenizers go through transformers' conversion. Runs in the model tools environment.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from et_llm.models.gguf_layout import GGUFError, check_gguf_layout
from et_llm.models.log import log

CONTROL = 3  # llama.cpp's token type for special (control) tokens
# llama.cpp's token types (SentencePiece's): normal, unknown, control, user-defined, unused, byte.
TOKEN_TYPES = range(1, 7)


def read_gguf_fields(gguf_path: Path) -> dict[str, Any]:
    """Every metadata field of the GGUF except the per-tensor data, as Python values."""
    from gguf import GGUFReader

    check_gguf_layout(gguf_path)
    try:
        return {name: field.contents() for name, field in GGUFReader(gguf_path).fields.items()}
    except Exception as error:
        # gguf's reader raises whatever a corrupt header provokes (ValueError, IndexError,
        # KeyError, numpy's and struct's errors): one type for all of them.
        raise GGUFError(
            f"{gguf_path}: not a readable GGUF ({type(error).__name__}: {error})"
        ) from error


def _list_of(fields: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> list[Any]:
    value = fields.get(key)
    if not isinstance(value, list) or not all(isinstance(item, kind) for item in value):
        raise GGUFError(f"the GGUF's {key} is missing or not a list of {kind}")
    return value


def tokenizer_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` after checking what the tokenizer rebuild reads: tokens (strings), their
    scores and types (one each, types llama.cpp's), merges, special ids inside the vocabulary,
    and the chat template's and flags' types."""
    tokens = _list_of(fields, "tokenizer.ggml.tokens", str)
    if not tokens:
        raise GGUFError("the GGUF's vocabulary is empty")
    for key, kind in (("scores", (int, float)), ("token_type", int)):
        name = f"tokenizer.ggml.{key}"
        if name in fields and len(_list_of(fields, name, kind)) != len(tokens):
            raise GGUFError(f"the GGUF has {len(tokens)} tokens but not as many {key}")
    if any(kind not in TOKEN_TYPES for kind in fields.get("tokenizer.ggml.token_type", [])):
        raise GGUFError("a GGUF token type is not one of llama.cpp's (1-6)")
    if "tokenizer.ggml.merges" in fields:
        _list_of(fields, "tokenizer.ggml.merges", str)
    for key in ("bos", "eos", "unknown", "padding"):
        value = fields.get(f"tokenizer.ggml.{key}_token_id")
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < len(tokens)
        ):
            raise GGUFError(f"the GGUF's {key} id {value!r} is not a token id")
    for key, kind in (("tokenizer.chat_template", str), ("tokenizer.ggml.add_bos_token", bool)):
        if key in fields and not isinstance(fields[key], kind):
            raise GGUFError(f"the GGUF's {key} is not a {kind.__name__}")
    return fields


def special_ids(fields: dict[str, Any]) -> dict[str, int]:
    ids = {}
    for key in ("bos", "eos", "unknown", "padding"):
        value = fields.get(f"tokenizer.ggml.{key}_token_id")
        if value is not None:
            ids[key] = int(value)
    return ids


def _sentencepiece_model(fields: dict[str, Any], path: Path) -> None:
    from sentencepiece import sentencepiece_model_pb2 as sp_model

    tokens = list(fields["tokenizer.ggml.tokens"])
    if "tokenizer.ggml.scores" not in fields or "tokenizer.ggml.token_type" not in fields:
        raise GGUFError("a SentencePiece GGUF needs token scores and types")
    scores = [float(score) for score in fields["tokenizer.ggml.scores"]]
    types = [int(kind) for kind in fields["tokenizer.ggml.token_type"]]
    ids = special_ids(fields)
    proto = sp_model.ModelProto()
    proto.trainer_spec.model_type = sp_model.TrainerSpec.BPE
    proto.trainer_spec.vocab_size = len(tokens)
    proto.trainer_spec.byte_fallback = True
    proto.trainer_spec.split_digits = True
    proto.trainer_spec.allow_whitespace_only_pieces = True
    for key, field in (
        ("bos", "bos_id"),
        ("eos", "eos_id"),
        ("unknown", "unk_id"),
        ("padding", "pad_id"),
    ):
        if key in ids:
            setattr(proto.trainer_spec, field, ids[key])
    proto.normalizer_spec.name = "identity"
    proto.normalizer_spec.add_dummy_prefix = False
    proto.normalizer_spec.remove_extra_whitespaces = False
    proto.normalizer_spec.escape_whitespaces = True
    unknown = sp_model.ModelProto.SentencePiece.UNKNOWN
    for index, (token, score, kind) in enumerate(zip(tokens, scores, types, strict=True)):
        piece = proto.pieces.add()
        if token and token.strip(" ") == "" and kind != CONTROL:
            token = token.replace(" ", "▁")
        piece.piece = token
        piece.score = score
        piece.type = unknown if index == ids.get("unknown") else kind
    path.write_bytes(proto.SerializeToString())


def _sentencepiece_tokenizer(fields: dict[str, Any], out_dir: Path) -> None:
    import transformers

    architecture = str(fields.get("general.architecture", ""))
    class_name = "GemmaTokenizer" if architecture.startswith("gemma") else "LlamaTokenizer"
    _sentencepiece_model(fields, out_dir / "tokenizer.model")
    tokenizer_class = getattr(transformers, class_name)
    add_bos = bool(fields.get("tokenizer.ggml.add_bos_token", True))
    tokenizer = tokenizer_class.from_pretrained(str(out_dir), add_bos_token=add_bos)
    tokenizer.save_pretrained(str(out_dir))


def _byte_level_bpe_tokenizer(fields: dict[str, Any], out_dir: Path) -> None:
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    tokens = list(fields["tokenizer.ggml.tokens"])
    types = [int(kind) for kind in fields.get("tokenizer.ggml.token_type", [1] * len(tokens))]
    vocab = {token: index for index, token in enumerate(tokens)}
    if len(vocab) != len(tokens):
        raise GGUFError("the GGUF vocabulary has duplicate tokens")
    merges = [tuple(merge.split(" ")) for merge in fields.get("tokenizer.ggml.merges", [])]
    for merge in merges:
        # BPE merges two tokens of the vocabulary into a third.
        if len(merge) != 2 or not all(part in vocab for part in (*merge, "".join(merge))):
            raise GGUFError(f"the GGUF merge {' '.join(merge)!r} is not a pair of tokens")
    tokenizer = Tokenizer(
        models.BPE(vocab=vocab, merges=merges, unk_token=None, fuse_unk=False, byte_fallback=False)
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
        ]
    )
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    tokenizer.decoder = decoders.ByteLevel()
    control = [i for i, kind in enumerate(types) if kind == CONTROL]
    tokenizer.add_special_tokens(
        [AddedToken(tokens[i], special=True, normalized=False) for i in control]
    )
    tokenizer.save(str(out_dir / "tokenizer.json"))
    ids = special_ids(fields)
    config: dict[str, Any] = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "add_bos_token": False,
        "add_eos_token": False,
        "add_prefix_space": False,
        "clean_up_tokenization_spaces": False,
        "added_tokens_decoder": {
            str(i): {
                "content": tokens[i],
                "lstrip": False,
                "normalized": False,
                "rstrip": False,
                "single_word": False,
                "special": True,
            }
            for i in control
        },
    }
    for key, name in (
        ("bos", "bos_token"),
        ("eos", "eos_token"),
        ("padding", "pad_token"),
        ("unknown", "unk_token"),
    ):
        if key in ids:
            config[name] = tokens[ids[key]]
    (out_dir / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")


def _transformers_tokenizer(gguf_path: Path, out_dir: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
    tokenizer.save_pretrained(str(out_dir))


def build_tokenizer(gguf_path: Path, out_dir: Path) -> dict[str, Any]:
    """Write tokenizer.json and tokenizer_config.json (with the GGUF's chat template, if any,
    and its BOS/EOS) into `out_dir`; returns the GGUF facts the later steps need."""
    fields = tokenizer_fields(read_gguf_fields(gguf_path))
    kind = fields.get("tokenizer.ggml.model")
    pre = fields.get("tokenizer.ggml.pre")
    size = len(fields["tokenizer.ggml.tokens"])
    log(f"GGUF tokenizer: {kind} (pre-tokenizer {pre}), {size} tokens")
    if kind == "llama":
        _sentencepiece_tokenizer(fields, out_dir)
    elif kind == "gpt2" and pre == "smollm":
        _byte_level_bpe_tokenizer(fields, out_dir)
    else:
        _transformers_tokenizer(gguf_path, out_dir)
    config_path = out_dir / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    template = fields.get("tokenizer.chat_template")
    if template:
        config["chat_template"] = str(template)
    if "tokenizer.ggml.add_bos_token" in fields:  # said explicitly: runners read it
        config["add_bos_token"] = bool(fields["tokenizer.ggml.add_bos_token"])
    tokens = fields["tokenizer.ggml.tokens"]
    ids = special_ids(fields)
    # The GGUF's ids are the truth (transformers' conversion takes SmolLM2's EOS from elsewhere).
    if "bos" in ids:
        config["bos_token"] = str(tokens[ids["bos"]])
    if "eos" in ids:
        config["eos_token"] = str(tokens[ids["eos"]])
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    return {
        "architecture": str(fields.get("general.architecture", "")),
        "bos_id": ids.get("bos"),
        "eos_id": ids.get("eos"),
        "pad_id": ids.get("padding"),
        "vocab_size": len(tokens),
        "has_chat_template": bool(template),
    }


def check_encodings(
    out_dir: Path, cases: dict[str, list[int]], bos_id: int | None, eos_id: int | None
) -> None:
    """The saved tokenizer, loaded back by transformers, must give known ids and BOS/EOS."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(out_dir))
    if (tokenizer.bos_token_id, tokenizer.eos_token_id) != (bos_id, eos_id):
        raise RuntimeError(
            f"saved tokenizer has bos/eos {tokenizer.bos_token_id}/{tokenizer.eos_token_id}, "
            f"the GGUF says {bos_id}/{eos_id}"
        )
    for text, want in cases.items():
        got = tokenizer(text, add_special_tokens=False)["input_ids"]
        if got != want:
            raise RuntimeError(f"the rebuilt tokenizer encodes {text!r} as {got}, expected {want}")
        if tokenizer.decode(got) != text:
            raise RuntimeError(f"the rebuilt tokenizer does not round-trip {text!r}")
