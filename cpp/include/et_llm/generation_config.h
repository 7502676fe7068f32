// What one generate() call should do: lengths, sampling, prompt framing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "et_llm/error.h"

namespace et_llm {

struct GenerationConfig {
  bool echo = true;             // pass the prompt to the token callback first
  int32_t max_new_tokens = -1;  // -1: as many as the context allows
  bool warming = false;         // a warm-up run: no callbacks, stats not reported
  int32_t seq_len = -1;         // cap on prompt + generated tokens; -1: context length
  float temperature = 0.8f;     // 0: greedy (argmax)
  int32_t num_bos = 0;          // BOS ids prepended to the prompt
  int32_t num_eos = 0;          // EOS ids appended to the prompt
  bool ignore_eos = false;      // keep generating after an EOS id
  int64_t seed = -1;            // sampling seed; -1: nondeterministic
  // Ids that end generation besides the EOS ids; they end it even with
  // ignore_eos (HF's eos_token_id = ignore_eos + these).
  std::vector<int64_t> stop_token_ids;

  // How many tokens may be generated when `num_tokens_occupied` positions of a
  // `max_context_len` context are taken. Never negative.
  int32_t resolve_max_new_tokens(int64_t max_context_len,
                                 int64_t num_tokens_occupied) const;

  // InvalidArgument naming the first field out of range.
  Error validate() const;

  std::string to_string() const;
};

}  // namespace et_llm
