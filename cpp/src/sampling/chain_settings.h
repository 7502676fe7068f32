// The sampling chain's settings that GenerationConfig, SamplingConfig and
// SamplingParams name alike, copied in one place so a new step's setting is
// not forgotten in one of the conversions. Temperature and seed are not among
// them: each type reads their special values differently.
#pragma once

namespace et_llm::sampling {

template <typename To, typename From>
void copy_chain_settings(const From& from, To& to) {
  to.top_k = from.top_k;
  to.top_p = from.top_p;
  to.min_p = from.min_p;
  to.repetition_penalty = from.repetition_penalty;
  to.frequency_penalty = from.frequency_penalty;
  to.presence_penalty = from.presence_penalty;
  to.penalty_last_n = from.penalty_last_n;
}

}  // namespace et_llm::sampling
