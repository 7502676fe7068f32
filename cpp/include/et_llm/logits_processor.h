// LogitsProcessor: edits a step's logits before sampling (bans tokens, adds
// biases, constrains output to a grammar). Processors run in order on the fp32
// logits in place; `tokens` is every token of the conversation so far (the
// prompt, then what this turn generated), as Hugging Face's input_ids.
#pragma once

#include <cstddef>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

class LogitsProcessor {
 public:
  virtual ~LogitsProcessor() = default;
  // An error ends the call that sampled; the session stays as before it.
  virtual Error process(const std::vector<TokenId>& tokens, float* logits, size_t vocab_size) = 0;
};

}  // namespace et_llm
