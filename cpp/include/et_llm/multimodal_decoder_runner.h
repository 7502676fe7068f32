// MultimodalDecoderRunner: the decoder of a multimodal program. A token step
// is token_embedding then text_decoder; encoders' outputs go to text_decoder
// directly (step_embeddings). Both go through the IIOManager, which gets the
// embeddings in ForwardInput, so the text runner's token generator, sampler
// and stats work on it unchanged.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "et_llm/text_decoder_runner.h"

namespace et_llm {

inline constexpr const char* kTokenEmbeddingMethod = "token_embedding";
inline constexpr const char* kTextDecoderMethod = "text_decoder";

class MultimodalDecoderRunner : public TextDecoderRunner {
 public:
  MultimodalDecoderRunner(executorch::extension::Module* module, detail::MethodSet* methods,
                          std::shared_ptr<IIOManager> io_manager, const LlmMetadata& metadata);

  // Loads token_embedding and text_decoder; InvalidProgram when either is missing.
  Error load() override;

  // Embeds tokens[0..n) and runs them through text_decoder.
  Result<Logits> step(const TokenId* tokens, size_t n, int64_t start_pos) override;

  // Runs `n` rows of `embedding_dim()` values of `dtype` (any floating dtype;
  // converted to the decoder's) at start_pos... n <= max_tokens_per_step().
  Result<Logits> step_embeddings(const void* rows, executorch::aten::ScalarType dtype, size_t n,
                                 int64_t start_pos);

  size_t embedding_dim() const { return embedding_dim_; }
  executorch::aten::ScalarType embedding_dtype() const { return embedding_dtype_; }

 private:
  // token_embedding output for tokens[0..n) (n <= embedding_max_tokens_): a view
  // valid until the next call.
  Result<executorch::aten::Tensor> embed(const TokenId* tokens, size_t n);

  size_t embedding_dim_ = 0;
  executorch::aten::ScalarType embedding_dtype_ = executorch::aten::ScalarType::Float;
  size_t embedding_max_tokens_ = 1;
  std::vector<int64_t> token_buffer_;
  std::vector<uint64_t> row_buffer_;  // converted or gathered embeddings, 8-byte aligned
  int64_t embed_us_ = 0;
};

}  // namespace et_llm
