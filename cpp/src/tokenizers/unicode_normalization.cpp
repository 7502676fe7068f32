#include "tokenizers/unicode_normalization.h"

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
struct Mapping {
  uint32_t code_point;
  uint16_t offset;  // into kDecompositionPool
  uint8_t length;
};
struct Composition {
  uint32_t first;
  uint32_t second;
  uint32_t composite;
};

#include "tokenizers/unicode_normalization_tables.inc"

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

// The table entry of `cp`, or nullptr.
template <size_t N>
const Mapping* find_mapping(const Mapping (&table)[N], uint32_t cp) {
  const Mapping* it = std::lower_bound(
      std::begin(table), std::end(table), cp,
      [](const Mapping& entry, uint32_t value) { return entry.code_point < value; });
  return it != std::end(table) && it->code_point == cp ? it : nullptr;
}

// Appends the full decomposition of `cp` (compatibility mappings too when
// `compatibility`); the tables hold full decompositions, not single steps.
void decompose(uint32_t cp, bool compatibility, std::vector<uint32_t>& out) {
  if (cp >= kSyllableBase && cp < kSyllableBase + kSyllableCount) {
    const uint32_t index = cp - kSyllableBase;
    out.push_back(kLeadBase + index / (kVowelCount * kTrailCount));
    out.push_back(kVowelBase + (index % (kVowelCount * kTrailCount)) / kTrailCount);
    if (index % kTrailCount != 0) out.push_back(kTrailBase + index % kTrailCount);
    return;
  }
  const Mapping* mapping = compatibility ? find_mapping(kCompatibilityDecompositions, cp) : nullptr;
  if (mapping == nullptr) mapping = find_mapping(kCanonicalDecompositions, cp);
  if (mapping == nullptr) {
    out.push_back(cp);
    return;
  }
  out.insert(out.end(), kDecompositionPool + mapping->offset,
             kDecompositionPool + mapping->offset + mapping->length);
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

// Puts each run of non-starters in canonical order: stably sorted by class.
void reorder_marks(std::vector<uint32_t>& code_points) {
  for (size_t i = 0; i < code_points.size();) {
    if (combining_class(code_points[i]) == 0) {
      ++i;
      continue;
    }
    size_t run_end = i;
    while (run_end < code_points.size() && combining_class(code_points[run_end]) != 0) ++run_end;
    std::stable_sort(
        code_points.begin() + i, code_points.begin() + run_end,
        [](uint32_t a, uint32_t b) { return combining_class(a) < combining_class(b); });
    i = run_end;
  }
}

// Canonical composition: a character joins the last starter unless a
// character between them has class 0 or a class not below its own.
std::vector<uint32_t> compose_all(const std::vector<uint32_t>& decomposed) {
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
  return composed;
}

// Whether every character of `text` is left alone by `form`: below U+0300
// (lead bytes under 0xCC) nothing changes under NFC, and below U+00A0 (lead
// bytes under 0xC2) nothing changes under any form.
bool unchanged_by(std::string_view text, NormalizationForm form) {
  const uint8_t first_changing_lead = form == NormalizationForm::NFC ? 0xCC : 0xC2;
  return std::none_of(text.begin(), text.end(), [first_changing_lead](char c) {
    return static_cast<uint8_t>(c) >= first_changing_lead;
  });
}

}  // namespace

std::string normalize_unicode(std::string_view text, NormalizationForm form) {
  if (unchanged_by(text, form)) return std::string(text);
  const bool compatibility = form == NormalizationForm::NFKC || form == NormalizationForm::NFKD;
  const bool recompose = form == NormalizationForm::NFC || form == NormalizationForm::NFKC;

  std::vector<uint32_t> code_points;
  code_points.reserve(text.size());
  for (size_t pos = 0, length = 0; pos < text.size(); pos += length) {
    decompose(decode_code_point(text, pos, &length), compatibility, code_points);
  }
  reorder_marks(code_points);
  if (recompose) code_points = compose_all(code_points);

  std::string out;
  out.reserve(text.size());
  for (uint32_t cp : code_points) append_utf8(cp, out);
  return out;
}

}  // namespace et_llm::detail
