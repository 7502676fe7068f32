#include "program_rewrite/rewrite.h"

namespace et_llm::program_rewrite {

void redirect(const Plan& plan, size_t first, size_t last, int32_t from, int32_t to,
              Rewrite& rewrite) {
  for (size_t i = first; i <= last && i < plan.instructions.size(); ++i) {
    const Instruction& in = plan.instructions[i];
    for (size_t k = 0; k < in.values.size(); ++k) {
      if (in.values[k] == from) rewrite.patches.push_back({in.positions[k], to, i, k});
    }
  }
}

KernelSignature signature(const Plan& plan, const Instruction& in, int32_t from, int32_t to) {
  KernelSignature s;
  if (in.op_index >= 0 && static_cast<size_t>(in.op_index) < plan.operators.size()) {
    s.op = plan.operators[in.op_index];
  }
  for (int32_t v : in.values) {
    const int32_t named = v == from ? to : v;
    if (named < 0 || static_cast<size_t>(named) >= plan.values.size()) continue;
    const Value& value = plan.values[named];
    if (value.kind == ValueKind::Tensor) {
      s.tensors.emplace_back(value.tensor.scalar_type, value.tensor.dim_order);
    }
  }
  return s;
}

void apply_rewrite(const Rewrite& rewrite, std::vector<Plan>& plans) {
  for (Plan& plan : plans) {
    if (plan.name != rewrite.plan) continue;
    for (const ArgPatch& patch : rewrite.patches) {
      if (patch.instruction < plan.instructions.size() &&
          patch.arg < plan.instructions[patch.instruction].values.size()) {
        plan.instructions[patch.instruction].values[patch.arg] = patch.value;
      }
    }
  }
}

}  // namespace et_llm::program_rewrite
