// Kernels for the calls a load-time program rewrite makes aliasing, and their
// registration.
//
// A rewrite patches a call so that an output names one of its inputs:
// `index_put.out` / `index_copy.out` whose `out` is `self` write only the
// indexed rows; `copy_` and `expand_copy.out` of a tensor onto itself do
// nothing. Any other call to these ops (another program's, or one not
// rewritten) goes to the kernel the runtime would have used, so registering
// them changes no other result.
#pragma once

#include <executorch/runtime/core/evalue.h>
#include <executorch/runtime/kernel/kernel_runtime_context.h>
#include <executorch/runtime/kernel/operator_registry.h>

#include "et_llm/error.h"
#include "program_rewrite/rewrite.h"

namespace et_llm::kernels {

using executorch::runtime::EValue;
using executorch::runtime::KernelRuntimeContext;
using executorch::runtime::Span;

void index_put_kernel(KernelRuntimeContext& ctx, Span<EValue*> stack);
void index_copy_kernel(KernelRuntimeContext& ctx, Span<EValue*> stack);
void copy_kernel(KernelRuntimeContext& ctx, Span<EValue*> stack);
void expand_copy_kernel(KernelRuntimeContext& ctx, Span<EValue*> stack);

// Registers the kernel for `signature` under the runtime's kernel key for
// exactly those tensor dtypes and dim orders (the runtime prefers a key match
// to its generic kernel). Idempotent. Fails, leaving the registry as it was,
// when the op has no rewrite kernel, no generic kernel to fall back to, the
// key is taken by another library, or the process registered too many keys.
Error register_rewrite_kernel(const program_rewrite::KernelSignature& signature);

// Calls the runtime's own kernel for `op` (looked up when the rewrite kernel
// for `op` was registered).
void call_runtime_kernel(const char* op, KernelRuntimeContext& ctx, Span<EValue*> stack);

}  // namespace et_llm::kernels
