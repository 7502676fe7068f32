// DefaultIOManager: programs that keep their KV cache inside (mutable
// buffers), taking (tokens [1,T], start position [1] or cache positions [T]),
// and programs without a KV cache, which get the whole history every call.
// A multimodal text_decoder takes embeddings [1,T,D] in place of the tokens.
#pragma once

#include <executorch/extension/tensor/tensor.h>

#include <vector>

#include "et_llm/io_manager.h"

namespace et_llm {

enum class PositionInput {
  None,           // single-input program without KV cache
  StartPosition,  // int64 [1]: position of the first token
  CachePosition,  // int64 [T]: one position per token
};

class DefaultIOManager : public IIOManager {
 public:
  Error load(const ProgramInfo& program) override;
  Error reset() override;
  Error rewind(int64_t position) override;
  Result<std::vector<executorch::runtime::EValue>> prepare_prefill(
      const ForwardInput& input, const std::string& method) override;
  Result<std::vector<executorch::runtime::EValue>> prepare_decode(
      const ForwardInput& input, const std::string& method) override;
  Error update_prefill(const std::vector<executorch::runtime::EValue>& outputs,
                       const ForwardInput& input) override;
  Error update_decode(const std::vector<executorch::runtime::EValue>& outputs,
                      const ForwardInput& input) override;
  size_t max_tokens_per_call() const override { return max_tokens_per_call_; }
  int64_t max_context_len() const override;

  PositionInput position_input() const { return position_input_; }
  // Whether the prefill method takes embeddings [1,T,D] rather than token ids.
  bool takes_embeddings() const { return takes_embeddings_; }

 private:
  Error inspect(executorch::extension::Module& module, const std::string& method,
                bool decides_style, size_t* max_tokens);
  Result<std::vector<executorch::runtime::EValue>> prepare(const ForwardInput& input);

  LlmMetadata metadata_;
  PositionInput position_input_ = PositionInput::StartPosition;
  size_t max_tokens_per_call_ = 1;
  size_t program_max_tokens_ = 1;  // declared upper bound of the token input
  bool takes_embeddings_ = false;
  executorch::aten::ScalarType embedding_dtype_ = executorch::aten::ScalarType::Float;
  size_t embedding_dim_ = 0;

  std::vector<int64_t> positions_;
  std::vector<int64_t> history_;  // no-KV programs: every token so far
  executorch::extension::TensorPtr token_tensor_;
  executorch::extension::TensorPtr position_tensor_;
};

}  // namespace et_llm
