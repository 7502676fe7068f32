// How TextPrefiller splits a prompt into calls (cpp/src/decode/prefill_chunks.h):
// the program's max tokens per call without a stop to honour; with one, a
// first call of 64 then calls sized to take about kStopLatencyUs (300 ms) at
// the speed the last call showed, in multiples of 16, at least kMinChunk (32).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "decode/prefill_chunks.h"

namespace et_llm::detail {
namespace {

// The calls TextPrefiller::prefill makes for `prompt` tokens, on a model that
// takes `us_per_token` per token fed.
std::vector<size_t> plan(size_t prompt, size_t max_per_call, bool stoppable,
                         int64_t us_per_token = 1000) {
  std::vector<size_t> calls;
  size_t chunk = first_prefill_chunk(max_per_call, stoppable);
  for (size_t fed = 0; fed < prompt;) {
    const size_t n = std::min(chunk, prompt - fed);
    calls.push_back(n);
    fed += n;
    if (stoppable) {
      chunk = next_prefill_chunk(max_per_call, n, static_cast<int64_t>(n) * us_per_token);
    }
  }
  return calls;
}

TEST(PrefillChunks, TheLimitsAreThoseDocumented) {
  EXPECT_EQ(TextPrefiller::kStopLatencyUs, 300000);
  EXPECT_EQ(TextPrefiller::kMinChunk, 32u);
}

TEST(PrefillChunks, WithoutAStopEveryCallTakesAllItCan) {
  EXPECT_EQ(first_prefill_chunk(128, false), 128u);
  EXPECT_EQ(plan(100, 32, false), (std::vector<size_t>{32, 32, 32, 4}));
  EXPECT_EQ(plan(96, 32, false), (std::vector<size_t>{32, 32, 32}));
  EXPECT_EQ(plan(10, 128, false), (std::vector<size_t>{10}));
  // A program that takes one token per call is fed token by token.
  EXPECT_EQ(plan(4, 1, false), (std::vector<size_t>{1, 1, 1, 1}));
}

TEST(PrefillChunks, AStoppablePrefillStartsWith64) {
  EXPECT_EQ(first_prefill_chunk(512, true), 64u);
  EXPECT_EQ(first_prefill_chunk(64, true), 64u);
  // Never more than a call takes.
  EXPECT_EQ(first_prefill_chunk(40, true), 40u);
  EXPECT_EQ(first_prefill_chunk(1, true), 1u);
}

TEST(PrefillChunks, NextCallFitsTheLatencyTargetInMultiplesOf16) {
  // 64 tokens in 64 ms: 300 fit in 300 ms, rounded down to 288.
  EXPECT_EQ(next_prefill_chunk(1024, 64, 64000), 288u);
  // 16 in 100 ms: 48 fit, a multiple of 16 already.
  EXPECT_EQ(next_prefill_chunk(1024, 16, 100000), 48u);
  EXPECT_EQ(next_prefill_chunk(1024, 63, 300000), 48u);  // 63 fit
  EXPECT_EQ(next_prefill_chunk(1024, 100, 300000), 96u);
  // A fast model: 30000 fit, capped by what a call takes.
  EXPECT_EQ(next_prefill_chunk(1024, 64, 640), 1024u);
  EXPECT_EQ(next_prefill_chunk(50000, 64, 640), 30000u);
}

TEST(PrefillChunks, NextCallIsAtLeastTheMinimumAndAtMostTheMaximum) {
  // 47 fit: 32 after rounding, which is also the minimum.
  EXPECT_EQ(next_prefill_chunk(1024, 47, 300000), 32u);
  // A slow model: 3 fit, still 32 per call.
  EXPECT_EQ(next_prefill_chunk(1024, 64, 6400000), 32u);
  // The maximum wins over the minimum.
  EXPECT_EQ(next_prefill_chunk(16, 64, 6400000), 16u);
  EXPECT_EQ(next_prefill_chunk(1, 64, 64000), 1u);
}

TEST(PrefillChunks, ACallTimedAtZeroCountsAsOneMicrosecond) {
  // The clock may not move (or step back) across a call.
  EXPECT_EQ(next_prefill_chunk(4096, 64, 0), 4096u);
  EXPECT_EQ(next_prefill_chunk(4096, 64, -5), 4096u);
  EXPECT_EQ(next_prefill_chunk(100000000, 1, 0), 300000u);
  EXPECT_EQ(next_prefill_chunk(100000000, 1, 1), 300000u);
}

TEST(PrefillChunks, AWholeStoppablePrompt) {
  // 1 ms a token: 64 to measure, then 300 fit, rounded to 288; the rest last.
  EXPECT_EQ(plan(1000, 512, true), (std::vector<size_t>{64, 288, 288, 288, 72}));
  // 2 ms a token: 150 fit, 144 per call.
  EXPECT_EQ(plan(500, 512, true, 2000), (std::vector<size_t>{64, 144, 144, 144, 4}));
  // A prompt shorter than the first call.
  EXPECT_EQ(plan(20, 512, true), (std::vector<size_t>{20}));
  // A program taking 32 per call: 32 throughout.
  EXPECT_EQ(plan(100, 32, true), (std::vector<size_t>{32, 32, 32, 4}));
  // 10 us a token: after the first call, all a call takes.
  EXPECT_EQ(plan(3000, 1024, true, 10), (std::vector<size_t>{64, 1024, 1024, 888}));
}

}  // namespace
}  // namespace et_llm::detail
