// Finds the KV-cache updates a plain-attention export performs out of place
// and plans the argument patches that make them in-place.
//
// torch.export functionalizes `cache[:, :, pos] = k` on a mutable buffer B
// into `T = index_put(B, [pos], k)` (a full copy of the cache with the new
// rows), uses T for attention, and writes it back with `copy_(B, T)` at the
// end of the method: two whole-cache copies per cache per token, which
// upstream's runtime executes as written. When the plan proves nothing reads
// B between the update and the write-back, and nothing uses T after it, T can
// be B: the update then writes only the new rows and the write-back copies a
// buffer onto itself, which et_llm's kernels for those calls skip.
#pragma once

#include <vector>

#include "program_rewrite/program_model.h"
#include "program_rewrite/rewrite.h"

namespace et_llm::program_rewrite {

// One rewrite per cache: first_instruction is the update, last_instruction
// the write-back.
std::vector<Rewrite> find_in_place_cache_updates(const std::vector<Plan>& plans);

}  // namespace et_llm::program_rewrite
