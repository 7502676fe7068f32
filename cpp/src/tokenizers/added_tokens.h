// Finds HF `added_tokens` (special or not) in text, so that they become their
// ids instead of being cut up by the model.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "et_llm/error.h"
#include "tokenizers/regex.h"

namespace et_llm::detail {

struct AddedToken {
  uint32_t id = 0;
  std::string content;
  bool special = false;
  bool lstrip = false;       // also swallow the whitespace before it
  bool rstrip = false;       // also swallow the whitespace after it
  bool single_word = false;  // only match when not inside a word
  bool normalized = false;   // matched in normalized text rather than raw text
};

// A run of text: an added token when `token` is set, else text to encode.
struct TextSegment {
  size_t begin;
  size_t end;
  std::optional<uint32_t> token;
};

class AddedTokenMatcher {
 public:
  // `patterns[i]` is the text to look for for `tokens[i]`.
  static Result<AddedTokenMatcher> create(std::vector<AddedToken> tokens,
                                          std::vector<std::string> patterns);

  bool empty() const { return tokens_.empty(); }

  // Cuts `text` into segments in order, covering all of it, as HF's
  // AddedVocabulary::find_matches does: leftmost-longest, non-overlapping.
  void split(std::string_view text, std::vector<TextSegment>& out) const;

 private:
  AddedTokenMatcher() = default;
  void insert(std::string_view pattern, uint32_t index);
  // Index of the longest pattern that starts at `pos`, if any.
  std::optional<uint32_t> longest_at(std::string_view text, size_t pos) const;
  bool is_word_boundary_ok(std::string_view text, size_t begin, size_t end) const;

  // A byte trie of the patterns: real files have thousands of added tokens
  // (Gemma: 6414), most starting with '<'.
  static constexpr uint32_t kNoPattern = UINT32_MAX;
  struct Node {
    std::vector<std::pair<uint8_t, uint32_t>> children;  // byte -> node, sorted
    uint32_t pattern = kNoPattern;                       // index of the pattern ending here
  };
  std::vector<Node> nodes_;
  std::array<bool, 256> starts_pattern_{};  // first bytes of the patterns

  std::vector<AddedToken> tokens_;
  std::vector<std::string> patterns_;
  std::optional<Regex> word_character_;  // only when some token is single_word
};

}  // namespace et_llm::detail
