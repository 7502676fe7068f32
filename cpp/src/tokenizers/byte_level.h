// GPT-2's reversible mapping between bytes and printable characters, used by
// byte-level BPE so that every byte string has a vocabulary spelling.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace et_llm::detail {

class ByteLevelTable {
 public:
  static const ByteLevelTable& instance();

  // Appends the character spelling of each byte of `raw` to `out`.
  void encode(std::string_view raw, std::string& out) const;

  // Appends the bytes `piece` spells. Returns false, appending nothing, when
  // some character of `piece` is not in the table.
  bool decode(std::string_view piece, std::string& out) const;

 private:
  ByteLevelTable();

  // The spelling of byte b is utf8_[b][0 .. length_[b]).
  std::array<std::array<char, 2>, 256> utf8_{};
  std::array<uint8_t, 256> length_{};
  // Code points of the spellings are all below 324; -1 marks "not a spelling".
  std::array<int16_t, 324> byte_of_code_point_{};
};

}  // namespace et_llm::detail
