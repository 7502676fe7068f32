#include "tokenizers/normalizer.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "tokenizers/string_replacer.h"
#include "tokenizers/unicode_normalization.h"
#include "tokenizers/unicode_properties.h"
#include "tokenizers/utf8_chars.h"

namespace et_llm::detail {
namespace {

class UnicodeNormalizer : public Normalizer {
 public:
  explicit UnicodeNormalizer(NormalizationForm form) : form_(form) {}
  std::string normalize(std::string_view text) const override {
    return normalize_unicode(text, form_);
  }

 private:
  NormalizationForm form_;
};

class LowercaseNormalizer : public Normalizer {
 public:
  std::string normalize(std::string_view text) const override { return to_lowercase(text); }
};

// Removes whitespace at either end.
class StripNormalizer : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}

  std::string normalize(std::string_view text) const override {
    size_t begin = 0, end = text.size();
    size_t length = 0;
    while (left_ && begin < end && is_white_space(decode_code_point(text, begin, &length))) {
      begin += length;
    }
    while (right_ && end > begin) {
      size_t lead = end - 1;
      while (lead > begin && (static_cast<uint8_t>(text[lead]) & 0xC0) == 0x80) --lead;
      if (!is_white_space(decode_code_point(text, lead, &length))) break;
      end = lead;
    }
    return std::string(text.substr(begin, end - begin));
  }

 private:
  bool left_;
  bool right_;
};

// Removes marks (usually after NFD, so that accents come off their letters).
class StripAccentsNormalizer : public Normalizer {
 public:
  std::string normalize(std::string_view text) const override {
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0, length = 0; pos < text.size(); pos += length) {
      if (!is_mark(decode_code_point(text, pos, &length))) out.append(text, pos, length);
    }
    return out;
  }
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
  explicit ReplaceNormalizer(StringReplacer replacer) : replacer_(std::move(replacer)) {}
  std::string normalize(std::string_view text) const override {
    std::string out;
    replacer_.replace(text, out);
    return out;
  }

 private:
  StringReplacer replacer_;
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

std::unique_ptr<Normalizer> make_unicode(NormalizationForm form) {
  return std::unique_ptr<Normalizer>(new UnicodeNormalizer(form));
}

Result<std::unique_ptr<Normalizer>> make_sequence(const nlohmann::json& config) {
  std::vector<std::unique_ptr<Normalizer>> steps;
  for (const nlohmann::json& step : config.at("normalizers")) {
    ET_LLM_ASSIGN_OR_RETURN(auto normalizer, make_normalizer(step));
    steps.push_back(std::move(normalizer));
  }
  return std::unique_ptr<Normalizer>(new SequenceNormalizer(std::move(steps)));
}

}  // namespace

Result<std::unique_ptr<Normalizer>> make_normalizer(const nlohmann::json& config) {
  const std::string type = config.at("type").get<std::string>();
  if (type == "NFC") return make_unicode(NormalizationForm::NFC);
  if (type == "NFD") return make_unicode(NormalizationForm::NFD);
  if (type == "NFKC") return make_unicode(NormalizationForm::NFKC);
  if (type == "NFKD") return make_unicode(NormalizationForm::NFKD);
  if (type == "Lowercase") return std::unique_ptr<Normalizer>(new LowercaseNormalizer());
  if (type == "StripAccents") return std::unique_ptr<Normalizer>(new StripAccentsNormalizer());
  if (type == "Strip") {
    return std::unique_ptr<Normalizer>(
        new StripNormalizer(config.value("strip_left", true), config.value("strip_right", true)));
  }
  if (type == "Prepend") {
    return std::unique_ptr<Normalizer>(
        new PrependNormalizer(config.at("prepend").get<std::string>()));
  }
  if (type == "Replace") {
    ET_LLM_ASSIGN_OR_RETURN(StringReplacer replacer, StringReplacer::from_json(config));
    return std::unique_ptr<Normalizer>(new ReplaceNormalizer(std::move(replacer)));
  }
  if (type == "Sequence") return make_sequence(config);
  return Error(ErrorCode::NotSupported, "normalizer type '" + type + "'");
}

}  // namespace et_llm::detail
