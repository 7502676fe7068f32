#include "tokenizers/pre_tokenizer.h"

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "tokenizers/byte_level.h"
#include "tokenizers/regex.h"
#include "tokenizers/text_splitter.h"
#include "tokenizers/unicode_properties.h"

namespace et_llm::detail {
namespace {

// GPT-2's word pattern, what ByteLevel(use_regex=true) splits with.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// HF's Whitespace pre-tokenizer keeps the matches of Rust's `\w+|[^\w\s]+`,
// spelled out because the Regex class gives \w and \s Oniguruma's meaning.
constexpr const char* kWhitespacePattern =
    R"([\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+)"
    R"(|[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control})"
    R"(\t-\r\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]+)";

// Applies `split` to every word, replacing the list. `split(word, out)`
// appends the parts of `word` and returns the offset of the first one (npos
// when there is none).
template <typename SplitFn>
void split_each(PreTokenizedText& text, SplitFn&& split) {
  std::vector<std::string> result;
  result.reserve(text.words.size() * 4);
  bool first_starts_text = false;
  for (size_t i = 0; i < text.words.size(); ++i) {
    const bool nothing_yet = result.empty();
    const size_t first = split(text.words[i], result);
    if (nothing_yet && !result.empty()) {
      first_starts_text = i == 0 && text.first_starts_text && first == 0;
    }
  }
  text.words.swap(result);
  text.first_starts_text = first_starts_text;
}

class RegexSplitPreTokenizer : public PreTokenizer {
 public:
  RegexSplitPreTokenizer(Regex regex, SplitBehavior behavior, bool invert)
      : regex_(std::move(regex)), behavior_(behavior), invert_(invert) {}

  void pre_tokenize(PreTokenizedText& text) const override {
    split_each(text, [this](const std::string& word, std::vector<std::string>& out) {
      thread_local std::vector<Match> matches;
      regex_.find_all(word, matches);
      return split_at_matches(word, matches, behavior_, invert_, out);
    });
  }

 private:
  Regex regex_;
  SplitBehavior behavior_;
  bool invert_;
};

// Splits where single characters with some property are, each character a
// match of its own (HF's split with a char predicate).
class CharacterSplitPreTokenizer : public PreTokenizer {
 public:
  CharacterSplitPreTokenizer(std::function<bool(uint32_t)> predicate, SplitBehavior behavior)
      : predicate_(std::move(predicate)), behavior_(behavior) {}

  void pre_tokenize(PreTokenizedText& text) const override {
    split_each(text, [this](const std::string& word, std::vector<std::string>& out) {
      thread_local std::vector<Match> matches;
      find_characters(word, predicate_, matches);
      return split_at_matches(word, matches, behavior_, false, out);
    });
  }

 private:
  std::function<bool(uint32_t)> predicate_;
  SplitBehavior behavior_;
};

// Optionally adds a leading space and splits with the GPT-2 pattern, then
// spells every byte with its printable character.
class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, std::optional<RegexSplitPreTokenizer> splitter)
      : add_prefix_space_(add_prefix_space), splitter_(std::move(splitter)) {}

  void pre_tokenize(PreTokenizedText& text) const override {
    if (add_prefix_space_) {
      for (std::string& word : text.words) {
        if (word.empty() || word[0] != ' ') word.insert(word.begin(), ' ');
      }
    }
    if (splitter_) splitter_->pre_tokenize(text);
    const ByteLevelTable& table = ByteLevelTable::instance();
    std::string mapped;
    for (std::string& word : text.words) {
      mapped.clear();
      table.encode(word, mapped);
      word.swap(mapped);
    }
  }

 private:
  bool add_prefix_space_;
  std::optional<RegexSplitPreTokenizer> splitter_;
};

// SentencePiece's whitespace convention: spaces become the replacement
// character ("▁"), which may also be put in front, and each word starts at one.
class MetaspacePreTokenizer : public PreTokenizer {
 public:
  enum class Prepend { Always, First, Never };

  MetaspacePreTokenizer(std::string replacement, Prepend prepend, bool split)
      : replacement_(std::move(replacement)), prepend_(prepend), split_(split) {}

  void pre_tokenize(PreTokenizedText& text) const override {
    for (size_t i = 0; i < text.words.size(); ++i) {
      std::string& word = text.words[i];
      replace_spaces(word);
      const bool prepend = prepend_ == Prepend::Always ||
                           (prepend_ == Prepend::First && i == 0 && text.first_starts_text);
      if (prepend && word.compare(0, replacement_.size(), replacement_) != 0) {
        word.insert(0, replacement_);
      }
    }
    if (!split_) return;
    split_each(text, [this](const std::string& word, std::vector<std::string>& out) {
      thread_local std::vector<Match> matches;
      matches.clear();
      for (size_t pos = word.find(replacement_); pos != std::string::npos;
           pos = word.find(replacement_, pos + replacement_.size())) {
        matches.push_back({pos, pos + replacement_.size()});
      }
      return split_at_matches(word, matches, SplitBehavior::MergedWithNext, false, out);
    });
  }

 private:
  void replace_spaces(std::string& word) const {
    if (word.find(' ') == std::string::npos) return;
    std::string replaced;
    replaced.reserve(word.size() + word.size() / 2);
    for (char c : word) {
      if (c == ' ') {
        replaced += replacement_;
      } else {
        replaced.push_back(c);
      }
    }
    word.swap(replaced);
  }

  std::string replacement_;
  Prepend prepend_;
  bool split_;
};

class SequencePreTokenizer : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps)
      : steps_(std::move(steps)) {}

  void pre_tokenize(PreTokenizedText& text) const override {
    for (const auto& step : steps_) step->pre_tokenize(text);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

Result<std::unique_ptr<PreTokenizer>> make_regex_split(std::string_view pattern, bool literal,
                                                       SplitBehavior behavior, bool invert) {
  ET_LLM_ASSIGN_OR_RETURN(Regex regex, Regex::compile(pattern, literal));
  return std::unique_ptr<PreTokenizer>(
      new RegexSplitPreTokenizer(std::move(regex), behavior, invert));
}

std::unique_ptr<PreTokenizer> make_character_split(std::function<bool(uint32_t)> predicate,
                                                   SplitBehavior behavior) {
  return std::unique_ptr<PreTokenizer>(
      new CharacterSplitPreTokenizer(std::move(predicate), behavior));
}

Result<std::unique_ptr<PreTokenizer>> make_split(const nlohmann::json& config) {
  const nlohmann::json& pattern = config.at("pattern");
  const bool literal = pattern.contains("String");
  if (!literal && !pattern.contains("Regex")) {
    return Error(ErrorCode::InvalidTokenizer, "pre_tokenizer Split: pattern needs Regex or String");
  }
  ET_LLM_ASSIGN_OR_RETURN(SplitBehavior behavior,
                          parse_split_behavior(config.at("behavior").get<std::string>()));
  return make_regex_split(pattern.at(literal ? "String" : "Regex").get<std::string>(), literal,
                          behavior, config.value("invert", false));
}

Result<std::unique_ptr<PreTokenizer>> make_byte_level(const nlohmann::json& config) {
  std::optional<RegexSplitPreTokenizer> splitter;
  if (config.value("use_regex", true)) {
    ET_LLM_ASSIGN_OR_RETURN(Regex regex, Regex::compile(kGpt2Pattern));
    splitter.emplace(std::move(regex), SplitBehavior::Isolated, false);
  }
  return std::unique_ptr<PreTokenizer>(
      new ByteLevelPreTokenizer(config.value("add_prefix_space", true), std::move(splitter)));
}

Result<std::unique_ptr<PreTokenizer>> make_digits(const nlohmann::json& config) {
  // Rust's char::is_numeric is the N category; each numeric character is a
  // match of its own, so Contiguous glues runs of them back together.
  return make_regex_split(R"(\p{N})", false,
                          config.value("individual_digits", false) ? SplitBehavior::Isolated
                                                                   : SplitBehavior::Contiguous,
                          false);
}

Result<std::unique_ptr<PreTokenizer>> make_metaspace(const nlohmann::json& config) {
  const std::string replacement = config.value("replacement", "\xE2\x96\x81");  // "▁"
  // Files written before prepend_scheme existed say add_prefix_space.
  using Prepend = MetaspacePreTokenizer::Prepend;
  Prepend prepend = config.value("add_prefix_space", true) ? Prepend::Always : Prepend::Never;
  if (config.contains("prepend_scheme") && !config["prepend_scheme"].is_null()) {
    const std::string scheme = config["prepend_scheme"].get<std::string>();
    if (scheme == "always") {
      prepend = Prepend::Always;
    } else if (scheme == "first") {
      prepend = Prepend::First;
    } else if (scheme == "never") {
      prepend = Prepend::Never;
    } else {
      return Error(ErrorCode::NotSupported,
                   "pre_tokenizer Metaspace prepend_scheme '" + scheme + "'");
    }
  }
  return std::unique_ptr<PreTokenizer>(
      new MetaspacePreTokenizer(replacement, prepend, config.value("split", true)));
}

Result<std::unique_ptr<PreTokenizer>> make_char_delimiter(const nlohmann::json& config) {
  const std::string delimiter = config.at("delimiter").get<std::string>();
  size_t length = 0;
  if (delimiter.empty()) {
    return Error(ErrorCode::InvalidTokenizer, "pre_tokenizer CharDelimiterSplit: no delimiter");
  }
  const uint32_t code_point = decode_code_point(delimiter, 0, &length);
  return make_character_split([code_point](uint32_t cp) { return cp == code_point; },
                              SplitBehavior::Removed);
}

Result<std::unique_ptr<PreTokenizer>> make_sequence(const nlohmann::json& config) {
  std::vector<std::unique_ptr<PreTokenizer>> steps;
  for (const nlohmann::json& step : config.at("pretokenizers")) {
    ET_LLM_ASSIGN_OR_RETURN(auto pre_tokenizer, make_pre_tokenizer(step));
    steps.push_back(std::move(pre_tokenizer));
  }
  return std::unique_ptr<PreTokenizer>(new SequencePreTokenizer(std::move(steps)));
}

}  // namespace

Result<std::unique_ptr<PreTokenizer>> make_pre_tokenizer(const nlohmann::json& config) {
  const std::string type = config.at("type").get<std::string>();
  if (type == "ByteLevel") return make_byte_level(config);
  if (type == "Split") return make_split(config);
  if (type == "Digits") return make_digits(config);
  if (type == "Metaspace") return make_metaspace(config);
  if (type == "Sequence") return make_sequence(config);
  if (type == "CharDelimiterSplit") return make_char_delimiter(config);
  if (type == "Whitespace") {
    return make_regex_split(kWhitespacePattern, false, SplitBehavior::Removed, true);
  }
  if (type == "WhitespaceSplit")
    return make_character_split(is_white_space, SplitBehavior::Removed);
  if (type == "Punctuation") {
    ET_LLM_ASSIGN_OR_RETURN(SplitBehavior behavior,
                            parse_split_behavior(config.value("behavior", "Isolated")));
    return make_character_split(is_punctuation, behavior);
  }
  if (type == "BertPreTokenizer") {
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    steps.push_back(make_character_split(is_white_space, SplitBehavior::Removed));
    steps.push_back(make_character_split(is_punctuation, SplitBehavior::Isolated));
    return std::unique_ptr<PreTokenizer>(new SequencePreTokenizer(std::move(steps)));
  }
  return Error(ErrorCode::NotSupported, "pre_tokenizer type '" + type + "'");
}

}  // namespace et_llm::detail
