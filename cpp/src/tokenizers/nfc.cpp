#include "tokenizers/nfc.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tokenizers/utf8_chars.h"

namespace et_llm::detail {
namespace {

struct CombiningClassRange {
  uint32_t first;
  uint32_t last;
  uint8_t combining_class;
};
struct Decomposition {
  uint32_t code_point;
  uint16_t offset;  // into kDecompositionPool
  uint8_t length;
};
struct Composition {
  uint32_t first;
  uint32_t second;
  uint32_t composite;
};

#include "tokenizers/nfc_tables.inc"

// Hangul syllables decompose and compose arithmetically (Unicode ch. 3.12).
constexpr uint32_t kSyllableBase = 0xAC00, kLeadBase = 0x1100, kVowelBase = 0x1161,
                   kTrailBase = 0x11A7;
constexpr uint32_t kLeadCount = 19, kVowelCount = 21, kTrailCount = 28;
constexpr uint32_t kSyllableCount = kLeadCount * kVowelCount * kTrailCount;

uint8_t combining_class(uint32_t cp) {
  if (cp < 0x300) return 0;
  const auto* end = std::end(kCombiningClasses);
  const auto* it = std::upper_bound(
      std::begin(kCombiningClasses), end, cp,
      [](uint32_t value, const CombiningClassRange& range) { return value < range.first; });
  if (it == std::begin(kCombiningClasses)) return 0;
  --it;
  return cp <= it->last ? it->combining_class : 0;
}

void decompose(uint32_t cp, std::vector<uint32_t>& out) {
  if (cp >= kSyllableBase && cp < kSyllableBase + kSyllableCount) {
    const uint32_t index = cp - kSyllableBase;
    out.push_back(kLeadBase + index / (kVowelCount * kTrailCount));
    out.push_back(kVowelBase + (index % (kVowelCount * kTrailCount)) / kTrailCount);
    if (index % kTrailCount != 0) out.push_back(kTrailBase + index % kTrailCount);
    return;
  }
  const auto* end = std::end(kDecompositions);
  const auto* it = std::lower_bound(
      std::begin(kDecompositions), end, cp,
      [](const Decomposition& entry, uint32_t value) { return entry.code_point < value; });
  if (it == end || it->code_point != cp) {
    out.push_back(cp);
    return;
  }
  out.insert(out.end(), kDecompositionPool + it->offset,
             kDecompositionPool + it->offset + it->length);
}

// The primary composite of `first` + `second`, or 0.
uint32_t compose(uint32_t first, uint32_t second) {
  if (first >= kLeadBase && first < kLeadBase + kLeadCount && second >= kVowelBase &&
      second < kVowelBase + kVowelCount) {
    return kSyllableBase +
           ((first - kLeadBase) * kVowelCount + (second - kVowelBase)) * kTrailCount;
  }
  if (first >= kSyllableBase && first < kSyllableBase + kSyllableCount &&
      (first - kSyllableBase) % kTrailCount == 0 && second > kTrailBase &&
      second < kTrailBase + kTrailCount) {
    return first + (second - kTrailBase);
  }
  const auto* end = std::end(kCompositions);
  const auto* it =
      std::lower_bound(std::begin(kCompositions), end, std::make_pair(first, second),
                       [](const Composition& entry, std::pair<uint32_t, uint32_t> key) {
                         return std::make_pair(entry.first, entry.second) < key;
                       });
  if (it == end || it->first != first || it->second != second) return 0;
  return it->composite;
}

}  // namespace

std::string to_nfc(std::string_view text) {
  // Below U+0300 (lead bytes under 0xCC) every character is already NFC and
  // composes with nothing before it.
  if (std::none_of(text.begin(), text.end(),
                   [](char c) { return static_cast<uint8_t>(c) >= 0xCC; })) {
    return std::string(text);
  }

  // Canonical decomposition, then canonical order: each run of non-starters
  // stably sorted by combining class.
  std::vector<uint32_t> decomposed;
  for (size_t pos = 0, length = 0; pos < text.size(); pos += length) {
    decompose(decode_code_point(text, pos, &length), decomposed);
  }
  for (size_t i = 0; i < decomposed.size();) {
    if (combining_class(decomposed[i]) == 0) {
      ++i;
      continue;
    }
    size_t run_end = i;
    while (run_end < decomposed.size() && combining_class(decomposed[run_end]) != 0) ++run_end;
    std::stable_sort(
        decomposed.begin() + i, decomposed.begin() + run_end,
        [](uint32_t a, uint32_t b) { return combining_class(a) < combining_class(b); });
    i = run_end;
  }

  // Canonical composition: a character joins the last starter unless a
  // character between them has class 0 or a class not below its own.
  std::vector<uint32_t> composed;
  composed.reserve(decomposed.size());
  size_t starter = SIZE_MAX;
  for (uint32_t cp : decomposed) {
    const uint8_t cp_class = combining_class(cp);
    if (starter != SIZE_MAX) {
      const bool adjacent = composed.size() == starter + 1;
      const uint8_t last_class = combining_class(composed.back());
      if (adjacent || (last_class != 0 && last_class < cp_class)) {
        if (uint32_t composite = compose(composed[starter], cp)) {
          composed[starter] = composite;
          continue;
        }
      }
    }
    if (cp_class == 0) starter = composed.size();
    composed.push_back(cp);
  }

  std::string out;
  out.reserve(text.size());
  for (uint32_t cp : composed) append_utf8(cp, out);
  return out;
}

}  // namespace et_llm::detail
