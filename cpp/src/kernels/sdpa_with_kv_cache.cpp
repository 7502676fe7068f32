// llama::sdpa_with_kv_cache.out: the older fused form — write the new key and
// value rows into the caches, then attend over the caches.
#include "et_llm/custom_kernels.h"
#include "kernels/cache_update.h"
#include "kernels/sdpa_arguments.h"

namespace et_llm::kernels {
namespace {
constexpr const char* kOp = "llama::sdpa_with_kv_cache.out";
}  // namespace

Tensor& sdpa_with_kv_cache_out(KernelRuntimeContext& ctx, const Tensor& query, const Tensor& key,
                               const Tensor& value, Tensor& key_cache, Tensor& value_cache,
                               int64_t start_pos, int64_t /*seq_len*/,
                               const std::optional<Tensor>& attn_mask, double /*dropout_p*/,
                               bool is_causal, std::optional<double> scale, Tensor& out) {
  // Like upstream, the rows written are key/value's and the attended length is
  // start_pos + query.size(1); `seq_len` itself is not used.
  if (!detail::write_cache_rows(ctx, kOp, key, key_cache, start_pos, nullptr) ||
      !detail::write_cache_rows(ctx, kOp, value, value_cache, start_pos, nullptr)) {
    return out;
  }
  detail::run_sdpa(ctx, {kOp, query, key_cache, value_cache, start_pos, attn_mask, is_causal, scale,
                         /*seq_at_dim_2=*/false, /*quantization=*/nullptr, out});
  return out;
}

}  // namespace et_llm::kernels
