// The attention engine behind llama::custom_sdpa, sdpa_with_kv_cache and
// custom_quantized_sdpa: a blocked online-softmax ("flash") attention over
// strided operands, multi-threaded on the ExecuTorch thread pool.
//
// Work is cut into tiles: a few query rows that share one KV head (all GQA
// heads of a position go in the same tile, so each key/value row is read once
// for all of them). When there are fewer tiles than threads (decode), the key
// range is split as well and the partial softmax results are merged.
#pragma once

#include <cstdint>

namespace et_llm::kernels::detail {

enum class ElementType { Float32, Float16, BFloat16, Int8 };

// Per-token quantization parameters of an int8 operand: x = (q - zero_point) * scale.
struct TokenQuantization {
  const float* scales = nullptr;
  const int8_t* zero_points = nullptr;
  int64_t scale_stride_batch = 0, scale_stride_head = 0, scale_stride_seq = 0;
  int64_t zero_point_stride_batch = 0, zero_point_stride_head = 0, zero_point_stride_seq = 0;
};

// A [batch, heads, seq, head_dim] operand addressed by element strides; the
// head_dim axis is contiguous.
struct Operand {
  const void* data = nullptr;
  ElementType type = ElementType::Float32;
  int64_t stride_batch = 0, stride_head = 0, stride_seq = 0;
  TokenQuantization quantization;  // Int8 only
};

struct OutputOperand {
  void* data = nullptr;
  ElementType type = ElementType::Float32;
  int64_t stride_batch = 0, stride_head = 0, stride_seq = 0;
};

struct AttentionProblem {
  int64_t batch = 0, q_heads = 0, kv_heads = 0, q_len = 0, head_dim = 0;
  int64_t kv_len = 0;   // keys [0, kv_len) of `key`/`value` take part
  bool causal = false;  // query row i sees keys [0, start_pos + i]
  int64_t start_pos = 0;
  float scale = 1.0f;
  Operand query, key, value;
  // Optional additive mask [q_len, >= kv_len] (Float32/Float16/BFloat16).
  const void* mask = nullptr;
  ElementType mask_type = ElementType::Float32;
  int64_t mask_row_stride = 0;
  OutputOperand out;
};

// Largest head_dim the engine accepts (its per-tile buffers live on the stack).
constexpr int64_t kMaxHeadDim = 4096;

// Computes softmax(q k^T * scale + mask) v for a problem the caller validated.
void run_attention(const AttentionProblem& problem);

}  // namespace et_llm::kernels::detail
