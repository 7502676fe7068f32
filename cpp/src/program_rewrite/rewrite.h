// What a load-time program rewrite produces: value-index patches to the
// instructions' arguments, and the kernels the patched (aliasing) calls need.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "program_rewrite/program_model.h"

namespace et_llm::program_rewrite {

// Make argument `arg` of instruction `instruction` name value `value`; it is
// stored at buffer position `position`.
struct ArgPatch {
  uint32_t position = 0;
  int32_t value = 0;
  size_t instruction = 0;
  size_t arg = 0;
};

// A kernel call the patches turn into an aliasing one: its operator and the
// (dtype, dim order) of each tensor argument, i.e. the runtime's kernel key.
struct KernelSignature {
  std::string op;
  std::vector<std::pair<int8_t, std::vector<uint8_t>>> tensors;

  bool operator==(const KernelSignature& other) const {
    return op == other.op && tensors == other.tensors;
  }
};

// One computation changed: the instructions it spans, its patches and kernels.
struct Rewrite {
  std::string plan;
  size_t first_instruction = 0;
  size_t last_instruction = 0;
  std::vector<ArgPatch> patches;
  std::vector<KernelSignature> kernels;
};

// Patches every use of `from` in instructions [first, last] to `to`.
void redirect(const Plan& plan, size_t first, size_t last, int32_t from, int32_t to,
              Rewrite& rewrite);

// The signature of instruction `in` once `from` names `to`.
KernelSignature signature(const Plan& plan, const Instruction& in, int32_t from, int32_t to);

// Applies `rewrite` to the in-memory plans, so a later analysis sees it.
void apply_rewrite(const Rewrite& rewrite, std::vector<Plan>& plans);

}  // namespace et_llm::program_rewrite
