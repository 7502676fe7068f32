// How TextPrefiller splits a prompt into calls: as many tokens per call as
// the program takes, or, with a stop() to honour, calls sized from the time
// the last one took so that each takes about TextPrefiller::kStopLatencyUs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "et_llm/text_prefiller.h"

namespace et_llm::detail {

// Tokens in the first call. A stoppable prefill starts with a modest call
// (2 * kMinChunk) to learn the model's speed.
inline size_t first_prefill_chunk(size_t max_per_call, bool stoppable) {
  return stoppable ? std::min(max_per_call, 2 * TextPrefiller::kMinChunk) : max_per_call;
}

// Tokens in the next call of a stoppable prefill, after `fed` tokens took
// `took_us`: whole tokens fitting the latency target, rounded down to a
// multiple of 16 (which keeps the matmuls' tiles full), at least kMinChunk and
// at most max_per_call. (Gemma 3 270M fp32, 2 cores: 516-552 tok/s against
// 528-543 in one 500-token call; stop() lands in 0.17-0.26 s.)
inline size_t next_prefill_chunk(size_t max_per_call, size_t fed, int64_t took_us) {
  const int64_t fits =
      TextPrefiller::kStopLatencyUs * static_cast<int64_t>(fed) / std::max<int64_t>(took_us, 1);
  return std::min(max_per_call,
                  std::max(TextPrefiller::kMinChunk, static_cast<size_t>(fits) / 16 * 16));
}

}  // namespace et_llm::detail
