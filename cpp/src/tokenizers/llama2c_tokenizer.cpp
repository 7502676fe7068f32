#include "et_llm/llama2c_tokenizer.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "tokenizers/byte_piece.h"
#include "tokenizers/file_contents.h"
#include "tokenizers/pair_merge.h"

namespace et_llm {

namespace {

// llama2.c starts its search for the best pair at this score: pieces scoring
// lower never merge.
constexpr float kLowestMergeScore = -1e10f;
// Byte b is token b + 3 (after <unk>, <s>, </s>) in Llama 2's vocabulary.
constexpr TokenId kByteTokenOffset = 3;

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool read_u32(uint32_t& out) { return read_raw(&out, sizeof(out)); }
  bool read_f32(float& out) { return read_raw(&out, sizeof(out)); }
  bool read_bytes(size_t n, std::string& out) {
    if (n > data_.size() - pos_) return false;
    out.assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  size_t pos() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  bool read_raw(void* out, size_t n) {
    if (n > data_.size() - pos_) return false;
    std::memcpy(out, data_.data() + pos_, n);  // both layouts are little-endian
    pos_ += n;
    return true;
  }

  std::string_view data_;
  size_t pos_ = 0;
};

struct Vocabulary {
  std::vector<std::string> pieces;
  std::vector<float> scores;
  TokenId bos = 1;
  TokenId eos = 2;
};

// One "score, length, bytes" entry; `why` says what is wrong when it fails.
bool read_entry(Reader& reader, Vocabulary& vocab, std::string& why) {
  float score = 0;
  uint32_t length = 0;
  std::string piece;
  if (!reader.read_f32(score) || !reader.read_u32(length)) {
    why = "entry " + std::to_string(vocab.pieces.size()) + " is cut short at byte " +
          std::to_string(reader.pos());
    return false;
  }
  if (!reader.read_bytes(length, piece)) {
    why = "entry " + std::to_string(vocab.pieces.size()) + " claims " + std::to_string(length) +
          " bytes but " + std::to_string(reader.remaining()) + " remain";
    return false;
  }
  vocab.pieces.push_back(std::move(piece));
  vocab.scores.push_back(score);
  return true;
}

// pytorch-tokenizers' layout: vocab_size, bos, eos, max_token_length, entries.
bool parse_with_header(std::string_view contents, Vocabulary& vocab, std::string& why) {
  Reader reader(contents);
  uint32_t size = 0, bos = 0, eos = 0, max_length = 0;
  if (!reader.read_u32(size) || !reader.read_u32(bos) || !reader.read_u32(eos) ||
      !reader.read_u32(max_length)) {
    why = "shorter than its 16-byte header";
    return false;
  }
  if (size == 0 || bos >= size || eos >= size) {
    why = "header (vocab_size " + std::to_string(size) + ", bos " + std::to_string(bos) + ", eos " +
          std::to_string(eos) + ") is inconsistent";
    return false;
  }
  // Each entry takes at least 8 bytes: a larger count cannot be right.
  if (size > reader.remaining() / 8) {
    why = "header claims " + std::to_string(size) + " tokens, more than the file holds";
    return false;
  }
  vocab.pieces.reserve(size);
  for (uint32_t i = 0; i < size; ++i) {
    if (!read_entry(reader, vocab, why)) return false;
  }
  if (reader.remaining() != 0) {
    why = std::to_string(reader.remaining()) + " bytes follow the " + std::to_string(size) +
          " tokens the header announces";
    return false;
  }
  vocab.bos = bos;
  vocab.eos = eos;
  return true;
}

// llama2.c's layout: max_token_length, then entries up to the end of the file.
bool parse_plain(std::string_view contents, Vocabulary& vocab, std::string& why) {
  Reader reader(contents);
  uint32_t max_length = 0;
  if (!reader.read_u32(max_length)) {
    why = "shorter than its 4-byte header";
    return false;
  }
  while (reader.remaining() > 0) {
    if (!read_entry(reader, vocab, why)) return false;
  }
  if (vocab.pieces.size() < 3) {
    why = "has " + std::to_string(vocab.pieces.size()) + " tokens; <unk>, <s> and </s> are needed";
    return false;
  }
  return true;
}

}  // namespace

struct Llama2cTokenizer::Impl {
  Vocabulary vocab;
  std::unordered_map<std::string_view, TokenId> id_of;  // views into vocab.pieces
  std::optional<TokenId> space_id;

  std::optional<TokenId> lookup(std::string_view piece) const {
    auto it = id_of.find(piece);
    return it == id_of.end() ? std::nullopt : std::optional<TokenId>(it->second);
  }

  Error push_byte(uint8_t byte, std::vector<TokenId>& out) const {
    const TokenId id = byte + kByteTokenOffset;
    ET_LLM_CHECK(id < vocab.pieces.size(), InvalidArgument,
                 "cannot encode byte " + std::to_string(byte) + ": the vocabulary of " +
                     std::to_string(vocab.pieces.size()) + " tokens has no byte tokens");
    out.push_back(id);
    return Error();
  }

  bool is_control(TokenId id) const { return id == vocab.bos || id == vocab.eos; }
};

Llama2cTokenizer::Llama2cTokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Llama2cTokenizer::~Llama2cTokenizer() = default;

Result<std::unique_ptr<Llama2cTokenizer>> Llama2cTokenizer::load(const std::string& path) {
  ET_LLM_ASSIGN_OR_RETURN(std::string contents, detail::read_file_contents(path));
  return parse(contents, path);
}

Result<std::unique_ptr<Llama2cTokenizer>> Llama2cTokenizer::parse(std::string_view contents,
                                                                  const std::string& name) {
  auto impl = std::make_unique<Impl>();
  std::string header_why, plain_why;
  if (!parse_with_header(contents, impl->vocab, header_why)) {
    impl->vocab = Vocabulary();
    if (!parse_plain(contents, impl->vocab, plain_why)) {
      return Error(ErrorCode::InvalidTokenizer,
                   name + " is not a llama2.c tokenizer (read as pytorch-tokenizers' layout: " +
                       header_why + "; read as llama2.c's layout: " + plain_why + ")");
    }
  }
  const auto& pieces = impl->vocab.pieces;
  for (size_t id = 0; id < pieces.size(); ++id) {
    impl->id_of.emplace(pieces[id], id);  // the first of equal pieces wins
  }
  impl->space_id = impl->lookup(" ");
  return std::unique_ptr<Llama2cTokenizer>(new Llama2cTokenizer(std::move(impl)));
}

Result<std::vector<TokenId>> Llama2cTokenizer::encode(std::string_view text, size_t num_bos,
                                                      size_t num_eos) const {
  std::vector<TokenId> tokens;
  tokens.reserve(text.size() + 1);
  if (!text.empty()) {
    if (impl_->space_id) {
      tokens.push_back(*impl_->space_id);
    } else {
      ET_LLM_CHECK_OK(impl_->push_byte(' ', tokens));
    }
  }
  // A lead byte and the continuation bytes after it (at most four in all).
  for (size_t pos = 0; pos < text.size();) {
    size_t length = 1;
    while (length < 4 && pos + length < text.size() &&
           (static_cast<uint8_t>(text[pos + length]) & 0xC0) == 0x80) {
      ++length;
    }
    const std::string_view character = text.substr(pos, length);
    if (auto id = impl_->lookup(character)) {
      tokens.push_back(*id);
    } else {
      for (char byte : character)
        ET_LLM_CHECK_OK(impl_->push_byte(static_cast<uint8_t>(byte), tokens));
    }
    pos += length;
  }

  const Vocabulary& vocab = impl_->vocab;
  std::string merged;
  detail::merge_adjacent_pairs<TokenId, float>(
      tokens, [&](TokenId left, TokenId right) -> std::optional<std::pair<float, TokenId>> {
        merged.assign(vocab.pieces[left]);
        merged.append(vocab.pieces[right]);
        const std::optional<TokenId> id = impl_->lookup(merged);
        if (!id) return std::nullopt;
        const float score = vocab.scores[*id];
        if (!(score > kLowestMergeScore)) return std::nullopt;  // also refuses NaN
        return std::make_pair(-score, *id);                     // highest score first
      });

  std::vector<TokenId> ids(num_bos, vocab.bos);
  ids.insert(ids.end(), tokens.begin(), tokens.end());
  ids.insert(ids.end(), num_eos, vocab.eos);
  return ids;
}

Result<std::string> Llama2cTokenizer::decode_token(TokenId prev, TokenId token) const {
  const Vocabulary& vocab = impl_->vocab;
  ET_LLM_CHECK(token < vocab.pieces.size(), InvalidArgument,
               "token id " + std::to_string(token) + " is not in the vocabulary (size " +
                   std::to_string(vocab.pieces.size()) + ")");
  if (impl_->is_control(token)) return std::string();
  std::string_view piece = vocab.pieces[token];
  if (auto byte = detail::byte_of_piece(piece)) return std::string(1, static_cast<char>(*byte));
  const bool at_start = prev >= vocab.pieces.size() || impl_->is_control(prev);
  if (at_start && !piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
  return std::string(piece);
}

Result<std::string> Llama2cTokenizer::id_to_piece(TokenId id) const {
  ET_LLM_CHECK(id < impl_->vocab.pieces.size(), InvalidArgument,
               "token id " + std::to_string(id) + " is not in the vocabulary");
  return impl_->vocab.pieces[id];
}

std::optional<TokenId> Llama2cTokenizer::piece_to_id(std::string_view piece) const {
  return impl_->lookup(piece);
}

bool Llama2cTokenizer::is_special(TokenId id) const { return impl_->is_control(id); }
std::optional<TokenId> Llama2cTokenizer::bos_id() const { return impl_->vocab.bos; }
std::vector<TokenId> Llama2cTokenizer::eos_ids() const { return {impl_->vocab.eos}; }
size_t Llama2cTokenizer::vocab_size() const { return impl_->vocab.pieces.size(); }

float Llama2cTokenizer::score(TokenId id) const {
  return id < impl_->vocab.scores.size() ? impl_->vocab.scores[id] : 0.0f;
}

}  // namespace et_llm
