#include "tokenizers/unicode_properties.h"

#include <algorithm>
#include <iterator>

#include "tokenizers/utf8_chars.h"

namespace et_llm::detail {
namespace {

struct Mapping {
  uint32_t code_point;
  uint16_t offset;  // into kLowercasePool
  uint8_t length;
};
struct Range {
  uint32_t first;
  uint32_t last;
};

#include "tokenizers/unicode_property_tables.inc"

template <size_t N>
bool in_ranges(const Range (&ranges)[N], uint32_t cp) {
  const Range* it =
      std::upper_bound(std::begin(ranges), std::end(ranges), cp,
                       [](uint32_t value, const Range& range) { return value < range.first; });
  return it != std::begin(ranges) && cp <= std::prev(it)->last;
}

}  // namespace

bool is_white_space(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

bool is_mark(uint32_t cp) { return cp >= 0x300 && in_ranges(kMarks, cp); }

bool is_punctuation(uint32_t cp) { return in_ranges(kPunctuation, cp); }

std::string to_lowercase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const auto byte = static_cast<uint8_t>(text[pos]);
    if (byte < 0x80) {
      out.push_back(byte >= 'A' && byte <= 'Z' ? static_cast<char>(byte + ('a' - 'A'))
                                               : static_cast<char>(byte));
      ++pos;
      continue;
    }
    size_t length = 0;
    const uint32_t cp = decode_code_point(text, pos, &length);
    const Mapping* it = std::lower_bound(
        std::begin(kLowercase), std::end(kLowercase), cp,
        [](const Mapping& entry, uint32_t value) { return entry.code_point < value; });
    if (it != std::end(kLowercase) && it->code_point == cp) {
      for (uint8_t k = 0; k < it->length; ++k) append_utf8(kLowercasePool[it->offset + k], out);
    } else {
      out.append(text, pos, length);
    }
    pos += length;
  }
  return out;
}

}  // namespace et_llm::detail
