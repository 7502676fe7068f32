#include "program_rewrite/kernel_substitution.h"

#include <algorithm>

#include "program_rewrite/plan_queries.h"

namespace et_llm::program_rewrite {

std::vector<KernelSignature> substitutable_kernels(const std::vector<Plan>& plans) {
  std::vector<KernelSignature> found;
  for (const Plan& plan : plans) {
    for (const Instruction& in : plan.instructions) {
      if (op_name(plan, in) != "aten::expand_copy.out") continue;
      KernelSignature s = signature(plan, in, -1, -1);
      const bool contiguous = std::all_of(s.tensors.begin(), s.tensors.end(), [](const auto& t) {
        for (size_t d = 0; d < t.second.size(); ++d) {
          if (t.second[d] != d) return false;
        }
        return true;
      });
      if (contiguous && std::find(found.begin(), found.end(), s) == found.end()) {
        found.push_back(std::move(s));
      }
    }
  }
  return found;
}

}  // namespace et_llm::program_rewrite
