#include "et_llm/multimodal_decoder_runner.h"

#include <algorithm>
#include <cstring>

#include "decode/element_size.h"
#include "decode/encoder_inputs.h"
#include "engine/method_set.h"
#include "et_llm/stats.h"
#include "platform/executorch_error.h"

namespace et_llm {

using executorch::aten::ScalarType;
using executorch::aten::SizesType;
using executorch::runtime::EValue;

MultimodalDecoderRunner::MultimodalDecoderRunner(executorch::extension::Module* module,
                                                 detail::MethodSet* methods,
                                                 std::shared_ptr<IIOManager> io_manager,
                                                 const LlmMetadata& metadata)
    : TextDecoderRunner(module, methods, std::move(io_manager), metadata, kTextDecoderMethod,
                        kTextDecoderMethod) {}

Error MultimodalDecoderRunner::load() {
  if (loaded_) {
    return Error();
  }
  ET_LLM_CHECK(io_manager_ != nullptr, InvalidArgument,
               "MultimodalDecoderRunner needs an IIOManager");
  auto names = module_->method_names();
  if (!names.ok()) {
    return detail::from_executorch(names.error(), ErrorCode::InvalidProgram,
                                   "cannot read the program's methods");
  }
  for (const char* method : {kTokenEmbeddingMethod, kTextDecoderMethod}) {
    ET_LLM_CHECK(names->count(method), InvalidProgram,
                 std::string("not a multimodal program: it has no '") + method +
                     "' method (a multimodal program has token_embedding and text_decoder)");
    auto err = methods_->load_method(method);
    if (err != executorch::runtime::Error::Ok) {
      return detail::from_executorch(err, ErrorCode::InvalidProgram,
                                     std::string("cannot load method '") + method + "'");
    }
  }
  auto embedding = module_->method_meta(kTokenEmbeddingMethod);
  ET_LLM_CHECK(embedding.ok() && embedding->num_inputs() == 1 && embedding->num_outputs() >= 1,
               InvalidProgram, "token_embedding must take one input and return embeddings");
  auto tokens = embedding->input_tensor_meta(0);
  ET_LLM_CHECK(
      tokens.ok() && tokens->scalar_type() == ScalarType::Long && tokens->sizes().size() == 2,
      InvalidProgram, "token_embedding must take int64 tokens [1, T]");
  embedding_max_tokens_ = std::max<size_t>(static_cast<size_t>(tokens->sizes()[1]), 1);

  auto decoder = module_->method_meta(kTextDecoderMethod);
  ET_LLM_CHECK(decoder.ok() && decoder->num_inputs() >= 1, InvalidProgram,
               "cannot read the signature of text_decoder");
  auto rows = decoder->input_tensor_meta(0);
  ET_LLM_CHECK(rows.ok() && rows->sizes().size() == 3, InvalidProgram,
               "text_decoder must take embeddings [1, T, D]");
  embedding_dtype_ = rows->scalar_type();
  embedding_dim_ = static_cast<size_t>(rows->sizes()[2]);

  ET_LLM_CHECK_OK(io_manager_->load({module_, prefill_method_, decode_method_, metadata_}));
  loaded_ = true;
  return Error();
}

Result<executorch::aten::Tensor> MultimodalDecoderRunner::embed(const TokenId* tokens, size_t n) {
  token_buffer_.assign(tokens, tokens + n);
  auto tensor = executorch::extension::from_blob(token_buffer_.data(),
                                                 {1, static_cast<SizesType>(n)}, ScalarType::Long);
  const int64_t begin = time_in_us();
  auto outputs = methods_->execute(kTokenEmbeddingMethod, std::vector<EValue>{EValue(*tensor)});
  embed_us_ += time_in_us() - begin;
  if (!outputs.ok()) {
    return detail::from_executorch(outputs.error(), ErrorCode::ExecutionFailed,
                                   "token_embedding failed");
  }
  ET_LLM_CHECK(!outputs->empty() && outputs->front().isTensor(), ExecutionFailed,
               "token_embedding returned no tensor");
  const auto& out = outputs->front().toTensor();
  ET_LLM_CHECK(static_cast<size_t>(out.numel()) == n * embedding_dim_, InvalidProgram,
               "token_embedding returned " + std::to_string(out.numel()) + " values for " +
                   std::to_string(n) + " tokens; text_decoder takes width " +
                   std::to_string(embedding_dim_));
  return out;
}

Result<Logits> MultimodalDecoderRunner::step(const TokenId* tokens, size_t n, int64_t start_pos) {
  ET_LLM_CHECK(loaded_, InvalidState, "MultimodalDecoderRunner::step before load()");
  ET_LLM_CHECK(n > 0, InvalidArgument, "step needs at least one token");
  embed_us_ = 0;
  if (n <= embedding_max_tokens_) {
    // The embedding output lives in token_embedding's own memory until its next run.
    ET_LLM_ASSIGN_OR_RETURN(auto rows, embed(tokens, n));
    const int64_t embed_us = embed_us_;
    ET_LLM_ASSIGN_OR_RETURN(
        Logits logits, step_embeddings(rows.const_data_ptr(), rows.scalar_type(), n, start_pos));
    last_forward_us_ += embed_us;
    return logits;
  }
  // token_embedding takes fewer tokens than the decoder: gather its outputs.
  std::vector<uint64_t> gathered;
  size_t row_bytes = 0;
  ScalarType dtype = embedding_dtype_;
  for (size_t done = 0; done < n;) {
    const size_t count = std::min(embedding_max_tokens_, n - done);
    ET_LLM_ASSIGN_OR_RETURN(auto rows, embed(tokens + done, count));
    dtype = rows.scalar_type();
    row_bytes = embedding_dim_ * detail::element_size(dtype);
    gathered.resize((n * row_bytes + 7) / 8);
    std::memcpy(reinterpret_cast<char*>(gathered.data()) + done * row_bytes, rows.const_data_ptr(),
                count * row_bytes);
    done += count;
  }
  const int64_t embed_us = embed_us_;
  ET_LLM_ASSIGN_OR_RETURN(Logits logits, step_embeddings(gathered.data(), dtype, n, start_pos));
  last_forward_us_ += embed_us;
  return logits;
}

Result<Logits> MultimodalDecoderRunner::step_embeddings(const void* rows, ScalarType dtype,
                                                        size_t n, int64_t start_pos) {
  ET_LLM_CHECK(loaded_, InvalidState, "MultimodalDecoderRunner::step before load()");
  ET_LLM_CHECK(n > 0, InvalidArgument, "step needs at least one embedding row");
  const void* data = rows;
  if (dtype != embedding_dtype_) {
    // e.g. a float32 vision encoder feeding a bf16 decoder.
    std::vector<float> values(n * embedding_dim_);
    ET_LLM_CHECK_OK(detail::to_floats(rows, values.size(), dtype, values.data()));
    row_buffer_.resize((values.size() * detail::element_size(embedding_dtype_) + 7) / 8);
    ET_LLM_CHECK_OK(
        detail::convert_floats(values.data(), values.size(), embedding_dtype_, row_buffer_.data()));
    data = row_buffer_.data();
  }
  ForwardInput input;
  input.num_tokens = n;
  input.start_pos = start_pos;
  input.embeddings = data;
  input.embedding_dtype = embedding_dtype_;
  input.embedding_dim = embedding_dim_;
  return forward(decode_method_, input, n == 1);
}

}  // namespace et_llm
