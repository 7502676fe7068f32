// UTF-8 repair for text that is built byte by byte from tokens.
#include <cstdint>
#include <string>
#include <string_view>

#include "et_llm/tokenizer.h"

namespace et_llm {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the sequence a lead byte starts (0: never a lead byte), and the
// range its second byte must fall in (RFC 3629 table; the narrowed ranges
// exclude overlongs, surrogates and code points past U+10FFFF).
struct LeadInfo {
  uint8_t length;
  uint8_t second_min;
  uint8_t second_max;
};

LeadInfo lead_info(uint8_t byte) {
  if (byte < 0x80) return {1, 0, 0};
  if (byte < 0xC2) return {0, 0, 0};
  if (byte < 0xE0) return {2, 0x80, 0xBF};
  if (byte == 0xE0) return {3, 0xA0, 0xBF};
  if (byte == 0xED) return {3, 0x80, 0x9F};
  if (byte < 0xF0) return {3, 0x80, 0xBF};
  if (byte == 0xF0) return {4, 0x90, 0xBF};
  if (byte < 0xF4) return {4, 0x80, 0xBF};
  if (byte == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

// Number of bytes at the start of `bytes` that form a valid prefix of a UTF-8
// sequence (at least 1: an invalid lead byte is a maximal subpart of its own),
// and whether that prefix is a complete character.
struct Prefix {
  size_t length;
  bool complete;
};

Prefix valid_prefix(std::string_view bytes) {
  const LeadInfo info = lead_info(static_cast<uint8_t>(bytes[0]));
  if (info.length <= 1) return {1, info.length == 1};
  size_t taken = 1;
  while (taken < info.length && taken < bytes.size()) {
    const uint8_t byte = static_cast<uint8_t>(bytes[taken]);
    const uint8_t min = taken == 1 ? info.second_min : 0x80;
    const uint8_t max = taken == 1 ? info.second_max : 0xBF;
    if (byte < min || byte > max) return {taken, false};
    ++taken;
  }
  return {taken, taken == info.length};
}

// Appends the repaired form of `bytes` to `out`. When `hold_tail` is set, an
// unfinished but so far valid sequence at the very end is left unconsumed.
// Returns the number of bytes consumed.
size_t repair(std::string_view bytes, std::string& out, bool hold_tail) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    // Copy runs of ASCII in one go: the common case.
    size_t ascii_end = pos;
    while (ascii_end < bytes.size() && static_cast<uint8_t>(bytes[ascii_end]) < 0x80) ++ascii_end;
    out.append(bytes.data() + pos, ascii_end - pos);
    pos = ascii_end;
    if (pos == bytes.size()) break;

    const Prefix prefix = valid_prefix(bytes.substr(pos));
    if (prefix.complete) {
      out.append(bytes.data() + pos, prefix.length);
    } else if (hold_tail && pos + prefix.length == bytes.size() &&
               lead_info(static_cast<uint8_t>(bytes[pos])).length > prefix.length) {
      return pos;  // may still be completed by the next bytes
    } else {
      out.append(kReplacement);
    }
    pos += prefix.length;
  }
  return pos;
}

}  // namespace

std::string utf8_lossy(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  repair(bytes, out, /*hold_tail=*/false);
  return out;
}

std::string Utf8StreamDecoder::push(std::string_view bytes) {
  pending_.append(bytes.data(), bytes.size());
  std::string out;
  const size_t consumed = repair(pending_, out, /*hold_tail=*/true);
  pending_.erase(0, consumed);
  return out;
}

std::string Utf8StreamDecoder::flush() {
  std::string out;
  repair(pending_, out, /*hold_tail=*/false);
  pending_.clear();
  return out;
}

}  // namespace et_llm
