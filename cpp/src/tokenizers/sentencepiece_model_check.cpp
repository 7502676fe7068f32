#include "tokenizers/sentencepiece_model_check.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace et_llm::detail {

namespace {

// Pieces longer than this are refused: real ones are a few dozen bytes, and
// the library's trie builder recurses once per byte.
constexpr size_t kMaxPieceBytes = 4096;

// Field numbers in sentencepiece_model.proto.
constexpr uint32_t kModelPieces = 1;         // ModelProto.pieces
constexpr uint32_t kModelNormalizer = 3;     // ModelProto.normalizer_spec
constexpr uint32_t kModelDenormalizer = 5;   // ModelProto.denormalizer_spec
constexpr uint32_t kPieceText = 1;           // SentencePiece.piece
constexpr uint32_t kNormalizerCharsmap = 2;  // NormalizerSpec.precompiled_charsmap

constexpr uint32_t kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5;

Error invalid(const std::string& why) {
  return Error(ErrorCode::InvalidTokenizer, "damaged SentencePiece model: " + why);
}

// Walks the fields of one protobuf message.
class FieldReader {
 public:
  explicit FieldReader(std::string_view data) : data_(data) {}

  // Next field; false at the end of the message or when malformed (see error()).
  bool next(uint32_t& field, uint32_t& wire_type, std::string_view& payload) {
    if (pos_ >= data_.size() || !error_.ok()) return false;
    uint64_t key = 0;
    if (!read_varint(key)) return false;
    field = static_cast<uint32_t>(key >> 3);
    wire_type = static_cast<uint32_t>(key & 7);
    payload = {};
    uint64_t length = 0;
    switch (wire_type) {
      case kVarint:
        return read_varint(length);
      case kFixed64:
        length = 8;
        break;
      case kFixed32:
        length = 4;
        break;
      case kLengthDelimited:
        if (!read_varint(length)) return false;
        break;
      default:
        error_ = invalid("protobuf wire type " + std::to_string(wire_type));
        return false;
    }
    if (length > data_.size() - pos_) {
      error_ = invalid("a field runs past the end of its message");
      return false;
    }
    payload = data_.substr(pos_, length);
    pos_ += length;
    return true;
  }

  Error error() const { return error_; }

 private:
  bool read_varint(uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) break;
      const auto byte = static_cast<uint8_t>(data_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    error_ = invalid("a protobuf varint is cut short");
    return false;
  }

  std::string_view data_;
  size_t pos_ = 0;
  Error error_;
};

uint32_t unit_at(std::string_view units, size_t index) {
  uint32_t unit;
  std::memcpy(&unit, units.data() + index * 4, 4);  // little-endian, as written
  return unit;
}

// A darts-clone double-array unit.
bool is_value_unit(uint32_t unit) { return (unit >> 31) != 0; }
bool has_leaf(uint32_t unit) { return ((unit >> 8) & 1) != 0; }
uint32_t child_base(uint32_t unit) { return (unit >> 10) << ((unit & (1u << 9)) >> 6); }
uint32_t value_of(uint32_t unit) { return unit & 0x7FFFFFFFu; }

// The precompiled charsmap: uint32 trie size, the trie (a darts-clone double
// array of 4-byte units), then NUL-terminated replacement strings that the
// trie's values point into. Every step a lookup can take must stay inside the
// array, and every value must start a terminated string.
Error check_charsmap(std::string_view blob) {
  if (blob.empty()) return Error();
  if (blob.size() < 4) return invalid("precompiled_charsmap shorter than its header");
  uint32_t trie_size;
  std::memcpy(&trie_size, blob.data(), 4);
  if (trie_size > blob.size() - 4 || trie_size % 4 != 0 || trie_size == 0) {
    return invalid("precompiled_charsmap trie size " + std::to_string(trie_size));
  }
  const std::string_view units = blob.substr(4, trie_size);
  const std::string_view strings = blob.substr(4 + trie_size);
  const size_t count = trie_size / 4;
  for (size_t i = 0; i < count; ++i) {
    const uint32_t unit = unit_at(units, i);
    // A value unit is never followed as a node, except the root: every lookup
    // starts there, whatever it holds.
    if (i != 0 && is_value_unit(unit)) continue;
    // Children are at (i ^ base) ^ byte for every byte value.
    const size_t base = i ^ child_base(unit);
    if ((base | 0xFF) >= count) {
      return invalid("precompiled_charsmap trie node " + std::to_string(i) +
                     " points outside the trie");
    }
    if (has_leaf(unit)) {
      const uint32_t value = value_of(unit_at(units, base));
      if (value >= strings.size() || strings.find('\0', value) == std::string_view::npos) {
        return invalid("precompiled_charsmap value " + std::to_string(value) +
                       " is not a string of the map");
      }
    }
  }
  return Error();
}

Error check_normalizer(std::string_view spec) {
  FieldReader reader(spec);
  uint32_t field, wire_type;
  std::string_view payload;
  while (reader.next(field, wire_type, payload)) {
    if (field == kNormalizerCharsmap && wire_type == kLengthDelimited) {
      ET_LLM_CHECK_OK(check_charsmap(payload));
    }
  }
  return reader.error();
}

// The library's trie builder (darts-clone) throws on an empty key or a NUL
// byte in one, which ends the process; no real model has either.
Error check_piece(std::string_view piece) {
  FieldReader reader(piece);
  uint32_t field, wire_type;
  std::string_view payload, text;
  while (reader.next(field, wire_type, payload)) {
    // The last one counts, as in protobuf, which keeps another wire type's apart.
    if (field == kPieceText && wire_type == kLengthDelimited) text = payload;
  }
  ET_LLM_CHECK_OK(reader.error());
  if (text.size() > kMaxPieceBytes) {
    return invalid("a piece of " + std::to_string(text.size()) + " bytes");
  }
  if (text.empty()) return invalid("an empty piece");
  if (text.find('\0') != std::string_view::npos) return invalid("a piece with a NUL byte");
  return Error();
}

}  // namespace

Error check_sentencepiece_model(std::string_view model) {
  FieldReader reader(model);
  uint32_t field, wire_type;
  std::string_view payload;
  while (reader.next(field, wire_type, payload)) {
    if (wire_type != kLengthDelimited) continue;
    if (field == kModelPieces) {
      ET_LLM_CHECK_OK(check_piece(payload));
    } else if (field == kModelNormalizer || field == kModelDenormalizer) {
      ET_LLM_CHECK_OK(check_normalizer(payload));
    }
  }
  return reader.error();
}

}  // namespace et_llm::detail
