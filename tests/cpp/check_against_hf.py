"""Compares et_llm's HFTokenizer (through tests/cpp/tokenize_tool) with HF `tokenizers`.

Trains small byte-level BPE tokenizers on a multi-script corpus, writes each in
several styles (GPT-2, Llama 3, Qwen, ignore_merges, Split behaviors, added-token
flags, old merges format), and checks that ids and decodes agree on every text.

    g++ -std=c++17 -O2 -Icpp/include -Icpp/src cpp/src/error.cpp cpp/src/tokenizers/*.cpp \
        tests/cpp/tokenize_tool.cpp -lpcre2-8 -o /tmp/tokenize_tool
    python tests/cpp/check_against_hf.py --tool /tmp/tokenize_tool [--bench] [--only NAME]

Exits non-zero on any mismatch.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
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
    "qwen_nfc",
    "llama3",
    "split_words",
    "split_empty_matches",
    "digits_contiguous",
)

SPECIALS_GPT2 = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
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
    }


def run_tool(tool: Path, directory: Path, texts_path: Path) -> list[dict]:
    result = subprocess.run(
        [str(tool), str(directory), str(texts_path), "--json"],
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
        elif ours["decoded"] != (decoded := hf.decode(expected, skip_special_tokens=False)):
            problems.append(f"decode {ours['decoded']!r} != {decoded!r}")
        elif ours["decoded_skip_special"] != hf.decode(expected, skip_special_tokens=True):
            problems.append("decode(skip_special_tokens=True) differs")
        if not ours["stream_matches"]:
            problems.append("stream decode differs from decode")
        for problem in problems:
            print(f"[{name}] {text[:60]!r}: {problem}")
        failures += bool(problems)
    agreeing = len(texts) - failures
    print(f"[{name}] {agreeing}/{len(texts)} texts agree; bos={info['bos']} eos={info['eos']}")
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
    args = parser.parse_args()

    texts = CORPUS + EXTRA_TEXTS
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        texts_path = workdir / "texts.json"
        texts_path.write_text(json.dumps(texts))
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
            if name in SWEEP_VARIANTS:
                failures += check_variant(f"{name} sweep", args.tool, directory, sweep, sweep_path)
            if args.bench and name in ("gpt2", "llama3"):
                bench(args.tool, directory, texts, workdir)
    print("OK" if failures == 0 else f"{failures} mismatches")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
