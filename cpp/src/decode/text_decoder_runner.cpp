#include "et_llm/text_decoder_runner.h"

#include "engine/method_set.h"
#include "et_llm/sampler.h"
#include "et_llm/stats.h"
#include "platform/executorch_error.h"

namespace et_llm {

using executorch::aten::ScalarType;
using executorch::runtime::EValue;

TextDecoderRunner::TextDecoderRunner(executorch::extension::Module* module,
                                     detail::MethodSet* methods,
                                     std::shared_ptr<IIOManager> io_manager,
                                     const LlmMetadata& metadata, std::string prefill_method,
                                     std::string decode_method)
    : module_(module),
      methods_(methods),
      io_manager_(std::move(io_manager)),
      metadata_(metadata),
      prefill_method_(std::move(prefill_method)),
      decode_method_(std::move(decode_method)) {}

Error TextDecoderRunner::load() {
  if (loaded_) {
    return Error();
  }
  ET_LLM_CHECK(io_manager_ != nullptr, InvalidArgument, "TextDecoderRunner needs an IIOManager");
  for (const std::string& method : {prefill_method_, decode_method_}) {
    auto err = methods_->load_method(method);
    if (err != executorch::runtime::Error::Ok) {
      return detail::from_executorch(err, ErrorCode::InvalidProgram,
                                     "cannot load method '" + method + "'");
    }
  }
  ET_LLM_CHECK_OK(io_manager_->load({module_, prefill_method_, decode_method_, metadata_}));
  token_buffer_.reserve(io_manager_->max_tokens_per_call());
  loaded_ = true;
  return Error();
}

Result<Logits> TextDecoderRunner::step(const TokenId* tokens, size_t n, int64_t start_pos) {
  ET_LLM_CHECK(loaded_, InvalidState, "TextDecoderRunner::step before load()");
  ET_LLM_CHECK(n > 0, InvalidArgument, "step needs at least one token");
  token_buffer_.assign(tokens, tokens + n);
  const ForwardInput input{token_buffer_.data(), n, start_pos};
  // A pair's decode method takes one token; everything else goes to prefill.
  const bool is_decode = n == 1;
  const std::string& method =
      (is_decode && decode_method_ != prefill_method_) ? decode_method_ : prefill_method_;
  auto logits = forward(method, input, is_decode);
  if (logits.ok() && n > 1) {
    every_position_ = positions_ == n;
  }
  return logits;
}

Result<Logits> TextDecoderRunner::forward(const std::string& method, const ForwardInput& input,
                                          bool is_decode) {
  ET_LLM_ASSIGN_OR_RETURN(std::vector<EValue> inputs,
                          is_decode ? io_manager_->prepare_decode(input, method)
                                    : io_manager_->prepare_prefill(input, method));
  const int64_t begin = time_in_us();
  auto outputs = methods_->execute(method, inputs);
  last_forward_us_ = time_in_us() - begin;
  if (!outputs.ok()) {
    return detail::from_executorch(outputs.error(), ErrorCode::ExecutionFailed,
                                   "method '" + method + "' failed");
  }
  ET_LLM_CHECK_OK(is_decode ? io_manager_->update_decode(*outputs, input)
                            : io_manager_->update_prefill(*outputs, input));

  ET_LLM_CHECK(!outputs->empty() && outputs->front().isTensor(), ExecutionFailed,
               "method '" + method + "' did not return a logits tensor first");
  const auto& logits = outputs->front().toTensor();
  const auto dtype = logits.scalar_type();
  ET_LLM_CHECK(
      dtype == ScalarType::Float || dtype == ScalarType::Half || dtype == ScalarType::BFloat16,
      NotSupported, "logits must be float32, float16 or bfloat16");
  ET_LLM_CHECK(logits.dim() >= 1 && logits.numel() > 0, ExecutionFailed, "empty logits");
  const size_t vocab = static_cast<size_t>(logits.size(logits.dim() - 1));
  const size_t rows = static_cast<size_t>(logits.numel()) / vocab;
  // [1, V] holds the last position only; [1, T, V] every position: the last row.
  first_row_ = Logits{logits.const_data_ptr(), dtype, vocab};
  positions_ = rows;
  return logits_at(rows - 1);
}

Logits TextDecoderRunner::logits_at(size_t position) const {
  const size_t row_bytes =
      first_row_.vocab_size * (first_row_.dtype == ScalarType::Float ? sizeof(float) : 2);
  return Logits{static_cast<const char*>(first_row_.data) + position * row_bytes, first_row_.dtype,
                first_row_.vocab_size};
}

TokenId TextDecoderRunner::logits_to_token(const Logits& logits) { return greedy_token(logits); }

}  // namespace et_llm
