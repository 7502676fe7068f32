// Walking valid UTF-8 one character at a time (the text was repaired on the
// way in, so these do not validate).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace et_llm::detail {

// Length of the character starting at `pos`, cut short at the end of `text`.
inline size_t utf8_char_length(std::string_view text, size_t pos) {
  const auto lead = static_cast<uint8_t>(text[pos]);
  const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  return std::min(length, text.size() - pos);
}

// The code point starting at `pos`; its length goes to `*length`.
inline uint32_t decode_code_point(std::string_view text, size_t pos, size_t* length) {
  *length = utf8_char_length(text, pos);
  const auto lead = static_cast<uint8_t>(text[pos]);
  uint32_t cp = *length == 1   ? lead
                : *length == 2 ? lead & 0x1Fu
                : *length == 3 ? lead & 0x0Fu
                               : lead & 0x07u;
  for (size_t k = 1; k < *length; ++k)
    cp = (cp << 6) | (static_cast<uint8_t>(text[pos + k]) & 0x3Fu);
  return cp;
}

inline void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace et_llm::detail
