#include "tokenizers/normalizer.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "tokenizers/nfc.h"
#include "tokenizers/regex.h"

namespace et_llm::detail {
namespace {

class NfcNormalizer : public Normalizer {
 public:
  std::string normalize(std::string_view text) const override { return to_nfc(text); }
};

class PrependNormalizer : public Normalizer {
 public:
  explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string normalize(std::string_view text) const override {
    if (text.empty()) return {};
    return prefix_ + std::string(text);
  }

 private:
  std::string prefix_;
};

class ReplaceNormalizer : public Normalizer {
 public:
  ReplaceNormalizer(Regex pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}

  std::string normalize(std::string_view text) const override {
    std::vector<Match> matches;
    pattern_.find_all(text, matches);
    std::string out;
    size_t previous = 0;
    for (const Match& match : matches) {
      out.append(text.substr(previous, match.begin - previous));
      out += content_;
      previous = match.end;
    }
    out.append(text.substr(previous));
    return out;
  }

 private:
  Regex pattern_;
  std::string content_;
};

class SequenceNormalizer : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps)
      : steps_(std::move(steps)) {}

  std::string normalize(std::string_view text) const override {
    std::string result(text);
    for (const auto& step : steps_) result = step->normalize(result);
    return result;
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

Result<std::unique_ptr<Normalizer>> make_replace(const nlohmann::json& config) {
  const nlohmann::json& pattern = config.at("pattern");
  const bool literal = pattern.contains("String");
  const std::string text = pattern.at(literal ? "String" : "Regex").get<std::string>();
  ET_LLM_ASSIGN_OR_RETURN(Regex regex, Regex::compile(text, literal));
  return std::unique_ptr<Normalizer>(
      new ReplaceNormalizer(std::move(regex), config.at("content").get<std::string>()));
}

}  // namespace

Result<std::unique_ptr<Normalizer>> make_normalizer(const nlohmann::json& config) {
  const std::string type = config.at("type").get<std::string>();
  if (type == "NFC") return std::unique_ptr<Normalizer>(new NfcNormalizer());
  if (type == "Prepend") {
    return std::unique_ptr<Normalizer>(
        new PrependNormalizer(config.at("prepend").get<std::string>()));
  }
  if (type == "Replace") return make_replace(config);
  if (type == "Sequence") {
    std::vector<std::unique_ptr<Normalizer>> steps;
    for (const nlohmann::json& step : config.at("normalizers")) {
      ET_LLM_ASSIGN_OR_RETURN(auto normalizer, make_normalizer(step));
      steps.push_back(std::move(normalizer));
    }
    return std::unique_ptr<Normalizer>(new SequenceNormalizer(std::move(steps)));
  }
  return Error(ErrorCode::NotSupported, "normalizer type '" + type + "'");
}

}  // namespace et_llm::detail
