#include "tokenizers/added_tokens.h"

#include <algorithm>

#include "tokenizers/unicode_properties.h"
#include "tokenizers/utf8_chars.h"

namespace et_llm::detail {
namespace {

// Rust's regex \w (Unicode UTS #18), what HF tests word boundaries with.
constexpr const char* kRustWordCharacter = R"(^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}])";

// The character of valid UTF-8 `text` that ends just before `end`.
std::string_view char_before(std::string_view text, size_t end) {
  size_t lead = end - 1;
  while (lead > 0 && (static_cast<uint8_t>(text[lead]) & 0xC0) == 0x80) --lead;
  return text.substr(lead, end - lead);
}

// Start of the whitespace run that ends `text`.
size_t trailing_space_start(std::string_view text) {
  size_t start = text.size();
  while (start > 0) {
    const std::string_view last = char_before(text, start);
    size_t length = 0;
    if (!is_white_space(decode_code_point(last, 0, &length))) break;
    start -= last.size();
  }
  return start;
}

// Length of the whitespace run that starts `text`.
size_t leading_space_length(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t length = 0;
    if (!is_white_space(decode_code_point(text, pos, &length))) break;
    pos += length;
  }
  return pos;
}

}  // namespace

Result<AddedTokenMatcher> AddedTokenMatcher::create(std::vector<AddedToken> tokens,
                                                    std::vector<std::string> patterns) {
  AddedTokenMatcher matcher;
  matcher.nodes_.emplace_back();  // the root
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (patterns[i].empty()) continue;  // an empty token can never be matched
    matcher.insert(patterns[i], static_cast<uint32_t>(i));
    if (tokens[i].single_word && !matcher.word_character_) {
      ET_LLM_ASSIGN_OR_RETURN(Regex word_character, Regex::compile(kRustWordCharacter));
      matcher.word_character_ = std::move(word_character);
    }
  }
  matcher.tokens_ = std::move(tokens);
  matcher.patterns_ = std::move(patterns);
  return matcher;
}

void AddedTokenMatcher::insert(std::string_view pattern, uint32_t index) {
  starts_pattern_[static_cast<uint8_t>(pattern[0])] = true;
  uint32_t node = 0;
  for (char c : pattern) {
    const auto byte = static_cast<uint8_t>(c);
    auto& children = nodes_[node].children;
    auto it =
        std::lower_bound(children.begin(), children.end(), byte,
                         [](const auto& child, uint8_t value) { return child.first < value; });
    if (it != children.end() && it->first == byte) {
      node = it->second;
      continue;
    }
    const auto child = static_cast<uint32_t>(nodes_.size());
    children.insert(it, {byte, child});
    nodes_.emplace_back();  // invalidates `children`, no longer used
    node = child;
  }
  // Of two tokens with the same text, the first listed wins.
  if (nodes_[node].pattern == kNoPattern) nodes_[node].pattern = index;
}

std::optional<uint32_t> AddedTokenMatcher::longest_at(std::string_view text, size_t pos) const {
  std::optional<uint32_t> longest;
  uint32_t node = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    const auto byte = static_cast<uint8_t>(text[i]);
    const auto& children = nodes_[node].children;
    auto it =
        std::lower_bound(children.begin(), children.end(), byte,
                         [](const auto& child, uint8_t value) { return child.first < value; });
    if (it == children.end() || it->first != byte) break;
    node = it->second;
    if (nodes_[node].pattern != kNoPattern) longest = nodes_[node].pattern;
  }
  return longest;
}

bool AddedTokenMatcher::is_word_boundary_ok(std::string_view text, size_t begin, size_t end) const {
  const bool space_before = begin == 0 || !word_character_->search(char_before(text, begin));
  const bool space_after = end == text.size() || !word_character_->search(text.substr(end));
  return space_before && space_after;
}

void AddedTokenMatcher::split(std::string_view text, std::vector<TextSegment>& out) const {
  size_t segment_start = 0;  // where the text not yet emitted begins
  size_t pos = 0;
  while (pos < text.size()) {
    if (!starts_pattern_[static_cast<uint8_t>(text[pos])]) {
      ++pos;
      continue;
    }
    const std::optional<uint32_t> index = longest_at(text, pos);
    if (!index) {
      ++pos;
      continue;
    }
    const AddedToken& token = tokens_[*index];
    size_t begin = pos;
    size_t end = pos + patterns_[*index].size();
    pos = end;  // like HF, a rejected match is not retried at a later offset
    if (token.single_word && !is_word_boundary_ok(text, begin, end)) continue;
    if (token.lstrip) {
      // Never reach back into what an earlier token already took.
      begin = std::max(trailing_space_start(text.substr(0, begin)), segment_start);
    }
    if (token.rstrip) end += leading_space_length(text.substr(end));
    pos = end;  // HF would search on inside the swallowed spaces; we never overlap
    if (segment_start < begin) out.push_back({segment_start, begin, std::nullopt});
    out.push_back({begin, end, token.id});
    segment_start = end;
  }
  if (segment_start < text.size()) out.push_back({segment_start, text.size(), std::nullopt});
}

}  // namespace et_llm::detail
