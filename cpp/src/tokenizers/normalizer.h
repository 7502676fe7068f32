// HF `normalizer` components: text rewrites applied before pre-tokenization.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "et_llm/error.h"

namespace et_llm::detail {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  // `text` is valid UTF-8, and so is the result.
  virtual std::string normalize(std::string_view text) const = 0;
};

// Builds the normalizer a tokenizer.json `normalizer` object describes: NFC,
// NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend and
// Sequence of them.
Result<std::unique_ptr<Normalizer>> make_normalizer(const nlohmann::json& config);

}  // namespace et_llm::detail
