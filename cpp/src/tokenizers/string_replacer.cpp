#include "tokenizers/string_replacer.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace et_llm::detail {

Result<StringReplacer> StringReplacer::from_json(const nlohmann::json& config) {
  StringReplacer replacer;
  const nlohmann::json& pattern = config.at("pattern");
  if (pattern.contains("String")) {
    replacer.literal_ = pattern.at("String").get<std::string>();
  } else if (pattern.contains("Regex")) {
    ET_LLM_ASSIGN_OR_RETURN(Regex regex, Regex::compile(pattern.at("Regex").get<std::string>()));
    replacer.regex_ = std::move(regex);
  } else {
    return Error(ErrorCode::InvalidTokenizer, "Replace: pattern needs String or Regex");
  }
  replacer.content_ = config.at("content").get<std::string>();
  return replacer;
}

void StringReplacer::replace(std::string_view text, std::string& out) const {
  out.reserve(out.size() + text.size());
  if (!regex_) {
    if (literal_.empty()) {
      out.append(text);
      return;
    }
    size_t previous = 0;
    for (size_t pos = text.find(literal_); pos != std::string_view::npos;
         pos = text.find(literal_, previous)) {
      out.append(text, previous, pos - previous);
      out += content_;
      previous = pos + literal_.size();
    }
    out.append(text, previous);
    return;
  }
  thread_local std::vector<Match> matches;
  regex_->find_all(text, matches);
  size_t previous = 0;
  for (const Match& match : matches) {
    out.append(text, previous, match.begin - previous);
    out += content_;
    previous = match.end;
  }
  out.append(text, previous);
}

}  // namespace et_llm::detail
