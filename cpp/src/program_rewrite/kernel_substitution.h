// Calls that need no patch but run faster on et_llm's kernel than on the
// runtime's generic one: expand_copy.out of contiguous tensors (GQA's
// key/value broadcast over the query groups, a whole cache per layer per
// token), done as block copies. Registering the kernel for their exact keys
// is the whole change.
#pragma once

#include <vector>

#include "program_rewrite/program_model.h"
#include "program_rewrite/rewrite.h"

namespace et_llm::program_rewrite {

// The distinct signatures of those calls in `plans`.
std::vector<KernelSignature> substitutable_kernels(const std::vector<Plan>& plans);

}  // namespace et_llm::program_rewrite
