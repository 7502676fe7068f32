#include "et_llm/llm_metadata.h"

#include "platform/executorch_error.h"
#include "platform/runtime_checks.h"

namespace et_llm {

using executorch::runtime::EValue;

std::optional<std::vector<double>> read_constant_method(executorch::extension::Module& module,
                                                        const std::string& name) {
  auto meta = module.method_meta(name);
  if (!meta.ok() || meta->num_inputs() != 0) {
    return std::nullopt;
  }
  auto outputs = detail::guard_runtime_checks([&] { return module.execute(name); });
  if (!outputs.ok()) {
    return std::nullopt;
  }
  std::vector<double> values;
  for (const EValue& value : *outputs) {
    if (value.isInt()) {
      values.push_back(static_cast<double>(value.toInt()));
    } else if (value.isBool()) {
      values.push_back(value.toBool() ? 1.0 : 0.0);
    } else if (value.isDouble()) {
      values.push_back(value.toDouble());
    } else {
      return std::nullopt;
    }
  }
  // Constant methods are tiny; do not keep them loaded.
  module.unload_method(name);
  return values;
}

std::map<std::string, int64_t> LlmMetadata::to_map() const {
  std::map<std::string, int64_t> flat;
  for (const auto& [name, outputs] : values) {
    if (!outputs.empty()) {
      flat[name] = static_cast<int64_t>(outputs.front());
    }
  }
  flat[metadata_keys::kMaxSeqLen] = max_seq_len;
  flat[metadata_keys::kMaxContextLen] = max_context_len;
  flat[metadata_keys::kEnableDynamicShape] = enable_dynamic_shape;
  flat[metadata_keys::kUseKVCache] = use_kv_cache;
  flat[metadata_keys::kUseSDPAWithKVCache] = use_sdpa_with_kv_cache;
  return flat;
}

Result<LlmMetadata> read_llm_metadata(executorch::extension::Module& module) {
  auto names = module.method_names();
  if (!names.ok()) {
    return detail::from_executorch(names.error(), ErrorCode::InvalidProgram,
                                   "cannot read the program's methods");
  }
  LlmMetadata meta;
  for (const std::string& name : *names) {
    if (auto values = read_constant_method(module, name)) {
      meta.values[name] = std::move(*values);
    }
  }
  auto first = [&](const char* key) -> std::optional<int64_t> {
    auto it = meta.values.find(key);
    if (it == meta.values.end() || it->second.empty()) {
      return std::nullopt;
    }
    return static_cast<int64_t>(it->second.front());
  };

  auto max_seq_len = first(metadata_keys::kMaxSeqLen);
  ET_LLM_CHECK(max_seq_len.has_value(), InvalidProgram,
               "the program has no get_max_seq_len method: not an LLM .pte");
  ET_LLM_CHECK(*max_seq_len > 0, InvalidProgram, "get_max_seq_len must be positive");
  meta.max_seq_len = *max_seq_len;
  meta.max_context_len = first(metadata_keys::kMaxContextLen).value_or(meta.max_seq_len);
  ET_LLM_CHECK(meta.max_context_len > 0, InvalidProgram, "get_max_context_len must be positive");
  meta.enable_dynamic_shape = first(metadata_keys::kEnableDynamicShape).value_or(0) != 0;
  meta.use_kv_cache = first(metadata_keys::kUseKVCache).value_or(1) != 0;
  meta.use_sdpa_with_kv_cache = first(metadata_keys::kUseSDPAWithKVCache).value_or(0) != 0;
  meta.bos_id = first(metadata_keys::kBosId);
  if (auto it = meta.values.find(metadata_keys::kEosIds); it != meta.values.end()) {
    for (double id : it->second) {
      meta.eos_ids.push_back(static_cast<int64_t>(id));
    }
  }
  meta.vocab_size = first(metadata_keys::kVocabSize);
  meta.n_layers = first(metadata_keys::kNumLayers);
  return meta;
}

}  // namespace et_llm
