// IRunner: what every et_llm runner (text, multimodal) offers.
#pragma once

#include <string>

#include "et_llm/callbacks.h"
#include "et_llm/error.h"
#include "et_llm/generation_config.h"

namespace et_llm {

class IRunner {
 public:
  virtual ~IRunner() = default;

  virtual bool is_loaded() const = 0;
  virtual Error load() = 0;
  // Continues the conversation held in the KV cache with `prompt`, streaming
  // the continuation to `token_callback`.
  virtual Error generate(const std::string& prompt, const GenerationConfig& config,
                         TokenCallback token_callback = {}, StatsCallback stats_callback = {}) = 0;
  // Puts `prompt` into the KV cache without generating.
  virtual Error prefill(const std::string& prompt, const GenerationConfig& config) = 0;
  // Ends a running generate() (from any thread) before its next token.
  virtual void stop() = 0;
  // Forgets the conversation: the next generate() starts at position 0.
  virtual Error reset() = 0;
};

}  // namespace et_llm
