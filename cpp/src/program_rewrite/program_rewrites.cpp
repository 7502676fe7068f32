#include "program_rewrite/program_rewrites.h"

#include "program_rewrite/copy_elision.h"
#include "program_rewrite/in_place_cache_updates.h"

namespace et_llm::program_rewrite {
namespace {

std::vector<Rewrite> keep_and_apply(std::vector<Rewrite> found, std::vector<Plan>& plans,
                                    const std::function<bool(const Rewrite&)>& keep) {
  std::vector<Rewrite> kept;
  for (Rewrite& rewrite : found) {
    if (!keep(rewrite)) continue;
    apply_rewrite(rewrite, plans);
    kept.push_back(std::move(rewrite));
  }
  return kept;
}

}  // namespace

ProgramRewrites plan_program_rewrites(std::vector<Plan>& plans,
                                      const std::function<bool(const Rewrite&)>& keep) {
  ProgramRewrites out;
  out.cache_updates = keep_and_apply(find_in_place_cache_updates(plans), plans, keep);
  out.elided_copies = keep_and_apply(find_elidable_copies(plans), plans, keep);
  return out;
}

}  // namespace et_llm::program_rewrite
