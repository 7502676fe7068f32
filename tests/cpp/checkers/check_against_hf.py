"""Compares et_llm's HFTokenizer (through tests/cpp/tools/tokenize_tool) with HF `tokenizers`.

Trains small BPE tokenizers on a multi-script corpus and writes each in many styles:
byte-level (GPT-2, Llama 3, Qwen, ignore_merges, Split behaviors, added-token flags,
old merges format), SentencePiece-style (Llama 2 legacy and Metaspace, Mistral, Gemma,
byte fallback, unknown tokens fused or not) and every supported normalizer,
pre-tokenizer and decoder. Checks that ids and decodes agree on every text, that
decodes of id sequences (BOS first, specials inside, random) agree, and that the
streamed decode_token pieces add up to the whole decode.

The tool is built with the C++ tests (tests/cpp/CMakeLists.txt), against the installed package:

    cmake -S tests/cpp -B /tmp/cpp-tests -G Ninja \
        -DCMAKE_PREFIX_PATH=$(python -c "import et_llm; print(et_llm.cmake_prefix_path)")
    cmake --build /tmp/cpp-tests --target tokenize_tool
    python tests/cpp/checkers/check_against_hf.py --tool /tmp/cpp-tests/tokenize_tool \
        [--bench] [--only NAME]

Exits non-zero on any mismatch.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tokenizers import (
    AddedToken,
    Regex,
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    processors,
    trainers,
)

# The shared SentencePiece-style fixtures live in the repository's tests package.
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tests.fixtures.sentencepiece_style import (  # noqa: E402
    SPECIAL_TOKENS,
    sentencepiece_decoder,
    to_json,
    train_metaspace_bpe,
)

# Single-threaded HF for the throughput comparison (read when its pool starts).
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("RAYON_NUM_THREADS", "1")

LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
QWEN_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

CORPUS = [
    # Latin scripts
    "The old lighthouse keeper counted ships until the fog rolled in.",
    "Quiet rivers carve deep canyons; patience shapes the hardest stone.",
    "I'm sure they'll say we've done it, but you'd better check what's left.",
    'She said: "Don\'t panic!" -- and then everyone panicked anyway...',
    "Façade, naïve, coöperate, Ångström, Œuvre, straße, ĳssel, Ærø.",
    "Le cœur a ses raisons que la raison ne connaît point.",
    "Dzień dobry! Zażółć gęślą jaźń. Příliš žluťoučký kůň úpěl ďábelské ódy.",
    "¿Dónde está la biblioteca? ¡Está cerca del río, señor!",
    # Cyrillic and Greek
    "Широкая электрификация южных губерний даст мощный толчок подъёму сельского хозяйства.",
    "Всё смешалось в доме Облонских. Ёжик в тумане.",
    "Τάχιστη αλώπηξ βαφής ψημένη γη, δρασκελίζει υπέρ νωθρού κυνός.",
    # CJK, Hangul, Thai
    "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。",
    "東京スカイツリーは高さ６３４メートルです。カタカナとひらがな。",
    "다람쥐 헌 쳇바퀴에 타고파. 키스의 고유조건은 입술끼리 만나야 하고.",
    "เป็นมนุษย์สุดประเสริฐเลิศคุณค่า กว่าบรรดาฝูงสัตว์เดรัจฉาน",
    # Arabic, Hebrew, Devanagari
    "نص حكيم له سر قاطع وذو شأن عظيم مكتوب على ثوب أخضر ومغلف بجلد أزرق.",
    "עטלף אבק נס דרך מזגן שהתפוצץ כי חם.",
    "ऋषियों को सताने वाले दुष्ट राक्षसों के राजा रावण का सर्वनाश करने वाले विष्णुवतार भगवान श्रीराम।",
    "नमस्ते दुनिया! क्या हाल है? १२३४५ ०९८७६",
    # Emoji, including ZWJ sequences, skin tones, flags, keycaps
    "Family: 👨‍👩‍👧‍👦, couple: 👩‍❤️‍💋‍👨, hands: 👋🏽👍🏿, flags: 🇯🇵🇫🇷🏳️‍🌈, keycap: 1️⃣ #️⃣",
    "Weather today ☀️🌧️⛈️ and mood 😀😃😄😁😆🥹🫠",
    # Code
    "def fib(n: int) -> int:\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
    "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }  // dot product",
    "if x != None and y >= 3.14e-10: print(f'{x!r:>10}')",
    '<div class="card"><p>&nbsp;Hello&amp;bye</p></div>',
    "SELECT name, COUNT(*) FROM users WHERE age>=18 GROUP BY name;",
    # Whitespace runs and digits
    "tabs\t\tand  double  spaces   and    more     spaces",
    "line one\nline two\r\nline three\n\n\nafter blank lines\n",
    "   leading and trailing   ",
    "Prices: 1234567890, 3.14159, 1,000,000.00, 007, 2024-01-31T23:59:59Z",
    "Numbers in other scripts: ٠١٢٣٤٥٦٧٨٩ ၀၁၂ ①②③ Ⅻ ½ ¾",
    # Special tokens inside text
    "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n",
    "text before<|endoftext|>text after <|endoftext|> spaced",
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>",
]

# Texts only used for checking, never for training: unseen words exercise the
# merge loop rather than whole-word vocabulary hits.
EXTRA_TEXTS = [
    "",
    " ",
    "\n",
    "a",
    "Unseen words: antidisestablishmentarianism, Pneumonoultramicroscopic!",
    "MiXeD CaSe 'S 'T 'RE 'VE 'M 'LL 'D and 'ſ 'K",
    "Mixing scripts: helloПриветこんにちは你好مرحباनमस्ते",
    "Emoji without spaces:👨‍👩‍👧‍👦👨‍👩‍👧‍👦🧑🏾‍🚀🧑🏾‍🚀🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "Spaces of all kinds:\u00a0nbsp\u2003em\u3000ideographic"
    "\u2028line\u2029para\u0085nel\u200bzwsp",
    "Control chars: \x00\x01\x07\x1b[31mred\x1b[0m\x7f",
    "Long run of spaces:" + " " * 300 + "end",
    "Long word: " + "abcdefghij" * 40,
    "Repeated: " + "ab" * 100 + " " + "aaaa" * 50,
    "Combining marks: e\u0301 a\u0308 o\u0302\u0323 \u1100\u1161\u11a8 Å Å",
    "Special tokens glued:<|im_start|><|im_end|><|im_start|>x<|im_end|><|endoftext|>",
    "Partial specials: <|im_start <|im_end|  |> <| im_start |> <|IM_START|>",
    "Special tokens with spaces around:  <|im_end|>  \n  <|endoftext|>\t",
    "[MASK] word [MASK]   hello world helloworld hello worlds ahello world",
    "x[MASK]y hello world\thello world.",
    "hello world\u200d hello world\n\u200dhello world_ hello world\u00bd (hello world)",
    "digits 0123456789 ٣٤٥ and 12abc34 and 1 2 3",
    "tabs\t\t\tnewlines\n\n\n\r\r\r\n mixed \n \n \t",
    "Trailing whitespace and newline   \n",
    "!!!???...,,,;;;:::''' \"\"\" ``` ~~~ @@@ ### $$$ %%% ^^^ &&& *** ((( )))",
    "Ünïcödé çàsé földing: İstanbul ǅ ǈ ǋ ß ẞ ﬁ ﬂ",
    "\ufeffBOM at start, and a lone replacement \ufffd char",
    "Math: ∀x∈ℝ, ∃y: x²+y²=z² ⇒ ∑ᵢ aᵢ ≤ ∫₀^∞ e^{-t} dt",
    "Devanagari conjuncts: क्ष त्र ज्ञ श्र द्ध",
    "NFC: a\u0328\u0301 a\u0301\u0328 \u1e0b\u0323 q\u0307\u0323 \u0958 \u2126 \u212b "
    "\u1100\u1161\u11a8\u11a8 \uac00\u11a8 "
    "\u0f73 \u0344 e\u0300\u0300 \u00c5\u0301 \u0041\u030a\u0323 \u1fbe \u0374 \u0387",
    "Mongolian vowel separator:\u180e|\u180e \u180eᠮᠣᠩᠭᠣᠯ and snake_case_words",
    # SentencePiece conventions
    "<s>Hello</s> world <unk> and <s> spaced </s>",
    "<s> <s>  </s>   ",
    "▁ a literal metaspace ▁▁ and ▁word▁",
    "  two leading spaces and a trailing one ",
    "\t\ttabs first",
    "Rare characters fall back to bytes: ꙮ 𓀀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ⱥ ǂ",
]


def unicode_sweep() -> list[str]:
    """Every assigned code point once, in chunks, mixed with spaces, newlines
    and digits: finds where the regex engines' Unicode classes differ."""
    import unicodedata

    points = [
        chr(c)
        for c in range(0x20, 0x110000)
        if unicodedata.category(chr(c)) not in ("Cs", "Co", "Cn")
    ]
    texts = []
    for start in range(0, len(points), 3000):
        chunk = points[start : start + 3000]
        pieces = []
        for i, char in enumerate(chunk):
            pieces.append(char)
            pieces.append(" \n  a1'\t"[i % 9] if i % 3 == 0 else "")
        texts.append("".join(pieces))
    return texts


# Variants whose regexes are checked against every code point.
SWEEP_VARIANTS = (
    "gpt2",
    "llama2_legacy",
    "gemma",
    "metaspace_first",
    "sentencepiece_bpe",
    "nfd_lowercase_strip_accents",
    "nfkc",
    "nfkd",
    "whitespace",
    "punctuation_isolated",
    "bert_pre_tokenizer",
    "qwen_nfc",
    "llama3",
    "split_words",
    "split_empty_matches",
    "digits_contiguous",
)

SPECIALS_GPT2 = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
BYTE_TOKEN = re.compile(r"<0x[0-9A-Fa-f]{2}>")
SPECIALS_LLAMA3 = [
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
]


def train(
    pre_tokenizer, special_tokens: list[str], normalizer=None, vocab_size: int = 1200
) -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    if normalizer is not None:
        tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre_tokenizer
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=special_tokens,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(CORPUS * 3, trainer)
    return tokenizer


def llama3_split() -> pre_tokenizers.PreTokenizer:
    return pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )


def edited(base: dict, edit) -> dict:
    config = copy.deepcopy(base)
    edit(config)
    return config


def build_variants() -> dict[str, tuple[dict, dict | None]]:
    """name -> (tokenizer.json content, tokenizer_config.json content or None)."""
    gpt2 = train(pre_tokenizers.ByteLevel(add_prefix_space=False), SPECIALS_GPT2)
    gpt2.post_processor = processors.ByteLevel(trim_offsets=False)
    gpt2_json = json.loads(gpt2.to_str())

    llama3 = train(llama3_split(), SPECIALS_LLAMA3)
    llama3.post_processor = processors.Sequence(
        [
            processors.ByteLevel(trim_offsets=False),
            processors.TemplateProcessing(
                single="<|begin_of_text|> $A",
                special_tokens=[("<|begin_of_text|>", llama3.token_to_id("<|begin_of_text|>"))],
            ),
        ]
    )
    llama3_json = json.loads(llama3.to_str())
    llama3_json["model"]["ignore_merges"] = True

    qwen = train(
        pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(QWEN_PATTERN), behavior="isolated", invert=False),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        ),
        SPECIALS_GPT2,
        normalizer=normalizers.NFC(),
    )
    qwen_json = json.loads(qwen.to_str())

    def set_model(key, value):
        return lambda config: config["model"].__setitem__(key, value)

    def set_pre_tokenizer(pre_tokenizer):
        return lambda config: config.__setitem__(
            "pre_tokenizer", json.loads(pre_tokenizer.__getstate__())
        )

    def merges_as_strings(config):
        config["model"]["merges"] = [" ".join(pair) for pair in config["model"]["merges"]]

    def split_variant(behavior: str, invert: bool = False, pattern=None):
        split = pre_tokenizers.Split(
            pattern or Regex(r"\s+|[,.;:!?]"), behavior=behavior, invert=invert
        )
        return set_pre_tokenizer(
            pre_tokenizers.Sequence(
                [split, pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)]
            )
        )

    def with_added_flags(config):
        tokenizer = Tokenizer.from_str(json.dumps(config))
        tokenizer.add_tokens(
            [
                AddedToken("[MASK]", lstrip=True, rstrip=True, normalized=False),
                AddedToken("hello world", single_word=True, normalized=True),
                AddedToken("Ω", normalized=False),
            ]
        )
        config.clear()
        config.update(json.loads(tokenizer.to_str()))

    chatml_config = {"bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"}
    llama3_config = {
        "bos_token": "<|begin_of_text|>",
        "eos_token": {"content": "<|eot_id|>", "lstrip": False, "rstrip": False},
    }
    return {
        "gpt2": (gpt2_json, None),
        "gpt2_ignore_merges": (edited(gpt2_json, set_model("ignore_merges", True)), chatml_config),
        "gpt2_merges_as_strings": (edited(gpt2_json, merges_as_strings), None),
        "gpt2_prefix_space": (
            edited(gpt2_json, set_pre_tokenizer(pre_tokenizers.ByteLevel(add_prefix_space=True))),
            None,
        ),
        "gpt2_added_flags": (edited(gpt2_json, with_added_flags), None),
        "llama3": (llama3_json, None),
        "llama3_config": (llama3_json, llama3_config),
        "llama3_merges_used": (edited(llama3_json, set_model("ignore_merges", False)), None),
        "qwen_nfc": (qwen_json, chatml_config),
        "digits_individual": (
            edited(
                gpt2_json,
                set_pre_tokenizer(
                    pre_tokenizers.Sequence(
                        [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel()]
                    )
                ),
            ),
            None,
        ),
        "digits_contiguous": (
            edited(
                gpt2_json,
                set_pre_tokenizer(
                    pre_tokenizers.Sequence(
                        [
                            pre_tokenizers.Digits(individual_digits=False),
                            pre_tokenizers.ByteLevel(add_prefix_space=False),
                        ]
                    )
                ),
            ),
            None,
        ),
        "split_removed": (edited(gpt2_json, split_variant("removed")), None),
        "split_merged_previous": (edited(gpt2_json, split_variant("merged_with_previous")), None),
        "split_merged_next": (edited(gpt2_json, split_variant("merged_with_next")), None),
        "split_contiguous": (edited(gpt2_json, split_variant("contiguous")), None),
        "split_inverted": (edited(gpt2_json, split_variant("removed", invert=True)), None),
        "split_string": (edited(gpt2_json, split_variant("isolated", pattern=" ")), None),
        "split_empty_matches": (
            edited(gpt2_json, split_variant("merged_with_next", pattern=Regex(r"\b"))),
            None,
        ),
        "split_words": (
            edited(gpt2_json, split_variant("isolated", pattern=Regex(r"\w+|[^\w\s]+|\B"))),
            None,
        ),
        "no_pre_tokenizer": (
            edited(gpt2_json, lambda config: config.__setitem__("pre_tokenizer", None)),
            None,
        ),
        **build_sentencepiece_variants(),
        **build_component_variants(gpt2_json),
    }


def with_components(base: dict, **components) -> dict:
    """A copy of `base` with top-level parts replaced (None removes one)."""
    config = copy.deepcopy(base)
    for key, component in components.items():
        if key == "model":
            config["model"].update(component)
        elif component is None or isinstance(component, dict):
            config[key] = component
        else:
            config[key] = to_json(component)
    return config


def with_added_tokens(config: dict, tokens: list[AddedToken], special: bool = False) -> dict:
    tokenizer = Tokenizer.from_str(json.dumps(config))
    if special:
        tokenizer.add_special_tokens(tokens)
    else:
        tokenizer.add_tokens(tokens)
    return json.loads(tokenizer.to_str())


def build_sentencepiece_variants() -> dict[str, tuple[dict, dict | None]]:
    """Llama 2 / Mistral / Gemma styles and Metaspace in all its schemes."""
    base = train_metaspace_bpe(CORPUS)
    bos_config = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}
    llama_template = processors.TemplateProcessing(
        single="<s> $A", special_tokens=[("<s>", base["model"]["vocab"]["<s>"])]
    )
    metaspace = pre_tokenizers.Metaspace
    legacy_normalizer = normalizers.Sequence(
        [normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")]
    )
    gemma = with_components(
        base,
        normalizer=normalizers.Replace(" ", "▁"),
        pre_tokenizer=pre_tokenizers.Split(" ", "merged_with_previous"),
        decoder=sentencepiece_decoder(strip=False),
    )
    metaspace_first = with_components(
        base,
        pre_tokenizer=metaspace(prepend_scheme="first", split=True),
        decoder=decoders.Metaspace(prepend_scheme="first"),
    )
    return {
        "llama2_legacy": (
            with_components(
                base,
                normalizer=legacy_normalizer,
                pre_tokenizer=None,
                decoder=sentencepiece_decoder(strip=True),
                post_processor=llama_template,
            ),
            bos_config,
        ),
        "llama2_metaspace_first": (
            with_components(
                base,
                pre_tokenizer=metaspace(prepend_scheme="first", split=False),
                decoder=sentencepiece_decoder(strip=True),
                post_processor=llama_template,
            ),
            None,
        ),
        "mistral_metaspace_decoder": (
            with_components(
                base,
                pre_tokenizer=metaspace(prepend_scheme="first", split=False),
                decoder=decoders.Sequence(
                    [decoders.ByteFallback(), decoders.Metaspace(prepend_scheme="first")]
                ),
            ),
            bos_config,
        ),
        "gemma": (gemma, {"bos_token": "<s>", "eos_token": "</s>"}),
        "gemma_ignore_merges": (with_components(gemma, model={"ignore_merges": True}), None),
        "metaspace_always": (with_components(base, post_processor=llama_template), None),
        "metaspace_first": (metaspace_first, None),
        "metaspace_never": (
            with_components(
                base,
                pre_tokenizer=metaspace(prepend_scheme="never"),
                decoder=decoders.Metaspace(prepend_scheme="never"),
            ),
            None,
        ),
        "metaspace_legacy_fields": (
            with_components(
                base,
                pre_tokenizer={"type": "Metaspace", "replacement": "▁", "add_prefix_space": True},
                decoder={"type": "Metaspace", "replacement": "▁", "add_prefix_space": True},
            ),
            None,
        ),
        "metaspace_in_sequence": (
            with_components(
                base,
                pre_tokenizer=pre_tokenizers.Sequence(
                    [
                        pre_tokenizers.Split(Regex(r"\d+|[,.]"), behavior="isolated"),
                        metaspace(prepend_scheme="first"),
                    ]
                ),
            ),
            None,
        ),
        "unk_not_fused": (
            with_components(
                train_metaspace_bpe(CORPUS, byte_fallback=False, fuse_unk=False),
                decoder=sentencepiece_decoder(strip=True),
            ),
            None,
        ),
        "unk_fused": (train_metaspace_bpe(CORPUS, byte_fallback=False, fuse_unk=True), None),
        "sentencepiece_added_flags": (
            with_added_tokens(
                metaspace_first,
                [
                    AddedToken("[MASK]", lstrip=True, rstrip=True, normalized=False),
                    AddedToken("hello world", single_word=True, normalized=True),
                    AddedToken("▁tool", normalized=False),
                ],
            ),
            None,
        ),
        "no_decoder": (with_components(base, decoder=None), None),
    }


def train_sentencepiece_bpe() -> dict:
    """HF's own SentencePieceBPETokenizer (NFKC, Metaspace)."""
    from tokenizers.implementations import SentencePieceBPETokenizer

    tokenizer = SentencePieceBPETokenizer()
    tokenizer.train_from_iterator(
        CORPUS * 3, vocab_size=900, special_tokens=SPECIAL_TOKENS, show_progress=False
    )
    return json.loads(tokenizer.to_str())


def build_component_variants(gpt2_json: dict) -> dict[str, tuple[dict, dict | None]]:
    """Each normalizer, pre-tokenizer and decoder, on the byte-level model."""

    def byte_level_after(*steps) -> pre_tokenizers.PreTokenizer:
        return pre_tokenizers.Sequence(
            [*steps, pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]
        )

    def normalized(*steps) -> dict:
        return with_components(gpt2_json, normalizer=normalizers.Sequence(list(steps)))

    def pre_tokenized(*steps) -> dict:
        return with_components(gpt2_json, pre_tokenizer=byte_level_after(*steps))

    punctuation = {
        f"punctuation_{behavior}": (pre_tokenized(pre_tokenizers.Punctuation(behavior)), None)
        for behavior in (
            "isolated",
            "removed",
            "merged_with_previous",
            "merged_with_next",
            "contiguous",
        )
    }
    return {
        "sentencepiece_bpe": (train_sentencepiece_bpe(), None),
        "nfd_lowercase_strip_accents": (
            normalized(normalizers.NFD(), normalizers.Lowercase(), normalizers.StripAccents()),
            None,
        ),
        "nfkc": (normalized(normalizers.NFKC()), None),
        "nfkd": (normalized(normalizers.NFKD()), None),
        "strip_lowercase": (
            normalized(normalizers.Strip(left=True, right=True), normalizers.Lowercase()),
            None,
        ),
        "strip_right": (normalized(normalizers.Strip(left=False, right=True)), None),
        "replace_regex": (normalized(normalizers.Replace(Regex(r"\s+"), " ")), None),
        "whitespace": (pre_tokenized(pre_tokenizers.Whitespace()), None),
        "whitespace_split": (pre_tokenized(pre_tokenizers.WhitespaceSplit()), None),
        "bert_pre_tokenizer": (pre_tokenized(pre_tokenizers.BertPreTokenizer()), None),
        "char_delimiter": (pre_tokenized(pre_tokenizers.CharDelimiterSplit(",")), None),
        **punctuation,
        "byte_level_decoder_then_strip": (
            with_components(
                gpt2_json,
                decoder=decoders.Sequence([decoders.ByteLevel(), decoders.Strip(" ", 1, 0)]),
            ),
            None,
        ),
        # (HF panics when Strip would take more than a whole token.)
        "strip_each_token_start": (
            with_components(
                gpt2_json,
                decoder=decoders.Sequence(
                    [decoders.Replace("Ġ", " "), decoders.Strip(" ", 1, 0), decoders.Fuse()]
                ),
            ),
            None,
        ),
        "strip_each_token_end": (
            with_components(
                gpt2_json,
                decoder=decoders.Sequence([decoders.Replace("Ġ", " "), decoders.Strip(" ", 0, 1)]),
            ),
            None,
        ),
    }


def run_tool(tool: Path, directory: Path, texts_path: Path, *flags: str) -> list[dict]:
    result = subprocess.run(
        [str(tool), str(directory), str(texts_path), "--json", *flags],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"tokenize_tool failed on {directory}: {result.stderr}")
    return [json.loads(line) for line in result.stdout.split("\n") if line]


def check_variant(
    name: str, tool: Path, directory: Path, texts: list[str], texts_path: Path
) -> int:
    hf = Tokenizer.from_file(str(directory / "tokenizer.json"))
    lines = run_tool(tool, directory, texts_path)
    info, outputs = lines[0], lines[1:]
    failures = 0
    if info["vocab_size"] != hf.get_vocab_size(with_added_tokens=True):
        expected_size = hf.get_vocab_size(with_added_tokens=True)
        print(f"[{name}] vocab_size {info['vocab_size']} != HF {expected_size}")
        failures += 1
    for text, ours in zip(texts, outputs, strict=True):
        expected = hf.encode(text, add_special_tokens=False).ids
        problems = []
        if ours["ids"] != expected:
            problems.append(f"ids\n    ours: {ours['ids']}\n    HF:   {expected}")
        else:
            problems += decode_problems(hf, ours)
        for problem in problems:
            print(f"[{name}] {text[:60]!r}: {problem}")
        failures += bool(problems)
    agreeing = len(texts) - failures
    print(f"[{name}] {agreeing}/{len(texts)} texts agree; bos={info['bos']} eos={info['eos']}")
    return failures


def decode_problems(hf: Tokenizer, ours: dict) -> list[str]:
    """How our decodes of `ours["ids"]` differ from HF's (both skip settings, and the
    streamed pieces)."""
    problems = []
    for skip, key in ((False, "decoded"), (True, "decoded_skip_special")):
        expected = hf.decode(ours["ids"], skip_special_tokens=skip)
        if ours[key] != expected:
            problems.append(f"decode(skip_special_tokens={skip}) {ours[key]!r} != {expected!r}")
    if not ours["stream_matches"]:
        problems.append("streamed pieces differ from decode")
    return problems


def id_sequences(hf: Tokenizer, texts: list[str], bos: int | None, count: int = 200) -> list:
    """Id sequences to decode: each text's ids after BOS and with special tokens in
    them, and random ones. Byte-fallback runs are never cut: HF writes an invalid run
    as one U+FFFD per byte token, we repair the bytes as UTF-8 (maximal subparts), as
    streaming must."""
    rng = random.Random(1234)
    specials = sorted(id for id, token in hf.get_added_tokens_decoder().items() if token.special)
    is_byte = {id for token, id in hf.get_vocab().items() if BYTE_TOKEN.fullmatch(token)}
    sequences = []
    for text in texts:
        ids = hf.encode(text, add_special_tokens=False).ids
        if bos is not None:
            sequences.append([bos, *ids])
        if specials:
            middle = len(ids) // 2
            while middle < len(ids) and ids[middle] in is_byte:
                middle += 1
            first, second = rng.choice(specials), rng.choice(specials)
            sequences.append([first, *ids[:middle], second, *ids[middle:]])
    pool = [id for id in hf.get_vocab().values() if id not in is_byte]
    for _ in range(count):
        sequences.append([rng.choice(pool) for _ in range(rng.randint(1, 12))])
    return sequences


def check_decoding(name: str, tool: Path, directory: Path, texts: list[str], workdir: Path) -> int:
    hf = Tokenizer.from_file(str(directory / "tokenizer.json"))
    bos = run_tool(tool, directory, workdir / "empty.json")[0]["bos"]
    sequences = id_sequences(hf, texts, bos)
    ids_path = workdir / f"{name}_ids.json"
    ids_path.write_text(json.dumps(sequences))
    failures = 0
    for ours in run_tool(tool, directory, ids_path, "--decode-ids")[1:]:
        problems = decode_problems(hf, ours)
        for problem in problems:
            print(f"[{name} decode] {ours['ids'][:12]}: {problem}")
        failures += bool(problems)
    print(f"[{name} decode] {len(sequences) - failures}/{len(sequences)} id sequences agree")
    return failures


def bench(tool: Path, directory: Path, texts: list[str], workdir: Path) -> None:
    """Single-thread encode throughput of HF (a loop of encode) and of et_llm."""
    document = "\n".join(texts)
    chunks = [document[i : i + 2000] for i in range(0, len(document), 2000)] * 50
    chunks_path = workdir / "bench_texts.json"
    chunks_path.write_text(json.dumps(chunks))
    total = sum(len(chunk.encode()) for chunk in chunks)
    hf = Tokenizer.from_file(str(directory / "tokenizer.json"))
    start = time.perf_counter()
    for chunk in chunks:
        hf.encode(chunk, add_special_tokens=False)
    hf_rate = total / (time.perf_counter() - start) / 1e6
    result = subprocess.run(
        [str(tool), str(directory), str(chunks_path), "--json", "--bench", "3"],
        capture_output=True,
        text=True,
        check=True,
    )
    ours = json.loads(result.stdout)["mb_per_s"]
    print(
        f"[bench {directory.name}] HF {hf_rate:.2f} MB/s, et_llm {ours:.2f} MB/s, "
        f"ratio {ours / hf_rate:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tool", type=Path, required=True, help="path to the built tokenize_tool")
    parser.add_argument("--only", help="check only variants whose name contains this")
    parser.add_argument("--bench", action="store_true", help="also compare encode throughput")
    parser.add_argument(
        "--tokenizer",
        type=Path,
        action="append",
        default=[],
        help="also check this tokenizer directory (e.g. a real model's); repeatable",
    )
    args = parser.parse_args()

    texts = CORPUS + EXTRA_TEXTS
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        texts_path = workdir / "texts.json"
        texts_path.write_text(json.dumps(texts))
        (workdir / "empty.json").write_text("[]")
        sweep = unicode_sweep()
        sweep_path = workdir / "sweep.json"
        sweep_path.write_text(json.dumps(sweep))
        for name, (tokenizer_json, tokenizer_config) in build_variants().items():
            if args.only and args.only not in name:
                continue
            directory = workdir / name
            directory.mkdir()
            (directory / "tokenizer.json").write_text(
                json.dumps(tokenizer_json, ensure_ascii=False)
            )
            if tokenizer_config is not None:
                (directory / "tokenizer_config.json").write_text(json.dumps(tokenizer_config))
            failures += check_variant(name, args.tool, directory, texts, texts_path)
            failures += check_decoding(name, args.tool, directory, texts, workdir)
            if name in SWEEP_VARIANTS:
                failures += check_variant(f"{name} sweep", args.tool, directory, sweep, sweep_path)
            if args.bench and name in ("gpt2", "llama3", "llama2_legacy", "gemma"):
                bench(args.tool, directory, texts, workdir)
        for directory in args.tokenizer:
            name = directory.name
            failures += check_variant(name, args.tool, directory, texts, texts_path)
            failures += check_decoding(name, args.tool, directory, texts, workdir)
            failures += check_variant(f"{name} sweep", args.tool, directory, sweep, sweep_path)
            if args.bench:
                bench(args.tool, directory, texts, workdir)
    print("OK" if failures == 0 else f"{failures} mismatches")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
