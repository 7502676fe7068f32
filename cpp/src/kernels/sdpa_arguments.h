// From the op arguments of custom_sdpa / sdpa_with_kv_cache /
// custom_quantized_sdpa to a checked AttentionProblem, and the run itself.
#pragma once

#include <executorch/runtime/core/exec_aten/exec_aten.h>
#include <executorch/runtime/kernel/kernel_runtime_context.h>

#include <cstdint>
#include <optional>

namespace et_llm::kernels::detail {

using executorch::aten::Tensor;
using executorch::runtime::KernelRuntimeContext;

// Per-token parameters of int8 query/key/value (custom_quantized_sdpa).
struct QuantizationArgs {
  const std::optional<Tensor>& q_zero_points;
  const std::optional<Tensor>& q_scales;
  const std::optional<Tensor>& k_zero_points;
  const std::optional<Tensor>& k_scales;
  const std::optional<Tensor>& v_zero_points;
  const std::optional<Tensor>& v_scales;
};

struct SdpaArguments {
  const char* op;  // op name, for error messages
  const Tensor& query;
  const Tensor& key;
  const Tensor& value;
  int64_t start_pos;
  const std::optional<Tensor>& attn_mask;
  bool is_causal;
  std::optional<double> scale;
  bool seq_at_dim_2;  // [batch, heads, seq, dim] instead of [batch, seq, heads, dim]
  const QuantizationArgs* quantization;  // null: floating-point operands
  Tensor& out;
};

// Checks the arguments, resizes `out` to the query's shape and computes the
// attention. On bad arguments logs why, fails `ctx` and returns false.
bool run_sdpa(KernelRuntimeContext& ctx, const SdpaArguments& args);

}  // namespace et_llm::kernels::detail
