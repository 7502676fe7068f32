// StaticKVCacheIOManager: programs whose KV cache is passed in and out, as
// backends such as QNN and Core ML export them. The convention:
//
//   forward(tokens int64 [1,T], positions int64 [T], [cache_mask float [1,T,C]],
//           k_0..k_{L-1} float [1,H,C,D], v_0..v_{L-1} float [1,H,C,D])
//     -> (logits, k_new_0..k_new_{L-1} [1,H,T,D], v_new_0..v_new_{L-1} [1,H,T,D])
//
// The program attends to the C cache slots (masked by cache_mask: 0 keeps a
// slot, -inf drops it) and to the T new tokens causally, and returns the new
// entries [1,H,T,D] (or whole updated caches [1,H,C,D], of which only the T
// new rows are read). This manager owns the cache buffers (handed to the program
// without copies), writes the new entries into their slots (slot = position),
// and supports rewind. Export with memory planning of graph inputs disabled
// (MemoryPlanningPass(alloc_graph_input=False)) so inputs are bound by pointer.
#pragma once

#include <executorch/extension/tensor/tensor.h>

#include <vector>

#include "et_llm/io_manager.h"

namespace et_llm {

class StaticKVCacheIOManager : public IIOManager {
 public:
  // True when `method` of `module` follows the convention above.
  static bool matches(executorch::extension::Module& module, const std::string& method);

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
  size_t max_tokens_per_call() const override { return max_tokens_; }
  int64_t max_context_len() const override { return capacity_; }

  size_t num_layers() const { return num_layers_; }

 private:
  Result<std::vector<executorch::runtime::EValue>> prepare(const ForwardInput& input);
  Error update(const std::vector<executorch::runtime::EValue>& outputs, const ForwardInput& input);

  size_t num_layers_ = 0;
  size_t num_heads_ = 0;
  int64_t capacity_ = 0;  // C: cache slots
  size_t head_dim_ = 0;
  size_t max_tokens_ = 1;
  bool has_mask_ = false;

  std::vector<std::vector<float>> k_cache_;  // per layer [1,H,C,D]
  std::vector<std::vector<float>> v_cache_;
  std::vector<int64_t> slot_position_;  // -1: empty
  std::vector<int64_t> positions_;
  std::vector<float> mask_;
  std::vector<executorch::extension::TensorPtr> tensors_;  // alive until update
};

}  // namespace et_llm
