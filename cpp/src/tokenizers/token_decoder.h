// HF `decoder` components, run one token at a time: the bytes a token adds
// depend only on its own piece and on whether it is the first token of the
// text, so streamed pieces add up to the whole-sequence decode.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "et_llm/error.h"

namespace et_llm::detail {

// One step of the chain, on one token's piece (which steps such as
// ByteLevel and ByteFallback turn into raw bytes).
class DecodeStep {
 public:
  virtual ~DecodeStep() = default;
  virtual void apply(std::string& piece, bool starts_text) const = 0;
};

class TokenDecoder {
 public:
  // The chain a tokenizer.json `decoder` describes (ByteLevel, Metaspace,
  // ByteFallback, Fuse, Strip, Replace, Sequence of them); for null, HF's
  // default, which joins the pieces with spaces.
  static Result<TokenDecoder> from_json(const nlohmann::json& config);

  // Appends the bytes `piece` adds to the text; `starts_text`: it is the
  // first token of the text. Differs from HF only where HF looks across
  // tokens: a Replace pattern longer than one character matching across a
  // Fuse, and Strip with start > 1 after a Fuse when the first token is
  // shorter than that. HF also writes an invalid byte-fallback run as one
  // U+FFFD per byte; these bytes are left for UTF-8 repair instead.
  void decode(std::string_view piece, bool starts_text, std::string& out) const;

 private:
  std::vector<std::shared_ptr<const DecodeStep>> steps_;
};

}  // namespace et_llm::detail
