#include "et_llm/default_io_manager.h"

#include "platform/executorch_error.h"

namespace et_llm {

using executorch::aten::ScalarType;
using executorch::aten::SizesType;
using executorch::extension::from_blob;
using executorch::runtime::EValue;
using executorch::runtime::Tag;

Error DefaultIOManager::inspect(executorch::extension::Module& module, const std::string& name,
                                bool decides_style, size_t* max_tokens) {
  auto meta = module.method_meta(name);
  if (!meta.ok()) {
    return detail::from_executorch(meta.error(), ErrorCode::InvalidProgram,
                                   "cannot read the signature of method '" + name + "'");
  }
  const size_t num_inputs = meta->num_inputs();
  ET_LLM_CHECK(num_inputs == 1 || num_inputs == 2, NotSupported,
               "method '" + name + "' takes " + std::to_string(num_inputs) +
                   " inputs; DefaultIOManager handles (tokens) or (tokens, positions) — a "
                   "program with its KV cache as inputs needs StaticKVCacheIOManager");
  for (size_t i = 0; i < num_inputs; ++i) {
    auto tag = meta->input_tag(i);
    ET_LLM_CHECK(tag.ok() && *tag == Tag::Tensor, NotSupported,
                 "input " + std::to_string(i) + " of method '" + name + "' is not a tensor");
  }
  auto tokens = meta->input_tensor_meta(0);
  ET_LLM_CHECK(tokens.ok(), InvalidProgram, "cannot read the token input of '" + name + "'");
  const ScalarType dtype = tokens->scalar_type();
  const bool embeddings =
      tokens->sizes().size() == 3 &&
      (dtype == ScalarType::Float || dtype == ScalarType::Half || dtype == ScalarType::BFloat16);
  ET_LLM_CHECK((dtype == ScalarType::Long && tokens->sizes().size() == 2) || embeddings,
               NotSupported,
               "method '" + name + "' must take int64 tokens [1, T] or embeddings [1, T, D]");
  // For a dynamic dimension the declared size is its upper bound.
  *max_tokens = static_cast<size_t>(tokens->sizes()[1]);
  if (!decides_style) {
    return Error();
  }
  takes_embeddings_ = embeddings;
  if (embeddings) {
    embedding_dtype_ = dtype;
    embedding_dim_ = static_cast<size_t>(tokens->sizes()[2]);
  }
  position_input_ = PositionInput::None;
  if (num_inputs == 2) {
    auto pos = meta->input_tensor_meta(1);
    ET_LLM_CHECK(pos.ok() && pos->scalar_type() == ScalarType::Long, NotSupported,
                 "the position input of method '" + name + "' must be int64");
    size_t numel = 1;
    for (auto size : pos->sizes()) {
      numel *= static_cast<size_t>(size);
    }
    // A static [1] cache-position input is the same thing as a start position.
    position_input_ = numel > 1 ? PositionInput::CachePosition : PositionInput::StartPosition;
  }
  return Error();
}

Error DefaultIOManager::load(const ProgramInfo& program) {
  ET_LLM_CHECK(program.module != nullptr, InvalidArgument, "DefaultIOManager needs a module");
  metadata_ = program.metadata;
  ET_LLM_CHECK_OK(inspect(*program.module, program.prefill_method, true, &program_max_tokens_));
  if (program.decode_method != program.prefill_method) {
    size_t decode_tokens = 0;
    ET_LLM_CHECK_OK(inspect(*program.module, program.decode_method, false, &decode_tokens));
  }
  const bool has_kv = position_input_ != PositionInput::None;
  if (has_kv && !metadata_.enable_dynamic_shape && program_max_tokens_ != 1) {
    return Error(ErrorCode::NotSupported,
                 "static-shape programs must take one token per call, this one takes " +
                     std::to_string(program_max_tokens_));
  }
  // Shapes are only dynamic when the program says so; a static [1, 1] input
  // means token by token whatever the metadata claims.
  max_tokens_per_call_ =
      (metadata_.enable_dynamic_shape || !has_kv) ? std::max<size_t>(program_max_tokens_, 1) : 1;
  positions_.reserve(max_tokens_per_call_);
  return reset();
}

Error DefaultIOManager::reset() {
  history_.clear();
  return Error();
}

Error DefaultIOManager::rewind(int64_t position) {
  ET_LLM_CHECK(position >= 0, InvalidArgument, "cannot rewind to a negative position");
  if (position_input_ == PositionInput::None && static_cast<size_t>(position) < history_.size()) {
    history_.resize(static_cast<size_t>(position));
  }
  // An in-program cache is simply overwritten from `position` on.
  return Error();
}

int64_t DefaultIOManager::max_context_len() const {
  return position_input_ == PositionInput::None ? static_cast<int64_t>(program_max_tokens_)
                                                : metadata_.max_context_len;
}

Result<std::vector<EValue>> DefaultIOManager::prepare(const ForwardInput& input) {
  ET_LLM_CHECK(input.num_tokens > 0, InvalidArgument, "a forward needs at least one token");
  ET_LLM_CHECK(input.start_pos >= 0, InvalidArgument, "negative start position");
  ET_LLM_CHECK(input.has_embeddings() == takes_embeddings_, InvalidArgument,
               takes_embeddings_ ? "the program takes embeddings [1, T, D], not token ids"
                                 : "the program takes token ids, not embeddings");
  std::vector<EValue> inputs;
  inputs.reserve(2);
  if (position_input_ == PositionInput::None) {
    ET_LLM_CHECK(!takes_embeddings_, NotSupported,
                 "a program without a KV cache must take token ids, not embeddings");
    // The program sees the whole history each time: keep it here.
    ET_LLM_CHECK(
        static_cast<size_t>(input.start_pos) <= history_.size(), InvalidArgument,
        "start position " + std::to_string(input.start_pos) + " skips tokens the model never saw");
    const size_t total = static_cast<size_t>(input.start_pos) + input.num_tokens;
    ET_LLM_CHECK(total <= program_max_tokens_, ContextOverflow,
                 "the sequence would be " + std::to_string(total) +
                     " tokens; the program takes at most " + std::to_string(program_max_tokens_));
    history_.resize(static_cast<size_t>(input.start_pos));
    history_.insert(history_.end(), input.tokens, input.tokens + input.num_tokens);
    token_tensor_ =
        from_blob(history_.data(), {1, static_cast<SizesType>(history_.size())}, ScalarType::Long);
    inputs.emplace_back(*token_tensor_);
    return inputs;
  }

  ET_LLM_CHECK(input.num_tokens <= max_tokens_per_call_, InvalidArgument,
               std::to_string(input.num_tokens) +
                   " tokens in one call; the program takes at most " +
                   std::to_string(max_tokens_per_call_));
  ET_LLM_CHECK(
      input.start_pos + static_cast<int64_t>(input.num_tokens) <= metadata_.max_context_len,
      ContextOverflow,
      "positions up to " + std::to_string(input.start_pos + input.num_tokens) +
          " exceed the context length " + std::to_string(metadata_.max_context_len));
  // from_blob wraps the caller's buffer: nothing is copied.
  if (input.has_embeddings()) {
    ET_LLM_CHECK(input.embedding_dtype == embedding_dtype_ && input.embedding_dim == embedding_dim_,
                 InvalidArgument,
                 "embeddings of width " + std::to_string(input.embedding_dim) +
                     " do not match the program's [1, T, " + std::to_string(embedding_dim_) +
                     "] input (or its dtype)");
    token_tensor_ = from_blob(
        const_cast<void*>(input.embeddings),
        {1, static_cast<SizesType>(input.num_tokens), static_cast<SizesType>(embedding_dim_)},
        embedding_dtype_);
  } else {
    token_tensor_ = from_blob(const_cast<int64_t*>(input.tokens),
                              {1, static_cast<SizesType>(input.num_tokens)}, ScalarType::Long);
  }
  inputs.emplace_back(*token_tensor_);
  if (position_input_ == PositionInput::StartPosition) {
    positions_.assign(1, input.start_pos);
    position_tensor_ = from_blob(positions_.data(), {1}, ScalarType::Long);
  } else {
    positions_.resize(input.num_tokens);
    for (size_t i = 0; i < input.num_tokens; ++i) {
      positions_[i] = input.start_pos + static_cast<int64_t>(i);
    }
    position_tensor_ =
        from_blob(positions_.data(), {static_cast<SizesType>(input.num_tokens)}, ScalarType::Long);
  }
  inputs.emplace_back(*position_tensor_);
  return inputs;
}

Result<std::vector<EValue>> DefaultIOManager::prepare_prefill(const ForwardInput& input,
                                                              const std::string&) {
  return prepare(input);
}

Result<std::vector<EValue>> DefaultIOManager::prepare_decode(const ForwardInput& input,
                                                             const std::string&) {
  return prepare(input);
}

Error DefaultIOManager::update_prefill(const std::vector<EValue>&, const ForwardInput&) {
  return Error();  // the program updated its own cache
}

Error DefaultIOManager::update_decode(const std::vector<EValue>&, const ForwardInput&) {
  return Error();
}

}  // namespace et_llm
