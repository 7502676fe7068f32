// A GrammarMatcher as the last logits processor of a step: the allowed-token
// bitmask is computed into a buffer sized once per generation and applied to
// the logits in place (disallowed tokens become -inf). prefetch() computes the
// mask on a worker thread while the step's forward runs; process() joins it.
#pragma once

#include <future>
#include <memory>
#include <vector>

#include "et_llm/grammar.h"
#include "et_llm/logits_processor.h"

namespace et_llm::detail {

// Sets logits[t] = -inf for every t < vocab_size whose bit is clear.
void apply_token_bitmask(const uint32_t* words, size_t num_words, float* logits, size_t vocab_size);

class GrammarMask : public LogitsProcessor {
 public:
  // Adds its time on the step's critical path to `*time_us` (the session's Stats).
  GrammarMask(std::shared_ptr<GrammarMatcher> matcher, size_t vocab_size, int64_t* time_us);
  ~GrammarMask() override;
  Error process(const std::vector<TokenId>& tokens, float* logits, size_t vocab_size) override;
  // Starts computing the next mask; the matcher must not be used until join().
  void prefetch();
  // Waits for a prefetch (if any) and returns its outcome.
  Error join();

 private:
  Error fill();
  std::shared_ptr<GrammarMatcher> matcher_;
  std::vector<uint32_t> words_;
  int64_t* time_us_;
  std::future<Error> prefetched_;
};

}  // namespace et_llm::detail
