// The constant methods an LLM .pte carries (get_max_seq_len, get_eos_ids, ...),
// read once with upstream's names and defaults.
#pragma once

#include <executorch/extension/module/module.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "et_llm/error.h"

namespace et_llm {

// Upstream's method names.
namespace metadata_keys {
inline constexpr const char* kMaxSeqLen = "get_max_seq_len";
inline constexpr const char* kMaxContextLen = "get_max_context_len";
inline constexpr const char* kEnableDynamicShape = "enable_dynamic_shape";
inline constexpr const char* kUseKVCache = "use_kv_cache";
inline constexpr const char* kUseSDPAWithKVCache = "use_sdpa_with_kv_cache";
inline constexpr const char* kBosId = "get_bos_id";
inline constexpr const char* kEosIds = "get_eos_ids";
inline constexpr const char* kVocabSize = "get_vocab_size";
inline constexpr const char* kNumLayers = "get_n_layers";
}  // namespace metadata_keys

struct LlmMetadata {
  int64_t max_seq_len = 0;      // largest T one call accepts
  int64_t max_context_len = 0;  // KV-cache capacity (= max_seq_len if absent)
  bool enable_dynamic_shape = false;
  bool use_kv_cache = true;
  bool use_sdpa_with_kv_cache = false;
  std::optional<int64_t> bos_id;
  std::vector<int64_t> eos_ids;
  std::optional<int64_t> vocab_size;
  std::optional<int64_t> n_layers;
  // Every zero-input method with scalar outputs, by name (including the above).
  std::map<std::string, std::vector<double>> values;

  // Upstream's flat form: one int64 per key (first output of each method).
  std::map<std::string, int64_t> to_map() const;
};

// The outputs of a constant method (no inputs, scalar outputs) as doubles;
// nullopt when `name` is not one.
std::optional<std::vector<double>> read_constant_method(executorch::extension::Module& module,
                                                        const std::string& name);

// Reads the metadata of a loaded or unloaded module; InvalidProgram when the
// required get_max_seq_len is missing.
Result<LlmMetadata> read_llm_metadata(executorch::extension::Module& module);

}  // namespace et_llm
