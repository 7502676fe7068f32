// Finds copies whose output equals their input and plans the patches that
// drop them.
//
// Decomposed attention expands tensors to the shape they already have (GQA's
// `expand` after `repeat_interleave` folded to one group, the scaled keys and
// values before the batched matmuls): `O = expand_copy(I, I.shape)` copies a
// whole [heads, context, head_dim] tensor per layer per token. When both
// shapes are static and equal, and nothing reuses I's memory while O is in
// use, O can be I: later instructions read I, and the copy, now of I onto
// itself, is skipped by et_llm's kernel for that call.
#pragma once

#include <vector>

#include "program_rewrite/program_model.h"
#include "program_rewrite/rewrite.h"

namespace et_llm::program_rewrite {

// One rewrite per copy: first_instruction is the copy, last_instruction the
// last use of its output. Run after the cache-update rewrites are applied to
// `plans`, so buffers they update in place count as written.
std::vector<Rewrite> find_elidable_copies(const std::vector<Plan>& plans);

}  // namespace et_llm::program_rewrite
