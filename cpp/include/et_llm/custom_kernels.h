// CPU kernels for the `llama::` custom ops that upstream's fast-attention export
// emits (export_llm `use_sdpa_with_kv_cache`, optimum's `--use_custom_sdpa
// --use_custom_kv_cache`, quantized KV caches). The executorch wheel's runtime
// has no kernels for them, so et_llm registers its own: programs that call them
// load and run without torch.
//
// Layouts follow upstream: query/key/value and the caches are
// [batch, seq, heads, head_dim] (custom_quantized_sdpa may say [batch, heads,
// seq, head_dim] with is_seq_at_dim_2), head_dim contiguous.
#pragma once

#include <executorch/runtime/core/exec_aten/exec_aten.h>
#include <executorch/runtime/kernel/kernel_runtime_context.h>

#include <cstdint>
#include <optional>

#include "et_llm/error.h"

namespace et_llm {

// Registers the kernels below with the ExecuTorch runtime under their upstream
// names. Idempotent and thread-safe; load_module() calls it before opening any
// program. An op some other library already registered in this process (for
// example upstream's libcustom_ops_aot_lib, loaded by importing
// executorch.extension.llm.custom_ops) keeps that kernel.
// Note: the reverse order cannot be handled here — loading upstream's library
// after these kernels were registered makes the runtime abort on the duplicate.
Error register_custom_kernels();

// The unboxed kernels, with the arguments of their op schemas. They report bad
// arguments through ctx.fail(InvalidArgument) (plus a runtime log line) and
// never abort. Exposed for tests and for embedders who call them directly.
namespace kernels {

using executorch::aten::Tensor;
using executorch::runtime::KernelRuntimeContext;

// llama::custom_sdpa.out(Tensor query, Tensor key, Tensor value, SymInt start_pos,
//   Tensor? attn_mask=None, float drpout_p=0., bool is_causal=False,
//   float? scale=None, *, Tensor(a!) out) -> Tensor(a!)
// Without attn_mask the keys are key[:, :start_pos + seq_len]; with is_causal,
// query row i (position start_pos + i) sees keys 0..start_pos + i. With
// attn_mask ([seq_len, key.size(1)], added to the scaled scores) all keys of
// `key` are used and is_causal must be false. dropout is ignored (inference).
Tensor& custom_sdpa_out(KernelRuntimeContext& ctx, const Tensor& query, const Tensor& key,
                        const Tensor& value, int64_t start_pos,
                        const std::optional<Tensor>& attn_mask, double dropout_p, bool is_causal,
                        std::optional<double> scale, Tensor& out);

// llama::sdpa_with_kv_cache.out(Tensor query, Tensor key, Tensor value,
//   Tensor(a!) key_cache, Tensor(b!) value_cache, SymInt start_pos, SymInt seq_len,
//   Tensor? attn_mask=None, float drpout_p=0., bool is_causal=False,
//   float? scale=None, *, Tensor(c!) out) -> Tensor(c!)
// Writes key/value into the caches at start_pos, then custom_sdpa over the caches.
// seq_len is not used (query.size(1) is), as upstream.
Tensor& sdpa_with_kv_cache_out(KernelRuntimeContext& ctx, const Tensor& query, const Tensor& key,
                               const Tensor& value, Tensor& key_cache, Tensor& value_cache,
                               int64_t start_pos, int64_t seq_len,
                               const std::optional<Tensor>& attn_mask, double dropout_p,
                               bool is_causal, std::optional<double> scale, Tensor& out);

// llama::update_cache.out(Tensor value, Tensor(a!) cache, SymInt start_pos, *,
//   Tensor(b!) out) -> Tensor(b!)
// cache[:, start_pos:start_pos + value.size(1)] = value (any dtype of equal size).
// `out` is a placeholder the op leaves untouched, as upstream does.
Tensor& update_cache_out(KernelRuntimeContext& ctx, const Tensor& value, Tensor& cache,
                         int64_t start_pos, Tensor& out);

// llama::update_cache_with_indices.out(Tensor value, Tensor(a!) cache, SymInt
//   start_pos, Tensor indices, *, Tensor(b!) out) -> Tensor(b!)
// cache[b, indices[b, s]] = value[b, s]; start_pos is not used.
Tensor& update_cache_with_indices_out(KernelRuntimeContext& ctx, const Tensor& value, Tensor& cache,
                                      int64_t start_pos, const Tensor& indices, Tensor& out);

// llama::custom_quantized_sdpa.out(Tensor query, Tensor key, Tensor value,
//   SymInt start_pos, Tensor? attn_mask=None, float drpout_p=0., bool is_causal=False,
//   float? scale=None, Tensor? q_zero_points=None, Tensor? q_scales=None,
//   Tensor? k_zero_points=None, Tensor? k_scales=None, Tensor? v_zero_points=None,
//   Tensor? v_scales=None, bool is_seq_at_dim_2=False, *, Tensor(a!) out) -> Tensor(a!)
// int8 query/key/value with per-token parameters ([..., 1]: x = (q - zero_point)
// * scale); float32 query/key/value are accepted too (then no parameters).
// `out` is float32.
Tensor& custom_quantized_sdpa_out(
    KernelRuntimeContext& ctx, const Tensor& query, const Tensor& key, const Tensor& value,
    int64_t start_pos, const std::optional<Tensor>& attn_mask, double dropout_p, bool is_causal,
    std::optional<double> scale, const std::optional<Tensor>& q_zero_points,
    const std::optional<Tensor>& q_scales, const std::optional<Tensor>& k_zero_points,
    const std::optional<Tensor>& k_scales, const std::optional<Tensor>& v_zero_points,
    const std::optional<Tensor>& v_scales, bool is_seq_at_dim_2, Tensor& out);

}  // namespace kernels
}  // namespace et_llm
