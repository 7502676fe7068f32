#include "et_llm/text_prefiller.h"

#include <algorithm>

namespace et_llm {

Result<PrefillResult> TextPrefiller::prefill(const std::vector<TokenId>& tokens,
                                             int64_t start_pos, const std::atomic<bool>* stop) {
  ET_LLM_CHECK(!tokens.empty(), InvalidArgument, "nothing to prefill: the prompt has no tokens");
  PrefillResult result;
  const size_t chunk = decoder_->max_tokens_per_step();
  while (result.num_consumed < tokens.size()) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
      result.stopped = true;
      break;
    }
    const size_t n = std::min(chunk, tokens.size() - result.num_consumed);
    ET_LLM_ASSIGN_OR_RETURN(result.logits,
                            decoder_->step(tokens.data() + result.num_consumed, n,
                                           start_pos + static_cast<int64_t>(result.num_consumed)));
    result.forward_us += decoder_->last_forward_us();
    result.num_consumed += n;
  }
  return result;
}

}  // namespace et_llm
