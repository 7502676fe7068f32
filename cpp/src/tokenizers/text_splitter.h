// Cutting text into parts at matches, the way HF's NormalizedString::split
// applies a SplitDelimiterBehavior.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "et_llm/error.h"
#include "tokenizers/regex.h"
#include "tokenizers/utf8_chars.h"

namespace et_llm::detail {

// What happens to the text a pattern matches.
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// "Removed", "Isolated", ... as tokenizer.json spells them.
Result<SplitBehavior> parse_split_behavior(const std::string& name);

// Appends the parts of `text` left after cutting it at `matches` (in order,
// not overlapping) with `behavior`, empty parts dropped. With `invert` the
// text between matches is what counts as matched. Returns the offset in
// `text` of the first part appended, or npos when none is.
size_t split_at_matches(const std::string& text, const std::vector<Match>& matches,
                        SplitBehavior behavior, bool invert, std::vector<std::string>& out);

// Replaces `out` with one match per character of valid UTF-8 `text` whose
// code point satisfies `predicate`.
template <typename Predicate>
void find_characters(std::string_view text, Predicate&& predicate, std::vector<Match>& out) {
  out.clear();
  for (size_t pos = 0, length = 0; pos < text.size(); pos += length) {
    if (predicate(decode_code_point(text, pos, &length))) out.push_back({pos, pos + length});
  }
}

}  // namespace et_llm::detail
