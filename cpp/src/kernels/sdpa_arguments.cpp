#include "kernels/sdpa_arguments.h"

#include <executorch/runtime/core/exec_aten/util/tensor_util.h>

#include <cinttypes>
#include <cmath>

#include "kernels/attention.h"
#include "kernels/kernel_checks.h"

namespace et_llm::kernels::detail {
namespace {

// Which tensor dimensions hold the sequence and the heads.
struct Axes {
  int seq;
  int head;
};

Operand make_operand(const Tensor& t, Axes axes) {
  Operand operand;
  operand.data = t.const_data_ptr();
  operand.type = *element_type(t.scalar_type());
  operand.stride_batch = t.strides()[0];
  operand.stride_head = t.strides()[axes.head];
  operand.stride_seq = t.strides()[axes.seq];
  return operand;
}

bool check_operand(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t) {
  ET_LLM_KERNEL_CHECK(ctx, t.dim() == 4, op, "%s must be 4-D, got %zd dims", name,
                      static_cast<ssize_t>(t.dim()));
  ET_LLM_KERNEL_CHECK(ctx, last_dim_contiguous(t), op, "%s: head_dim must be contiguous", name);
  return true;
}

// Per-token parameters [batch, seq, heads, 1] (or [batch, heads, seq, 1]) of
// the int8 tensor `values`.
bool make_token_quantization(KernelRuntimeContext& ctx, const char* op, const char* name,
                             const Tensor& values, const std::optional<Tensor>& zero_points,
                             const std::optional<Tensor>& scales, Axes axes,
                             TokenQuantization* quantization) {
  ET_LLM_KERNEL_CHECK(ctx, zero_points.has_value() && scales.has_value(), op,
                      "int8 %s needs its zero points and scales", name);
  for (const Tensor* params : {&*zero_points, &*scales}) {
    ET_LLM_KERNEL_CHECK(ctx, params->dim() == 4 && params->size(3) == 1, op,
                        "%s quantization parameters must be [..., 1]", name);
    for (int d = 0; d < 3; ++d) {
      ET_LLM_KERNEL_CHECK(ctx, params->size(d) == values.size(d), op,
                          "%s quantization parameters: size %zd at dim %d, %s has %zd", name,
                          static_cast<ssize_t>(params->size(d)), d, name,
                          static_cast<ssize_t>(values.size(d)));
    }
  }
  ET_LLM_KERNEL_CHECK(ctx, scales->scalar_type() == ScalarType::Float, op,
                      "%s scales must be float32", name);
  ET_LLM_KERNEL_CHECK(ctx, zero_points->scalar_type() == ScalarType::Char, op,
                      "%s zero points must be int8", name);
  quantization->scales = scales->const_data_ptr<float>();
  quantization->zero_points = zero_points->const_data_ptr<int8_t>();
  quantization->scale_stride_batch = scales->strides()[0];
  quantization->scale_stride_head = scales->strides()[axes.head];
  quantization->scale_stride_seq = scales->strides()[axes.seq];
  quantization->zero_point_stride_batch = zero_points->strides()[0];
  quantization->zero_point_stride_head = zero_points->strides()[axes.head];
  quantization->zero_point_stride_seq = zero_points->strides()[axes.seq];
  return true;
}

bool check_types(KernelRuntimeContext& ctx, const SdpaArguments& args, bool quantized) {
  const char* op = args.op;
  const ScalarType q_type = args.query.scalar_type();
  if (quantized) {
    ET_LLM_KERNEL_CHECK(ctx, args.quantization != nullptr, op,
                        "int8 query needs custom_quantized_sdpa");
    ET_LLM_KERNEL_CHECK(
        ctx,
        args.key.scalar_type() == ScalarType::Char && args.value.scalar_type() == ScalarType::Char,
        op, "with an int8 query, key and value must be int8 too");
  } else {
    ET_LLM_KERNEL_CHECK(ctx, is_floating(q_type), op,
                        "query must be float32, float16, bfloat16 (or int8 when quantized)");
    ET_LLM_KERNEL_CHECK(ctx, args.key.scalar_type() == q_type && args.value.scalar_type() == q_type,
                        op, "key and value must have the query's dtype");
  }
  const ScalarType out_type = quantized ? ScalarType::Float : q_type;
  ET_LLM_KERNEL_CHECK(ctx, args.out.scalar_type() == out_type, op, "out has dtype %d, expected %d",
                      static_cast<int>(args.out.scalar_type()), static_cast<int>(out_type));
  return true;
}

}  // namespace

bool run_sdpa(KernelRuntimeContext& ctx, const SdpaArguments& args) {
  const char* op = args.op;
  if (!check_operand(ctx, op, "query", args.query) || !check_operand(ctx, op, "key", args.key) ||
      !check_operand(ctx, op, "value", args.value)) {
    return false;
  }
  const bool quantized = args.query.scalar_type() == ScalarType::Char;
  if (!check_types(ctx, args, quantized)) return false;

  const Axes axes = args.seq_at_dim_2 ? Axes{2, 1} : Axes{1, 2};
  AttentionProblem problem;
  problem.batch = args.query.size(0);
  problem.q_heads = args.query.size(axes.head);
  problem.q_len = args.query.size(axes.seq);
  problem.head_dim = args.query.size(3);
  problem.kv_heads = args.key.size(axes.head);
  const int64_t kv_capacity = args.key.size(axes.seq);
  for (int d = 0; d < 4; ++d) {
    ET_LLM_KERNEL_CHECK(ctx, args.key.size(d) == args.value.size(d), op,
                        "key and value differ in size at dim %d", d);
  }
  ET_LLM_KERNEL_CHECK(ctx, args.key.size(0) == problem.batch, op,
                      "key batch %zd != query batch %zd", static_cast<ssize_t>(args.key.size(0)),
                      static_cast<ssize_t>(problem.batch));
  ET_LLM_KERNEL_CHECK(
      ctx, args.key.size(3) == problem.head_dim, op, "key head_dim %zd != query head_dim %zd",
      static_cast<ssize_t>(args.key.size(3)), static_cast<ssize_t>(problem.head_dim));
  ET_LLM_KERNEL_CHECK(ctx, problem.head_dim > 0 && problem.head_dim <= kMaxHeadDim, op,
                      "head_dim %" PRId64 " outside [1, %" PRId64 "]", problem.head_dim,
                      kMaxHeadDim);
  ET_LLM_KERNEL_CHECK(ctx, problem.kv_heads > 0 && problem.q_heads % problem.kv_heads == 0, op,
                      "%" PRId64 " query heads are not a multiple of %" PRId64 " key/value heads",
                      problem.q_heads, problem.kv_heads);

  if (args.attn_mask.has_value()) {
    const Tensor& mask = *args.attn_mask;
    ET_LLM_KERNEL_CHECK(ctx, !args.is_causal, op,
                        "attn_mask and is_causal cannot be set at the same time");
    ET_LLM_KERNEL_CHECK(ctx, mask.dim() == 2, op, "attn_mask must be 2-D");
    ET_LLM_KERNEL_CHECK(ctx, mask.size(0) == problem.q_len && mask.size(1) == kv_capacity, op,
                        "attn_mask is [%zd, %zd], expected [%" PRId64 ", %" PRId64 "]",
                        static_cast<ssize_t>(mask.size(0)), static_cast<ssize_t>(mask.size(1)),
                        problem.q_len, kv_capacity);
    ET_LLM_KERNEL_CHECK(ctx, is_floating(mask.scalar_type()), op,
                        "attn_mask must be a floating-point (additive) mask");
    ET_LLM_KERNEL_CHECK(ctx, last_dim_contiguous(mask), op, "attn_mask rows must be contiguous");
    problem.mask = mask.const_data_ptr();
    problem.mask_type = *element_type(mask.scalar_type());
    problem.mask_row_stride = mask.strides()[0];
    problem.kv_len = kv_capacity;
  } else {
    ET_LLM_KERNEL_CHECK(
        ctx, args.start_pos >= 0 && args.start_pos + problem.q_len <= kv_capacity, op,
        "start_pos %" PRId64 " + seq_len %" PRId64 " exceeds the %" PRId64 " cached positions",
        args.start_pos, problem.q_len, kv_capacity);
    problem.kv_len = args.start_pos + problem.q_len;
  }
  problem.causal = args.is_causal;
  problem.start_pos = args.start_pos;
  problem.scale = static_cast<float>(args.scale.has_value()
                                         ? *args.scale
                                         : 1.0 / std::sqrt(static_cast<double>(problem.head_dim)));

  problem.query = make_operand(args.query, axes);
  problem.key = make_operand(args.key, axes);
  problem.value = make_operand(args.value, axes);
  if (quantized) {
    const QuantizationArgs& q = *args.quantization;
    if (!make_token_quantization(ctx, op, "query", args.query, q.q_zero_points, q.q_scales, axes,
                                 &problem.query.quantization) ||
        !make_token_quantization(ctx, op, "key", args.key, q.k_zero_points, q.k_scales, axes,
                                 &problem.key.quantization) ||
        !make_token_quantization(ctx, op, "value", args.value, q.v_zero_points, q.v_scales, axes,
                                 &problem.value.quantization)) {
      return false;
    }
  }

  ET_LLM_KERNEL_CHECK(ctx,
                      executorch::runtime::resize_tensor(args.out, args.query.sizes()) ==
                          executorch::runtime::Error::Ok,
                      op, "cannot resize out to the query's shape");
  ET_LLM_KERNEL_CHECK(ctx, last_dim_contiguous(args.out), op, "out: head_dim must be contiguous");
  problem.out.data = args.out.mutable_data_ptr();
  problem.out.type = *element_type(args.out.scalar_type());
  problem.out.stride_batch = args.out.strides()[0];
  problem.out.stride_head = args.out.strides()[axes.head];
  problem.out.stride_seq = args.out.strides()[axes.seq];

  run_attention(problem);
  return true;
}

}  // namespace et_llm::kernels::detail
