// HF `pre_tokenizer` components: they cut normalized text into the words the
// model tokenizes one at a time.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "et_llm/error.h"

namespace et_llm::detail {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces each piece by the pieces it splits into (empty ones dropped).
  virtual void pre_tokenize(std::vector<std::string>& pieces) const = 0;
};

// Builds the pre-tokenizer a tokenizer.json `pre_tokenizer` object describes
// (ByteLevel, Split, Digits, Sequence).
Result<std::unique_ptr<PreTokenizer>> make_pre_tokenizer(const nlohmann::json& config);

}  // namespace et_llm::detail
