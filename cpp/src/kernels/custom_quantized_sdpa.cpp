// llama::custom_quantized_sdpa.out: attention over an int8 KV cache with
// per-token scales and zero points (upstream's quantize_kv_cache export).
#include "et_llm/custom_kernels.h"
#include "kernels/sdpa_arguments.h"

namespace et_llm::kernels {

Tensor& custom_quantized_sdpa_out(
    KernelRuntimeContext& ctx, const Tensor& query, const Tensor& key, const Tensor& value,
    int64_t start_pos, const std::optional<Tensor>& attn_mask, double /*dropout_p*/, bool is_causal,
    std::optional<double> scale, const std::optional<Tensor>& q_zero_points,
    const std::optional<Tensor>& q_scales, const std::optional<Tensor>& k_zero_points,
    const std::optional<Tensor>& k_scales, const std::optional<Tensor>& v_zero_points,
    const std::optional<Tensor>& v_scales, bool is_seq_at_dim_2, Tensor& out) {
  const detail::QuantizationArgs quantization{q_zero_points, q_scales,      k_zero_points,
                                              k_scales,      v_zero_points, v_scales};
  detail::run_sdpa(ctx, {"llama::custom_quantized_sdpa.out", query, key, value, start_pos,
                         attn_mask, is_causal, scale, is_seq_at_dim_2, &quantization, out});
  return out;
}

}  // namespace et_llm::kernels
