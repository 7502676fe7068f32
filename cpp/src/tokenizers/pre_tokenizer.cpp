#include "tokenizers/pre_tokenizer.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "tokenizers/byte_level.h"
#include "tokenizers/regex.h"

namespace et_llm::detail {
namespace {

// GPT-2's word pattern, what ByteLevel(use_regex=true) splits with.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// What happens to the text a Split pattern matches.
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Result<SplitBehavior> parse_behavior(const std::string& name) {
  if (name == "Removed") return SplitBehavior::Removed;
  if (name == "Isolated") return SplitBehavior::Isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (name == "Contiguous") return SplitBehavior::Contiguous;
  return Error(ErrorCode::NotSupported, "pre_tokenizer Split behavior '" + name + "'");
}

struct Segment {
  size_t begin;
  size_t end;
  bool is_match;  // before the behavior is applied; "remove" after
};

// Cuts `text` at the matches of `regex` as HF's NormalizedString::split does,
// appending the kept, non-empty parts to `out`.
class RegexSplitter {
 public:
  RegexSplitter(Regex regex, SplitBehavior behavior, bool invert)
      : regex_(std::move(regex)), behavior_(behavior), invert_(invert) {}

  void split(const std::string& text, std::vector<std::string>& out) const {
    thread_local std::vector<Match> matches;
    regex_.find_all(text, matches);
    if (behavior_ == SplitBehavior::Isolated) {
      // Every gap and every match is its own part, whatever `invert` says.
      size_t previous = 0;
      for (const Match& match : matches) {
        if (match.begin > previous) out.emplace_back(text, previous, match.begin - previous);
        if (match.end > match.begin) out.emplace_back(text, match.begin, match.end - match.begin);
        previous = match.end;
      }
      if (previous < text.size()) out.emplace_back(text, previous, text.size() - previous);
      return;
    }
    std::vector<Segment> segments = to_segments(text.size(), matches);
    for (const Segment& segment : apply_behavior(segments)) {
      const bool removed = segment.is_match;
      if (!removed && segment.end > segment.begin) {
        out.emplace_back(text, segment.begin, segment.end - segment.begin);
      }
    }
  }

 private:
  // Gaps and matches in order, covering the whole text.
  std::vector<Segment> to_segments(size_t size, const std::vector<Match>& matches) const {
    std::vector<Segment> segments;
    size_t previous = 0;
    for (const Match& match : matches) {
      if (match.begin != previous) segments.push_back({previous, match.begin, invert_});
      segments.push_back({match.begin, match.end, !invert_});
      previous = match.end;
    }
    if (previous != size) segments.push_back({previous, size, invert_});
    return segments;
  }

  // Returns segments whose flag now means "remove".
  std::vector<Segment> apply_behavior(const std::vector<Segment>& segments) const {
    std::vector<Segment> result;
    bool previous_match = false;
    switch (behavior_) {
      case SplitBehavior::Removed:
        return segments;
      case SplitBehavior::Isolated:
        for (const Segment& s : segments) result.push_back({s.begin, s.end, false});
        return result;
      case SplitBehavior::Contiguous:
        for (const Segment& s : segments) {
          if (s.is_match == previous_match && !result.empty()) {
            result.back().end = s.end;
          } else {
            result.push_back({s.begin, s.end, false});
          }
          previous_match = s.is_match;
        }
        return result;
      case SplitBehavior::MergedWithPrevious:
        for (const Segment& s : segments) {
          if (s.is_match && !previous_match && !result.empty()) {
            result.back().end = s.end;
          } else {
            result.push_back({s.begin, s.end, false});
          }
          previous_match = s.is_match;
        }
        return result;
      case SplitBehavior::MergedWithNext:
        for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
          if (it->is_match && !previous_match && !result.empty()) {
            result.back().begin = it->begin;
          } else {
            result.push_back({it->begin, it->end, false});
          }
          previous_match = it->is_match;
        }
        return {result.rbegin(), result.rend()};
    }
    return result;
  }

  Regex regex_;
  SplitBehavior behavior_;
  bool invert_;
};

// Applies `split` to every piece, replacing the list.
template <typename SplitFn>
void split_each(std::vector<std::string>& pieces, SplitFn&& split) {
  std::vector<std::string> result;
  result.reserve(pieces.size() * 4);
  for (const std::string& piece : pieces) split(piece, result);
  pieces.swap(result);
}

class SplitPreTokenizer : public PreTokenizer {
 public:
  explicit SplitPreTokenizer(RegexSplitter splitter) : splitter_(std::move(splitter)) {}

  void pre_tokenize(std::vector<std::string>& pieces) const override {
    split_each(pieces, [this](const std::string& piece, std::vector<std::string>& out) {
      splitter_.split(piece, out);
    });
  }

 private:
  RegexSplitter splitter_;
};

// Optionally adds a leading space and splits with the GPT-2 pattern, then
// spells every byte with its printable character.
class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, std::optional<RegexSplitter> splitter)
      : add_prefix_space_(add_prefix_space), splitter_(std::move(splitter)) {}

  void pre_tokenize(std::vector<std::string>& pieces) const override {
    if (add_prefix_space_) {
      for (std::string& piece : pieces) {
        if (piece.empty() || piece[0] != ' ') piece.insert(piece.begin(), ' ');
      }
    }
    if (splitter_) {
      split_each(pieces, [this](const std::string& piece, std::vector<std::string>& out) {
        splitter_->split(piece, out);
      });
    }
    const ByteLevelTable& table = ByteLevelTable::instance();
    std::string mapped;
    for (std::string& piece : pieces) {
      mapped.clear();
      table.encode(piece, mapped);
      piece.swap(mapped);
    }
  }

 private:
  bool add_prefix_space_;
  std::optional<RegexSplitter> splitter_;
};

class SequencePreTokenizer : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps)
      : steps_(std::move(steps)) {}

  void pre_tokenize(std::vector<std::string>& pieces) const override {
    for (const auto& step : steps_) step->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

Result<std::unique_ptr<PreTokenizer>> make_split(const nlohmann::json& config) {
  const nlohmann::json& pattern = config.at("pattern");
  bool literal = false;
  std::string text;
  if (pattern.contains("Regex")) {
    text = pattern.at("Regex").get<std::string>();
  } else if (pattern.contains("String")) {
    text = pattern.at("String").get<std::string>();
    literal = true;
  } else {
    return Error(ErrorCode::InvalidTokenizer, "pre_tokenizer Split: pattern needs Regex or String");
  }
  ET_LLM_ASSIGN_OR_RETURN(SplitBehavior behavior,
                          parse_behavior(config.at("behavior").get<std::string>()));
  ET_LLM_ASSIGN_OR_RETURN(Regex regex, Regex::compile(text, literal));
  const bool invert = config.value("invert", false);
  return std::unique_ptr<PreTokenizer>(
      new SplitPreTokenizer(RegexSplitter(std::move(regex), behavior, invert)));
}

Result<std::unique_ptr<PreTokenizer>> make_byte_level(const nlohmann::json& config) {
  std::optional<RegexSplitter> splitter;
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
  ET_LLM_ASSIGN_OR_RETURN(Regex regex, Regex::compile(R"(\p{N})"));
  const SplitBehavior behavior = config.value("individual_digits", false)
                                     ? SplitBehavior::Isolated
                                     : SplitBehavior::Contiguous;
  return std::unique_ptr<PreTokenizer>(
      new SplitPreTokenizer(RegexSplitter(std::move(regex), behavior, false)));
}

}  // namespace

Result<std::unique_ptr<PreTokenizer>> make_pre_tokenizer(const nlohmann::json& config) {
  const std::string type = config.at("type").get<std::string>();
  if (type == "ByteLevel") return make_byte_level(config);
  if (type == "Split") return make_split(config);
  if (type == "Digits") return make_digits(config);
  if (type == "Sequence") {
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    for (const nlohmann::json& step : config.at("pretokenizers")) {
      ET_LLM_ASSIGN_OR_RETURN(auto pre_tokenizer, make_pre_tokenizer(step));
      steps.push_back(std::move(pre_tokenizer));
    }
    return std::unique_ptr<PreTokenizer>(new SequencePreTokenizer(std::move(steps)));
  }
  return Error(ErrorCode::NotSupported, "pre_tokenizer type '" + type + "'");
}

}  // namespace et_llm::detail
