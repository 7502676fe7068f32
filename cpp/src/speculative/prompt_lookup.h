// Prompt-lookup drafts for speculative decoding: the tokens that followed the
// most recent earlier occurrence of the text's last n tokens. No model runs;
// strong where the output repeats its input (summaries, edits, code, quoted
// answers), and a wrong draft only costs the verification of its tokens.
#pragma once

#include <cstddef>
#include <vector>

#include "et_llm/tokenizer.h"

namespace et_llm::speculative {

struct PromptLookupOptions {
  size_t max_ngram = 3;  // longest suffix looked up (longer matches predict better)
  size_t min_ngram = 1;  // shortest one tried when longer ones are not found
  size_t max_draft = 8;  // tokens proposed at most
};

// Up to `max_draft` tokens following the latest earlier match of the longest
// suffix of `tokens` (max_ngram down to min_ngram) that occurs before; empty
// when none does.
std::vector<TokenId> prompt_lookup_draft(const std::vector<TokenId>& tokens,
                                         const PromptLookupOptions& options);

}  // namespace et_llm::speculative
