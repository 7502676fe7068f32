// The Tokenizer interface every format implements, and the streaming decoder
// that turns token bytes into text without ever emitting broken UTF-8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "et_llm/error.h"

namespace et_llm {

using TokenId = uint64_t;

// decode_token's `prev` for a token with nothing before it, the first token
// of a text: formats with a start-of-text rule (the HF Metaspace and Strip
// decoders drop the leading space) apply it then.
inline constexpr TokenId kNoPreviousToken = std::numeric_limits<TokenId>::max();

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Token ids of `text`, with `num_bos` BOS ids before and `num_eos` EOS ids
  // after. Special-token strings inside the text become their ids.
  virtual Result<std::vector<TokenId>> encode(std::string_view text, size_t num_bos = 0,
                                              size_t num_eos = 0) const = 0;

  // The bytes `token` adds to the text when it follows `prev` (formats such as
  // SentencePiece drop a leading space after BOS; `prev` = kNoPreviousToken
  // at the start of a text). May be an incomplete UTF-8 sequence: feed it to
  // a Utf8StreamDecoder before showing it to anyone.
  virtual Result<std::string> decode_token(TokenId prev, TokenId token) const = 0;

  // Whole-sequence decode: decode_token over the sequence, then invalid UTF-8
  // replaced with U+FFFD. Equal to the concatenated output of a stream decoder.
  virtual Result<std::string> decode(const std::vector<TokenId>& ids,
                                     bool skip_special_tokens = false) const;

  // The token's own string as stored in the vocabulary (e.g. "Ġthe").
  virtual Result<std::string> id_to_piece(TokenId id) const = 0;
  virtual std::optional<TokenId> piece_to_id(std::string_view piece) const = 0;
  virtual bool is_special(TokenId id) const = 0;

  virtual std::optional<TokenId> bos_id() const = 0;
  virtual std::vector<TokenId> eos_ids() const = 0;
  virtual size_t vocab_size() const = 0;

  // BOS ids a sequence starts with when the caller does not say, as Hugging
  // Face's add_special_tokens=True: 1 when tokenizer_config.json's
  // add_bos_token (or else a tokenizer.json post-processor) puts one first.
  size_t default_bos_count() const { return default_bos_count_; }
  void set_default_bos_count(size_t count) { default_bos_count_ = count; }

 private:
  size_t default_bos_count_ = 0;
};

// Replaces each maximal invalid UTF-8 subpart with U+FFFD (the Unicode
// "substitution of maximal subparts" practice, as Rust's from_utf8_lossy and
// Python's errors="replace" do).
std::string utf8_lossy(std::string_view bytes);

// Buffers bytes until they form whole characters. Concatenating every push()
// and the final flush() equals utf8_lossy() of all bytes pushed, whatever the
// split points.
class Utf8StreamDecoder {
 public:
  std::string push(std::string_view bytes);
  std::string flush();  // emits what is held back (as U+FFFD if incomplete)
  void reset() { pending_.clear(); }
  bool has_pending() const { return !pending_.empty(); }

 private:
  std::string pending_;
};

}  // namespace et_llm
