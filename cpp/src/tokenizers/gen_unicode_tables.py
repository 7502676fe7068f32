"""Writes the Unicode data the HF normalizers and pre-tokenizers need:

- unicode_normalization_tables.inc: combining classes, canonical and compatibility
  decompositions, primary composites (NFC, NFD, NFKC, NFKD);
- unicode_property_tables.inc: lowercase mappings (Lowercase), marks (StripAccents) and
  punctuation (Punctuation, BertPreTokenizer).

HF tokenizers carries its own, older Unicode data. When the `tokenizers` package is
importable every table is taken from what it does, character by character, so that our
results match its results; otherwise from Python's unicodedata.

    python cpp/src/tokenizers/gen_unicode_tables.py
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
NORMALIZATION_OUTPUT = HERE / "unicode_normalization_tables.inc"
PROPERTY_OUTPUT = HERE / "unicode_property_tables.inc"
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
# Never produced by any mapping, so it separates characters normalized in one call.
SEPARATOR = "\x00"
BATCH = 4096


def code_points() -> Iterator[int]:
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000 or HANGUL_FIRST <= cp <= HANGUL_LAST:
            continue  # surrogates; Hangul syllables are handled algorithmically
        yield cp


def per_character(transform: Callable[[str], str], chars: list[str]) -> list[str]:
    """transform(c) for each c, in batches joined by SEPARATOR (a starter: it stops mark
    reordering, so batching gives the same results as one call per character)."""
    results: list[str] = []
    for start in range(0, len(chars), BATCH):
        batch = chars[start : start + BATCH]
        parts = transform(SEPARATOR.join(batch)).split(SEPARATOR)
        if len(parts) != len(batch):
            raise RuntimeError("a mapping produced or removed the separator")
        results.extend(parts)
    return results


class Reference:
    """The behaviours the tables capture, from HF tokenizers or from unicodedata."""

    def __init__(self) -> None:
        try:
            from tokenizers import normalizers, pre_tokenizers
        except ImportError:
            self.source = f"Python's unicodedata (Unicode {unicodedata.unidata_version})"
            self.nfd = lambda s: unicodedata.normalize("NFD", s)
            self.nfkd = lambda s: unicodedata.normalize("NFKD", s)
            self.nfc = lambda s: unicodedata.normalize("NFC", s)
            self.lower = lambda s: "".join(c.lower() for c in s)
            self.strip_marks = lambda s: "".join(
                c for c in s if not unicodedata.category(c).startswith("M")
            )
            self.punctuation = self._punctuation_from_categories
            return
        import tokenizers

        self.source = f"HF tokenizers {tokenizers.__version__}"
        self.nfd = normalizers.NFD().normalize_str
        self.nfkd = normalizers.NFKD().normalize_str
        self.nfc = normalizers.NFC().normalize_str
        self.lower = normalizers.Lowercase().normalize_str
        self.strip_marks = normalizers.StripAccents().normalize_str
        punctuation = pre_tokenizers.Punctuation()
        self.punctuation = lambda chars: self._punctuation_from_splits(punctuation, chars)

    @staticmethod
    def _punctuation_from_categories(chars: list[str]) -> set[str]:
        return {
            c
            for c in chars
            if unicodedata.category(c).startswith("P") or (c.isascii() and not c.isalnum())
            if c.isprintable() and c != " "
        }

    @staticmethod
    def _punctuation_from_splits(punctuation: object, chars: list[str]) -> set[str]:
        # Between letters a punctuation character becomes a piece of its own.
        found: set[str] = set()
        for start in range(0, len(chars), BATCH):
            text = "a" + "a".join(chars[start : start + BATCH]) + "a"
            for piece, _ in punctuation.pre_tokenize_str(text):
                if len(piece) == 1 and piece != "a":
                    found.add(piece)
        return found

    def knows_combining_class(self, char: str) -> bool:
        """Whether NFD orders this mark by its class (HF's data may predate the mark)."""
        low_mark = "\u0334"  # combining class 1, in Unicode since 1.1
        if unicodedata.combining(char) <= 1:
            return True
        return self.nfd("a" + char + low_mark)[1] == low_mark


def rows(values: list[str], per_line: int) -> str:
    lines = [", ".join(values[i : i + per_line]) for i in range(0, len(values), per_line)]
    return ",\n".join("    " + line for line in lines)


def ranges(members: list[int]) -> list[tuple[int, int]]:
    result: list[list[int]] = []
    for cp in sorted(members):
        if result and result[-1][1] == cp - 1:
            result[-1][1] = cp
        else:
            result.append([cp, cp])
    return [(a, b) for a, b in result]


class Pool:
    """Code point sequences stored back to back; entries point into it."""

    def __init__(self) -> None:
        self.values: list[int] = []

    def add(self, text: str) -> tuple[int, int]:
        offset = len(self.values)
        self.values.extend(ord(c) for c in text)
        if offset > 0xFFFF or len(text) > 0xFF:
            raise RuntimeError("pool offset or length out of range")
        return offset, len(text)


def mapping_rows(pool: Pool, mappings: list[tuple[int, str]]) -> list[str]:
    out = []
    for cp, text in mappings:
        offset, length = pool.add(text)
        out.append(f"{{0x{cp:X}, {offset}, {length}}}")
    return out


def write(path: Path, header: str, sections: list[tuple[str, str]]) -> None:
    text = [header, "// clang-format off"]
    for declaration, body in sections:
        text += [declaration + " = {", body, "};"]
    text += ["// clang-format on", ""]
    path.write_text("\n".join(text))


def normalization_tables(reference: Reference, chars: list[str]) -> None:
    ccc_members: dict[int, list[int]] = {}
    skipped = 0
    for char in chars:
        ccc = unicodedata.combining(char)
        if ccc and not reference.knows_combining_class(char):
            skipped += 1
            continue
        if ccc:
            ccc_members.setdefault(ccc, []).append(ord(char))
    ccc_ranges = sorted(
        (first, last, ccc)
        for ccc, members in ccc_members.items()
        for first, last in ranges(members)
    )

    canonical = per_character(reference.nfd, chars)
    compatibility = per_character(reference.nfkd, chars)
    pool = Pool()
    canonical_rows = mapping_rows(
        pool, [(ord(c), d) for c, d in zip(chars, canonical, strict=True) if d != c]
    )
    compatibility_rows = mapping_rows(
        pool,
        [
            (ord(c), k)
            for c, d, k in zip(chars, canonical, compatibility, strict=True)
            if k != d  # only where it differs from the canonical one
        ],
    )

    compositions = []
    for char in chars:
        mapping = unicodedata.decomposition(char)
        if not mapping or mapping.startswith("<"):
            continue
        parts = [int(part, 16) for part in mapping.split()]
        pair = "".join(chr(p) for p in parts)
        # A primary composite: NFC puts the pair back together.
        if len(parts) == 2 and reference.nfc(pair) == char:
            compositions.append((parts[0], parts[1], ord(char)))
    compositions.sort()

    write(
        NORMALIZATION_OUTPUT,
        f"// Generated by cpp/src/tokenizers/gen_unicode_tables.py from {reference.source}. "
        "Do not edit.",
        [
            (
                "constexpr CombiningClassRange kCombiningClasses[]",
                rows([f"{{0x{a:X}, 0x{b:X}, {c}}}" for a, b, c in ccc_ranges], 4),
            ),
            (
                "constexpr uint32_t kDecompositionPool[]",
                rows([f"0x{cp:X}" for cp in pool.values], 10),
            ),
            ("constexpr Mapping kCanonicalDecompositions[]", rows(canonical_rows, 5)),
            ("constexpr Mapping kCompatibilityDecompositions[]", rows(compatibility_rows, 5)),
            (
                "constexpr Composition kCompositions[]",
                rows([f"{{0x{a:X}, 0x{b:X}, 0x{c:X}}}" for a, b, c in compositions], 4),
            ),
        ],
    )
    print(
        f"wrote {NORMALIZATION_OUTPUT.name}: {len(ccc_ranges)} class ranges, "
        f"{len(canonical_rows)} canonical and {len(compatibility_rows)} compatibility "
        f"decompositions, {len(compositions)} compositions, {skipped} unknown marks left out"
    )


def property_tables(reference: Reference, chars: list[str]) -> None:
    lowered = per_character(reference.lower, chars)
    pool = Pool()
    lowercase_rows = mapping_rows(
        pool, [(ord(c), low) for c, low in zip(chars, lowered, strict=True) if low != c]
    )
    stripped = per_character(reference.strip_marks, chars)
    marks = [ord(c) for c, s in zip(chars, stripped, strict=True) if s == ""]
    punctuation = [ord(c) for c in reference.punctuation(chars)]

    write(
        PROPERTY_OUTPUT,
        f"// Generated by cpp/src/tokenizers/gen_unicode_tables.py from {reference.source}. "
        "Do not edit.",
        [
            ("constexpr uint32_t kLowercasePool[]", rows([f"0x{cp:X}" for cp in pool.values], 10)),
            ("constexpr Mapping kLowercase[]", rows(lowercase_rows, 5)),
            (
                "constexpr Range kMarks[]",
                rows([f"{{0x{a:X}, 0x{b:X}}}" for a, b in ranges(marks)], 6),
            ),
            (
                "constexpr Range kPunctuation[]",
                rows([f"{{0x{a:X}, 0x{b:X}}}" for a, b in ranges(punctuation)], 6),
            ),
        ],
    )
    print(
        f"wrote {PROPERTY_OUTPUT.name}: {len(lowercase_rows)} lowercase mappings, "
        f"{len(ranges(marks))} mark ranges, {len(ranges(punctuation))} punctuation ranges"
    )


def main() -> None:
    reference = Reference()
    chars = [chr(cp) for cp in code_points() if cp != ord(SEPARATOR)]
    print(f"reference: {reference.source}")
    normalization_tables(reference, chars)
    property_tables(reference, chars)


if __name__ == "__main__":
    main()
