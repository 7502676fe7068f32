// Finds the KV-cache updates a plain-attention export performs out of place
// and plans the argument patches that make them in-place.
//
// torch.export functionalizes `cache[:, :, pos] = k` on a mutable buffer B
// into `T = index_put(B, [pos], k)` (a full copy of the cache with the new
// rows), uses T for attention, and writes it back with `copy_(B, T)` at the
// end of the method: two whole-cache copies per cache per token, which
// upstream's runtime executes as written. When the plan proves nothing reads B
// between the update and the write-back, and nothing uses T after it, T can be
// B: the update then writes only the new rows and the write-back copies a
// buffer onto itself, which et_llm's kernels for those calls skip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "program_rewrite/program_model.h"

namespace et_llm::program_rewrite {

// Store `value` at buffer position `position` (an int32 value index).
struct ArgPatch {
  uint32_t position = 0;
  int32_t value = 0;
};

// A kernel call the patches turn into an aliasing one: its operator and the
// (dtype, dim order) of each tensor argument, i.e. the runtime's kernel key.
struct KernelSignature {
  std::string op;
  std::vector<std::pair<int8_t, std::vector<uint8_t>>> tensors;

  bool operator==(const KernelSignature &other) const {
    return op == other.op && tensors == other.tensors;
  }
};

// One out-of-place update made in-place: the update and write-back instruction
// indices, and the patches and kernels it needs.
struct CacheUpdate {
  std::string plan;
  size_t update_instruction = 0;
  size_t write_back_instruction = 0;
  std::vector<ArgPatch> patches;
  std::vector<KernelSignature> kernels;
};

std::vector<CacheUpdate> find_in_place_cache_updates(const std::vector<Plan> &plans);

}  // namespace et_llm::program_rewrite
