// HF `pre_tokenizer` components: they cut normalized text into the words the
// model tokenizes one at a time.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "et_llm/error.h"

namespace et_llm::detail {

// The words of one stretch of text between added tokens.
struct PreTokenizedText {
  std::vector<std::string> words;
  // words[0] begins where the text given to encode() begins: HF's Metaspace
  // with prepend_scheme "first" adds its space only there.
  bool first_starts_text = false;
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces each word by the words it splits into (empty ones dropped).
  virtual void pre_tokenize(PreTokenizedText& text) const = 0;
};

// Builds the pre-tokenizer a tokenizer.json `pre_tokenizer` object describes:
// ByteLevel, Split, Digits, Metaspace, Punctuation, Whitespace,
// WhitespaceSplit, BertPreTokenizer, CharDelimiterSplit and Sequence of them.
Result<std::unique_ptr<PreTokenizer>> make_pre_tokenizer(const nlohmann::json& config);

}  // namespace et_llm::detail
