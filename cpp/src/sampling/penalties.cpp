#include "sampling/penalties.h"

#include <algorithm>

namespace et_llm::sampling {

Penalties::Penalties(const SamplingParams& params)
    : repetition_(params.repetition_penalty),
      frequency_(params.frequency_penalty),
      presence_(params.presence_penalty),
      last_n_(params.penalty_last_n) {}

void Penalties::apply(Candidates& candidates, const std::vector<TokenId>& recent) {
  const size_t length =
      last_n_ < 0 ? recent.size() : std::min(recent.size(), static_cast<size_t>(last_n_));
  window_.clear();
  for (size_t i = recent.size() - length; i < recent.size(); ++i) {
    if (recent[i] < candidates.size) {
      window_.push_back(recent[i]);
    }
  }
  std::sort(window_.begin(), window_.end());
  for (size_t first = 0; first < window_.size();) {
    size_t last = first + 1;
    while (last < window_.size() && window_[last] == window_[first]) {
      ++last;
    }
    float& logit = candidates.items[window_[first]].logit;
    logit = logit > 0.0f ? logit / repetition_ : logit * repetition_;
    logit -= static_cast<float>(last - first) * frequency_ + presence_;
    first = last;
  }
}

}  // namespace et_llm::sampling
