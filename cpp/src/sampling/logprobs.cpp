#include "et_llm/logprobs.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace et_llm {

namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

// Until the end, `logprob` holds the logit. Equal logits rank by lower id,
// as in the sampler.
constexpr auto more_likely = [](const TokenLogprob& a, const TokenLogprob& b) {
  return a.logprob > b.logprob || (a.logprob == b.logprob && a.token < b.token);
};

}  // namespace

TokenLogprobs compute_logprobs(const Logits& logits, TokenId chosen, size_t top_n) {
  const size_t vocab = logits.vocab_size;
  TokenLogprobs result;
  std::vector<TokenLogprob>& top = result.top;
  top_n = std::min(top_n, vocab);
  top.reserve(top_n);

  // Online log-sum-exp: `sum` is of exp(x - max), rescaled when max grows.
  // -inf adds nothing (and would make -inf - -inf = NaN while max is -inf);
  // +inf logits are counted apart, as they share all of the probability. A
  // NaN makes the sum NaN. `top` is a heap with the least likely in front.
  double max = -kInfinity;
  double sum = 0.0;
  size_t infinite = 0;
  logits.visit([&](const auto* values) {
    for (size_t i = 0; i < vocab; ++i) {
      const float x = static_cast<float>(values[i]);
      if (x == kInfinity) {
        ++infinite;
      } else if (x > max) {
        sum = sum * std::exp(max - x) + 1.0;
        max = x;
      } else if (x != -kInfinity) {
        sum += std::exp(x - max);
      }
      if (top_n == 0 || std::isnan(x)) {
        continue;
      }
      const TokenLogprob entry{static_cast<TokenId>(i), x};
      if (top.size() < top_n) {
        top.push_back(entry);
        std::push_heap(top.begin(), top.end(), more_likely);
      } else if (more_likely(entry, top.front())) {
        std::pop_heap(top.begin(), top.end(), more_likely);
        top.back() = entry;
        std::push_heap(top.begin(), top.end(), more_likely);
      }
    }
  });

  const double log_total = max + std::log(sum);
  auto logprob = [&](float x) -> float {
    if (infinite > 0) {
      return x == kInfinity ? static_cast<float>(-std::log(static_cast<double>(infinite)))
                            : x - kInfinity;
    }
    return static_cast<float>(x - log_total);
  };
  result.logprob = chosen < vocab ? logprob(logits.at(chosen)) : -kInfinity;
  std::sort_heap(top.begin(), top.end(), more_likely);
  for (TokenLogprob& entry : top) {
    entry.logprob = logprob(entry.logprob);
  }
  return result;
}

}  // namespace et_llm
