#include "et_llm/text_decoder_runner.h"

#include "et_llm/stats.h"
#include "executorch_error.h"

namespace et_llm {

using executorch::extension::from_blob;
using executorch::runtime::EValue;
using executorch::runtime::Tag;

TextDecoderRunner::TextDecoderRunner(executorch::extension::Module* module,
                                     const LlmMetadata& metadata)
    : module_(module), metadata_(metadata) {}

Error TextDecoderRunner::inspect_method(const std::string& name, size_t* max_tokens) {
  auto meta = module_->method_meta(name);
  if (!meta.ok()) {
    return detail::from_executorch(meta.error(), ErrorCode::InvalidProgram,
                                   "cannot read the signature of method '" + name + "'");
  }
  const size_t num_inputs = meta->num_inputs();
  ET_LLM_CHECK(num_inputs == 1 || num_inputs == 2, NotSupported,
               "method '" + name + "' takes " + std::to_string(num_inputs) +
                   " inputs; expected (tokens) or (tokens, positions)");
  for (size_t i = 0; i < num_inputs; ++i) {
    auto tag = meta->input_tag(i);
    ET_LLM_CHECK(tag.ok() && *tag == Tag::Tensor, NotSupported,
                 "input " + std::to_string(i) + " of method '" + name + "' is not a tensor");
  }
  auto tokens = meta->input_tensor_meta(0);
  ET_LLM_CHECK(tokens.ok(), InvalidProgram, "cannot read the token input of '" + name + "'");
  ET_LLM_CHECK(tokens->scalar_type() == ScalarType::Long && tokens->sizes().size() == 2,
               NotSupported, "method '" + name + "' must take int64 tokens [1, T]");
  // For a dynamic dimension the declared size is its upper bound.
  *max_tokens = static_cast<size_t>(tokens->sizes()[1]);

  PositionInput style = PositionInput::None;
  if (num_inputs == 2) {
    auto pos = meta->input_tensor_meta(1);
    ET_LLM_CHECK(pos.ok() && pos->scalar_type() == ScalarType::Long, NotSupported,
                 "the position input of method '" + name + "' must be int64");
    size_t numel = 1;
    for (auto size : pos->sizes()) {
      numel *= static_cast<size_t>(size);
    }
    style = numel > 1 ? PositionInput::CachePosition : PositionInput::StartPosition;
    // A static [1] cache-position input is the same thing as a start position.
  }
  if (name == decode_method_ && name != prefill_method_) {
    return Error();  // the decode method of a pair follows the prefill method's style
  }
  position_input_ = style;
  return Error();
}

Error TextDecoderRunner::load() {
  if (loaded_) {
    return Error();
  }
  auto names = module_->method_names();
  if (!names.ok()) {
    return detail::from_executorch(names.error(), ErrorCode::InvalidProgram,
                                   "cannot read the program's methods");
  }
  if (!names->count("forward") && names->count("prefill") && names->count("decode")) {
    prefill_method_ = "prefill";
    decode_method_ = "decode";
  }
  ET_LLM_CHECK(names->count(prefill_method_), InvalidProgram,
               "the program has no 'forward' method (nor a 'prefill'/'decode' pair)");

  size_t prefill_tokens = 0;
  ET_LLM_CHECK_OK(inspect_method(prefill_method_, &prefill_tokens));
  if (decode_method_ != prefill_method_) {
    size_t decode_tokens = 0;
    ET_LLM_CHECK_OK(inspect_method(decode_method_, &decode_tokens));
  }
  for (const std::string& method : {prefill_method_, decode_method_}) {
    auto err = module_->load_method(method);
    if (err != executorch::runtime::Error::Ok) {
      return detail::from_executorch(err, ErrorCode::InvalidProgram,
                                     "cannot load method '" + method + "'");
    }
  }

  // Shapes are only dynamic when the program says so; a static [1, 1] input
  // means token by token whatever the metadata claims.
  max_tokens_per_step_ = metadata_.enable_dynamic_shape || !has_kv_cache() ? prefill_tokens : 1;
  if (!metadata_.enable_dynamic_shape && prefill_tokens != 1 && has_kv_cache()) {
    return Error(ErrorCode::NotSupported,
                 "static-shape programs must take one token per call, this one takes " +
                     std::to_string(prefill_tokens));
  }
  if (max_tokens_per_step_ == 0) {
    max_tokens_per_step_ = 1;
  }
  token_buffer_.reserve(max_tokens_per_step_);
  position_buffer_.reserve(max_tokens_per_step_);
  loaded_ = true;
  return Error();
}

void TextDecoderRunner::reset() { history_.clear(); }

Result<Logits> TextDecoderRunner::step(const TokenId* tokens, size_t n, int64_t start_pos) {
  ET_LLM_CHECK(loaded_, InvalidState, "TextDecoderRunner::step before load()");
  ET_LLM_CHECK(n > 0, InvalidArgument, "step needs at least one token");
  ET_LLM_CHECK(start_pos >= 0, InvalidArgument, "negative start position");

  if (!has_kv_cache()) {
    // The program sees the whole history each time: keep it here.
    ET_LLM_CHECK(static_cast<size_t>(start_pos) <= history_.size(), InvalidArgument,
                 "start position " + std::to_string(start_pos) + " skips tokens the model never saw");
    history_.resize(static_cast<size_t>(start_pos));
    ET_LLM_CHECK(history_.size() + n <= max_tokens_per_step_, ContextOverflow,
                 "the sequence would be " + std::to_string(history_.size() + n) +
                     " tokens; the program takes at most " + std::to_string(max_tokens_per_step_));
    history_.insert(history_.end(), tokens, tokens + n);
    return run(prefill_method_, history_.data(), history_.size(), 0);
  }

  ET_LLM_CHECK(n <= max_tokens_per_step_, InvalidArgument,
               std::to_string(n) + " tokens in one step; the program takes at most " +
                   std::to_string(max_tokens_per_step_));
  ET_LLM_CHECK(start_pos + static_cast<int64_t>(n) <= metadata_.max_context_len, ContextOverflow,
               "positions up to " + std::to_string(start_pos + n) + " exceed the context length " +
                   std::to_string(metadata_.max_context_len));
  token_buffer_.assign(tokens, tokens + n);
  const std::string& method = (n == 1 && decode_method_ != prefill_method_) ? decode_method_
                                                                             : prefill_method_;
  return run(method, token_buffer_.data(), n, start_pos);
}

Result<Logits> TextDecoderRunner::run(const std::string& method, const int64_t* tokens, size_t n,
                                      int64_t start_pos) {
  // from_blob only wraps the buffers; nothing is copied.
  auto token_tensor = from_blob(const_cast<int64_t*>(tokens),
                                {1, static_cast<executorch::aten::SizesType>(n)},
                                ScalarType::Long);
  std::vector<EValue> inputs;
  inputs.reserve(2);
  inputs.emplace_back(*token_tensor);
  executorch::extension::TensorPtr position_tensor;
  if (position_input_ == PositionInput::StartPosition) {
    position_buffer_.assign(1, start_pos);
    position_tensor = from_blob(position_buffer_.data(), {1}, ScalarType::Long);
    inputs.emplace_back(*position_tensor);
  } else if (position_input_ == PositionInput::CachePosition) {
    position_buffer_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      position_buffer_[i] = start_pos + static_cast<int64_t>(i);
    }
    position_tensor = from_blob(position_buffer_.data(),
                                {static_cast<executorch::aten::SizesType>(n)}, ScalarType::Long);
    inputs.emplace_back(*position_tensor);
  }

  const int64_t begin = time_in_us();
  auto outputs = module_->execute(method, inputs);
  last_forward_us_ = time_in_us() - begin;
  if (!outputs.ok()) {
    return detail::from_executorch(outputs.error(), ErrorCode::ExecutionFailed,
                                   "method '" + method + "' failed");
  }
  ET_LLM_CHECK(!outputs->empty() && outputs->front().isTensor(), ExecutionFailed,
               "method '" + method + "' did not return a logits tensor");
  const auto& logits = outputs->front().toTensor();
  const auto dtype = logits.scalar_type();
  ET_LLM_CHECK(dtype == ScalarType::Float || dtype == ScalarType::Half ||
                   dtype == ScalarType::BFloat16,
               NotSupported, "logits must be float32, float16 or bfloat16");
  ET_LLM_CHECK(logits.dim() >= 1 && logits.numel() > 0, ExecutionFailed, "empty logits");
  const size_t vocab = static_cast<size_t>(logits.size(logits.dim() - 1));
  const size_t rows = static_cast<size_t>(logits.numel()) / vocab;
  // [1, V] holds the last position only; [1, T, V] every position: take the last row.
  const size_t offset = (rows - 1) * vocab * logits.element_size();
  return Logits{static_cast<const char*>(logits.const_data_ptr()) + offset, dtype, vocab};
}

TokenId TextDecoderRunner::logits_to_token(const Logits& logits) {
  size_t best = 0;
  if (logits.is_float32()) {
    const float* values = logits.float_data();
    for (size_t i = 1; i < logits.vocab_size; ++i) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
  float best_value = logits.at(0);
  for (size_t i = 1; i < logits.vocab_size; ++i) {
    const float value = logits.at(i);
    if (value > best_value) {
      best_value = value;
      best = i;
    }
  }
  return best;
}

}  // namespace et_llm
