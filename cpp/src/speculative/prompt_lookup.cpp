#include "speculative/prompt_lookup.h"

#include <algorithm>

namespace et_llm::speculative {

std::vector<TokenId> prompt_lookup_draft(const std::vector<TokenId>& tokens,
                                         const PromptLookupOptions& options) {
  const size_t size = tokens.size();
  const size_t longest = std::min(options.max_ngram, size > 0 ? size - 1 : 0);
  for (size_t n = longest; n >= std::max<size_t>(options.min_ngram, 1); --n) {
    const auto suffix = tokens.end() - static_cast<std::ptrdiff_t>(n);
    // Latest first: recent text predicts the continuation best. A match must
    // end before the suffix starts, so something follows it.
    for (size_t start = size - n; start-- > 0;) {
      if (!std::equal(suffix, tokens.end(), tokens.begin() + static_cast<std::ptrdiff_t>(start))) {
        continue;
      }
      const size_t from = start + n;
      const size_t count = std::min(options.max_draft, size - from);
      return std::vector<TokenId>(tokens.begin() + static_cast<std::ptrdiff_t>(from),
                                  tokens.begin() + static_cast<std::ptrdiff_t>(from + count));
    }
    if (n == 1) break;
  }
  return {};
}

}  // namespace et_llm::speculative
