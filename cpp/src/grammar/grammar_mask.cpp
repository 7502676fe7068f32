#include "grammar/grammar_mask.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "et_llm/stats.h"

namespace et_llm::detail {

void apply_token_bitmask(const uint32_t* words, size_t num_words, float* logits,
                         size_t vocab_size) {
  constexpr float kBanned = -std::numeric_limits<float>::infinity();
  for (size_t w = 0; w * 32 < vocab_size; ++w) {
    const uint32_t word = w < num_words ? words[w] : 0;
    const size_t base = w * 32;
    const size_t count = std::min<size_t>(32, vocab_size - base);
    if (word == 0xFFFFFFFFu) {
      continue;  // all allowed: the usual case inside free text
    }
    if (word == 0) {
      std::fill(logits + base, logits + base + count, kBanned);
      continue;
    }
    for (size_t bit = 0; bit < count; ++bit) {
      if (!(word >> bit & 1u)) {
        logits[base + bit] = kBanned;
      }
    }
  }
}

GrammarMask::GrammarMask(std::shared_ptr<GrammarMatcher> matcher, size_t vocab_size,
                         int64_t* time_us)
    : matcher_(std::move(matcher)), words_((vocab_size + 31) / 32), time_us_(time_us) {}

Error GrammarMask::process(const std::vector<TokenId>& /*tokens*/, float* logits,
                           size_t vocab_size) {
  const int64_t begin = time_in_us();
  if (words_.size() * 32 < vocab_size) {
    words_.resize((vocab_size + 31) / 32);
  }
  std::memset(words_.data(), 0, words_.size() * sizeof(uint32_t));
  ET_LLM_CHECK_OK(matcher_->fill_mask(words_.data(), words_.size()));
  apply_token_bitmask(words_.data(), words_.size(), logits, vocab_size);
  *time_us_ += time_in_us() - begin;
  return Error();
}

}  // namespace et_llm::detail
