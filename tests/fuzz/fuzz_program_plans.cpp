// A program flatbuffer before the runtime sees it: et_llm's reader of its
// execution plans, the load-time index and argument-kind checks, the rewrite
// planner, and the RewritingDataLoader that patches the copy the runtime
// gets. Every patch the planner makes lies inside the buffer, where the plan
// stores that argument, and names an existing value.
#include <executorch/extension/data_loader/buffer_data_loader.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "fuzz_check.h"
#include "program_rewrite/kernel_substitution.h"
#include "program_rewrite/program_checks.h"
#include "program_rewrite/program_rewrites.h"
#include "program_rewrite/rewriting_data_loader.h"

namespace {

using et_llm::program_rewrite::ArgPatch;
using et_llm::program_rewrite::Plan;
using et_llm::program_rewrite::Rewrite;

bool patch_fits(const std::vector<Plan>& plans, const Rewrite& rewrite, const ArgPatch& patch) {
  for (const Plan& plan : plans) {  // names may repeat in a corrupt file
    if (plan.name != rewrite.plan || patch.instruction >= plan.instructions.size()) continue;
    const auto& positions = plan.instructions[patch.instruction].positions;
    if (patch.arg < positions.size() && positions[patch.arg] == patch.position &&
        patch.value >= 0 && static_cast<size_t>(patch.value) < plan.values.size()) {
      return true;
    }
  }
  return false;
}

void check_planned_rewrites(const uint8_t* data, size_t size) {
  auto plans = et_llm::program_rewrite::read_plans(data, size);
  if (!plans || !et_llm::program_rewrite::indices_valid(*plans) ||
      !et_llm::program_rewrite::argument_kinds_consistent(*plans)) {
    return;
  }
  (void)et_llm::program_rewrite::substitutable_kernels(*plans);
  std::vector<Plan> planned = *plans;
  const auto rewrites =
      et_llm::program_rewrite::plan_program_rewrites(planned, [](const Rewrite&) { return true; });
  for (const auto* kind : {&rewrites.cache_updates, &rewrites.elided_copies}) {
    for (const Rewrite& rewrite : *kind) {
      for (const ArgPatch& patch : rewrite.patches) {
        et_llm::fuzz::check(patch.position + sizeof(patch.value) <= size,
                            "a patch past the end of the buffer");
        et_llm::fuzz::check(patch_fits(*plans, rewrite, patch),
                            "a patch that is not one of the plan's arguments");
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_planned_rewrites(data, size);
  // As the runtime loads a program (the kernels it registers are bounded per process).
  using executorch::runtime::DataLoader;
  et_llm::program_rewrite::RewritingDataLoader loader(
      std::make_unique<executorch::extension::BufferDataLoader>(data, size));
  auto loaded =
      loader.load(0, size, DataLoader::SegmentInfo(DataLoader::SegmentInfo::Type::Program));
  if (loaded.ok()) loaded->Free();
  return 0;
}
