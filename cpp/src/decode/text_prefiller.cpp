#include "et_llm/text_prefiller.h"

#include <algorithm>

#include "decode/prefill_chunks.h"
#include "et_llm/stats.h"

namespace et_llm {

Result<PrefillResult> TextPrefiller::prefill(const std::vector<TokenId>& tokens, int64_t start_pos,
                                             const std::atomic<bool>* stop) {
  ET_LLM_CHECK(!tokens.empty(), InvalidArgument, "nothing to prefill: the prompt has no tokens");
  PrefillResult result;
  const size_t most = decoder_->max_tokens_per_step();
  size_t chunk = detail::first_prefill_chunk(most, stop != nullptr);
  while (result.num_consumed < tokens.size()) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
      result.stopped = true;
      break;
    }
    const size_t n = std::min(chunk, tokens.size() - result.num_consumed);
    const int64_t begin_us = time_in_us();
    ET_LLM_ASSIGN_OR_RETURN(result.logits,
                            decoder_->step(tokens.data() + result.num_consumed, n,
                                           start_pos + static_cast<int64_t>(result.num_consumed)));
    const int64_t took_us = time_in_us() - begin_us;
    result.forward_us += decoder_->last_forward_us();
    result.num_consumed += n;
    if (stop != nullptr) {
      chunk = detail::next_prefill_chunk(most, n, took_us);
    }
  }
  return result;
}

}  // namespace et_llm
