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
    const size_t base = w * 32;
    const size_t count = std::min<size_t>(32, vocab_size - base);
    // The bits of banned ids; past the buffer (a model vocabulary wider than
    // the tokenizer's) everything is banned.
    uint32_t banned = w < num_words ? ~words[w] : 0xFFFFFFFFu;
    if (count < 32) {
      banned &= (1u << count) - 1;
    }
    if (banned == 0) {
      continue;  // all allowed: the usual case inside free text
    }
    if (banned == 0xFFFFFFFFu) {
      std::fill(logits + base, logits + base + 32, kBanned);
      continue;
    }
    while (banned != 0) {
      logits[base + static_cast<size_t>(__builtin_ctz(banned))] = kBanned;
      banned &= banned - 1;
    }
  }
}

GrammarMask::GrammarMask(std::shared_ptr<GrammarMatcher> matcher, size_t vocab_size,
                         int64_t* time_us)
    : matcher_(std::move(matcher)), words_((vocab_size + 31) / 32), time_us_(time_us) {}

GrammarMask::~GrammarMask() { (void)join(); }

Error GrammarMask::fill() {
  std::memset(words_.data(), 0, words_.size() * sizeof(uint32_t));
  return matcher_->fill_mask(words_.data(), words_.size());
}

void GrammarMask::prefetch() {
  if (!prefetched_.valid()) {
    prefetched_ = std::async(std::launch::async, [this] { return fill(); });
  }
}

Error GrammarMask::join() { return prefetched_.valid() ? prefetched_.get() : Error(); }

Error GrammarMask::process(const std::vector<TokenId>& /*tokens*/, float* logits,
                           size_t vocab_size) {
  const int64_t begin = time_in_us();
  // Sized for the engine's vocabulary; ids past the buffer would be banned anyway.
  ET_LLM_CHECK_OK(prefetched_.valid() ? join() : fill());
  apply_token_bitmask(words_.data(), words_.size(), logits, vocab_size);
  *time_us_ += time_in_us() - begin;
  return Error();
}

}  // namespace et_llm::detail
