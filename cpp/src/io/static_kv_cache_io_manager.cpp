#include "et_llm/static_kv_cache_io_manager.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "platform/executorch_error.h"

namespace et_llm {

using executorch::aten::ScalarType;
using executorch::aten::SizesType;
using executorch::extension::from_blob;
using executorch::runtime::EValue;

namespace {

struct Signature {
  size_t num_inputs = 0;
  bool has_mask = false;
  size_t layers = 0;
  std::vector<SizesType> cache_sizes;  // [1,H,C,D]
  size_t max_tokens = 0;
};

Result<Signature> read_signature(executorch::extension::Module& module, const std::string& method) {
  auto meta = module.method_meta(method);
  if (!meta.ok()) {
    return detail::from_executorch(meta.error(), ErrorCode::InvalidProgram,
                                   "cannot read the signature of method '" + method + "'");
  }
  Signature sig;
  sig.num_inputs = meta->num_inputs();
  ET_LLM_CHECK(sig.num_inputs >= 4, NotSupported,
               "method '" + method + "' does not take its KV cache as inputs");
  auto tokens = meta->input_tensor_meta(0);
  ET_LLM_CHECK(
      tokens.ok() && tokens->scalar_type() == ScalarType::Long && tokens->sizes().size() == 2,
      NotSupported, "input 0 of '" + method + "' must be int64 tokens [1, T]");
  sig.max_tokens = static_cast<size_t>(tokens->sizes()[1]);
  auto third = meta->input_tensor_meta(2);
  ET_LLM_CHECK(third.ok(), NotSupported, "input 2 of '" + method + "' is not a tensor");
  sig.has_mask = third->sizes().size() == 3;
  const size_t first_cache = sig.has_mask ? 3 : 2;
  ET_LLM_CHECK((sig.num_inputs - first_cache) % 2 == 0 && sig.num_inputs > first_cache,
               NotSupported, "method '" + method + "' must take one K and one V cache per layer");
  sig.layers = (sig.num_inputs - first_cache) / 2;
  for (size_t i = first_cache; i < sig.num_inputs; ++i) {
    auto cache = meta->input_tensor_meta(i);
    ET_LLM_CHECK(
        cache.ok() && cache->scalar_type() == ScalarType::Float && cache->sizes().size() == 4,
        NotSupported,
        "cache input " + std::to_string(i) + " of '" + method +
            "' must be float32 [1, heads, slots, head_dim]");
    std::vector<SizesType> sizes(cache->sizes().begin(), cache->sizes().end());
    if (sig.cache_sizes.empty()) {
      sig.cache_sizes = sizes;
    }
    ET_LLM_CHECK(sizes == sig.cache_sizes, NotSupported,
                 "all cache inputs of '" + method + "' must have the same shape");
  }
  ET_LLM_CHECK(meta->num_outputs() == 1 + 2 * sig.layers, NotSupported,
               "method '" + method + "' must return logits and one new K and V per layer");
  return sig;
}

}  // namespace

bool StaticKVCacheIOManager::matches(executorch::extension::Module& module,
                                     const std::string& method) {
  return read_signature(module, method).ok();
}

Error StaticKVCacheIOManager::load(const ProgramInfo& program) {
  ET_LLM_CHECK(program.module != nullptr, InvalidArgument, "StaticKVCacheIOManager needs a module");
  ET_LLM_CHECK(program.prefill_method == program.decode_method, NotSupported,
               "StaticKVCacheIOManager handles single-method programs");
  ET_LLM_ASSIGN_OR_RETURN(Signature sig, read_signature(*program.module, program.prefill_method));
  num_layers_ = sig.layers;
  num_heads_ = static_cast<size_t>(sig.cache_sizes[1]);
  capacity_ = sig.cache_sizes[2];
  head_dim_ = static_cast<size_t>(sig.cache_sizes[3]);
  has_mask_ = sig.has_mask;
  max_tokens_ = program.metadata.enable_dynamic_shape ? std::max<size_t>(sig.max_tokens, 1) : 1;
  const size_t cache_floats = num_heads_ * static_cast<size_t>(capacity_) * head_dim_;
  k_cache_.assign(num_layers_, std::vector<float>(cache_floats, 0.0f));
  v_cache_.assign(num_layers_, std::vector<float>(cache_floats, 0.0f));
  mask_.reserve(max_tokens_ * static_cast<size_t>(capacity_));
  positions_.reserve(max_tokens_);
  return reset();
}

Error StaticKVCacheIOManager::reset() {
  slot_position_.assign(static_cast<size_t>(capacity_), -1);
  return Error();
}

Error StaticKVCacheIOManager::rewind(int64_t position) {
  ET_LLM_CHECK(position >= 0, InvalidArgument, "cannot rewind to a negative position");
  for (int64_t& slot : slot_position_) {
    if (slot >= position) {
      slot = -1;
    }
  }
  return Error();
}

Result<std::vector<EValue>> StaticKVCacheIOManager::prepare(const ForwardInput& input) {
  ET_LLM_CHECK(!input.has_embeddings(), NotSupported,
               "StaticKVCacheIOManager feeds token ids; this forward carries embeddings");
  const size_t t = input.num_tokens;
  ET_LLM_CHECK(t > 0 && t <= max_tokens_, InvalidArgument,
               std::to_string(t) + " tokens in one call; the program takes 1.." +
                   std::to_string(max_tokens_));
  ET_LLM_CHECK(input.start_pos >= 0 && input.start_pos + static_cast<int64_t>(t) <= capacity_,
               ContextOverflow,
               "positions up to " + std::to_string(input.start_pos + t) + " exceed the " +
                   std::to_string(capacity_) + " cache slots");
  positions_.resize(t);
  for (size_t i = 0; i < t; ++i) {
    positions_[i] = input.start_pos + static_cast<int64_t>(i);
  }
  tensors_.clear();
  tensors_.push_back(from_blob(const_cast<int64_t*>(input.tokens), {1, static_cast<SizesType>(t)},
                               ScalarType::Long));
  tensors_.push_back(from_blob(positions_.data(), {static_cast<SizesType>(t)}, ScalarType::Long));
  if (has_mask_) {
    // Every filled slot precedes the new tokens, so all rows see the same slots;
    // the program masks the new tokens among themselves.
    const size_t slots = static_cast<size_t>(capacity_);
    mask_.resize(t * slots);
    const float blocked = -std::numeric_limits<float>::infinity();
    for (size_t s = 0; s < slots; ++s) {
      mask_[s] = slot_position_[s] >= 0 && slot_position_[s] < input.start_pos ? 0.0f : blocked;
    }
    for (size_t row = 1; row < t; ++row) {
      std::memcpy(&mask_[row * slots], mask_.data(), slots * sizeof(float));
    }
    tensors_.push_back(from_blob(mask_.data(),
                                 {1, static_cast<SizesType>(t), static_cast<SizesType>(slots)},
                                 ScalarType::Float));
  }
  const std::vector<SizesType> cache_sizes = {1, static_cast<SizesType>(num_heads_),
                                              static_cast<SizesType>(capacity_),
                                              static_cast<SizesType>(head_dim_)};
  for (auto* caches : {&k_cache_, &v_cache_}) {
    for (auto& layer : *caches) {
      tensors_.push_back(from_blob(layer.data(), cache_sizes, ScalarType::Float));
    }
  }
  std::vector<EValue> inputs;
  inputs.reserve(tensors_.size());
  for (auto& tensor : tensors_) {
    inputs.emplace_back(*tensor);
  }
  return inputs;
}

Error StaticKVCacheIOManager::update(const std::vector<EValue>& outputs,
                                     const ForwardInput& input) {
  ET_LLM_CHECK(outputs.size() == 1 + 2 * num_layers_, ExecutionFailed,
               "expected logits and " + std::to_string(2 * num_layers_) + " cache outputs");
  const size_t t = input.num_tokens;
  const size_t slots = static_cast<size_t>(capacity_);
  for (size_t i = 0; i < 2 * num_layers_; ++i) {
    const EValue& value = outputs[1 + i];
    ET_LLM_CHECK(value.isTensor(), ExecutionFailed, "a cache output is not a tensor");
    const auto& entries = value.toTensor();
    const size_t rows = entries.dim() == 4 ? static_cast<size_t>(entries.size(2)) : 0;
    ET_LLM_CHECK(
        entries.scalar_type() == ScalarType::Float && (rows == t || rows == slots), ExecutionFailed,
        "cache output " + std::to_string(i) + " must be float32 [1, heads, T or slots, head_dim]");
    // New entries [H, T, D] start at row 0; an updated cache [H, C, D] holds
    // them at start_pos. Either way only those T rows are copied.
    const size_t first_row = rows == t ? 0 : static_cast<size_t>(input.start_pos);
    const float* source = entries.const_data_ptr<float>();
    std::vector<float>& cache = i < num_layers_ ? k_cache_[i] : v_cache_[i - num_layers_];
    for (size_t head = 0; head < num_heads_; ++head) {
      std::memcpy(&cache[(head * slots + static_cast<size_t>(input.start_pos)) * head_dim_],
                  &source[(head * rows + first_row) * head_dim_], t * head_dim_ * sizeof(float));
    }
  }
  for (size_t i = 0; i < t; ++i) {
    slot_position_[static_cast<size_t>(input.start_pos) + i] =
        input.start_pos + static_cast<int64_t>(i);
  }
  tensors_.clear();
  return Error();
}

Result<std::vector<EValue>> StaticKVCacheIOManager::prepare_prefill(const ForwardInput& input,
                                                                    const std::string&) {
  return prepare(input);
}

Result<std::vector<EValue>> StaticKVCacheIOManager::prepare_decode(const ForwardInput& input,
                                                                   const std::string&) {
  return prepare(input);
}

Error StaticKVCacheIOManager::update_prefill(const std::vector<EValue>& outputs,
                                             const ForwardInput& input) {
  return update(outputs, input);
}

Error StaticKVCacheIOManager::update_decode(const std::vector<EValue>& outputs,
                                            const ForwardInput& input) {
  return update(outputs, input);
}

}  // namespace et_llm
