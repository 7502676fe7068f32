// A GrammarMatcher as the last logits processor of a step: the allowed-token
// bitmask is computed into a buffer sized once per generation and applied to
// the logits in place (disallowed tokens become -inf).
#pragma once

#include <memory>
#include <vector>

#include "et_llm/grammar.h"
#include "et_llm/logits_processor.h"

namespace et_llm::detail {

// Sets logits[t] = -inf for every t < vocab_size whose bit is clear.
void apply_token_bitmask(const uint32_t* words, size_t num_words, float* logits,
                         size_t vocab_size);

class GrammarMask : public LogitsProcessor {
 public:
  // Adds its time to `*time_us` (the session's Stats).
  GrammarMask(std::shared_ptr<GrammarMatcher> matcher, size_t vocab_size, int64_t* time_us);
  Error process(const std::vector<TokenId>& tokens, float* logits, size_t vocab_size) override;

 private:
  std::shared_ptr<GrammarMatcher> matcher_;
  std::vector<uint32_t> words_;
  int64_t* time_us_;
};

}  // namespace et_llm::detail
