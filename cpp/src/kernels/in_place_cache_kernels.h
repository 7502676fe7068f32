// Kernels for the calls an in-place cache-update rewrite makes aliasing:
// `index_put.out` / `index_copy.out` whose `out` is `self` write only the
// indexed rows, and `copy_` of a tensor onto itself does nothing. Any other
// call (another program's, or an unaliased one) goes to the kernel the
// runtime would have used, so registering them changes no other result.
#pragma once

#include "et_llm/error.h"
#include "program_rewrite/in_place_cache_updates.h"

namespace et_llm::kernels {

// Registers the kernel for `signature` under the runtime's kernel key for
// exactly those tensor dtypes and dim orders (the runtime prefers a key match
// to its generic kernel). Idempotent. Fails, leaving the registry as it was,
// when the op has no in-place kernel, no generic kernel to fall back to, the
// key is taken by another library, or the process registered too many keys.
Error register_in_place_kernel(const program_rewrite::KernelSignature &signature);

}  // namespace et_llm::kernels
