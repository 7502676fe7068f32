"""Tokenizer throughput, one thread: et_llm vs HF `tokenizers` vs pytorch-tokenizers' C++
(its Python module), on the same corpus, encode and decode in MB/s of text, with ratios.

Tokenizers: the test fixture's byte-level BPE, a SentencePiece-style (Metaspace +
byte_fallback) BPE trained here, and Gemma 3's real tokenizer when it has been built
(the tokenizer step of `et-llm pull gemma3-270m`). Each engine encodes the corpus line by line, as a
runner does with prompts; every measurement is the best of --repeats.

    python benchmarks/bench_tokenizers.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import et_llm  # noqa: E402


def best_time(work: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def corpus_lines() -> list[str]:
    from tests.fixtures.tokenizer_fixture import CORPUS

    # Distinct lines (numbered) so no engine serves everything from a word cache.
    return [f"{i} {line}" for i in range(40) for line in CORPUS]


def tokenizers_under_test(workdir: Path) -> dict[str, Path]:
    from tests.fixtures.build import fixture_dir
    from tests.fixtures.sentencepiece_style import sentencepiece_decoder, train_metaspace_bpe
    from tests.fixtures.tokenizer_fixture import CORPUS

    found = {"byte-level BPE (fixture)": fixture_dir() / "tokenizer.json"}
    config = train_metaspace_bpe(CORPUS)
    config["decoder"] = sentencepiece_decoder(strip=True)
    path = workdir / "sentencepiece_style.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    found["SentencePiece-style BPE"] = path
    gemma = Path.home() / ".cache" / "et_llm" / "models" / "gemma3-270m" / "tokenizer.json"
    if gemma.exists():
        found["Gemma 3 (262k)"] = gemma
    return found


def measure(path: Path, lines: list[str], repeats: int) -> dict[str, tuple[float, float]]:
    from tokenizers import Tokenizer

    megabytes = sum(len(line.encode()) for line in lines) / 1e6
    results: dict[str, tuple[float, float]] = {}

    ours = et_llm.load_tokenizer(str(path))
    ids = [ours.encode(line) for line in lines]
    results["et_llm"] = (
        megabytes / best_time(lambda: [ours.encode(line) for line in lines], repeats),
        megabytes / best_time(lambda: [ours.decode(x) for x in ids], repeats),
    )

    hf = Tokenizer.from_file(str(path))
    results["HF tokenizers"] = (
        megabytes
        / best_time(lambda: [hf.encode(line, add_special_tokens=False) for line in lines], repeats),
        megabytes
        / best_time(lambda: [hf.decode(x, skip_special_tokens=False) for x in ids], repeats),
    )

    try:
        from pytorch_tokenizers.pytorch_tokenizers_cpp import HFTokenizer

        theirs = HFTokenizer()
        theirs.load(str(path))
    except Exception as error:  # noqa: BLE001 - report engines that cannot load the file
        print(f"  pytorch-tokenizers: cannot load ({type(error).__name__}: {error})")
        return results
    encode = megabytes / best_time(lambda: [theirs.encode(line, 0, 0) for line in lines], repeats)

    def decode_all() -> None:
        for x in ids:
            "".join(theirs.decode(token) for token in x)

    try:
        decode = megabytes / best_time(decode_all, repeats)
    except UnicodeDecodeError:
        # Its decode returns str per token and fails on a partial UTF-8 character.
        print("  pytorch-tokenizers: decode fails on tokens that are partial UTF-8")
        decode = float("nan")
    results["pytorch-tokenizers C++"] = (encode, decode)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    lines = corpus_lines()
    print(f"corpus: {len(lines)} lines, {sum(len(x.encode()) for x in lines) / 1e6:.2f} MB")
    with tempfile.TemporaryDirectory() as workdir:
        for name, path in tokenizers_under_test(Path(workdir)).items():
            print(f"\n{name}")
            results = measure(path, lines, args.repeats)
            ours_encode, ours_decode = results["et_llm"]
            for engine, (encode, decode) in results.items():
                print(
                    f"  {engine:<24} encode {encode:7.2f} MB/s ({ours_encode / encode:5.2f}x)"
                    f"   decode {decode:7.2f} MB/s ({ours_decode / decode:5.2f}x)"
                )
    print("\n(x) = et_llm's throughput divided by that engine's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
