// HF's Replace, as a normalizer and as a decoder: every match of a literal
// string or a regex, left to right and not overlapping, becomes `content`.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "et_llm/error.h"
#include "tokenizers/regex.h"

namespace et_llm::detail {

class StringReplacer {
 public:
  // From {"pattern": {"String": s} or {"Regex": r}, "content": c}.
  static Result<StringReplacer> from_json(const nlohmann::json& config);

  // Appends `text`, with the replacements made, to `out`. `text` must be
  // valid UTF-8 when is_regex().
  void replace(std::string_view text, std::string& out) const;

  bool is_regex() const { return regex_.has_value(); }

 private:
  std::string literal_;         // the pattern when it is a String
  std::optional<Regex> regex_;  // the pattern when it is a Regex
  std::string content_;
};

}  // namespace et_llm::detail
