// llama::custom_sdpa.out: attention of a query block over a [batch, seq,
// heads, head_dim] KV cache the program already updated.
#include "et_llm/custom_kernels.h"
#include "kernels/sdpa_arguments.h"

namespace et_llm::kernels {

Tensor& custom_sdpa_out(KernelRuntimeContext& ctx, const Tensor& query, const Tensor& key,
                        const Tensor& value, int64_t start_pos,
                        const std::optional<Tensor>& attn_mask, double /*dropout_p*/,
                        bool is_causal, std::optional<double> scale, Tensor& out) {
  detail::run_sdpa(ctx, {"llama::custom_sdpa.out", query, key, value, start_pos, attn_mask,
                         is_causal, scale, /*seq_at_dim_2=*/false, /*quantization=*/nullptr, out});
  return out;
}

}  // namespace et_llm::kernels
