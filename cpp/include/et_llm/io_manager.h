// IIOManager: owns how a forward call's inputs are prepared and its outputs
// consumed. The runners call it for every forward, so a program whose KV cache
// (and mask) are inputs/outputs needs only a different manager, not a
// different runner. Managers written in Python subclass et_llm.IIOManager.
#pragma once

#include <executorch/extension/module/module.h>
#include <executorch/runtime/core/evalue.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/llm_metadata.h"

namespace et_llm {

// What the manager may look at when it is loaded.
struct ProgramInfo {
  executorch::extension::Module* module = nullptr;
  std::string prefill_method;
  std::string decode_method;
  LlmMetadata metadata;
};

// One forward call: `num_tokens` tokens (int64) at positions start_pos...
// A multimodal text_decoder takes embeddings instead: then `embeddings` points
// at num_tokens rows of `embedding_dim` values of `embedding_dtype` ([1, T, D])
// and `tokens` is null. Managers that only handle token ids refuse such a call.
struct ForwardInput {
  const int64_t* tokens = nullptr;
  size_t num_tokens = 0;
  int64_t start_pos = 0;
  const void* embeddings = nullptr;
  executorch::aten::ScalarType embedding_dtype = executorch::aten::ScalarType::Float;
  size_t embedding_dim = 0;

  bool has_embeddings() const { return embeddings != nullptr; }
};

class IIOManager {
 public:
  virtual ~IIOManager() = default;

  // Called once, before any forward, with the program's methods and metadata.
  virtual Error load(const ProgramInfo& program) = 0;
  // Forget every position: the next forward starts at 0.
  virtual Error reset() = 0;
  // Forget positions >= `position` (the next forward starts there).
  virtual Error rewind(int64_t position) = 0;

  // The inputs of `method` for this call. Tensors they point to must stay
  // valid until the matching update_* call.
  virtual Result<std::vector<executorch::runtime::EValue>> prepare_prefill(
      const ForwardInput& input, const std::string& method) = 0;
  virtual Result<std::vector<executorch::runtime::EValue>> prepare_decode(
      const ForwardInput& input, const std::string& method) = 0;
  // Consumes the method's outputs (e.g. writes new K/V entries into the cache).
  // outputs[0] is the logits.
  virtual Error update_prefill(const std::vector<executorch::runtime::EValue>& outputs,
                               const ForwardInput& input) = 0;
  virtual Error update_decode(const std::vector<executorch::runtime::EValue>& outputs,
                              const ForwardInput& input) = 0;

  // Most tokens one prefill call may take (decode calls take one).
  virtual size_t max_tokens_per_call() const = 0;
  // Positions a conversation may use; a sliding-window manager may allow more
  // than the program's cache holds.
  virtual int64_t max_context_len() const = 0;
};

}  // namespace et_llm
