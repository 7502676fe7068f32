// Every load-time rewrite of a program, planned in order: in-place cache
// updates first, applied to the plans before copy elision looks (it must see
// the buffers they now write in place). The loader and `inspect_program`
// both plan through here, so what inspect reports is what a load does.
#pragma once

#include <functional>
#include <vector>

#include "program_rewrite/program_model.h"
#include "program_rewrite/rewrite.h"

namespace et_llm::program_rewrite {

struct ProgramRewrites {
  std::vector<Rewrite> cache_updates;
  std::vector<Rewrite> elided_copies;
};

// Plans the rewrites of `plans` and applies the kept ones to them. `keep`
// decides each (the loader keeps those whose kernels it could register).
ProgramRewrites plan_program_rewrites(std::vector<Plan>& plans,
                                      const std::function<bool(const Rewrite&)>& keep);

}  // namespace et_llm::program_rewrite
