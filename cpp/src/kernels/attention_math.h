// The inner loops of the attention engine, on float32 rows. Compiled once for
// the baseline instruction set and, on x86-64, once more for AVX2+FMA; the
// variant is picked at run time from the CPU's features.
#pragma once

#include <cstdint>

namespace et_llm::kernels::detail {

constexpr int kTileRows = 8;   // query rows one tile processes together
constexpr int kKeyBlock = 64;  // keys per block; score rows are kKeyBlock apart

struct AttentionMath {
  // scores[r * kKeyBlock + j] = dot(q + r * dim, keys[j]) for r < rows, j < n_keys.
  void (*scores)(const float* q, int rows, int64_t dim, const float* const* keys, int n_keys,
                 float* scores);
  // acc[r * dim + d] += sum_j weights[r * kKeyBlock + j] * values[j][d].
  void (*accumulate)(const float* weights, int rows, int n_keys, const float* const* values,
                     int64_t dim, float* acc);
  // x[i] = exp(x[i] - shift) for i < n (-inf gives 0); returns the sum.
  float (*exp_sum)(float* x, int n, float shift);
  // x[i] *= factor for i < n.
  void (*scale)(float* x, int64_t n, float factor);
};

const AttentionMath& attention_math();

}  // namespace et_llm::kernels::detail
