// The working list every step of the sampler chain reads and cuts: the tokens
// still in the running, with their working logits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "et_llm/logits.h"

namespace et_llm::sampling {

struct Candidate {
  float logit;  // the draw replaces it with exp(logit) in place
  uint32_t id;
};

// Most likely first, equal logits by lower id: a total order (NaN aside), so
// partial selections and sorts give the same result whatever the algorithm. A
// lambda, not a function, so std::sort and std::nth_element inline it.
inline constexpr auto more_likely = [](const Candidate& a, const Candidate& b) {
  return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
};

// items[0, size) are live. Steps cut by lowering `size` and never shrink
// `items`, so its storage is reused from token to token.
struct Candidates {
  std::vector<Candidate> items;
  size_t size = 0;

  // The whole vocabulary in id order (items[id].id == id, which penalties
  // rely on), converted from fp16/bf16 if need be.
  // Fills the candidates; false (and `*nan_at` set) when a logit is NaN.
  bool assign(const Logits& logits, size_t* nan_at = nullptr);

  std::vector<Candidate>::iterator begin() { return items.begin(); }
  std::vector<Candidate>::iterator end() { return items.begin() + size; }
  std::vector<Candidate>::const_iterator begin() const { return items.begin(); }
  std::vector<Candidate>::const_iterator end() const { return items.begin() + size; }
};

// Sorts the live candidates by more_likely: top_p and min_p walk them in order.
void sort_most_likely_first(Candidates& candidates);

}  // namespace et_llm::sampling
