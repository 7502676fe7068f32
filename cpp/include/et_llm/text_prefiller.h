// Feeds a prompt into the model: in one call when shapes are dynamic, in
// chunks when it is longer than one call takes, token by token otherwise.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/logits.h"
#include "et_llm/text_decoder_runner.h"

namespace et_llm {

struct PrefillResult {
  Logits logits;            // of the last token fed; empty when none was
  size_t num_consumed = 0;  // tokens now in the cache (< size when stopped)
  bool stopped = false;     // the stop flag ended it early
  int64_t forward_us = 0;   // time spent inside the model
};

class TextPrefiller {
 public:
  explicit TextPrefiller(TextDecoderRunner* decoder) : decoder_(decoder) {}

  // Feeds tokens at positions start_pos..; checks `stop` between calls. With
  // a `stop` to honour, calls are sized from the time the last one took so
  // that each takes about kStopLatencyUs: a stop() lands within about that.
  static constexpr int64_t kStopLatencyUs = 300000;
  static constexpr size_t kMinChunk = 32;
  Result<PrefillResult> prefill(const std::vector<TokenId>& tokens, int64_t start_pos,
                                const std::atomic<bool>* stop = nullptr);

 private:
  TextDecoderRunner* decoder_;
};

}  // namespace et_llm
