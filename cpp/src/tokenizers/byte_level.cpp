#include "tokenizers/byte_level.h"

#include "et_llm/byte_level.h"

namespace et_llm::detail {

const ByteLevelTable& ByteLevelTable::instance() {
  static const ByteLevelTable table;
  return table;
}

ByteLevelTable::ByteLevelTable() {
  byte_of_code_point_.fill(-1);
  // Printable Latin-1 bytes spell themselves; the others (controls, space,
  // DEL, NBSP, soft hyphen) get U+0100, U+0101, ... in byte order.
  uint32_t next_unprintable = 256;
  for (uint32_t byte = 0; byte < 256; ++byte) {
    const bool printable = (byte >= 0x21 && byte <= 0x7E) || (byte >= 0xA1 && byte <= 0xAC) ||
                           (byte >= 0xAE && byte <= 0xFF);
    const uint32_t code_point = printable ? byte : next_unprintable++;
    byte_of_code_point_[code_point] = static_cast<int16_t>(byte);
    if (code_point < 0x80) {
      utf8_[byte][0] = static_cast<char>(code_point);
      length_[byte] = 1;
    } else {
      utf8_[byte][0] = static_cast<char>(0xC0 | (code_point >> 6));
      utf8_[byte][1] = static_cast<char>(0x80 | (code_point & 0x3F));
      length_[byte] = 2;
    }
  }
}

void ByteLevelTable::encode(std::string_view raw, std::string& out) const {
  // Write into room for the worst case (two bytes each), then trim.
  const size_t start = out.size();
  out.resize(start + 2 * raw.size());
  char* write = out.data() + start;
  for (char c : raw) {
    const uint8_t byte = static_cast<uint8_t>(c);
    write[0] = utf8_[byte][0];
    write[1] = utf8_[byte][1];
    write += length_[byte];
  }
  out.resize(static_cast<size_t>(write - out.data()));
}

bool ByteLevelTable::decode(std::string_view piece, std::string& out) const {
  const size_t start = out.size();
  for (size_t i = 0; i < piece.size();) {
    const uint8_t lead = static_cast<uint8_t>(piece[i]);
    uint32_t code_point = 0;
    if (lead < 0x80) {
      code_point = lead;
      i += 1;
    } else if ((lead & 0xE0) == 0xC0 && i + 1 < piece.size()) {
      code_point = ((lead & 0x1Fu) << 6) | (static_cast<uint8_t>(piece[i + 1]) & 0x3Fu);
      i += 2;
    } else {
      code_point = UINT32_MAX;  // three bytes or more: beyond the table
    }
    if (code_point >= byte_of_code_point_.size() || byte_of_code_point_[code_point] < 0) {
      out.resize(start);
      return false;
    }
    out.push_back(static_cast<char>(byte_of_code_point_[code_point]));
  }
  return true;
}

}  // namespace et_llm::detail

namespace et_llm {

std::optional<std::string> byte_level_bytes(std::string_view piece) {
  std::string bytes;
  if (!detail::ByteLevelTable::instance().decode(piece, bytes)) {
    return std::nullopt;
  }
  return bytes;
}

}  // namespace et_llm
