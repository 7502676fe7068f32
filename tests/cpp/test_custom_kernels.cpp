// The llama:: custom-op kernels against a plain reference attention (double
// precision) on random tensors: shapes, GQA ratios, start positions, lengths up
// to the cache size, masks, dtypes, int8 caches; plus cache updates, argument
// errors (the call fails, nothing aborts) and registration.
#include <executorch/runtime/core/evalue.h>
#include <executorch/runtime/kernel/operator_registry.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <tuple>
#include <vector>

#include "et_llm/custom_kernels.h"
#include "et_llm/llm_runner_helpers.h"

namespace {

using executorch::aten::BFloat16;
using executorch::aten::Half;
using executorch::aten::ScalarType;
using executorch::aten::Tensor;
using executorch::aten::TensorImpl;
using executorch::runtime::EValue;
using executorch::runtime::KernelRuntimeContext;
namespace kernels = et_llm::kernels;

constexpr float kInf = std::numeric_limits<float>::infinity();

// A contiguous tensor that owns its data. `values` holds the logical values as
// doubles (what the reference sees after rounding to the dtype).
class TestTensor {
 public:
  TestTensor(ScalarType type, std::vector<int32_t> sizes)
      : type_(type), sizes_(std::move(sizes)), dim_order_(sizes_.size()), strides_(sizes_.size()) {
    int64_t numel = 1;
    for (size_t d = sizes_.size(); d-- > 0;) {
      dim_order_[d] = static_cast<uint8_t>(d);
      strides_[d] = static_cast<int32_t>(numel);
      numel *= sizes_[d];
    }
    values_.assign(numel, 0.0);
    storage_.assign(numel * element_size(), 0);
    impl_ = std::make_unique<TensorImpl>(type_, static_cast<ssize_t>(sizes_.size()), sizes_.data(),
                                         storage_.data(), dim_order_.data(), strides_.data());
  }

  Tensor tensor() { return Tensor(impl_.get()); }
  int64_t numel() const { return static_cast<int64_t>(values_.size()); }
  int32_t size(int d) const { return sizes_[d]; }

  void set(int64_t i, double v) {
    switch (type_) {
      case ScalarType::Float: {
        const float f = static_cast<float>(v);
        std::memcpy(storage_.data() + i * 4, &f, 4);
        values_[i] = f;
        break;
      }
      case ScalarType::Half: {
        const Half h(static_cast<float>(v));
        std::memcpy(storage_.data() + i * 2, &h, 2);
        values_[i] = static_cast<float>(h);
        break;
      }
      case ScalarType::BFloat16: {
        const BFloat16 h(static_cast<float>(v));
        std::memcpy(storage_.data() + i * 2, &h, 2);
        values_[i] = static_cast<float>(h);
        break;
      }
      case ScalarType::Char: {
        const int8_t c = static_cast<int8_t>(std::clamp(std::lround(v), -128L, 127L));
        storage_[i] = static_cast<uint8_t>(c);
        values_[i] = c;
        break;
      }
      case ScalarType::Long: {
        const int64_t l = static_cast<int64_t>(v);
        std::memcpy(storage_.data() + i * 8, &l, 8);
        values_[i] = static_cast<double>(l);
        break;
      }
      default:
        ADD_FAILURE() << "unsupported test dtype";
    }
  }

  // The stored value at `i`, read back from the tensor's memory.
  double get(int64_t i) const {
    switch (type_) {
      case ScalarType::Float: {
        float f;
        std::memcpy(&f, storage_.data() + i * 4, 4);
        return f;
      }
      case ScalarType::Half: {
        Half h;
        std::memcpy(&h, storage_.data() + i * 2, 2);
        return static_cast<float>(h);
      }
      case ScalarType::BFloat16: {
        BFloat16 h;
        std::memcpy(&h, storage_.data() + i * 2, 2);
        return static_cast<float>(h);
      }
      case ScalarType::Char:
        return static_cast<int8_t>(storage_[i]);
      default:
        return 0.0;
    }
  }

  double value(int64_t i) const { return values_[i]; }

  void fill_random(std::mt19937& rng, double lo, double hi) {
    std::uniform_real_distribution<double> dist(lo, hi);
    for (int64_t i = 0; i < numel(); ++i) set(i, dist(rng));
  }

  size_t element_size() const {
    switch (type_) {
      case ScalarType::Half:
      case ScalarType::BFloat16:
        return 2;
      case ScalarType::Char:
        return 1;
      case ScalarType::Long:
        return 8;
      default:
        return 4;
    }
  }

 private:
  ScalarType type_;
  std::vector<int32_t> sizes_;
  std::vector<uint8_t> dim_order_;
  std::vector<int32_t> strides_;
  std::vector<uint8_t> storage_;
  std::vector<double> values_;
  std::unique_ptr<TensorImpl> impl_;
};

// Offsets into [batch, seq, heads, dim] (or [batch, heads, seq, dim]).
struct Layout {
  int64_t seq_len, heads, dim;
  bool seq_at_dim_2 = false;
  int64_t at(int64_t b, int64_t s, int64_t h, int64_t d) const {
    return seq_at_dim_2 ? ((b * heads + h) * seq_len + s) * dim + d
                        : ((b * seq_len + s) * heads + h) * dim + d;
  }
};

// Dequantized value accessor: (x - zero_point) * scale per token, or identity.
struct Dequant {
  const TestTensor* zero_points = nullptr;
  const TestTensor* scales = nullptr;
  Layout token_layout{};  // dim = 1
  double operator()(const TestTensor& t, const Layout& l, int64_t b, int64_t s, int64_t h,
                    int64_t d) const {
    const double x = t.value(l.at(b, s, h, d));
    if (scales == nullptr) return x;
    const int64_t i = token_layout.at(b, s, h, 0);
    return (x - zero_points->value(i)) * scales->value(i);
  }
};

struct Case {
  int batch = 1, q_heads = 4, kv_heads = 2, dim = 16, capacity = 32, seq_len = 1;
  int start_pos = 0;
  bool causal = true;
  bool mask = false;
  // With `mask`: when window_len > 0, row i sees only the ring-buffer slots
  // (window_begin + i + t) % capacity, t < window_len; all else is -inf.
  int window_begin = 0, window_len = 0;
  std::optional<double> scale;
  bool seq_at_dim_2 = false;
};

Case shape(int q_heads, int kv_heads, int dim, int capacity, int seq_len, int start_pos) {
  Case c;
  c.q_heads = q_heads;
  c.kv_heads = kv_heads;
  c.dim = dim;
  c.capacity = capacity;
  c.seq_len = seq_len;
  c.start_pos = start_pos;
  return c;
}

std::string describe(const Case& c) {
  return "B" + std::to_string(c.batch) + " Hq" + std::to_string(c.q_heads) + " Hkv" +
         std::to_string(c.kv_heads) + " D" + std::to_string(c.dim) + " C" +
         std::to_string(c.capacity) + " S" + std::to_string(c.seq_len) + " start" +
         std::to_string(c.start_pos) + (c.causal ? " causal" : "") + (c.mask ? " mask" : "");
}

// softmax(q k^T * scale + mask) v in double precision.
std::vector<double> reference_attention(const Case& c, const TestTensor& q, const TestTensor& k,
                                        const TestTensor& v, const TestTensor* mask,
                                        const Dequant& dq_q = {}, const Dequant& dq_k = {},
                                        const Dequant& dq_v = {}) {
  const Layout ql{c.seq_len, c.q_heads, c.dim, c.seq_at_dim_2};
  const Layout kl{c.capacity, c.kv_heads, c.dim, c.seq_at_dim_2};
  const int64_t kv_len = mask != nullptr ? c.capacity : c.start_pos + c.seq_len;
  const double scale = c.scale.value_or(1.0 / std::sqrt(static_cast<double>(c.dim)));
  const int reps = c.q_heads / c.kv_heads;
  std::vector<double> out(static_cast<size_t>(c.batch) * c.seq_len * c.q_heads * c.dim, 0.0);
  std::vector<double> weights(kv_len);
  for (int b = 0; b < c.batch; ++b) {
    for (int h = 0; h < c.q_heads; ++h) {
      const int g = h / reps;
      for (int i = 0; i < c.seq_len; ++i) {
        double max_score = -kInf;
        for (int64_t j = 0; j < kv_len; ++j) {
          double s = -kInf;
          if (!c.causal || j <= c.start_pos + i) {
            s = 0.0;
            for (int d = 0; d < c.dim; ++d) {
              s += dq_q(q, ql, b, i, h, d) * dq_k(k, kl, b, j, g, d);
            }
            s *= scale;
            if (mask != nullptr) s += mask->value(i * c.capacity + j);
          }
          weights[j] = s;
          max_score = std::max(max_score, s);
        }
        double sum = 0.0;
        for (int64_t j = 0; j < kv_len; ++j) {
          weights[j] = weights[j] == -kInf ? 0.0 : std::exp(weights[j] - max_score);
          sum += weights[j];
        }
        for (int d = 0; d < c.dim; ++d) {
          double acc = 0.0;
          for (int64_t j = 0; j < kv_len; ++j) acc += weights[j] * dq_v(v, kl, b, j, g, d);
          out[ql.at(b, i, h, d)] = acc / sum;
        }
      }
    }
  }
  return out;
}

// A random additive mask with some -inf entries, never a fully masked row.
void fill_mask(TestTensor& mask, const Case& c, std::mt19937& rng) {
  std::uniform_real_distribution<double> value(-2.0, 2.0);
  std::bernoulli_distribution blocked(0.3);
  for (int i = 0; i < c.seq_len; ++i) {
    for (int j = 0; j < c.capacity; ++j) {
      bool hidden = j > 0 && blocked(rng);
      if (c.window_len > 0) {
        const int offset = ((j - c.window_begin - i) % c.capacity + c.capacity) % c.capacity;
        hidden = offset >= c.window_len;
      }
      mask.set(i * c.capacity + j, hidden ? -kInf : value(rng));
    }
  }
}

double max_abs_diff(const TestTensor& out, const std::vector<double>& want) {
  double diff = 0.0;
  for (int64_t i = 0; i < out.numel(); ++i) diff = std::max(diff, std::abs(out.get(i) - want[i]));
  return diff;
}

void check_custom_sdpa(const Case& c, ScalarType dtype, double tolerance, double range = 1.0) {
  std::mt19937 rng(1234 + c.dim * 7 + c.seq_len * 13 + c.start_pos);
  TestTensor q(dtype, {c.batch, c.seq_len, c.q_heads, c.dim});
  TestTensor k(dtype, {c.batch, c.capacity, c.kv_heads, c.dim});
  TestTensor v(dtype, {c.batch, c.capacity, c.kv_heads, c.dim});
  TestTensor out(dtype, {c.batch, c.seq_len, c.q_heads, c.dim});
  TestTensor mask(ScalarType::Float, {c.seq_len, c.capacity});
  q.fill_random(rng, -range, range);
  k.fill_random(rng, -range, range);
  v.fill_random(rng, -range, range);
  if (c.mask) fill_mask(mask, c, rng);
  const auto want = reference_attention(c, q, k, v, c.mask ? &mask : nullptr);

  KernelRuntimeContext ctx;
  std::optional<Tensor> mask_arg;
  if (c.mask) mask_arg = mask.tensor();
  Tensor out_tensor = out.tensor();
  kernels::custom_sdpa_out(ctx, q.tensor(), k.tensor(), v.tensor(), c.start_pos, mask_arg, 0.0,
                           c.causal, c.scale, out_tensor);
  ASSERT_EQ(ctx.failure_state(), executorch::runtime::Error::Ok) << describe(c);
  EXPECT_LE(max_abs_diff(out, want), tolerance) << describe(c);
}

TEST(CustomSdpa, MatchesReferenceAcrossShapes) {
  struct HeadShape {
    int q, kv;
  };
  for (const HeadShape heads :
       {HeadShape{1, 1}, HeadShape{4, 2}, HeadShape{8, 1}, HeadShape{9, 3}, HeadShape{6, 6}}) {
    for (int dim : {4, 7, 16, 64, 256}) {
      for (int capacity : {16, 130}) {
        for (int seq_len : {1, 3, 16, capacity}) {
          for (int start_pos : {0, 5, capacity - seq_len}) {
            if (start_pos < 0 || start_pos + seq_len > capacity) continue;
            for (bool causal : {true, false}) {
              Case c = shape(heads.q, heads.kv, dim, capacity, seq_len, start_pos);
              c.causal = causal;
              check_custom_sdpa(c, ScalarType::Float, 2e-5);
            }
          }
        }
      }
    }
  }
}

TEST(CustomSdpa, BatchAndExplicitScale) {
  Case c = shape(8, 2, 32, 64, 9, 20);
  c.batch = 3;
  c.scale = 0.3;
  check_custom_sdpa(c, ScalarType::Float, 2e-5);
  c.causal = false;
  check_custom_sdpa(c, ScalarType::Float, 2e-5);
}

TEST(CustomSdpa, LargeValuesStayStable) {
  check_custom_sdpa(shape(4, 2, 128, 300, 40, 100), ScalarType::Float, 1e-4, 15.0);
}

TEST(CustomSdpa, AttentionMaskUsesTheWholeCache) {
  for (int seq_len : {1, 7, 32}) {
    for (int dim : {16, 64}) {
      Case c = shape(4, 2, dim, 96, seq_len, 0);
      c.causal = false;
      c.mask = true;
      check_custom_sdpa(c, ScalarType::Float, 2e-5);
    }
  }
}

TEST(CustomSdpa, RingBufferMaskSkipsHiddenBlocksExactly) {
  // Sliding-window layers: a 1024-slot ring cache of which a window (possibly
  // wrapping around the end) is visible; fully hidden key blocks are skipped.
  const size_t before = et_llm::get_num_threads();
  for (size_t threads : {1, 2, 3}) {
    ASSERT_FALSE(et_llm::set_num_threads(threads));
    for (auto [begin, len, seq_len] : {std::tuple{0, 1, 1},
                                       {0, 134, 1},
                                       {700, 512, 1},
                                       {1000, 100, 1},
                                       {3, 40, 5},
                                       {1020, 512, 7}}) {
      Case c = shape(4, 1, 256, 1024, seq_len, 0);
      c.causal = false;
      c.mask = true;
      c.window_begin = begin;
      c.window_len = len;
      check_custom_sdpa(c, ScalarType::Float, 2e-5);
    }
  }
  ASSERT_FALSE(et_llm::set_num_threads(before));
}

TEST(CustomSdpa, LongContextDecodeSplitsKeysAcrossThreads) {
  // Decode (one tile per KV head) with several threads: the key range is
  // split and merged; 3 threads also makes the pieces uneven.
  const size_t before = et_llm::get_num_threads();
  for (size_t threads : {1, 2, 3, 4}) {
    ASSERT_FALSE(et_llm::set_num_threads(threads));
    for (int start_pos : {0, 63, 64, 500, 1023}) {
      check_custom_sdpa(shape(4, 1, 256, 1024, 1, start_pos), ScalarType::Float, 2e-5);
      check_custom_sdpa(shape(9, 3, 64, 1024, 1, start_pos), ScalarType::Float, 2e-5);
    }
    check_custom_sdpa(shape(4, 2, 16, 200, 150, 20), ScalarType::Float, 2e-5);
  }
  ASSERT_FALSE(et_llm::set_num_threads(before));
}

TEST(CustomSdpa, HalfAndBFloat16) {
  Case c = shape(4, 2, 64, 48, 6, 10);
  check_custom_sdpa(c, ScalarType::Half, 2e-3);
  check_custom_sdpa(c, ScalarType::BFloat16, 1e-2);
  c.seq_len = 1;
  c.start_pos = 47;
  check_custom_sdpa(c, ScalarType::Half, 2e-3);
  check_custom_sdpa(c, ScalarType::BFloat16, 1e-2);
}

TEST(CustomSdpa, BadArgumentsFailTheCallWithoutAborting) {
  TestTensor q(ScalarType::Float, {1, 2, 4, 8});
  TestTensor k(ScalarType::Float, {1, 16, 3, 8});  // 4 query heads, 3 kv heads
  TestTensor good_k(ScalarType::Float, {1, 16, 2, 8});
  TestTensor out(ScalarType::Float, {1, 2, 4, 8});
  TestTensor mask(ScalarType::Float, {2, 16});
  TestTensor wrong_type_out(ScalarType::Half, {1, 2, 4, 8});
  Tensor out_tensor = out.tensor();
  {
    KernelRuntimeContext ctx;
    kernels::custom_sdpa_out(ctx, q.tensor(), k.tensor(), k.tensor(), 0, std::nullopt, 0.0, true,
                             std::nullopt, out_tensor);
    EXPECT_EQ(ctx.failure_state(), executorch::runtime::Error::InvalidArgument);
  }
  {
    KernelRuntimeContext ctx;  // start_pos + seq_len beyond the cache
    kernels::custom_sdpa_out(ctx, q.tensor(), good_k.tensor(), good_k.tensor(), 15, std::nullopt,
                             0.0, true, std::nullopt, out_tensor);
    EXPECT_EQ(ctx.failure_state(), executorch::runtime::Error::InvalidArgument);
  }
  {
    KernelRuntimeContext ctx;  // mask together with is_causal
    kernels::custom_sdpa_out(ctx, q.tensor(), good_k.tensor(), good_k.tensor(), 0, mask.tensor(),
                             0.0, true, std::nullopt, out_tensor);
    EXPECT_EQ(ctx.failure_state(), executorch::runtime::Error::InvalidArgument);
  }
  {
    KernelRuntimeContext ctx;
    Tensor bad_out = wrong_type_out.tensor();
    kernels::custom_sdpa_out(ctx, q.tensor(), good_k.tensor(), good_k.tensor(), 0, std::nullopt,
                             0.0, true, std::nullopt, bad_out);
    EXPECT_EQ(ctx.failure_state(), executorch::runtime::Error::InvalidArgument);
  }
}

TEST(SdpaWithKvCache, PrefillThenDecodeStepsUpdateTheCaches) {
  const int heads_q = 8, heads_kv = 2, dim = 32, capacity = 40;
  std::mt19937 rng(7);
  TestTensor k_cache(ScalarType::Float, {1, capacity, heads_kv, dim});
  TestTensor v_cache(ScalarType::Float, {1, capacity, heads_kv, dim});
  // What the caches should hold, filled step by step.
  TestTensor k_want(ScalarType::Float, {1, capacity, heads_kv, dim});
  TestTensor v_want(ScalarType::Float, {1, capacity, heads_kv, dim});
  int start_pos = 0;
  for (int seq_len : {13, 1, 1, 5, 1}) {
    TestTensor q(ScalarType::Float, {1, seq_len, heads_q, dim});
    TestTensor k(ScalarType::Float, {1, seq_len, heads_kv, dim});
    TestTensor v(ScalarType::Float, {1, seq_len, heads_kv, dim});
    TestTensor out(ScalarType::Float, {1, seq_len, heads_q, dim});
    q.fill_random(rng, -1, 1);
    k.fill_random(rng, -1, 1);
    v.fill_random(rng, -1, 1);
    const int64_t row = heads_kv * dim;
    for (int64_t i = 0; i < k.numel(); ++i) {
      k_want.set(start_pos * row + i, k.value(i));
      v_want.set(start_pos * row + i, v.value(i));
    }
    const Case c = shape(heads_q, heads_kv, dim, capacity, seq_len, start_pos);
    const auto want = reference_attention(c, q, k_want, v_want, nullptr);

    KernelRuntimeContext ctx;
    Tensor kc = k_cache.tensor(), vc = v_cache.tensor(), out_tensor = out.tensor();
    kernels::sdpa_with_kv_cache_out(ctx, q.tensor(), k.tensor(), v.tensor(), kc, vc, start_pos,
                                    seq_len, std::nullopt, 0.0, true, std::nullopt, out_tensor);
    ASSERT_EQ(ctx.failure_state(), executorch::runtime::Error::Ok);
    EXPECT_LE(max_abs_diff(out, want), 2e-5) << "start_pos " << start_pos;
    for (int64_t i = 0; i < k_cache.numel(); ++i) {
      ASSERT_EQ(k_cache.get(i), k_want.value(i));
      ASSERT_EQ(v_cache.get(i), v_want.value(i));
    }
    start_pos += seq_len;
  }
}

TEST(UpdateCache, CopiesRowsAtStartPosForAnyDtype) {
  for (ScalarType dtype : {ScalarType::Float, ScalarType::Char, ScalarType::Half}) {
    TestTensor cache(dtype, {2, 10, 3, 4});
    TestTensor value(dtype, {2, 4, 3, 4});
    TestTensor out(dtype, {1});
    for (int64_t i = 0; i < value.numel(); ++i) value.set(i, static_cast<double>(i % 100 + 1));
    KernelRuntimeContext ctx;
    Tensor cache_tensor = cache.tensor(), out_tensor = out.tensor();
    kernels::update_cache_out(ctx, value.tensor(), cache_tensor, 6, out_tensor);
    ASSERT_EQ(ctx.failure_state(), executorch::runtime::Error::Ok);
    for (int b = 0; b < 2; ++b) {
      for (int s = 0; s < 10; ++s) {
        for (int e = 0; e < 12; ++e) {
          const double want = s >= 6 ? value.value((b * 4 + (s - 6)) * 12 + e) : 0.0;
          ASSERT_EQ(cache.get((b * 10 + s) * 12 + e), want) << b << " " << s << " " << e;
        }
      }
    }
    KernelRuntimeContext overflow;  // 7 + 4 > 10: fails, cache untouched
    kernels::update_cache_out(overflow, value.tensor(), cache_tensor, 7, out_tensor);
    EXPECT_EQ(overflow.failure_state(), executorch::runtime::Error::InvalidArgument);
    EXPECT_EQ(cache.get(0), 0.0);
  }
}

TEST(UpdateCache, WithIndicesScattersRows) {
  TestTensor cache(ScalarType::Float, {1, 8, 2, 3});
  TestTensor value(ScalarType::Float, {1, 3, 2, 3});
  TestTensor indices(ScalarType::Long, {1, 3});
  TestTensor out(ScalarType::Float, {1});
  for (int64_t i = 0; i < value.numel(); ++i) value.set(i, static_cast<double>(i + 1));
  const int positions[] = {7, 0, 4};
  for (int s = 0; s < 3; ++s) indices.set(s, positions[s]);
  KernelRuntimeContext ctx;
  Tensor cache_tensor = cache.tensor(), out_tensor = out.tensor();
  kernels::update_cache_with_indices_out(ctx, value.tensor(), cache_tensor, 0, indices.tensor(),
                                         out_tensor);
  ASSERT_EQ(ctx.failure_state(), executorch::runtime::Error::Ok);
  for (int s = 0; s < 3; ++s) {
    for (int e = 0; e < 6; ++e) {
      EXPECT_EQ(cache.get(positions[s] * 6 + e), value.value(s * 6 + e));
    }
  }
  EXPECT_EQ(cache.get(1 * 6), 0.0);
  indices.set(1, 8);  // out of range
  KernelRuntimeContext bad;
  kernels::update_cache_with_indices_out(bad, value.tensor(), cache_tensor, 0, indices.tensor(),
                                         out_tensor);
  EXPECT_EQ(bad.failure_state(), executorch::runtime::Error::InvalidArgument);
}

// int8 operand with per-token asymmetric parameters, values spread over the range.
struct QuantizedOperand {
  TestTensor values, zero_points, scales;
  QuantizedOperand(std::vector<int32_t> sizes, std::vector<int32_t> param_sizes, std::mt19937& rng)
      : values(ScalarType::Char, sizes),
        zero_points(ScalarType::Char, param_sizes),
        scales(ScalarType::Float, param_sizes) {
    values.fill_random(rng, -128, 127);
    zero_points.fill_random(rng, -10, 10);
    scales.fill_random(rng, 0.002, 0.02);
  }
};

void check_quantized(const Case& c) {
  std::mt19937 rng(99 + c.seq_len);
  auto shape = [&](int seq, int heads, int last) {
    return c.seq_at_dim_2 ? std::vector<int32_t>{c.batch, heads, seq, last}
                          : std::vector<int32_t>{c.batch, seq, heads, last};
  };
  QuantizedOperand q(shape(c.seq_len, c.q_heads, c.dim), shape(c.seq_len, c.q_heads, 1), rng);
  QuantizedOperand k(shape(c.capacity, c.kv_heads, c.dim), shape(c.capacity, c.kv_heads, 1), rng);
  QuantizedOperand v(shape(c.capacity, c.kv_heads, c.dim), shape(c.capacity, c.kv_heads, 1), rng);
  TestTensor out(ScalarType::Float, shape(c.seq_len, c.q_heads, c.dim));
  const Dequant dq_q{&q.zero_points, &q.scales, {c.seq_len, c.q_heads, 1, c.seq_at_dim_2}};
  const Dequant dq_k{&k.zero_points, &k.scales, {c.capacity, c.kv_heads, 1, c.seq_at_dim_2}};
  const Dequant dq_v{&v.zero_points, &v.scales, {c.capacity, c.kv_heads, 1, c.seq_at_dim_2}};
  const auto want = reference_attention(c, q.values, k.values, v.values, nullptr, dq_q, dq_k, dq_v);

  KernelRuntimeContext ctx;
  Tensor out_tensor = out.tensor();
  kernels::custom_quantized_sdpa_out(
      ctx, q.values.tensor(), k.values.tensor(), v.values.tensor(), c.start_pos, std::nullopt, 0.0,
      c.causal, c.scale, q.zero_points.tensor(), q.scales.tensor(), k.zero_points.tensor(),
      k.scales.tensor(), v.zero_points.tensor(), v.scales.tensor(), c.seq_at_dim_2, out_tensor);
  ASSERT_EQ(ctx.failure_state(), executorch::runtime::Error::Ok) << describe(c);
  EXPECT_LE(max_abs_diff(out, want), 1e-5) << describe(c);
}

TEST(CustomQuantizedSdpa, MatchesDequantizedReference) {
  for (bool seq_at_dim_2 : {false, true}) {
    for (int seq_len : {1, 5, 24}) {
      for (int start_pos : {0, 24}) {
        Case c = shape(8, 4, 32, 48, seq_len, start_pos);
        c.seq_at_dim_2 = seq_at_dim_2;
        check_quantized(c);
      }
    }
  }
}

TEST(CustomQuantizedSdpa, MissingParametersFail) {
  TestTensor q(ScalarType::Char, {1, 1, 2, 8});
  TestTensor k(ScalarType::Char, {1, 4, 2, 8});
  TestTensor out(ScalarType::Float, {1, 1, 2, 8});
  KernelRuntimeContext ctx;
  Tensor out_tensor = out.tensor();
  kernels::custom_quantized_sdpa_out(ctx, q.tensor(), k.tensor(), k.tensor(), 0, std::nullopt, 0.0,
                                     true, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                     std::nullopt, std::nullopt, std::nullopt, false, out_tensor);
  EXPECT_EQ(ctx.failure_state(), executorch::runtime::Error::InvalidArgument);
}

bool has_kernel(const char* name) {
  for (const auto& kernel : executorch::runtime::get_registered_kernels()) {
    if (std::strcmp(kernel.name_, name) == 0) return true;
  }
  return false;
}

const char* const kOps[] = {"llama::custom_sdpa.out", "llama::sdpa_with_kv_cache.out",
                            "llama::update_cache.out", "llama::update_cache_with_indices.out",
                            "llama::custom_quantized_sdpa.out"};

void marker_kernel(KernelRuntimeContext& ctx, executorch::runtime::Span<EValue*>) {
  ctx.fail(executorch::runtime::Error::NotImplemented);
}

// Death-test suites run first, in a forked child that starts before anything
// registered the kernels in this process.
TEST(CustomKernelsDeathTest, KeepsAKernelSomeoneElseRegistered) {
  EXPECT_EXIT(
      {
        const executorch::runtime::Kernel other("llama::custom_sdpa.out", &marker_kernel);
        if (executorch::runtime::register_kernels({&other, 1}) != executorch::runtime::Error::Ok ||
            et_llm::register_custom_kernels()) {
          std::exit(2);
        }
        auto fn = executorch::runtime::get_op_function_from_registry("llama::custom_sdpa.out");
        bool ok = fn.ok() && *fn == &marker_kernel;
        for (const char* op : kOps) ok = ok && has_kernel(op);
        std::exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(CustomKernels, RegistrationIsIdempotent) {
  ASSERT_FALSE(et_llm::register_custom_kernels());
  ASSERT_FALSE(et_llm::register_custom_kernels());
  for (const char* op : kOps) {
    int count = 0;
    for (const auto& kernel : executorch::runtime::get_registered_kernels()) {
      count += std::strcmp(kernel.name_, op) == 0;
    }
    EXPECT_EQ(count, 1) << op;
  }
}

TEST(CustomKernels, BoxedCallThroughTheRegistry) {
  ASSERT_FALSE(et_llm::register_custom_kernels());
  auto fn = executorch::runtime::get_op_function_from_registry("llama::custom_sdpa.out");
  ASSERT_TRUE(fn.ok());
  const Case c = shape(4, 2, 16, 20, 4, 3);
  std::mt19937 rng(5);
  TestTensor q(ScalarType::Float, {1, c.seq_len, c.q_heads, c.dim});
  TestTensor k(ScalarType::Float, {1, c.capacity, c.kv_heads, c.dim});
  TestTensor v(ScalarType::Float, {1, c.capacity, c.kv_heads, c.dim});
  TestTensor out(ScalarType::Float, {1, c.seq_len, c.q_heads, c.dim});
  q.fill_random(rng, -1, 1);
  k.fill_random(rng, -1, 1);
  v.fill_random(rng, -1, 1);
  // Arguments in schema order, `out`, then the returned value (the same tensor).
  EValue args[] = {EValue(q.tensor()),  EValue(k.tensor()), EValue(v.tensor()),
                   EValue(int64_t{3}),  EValue(),           EValue(0.0),
                   EValue(true),        EValue(),           EValue(out.tensor()),
                   EValue(out.tensor())};
  EValue* stack[10];
  for (int i = 0; i < 10; ++i) stack[i] = &args[i];
  KernelRuntimeContext ctx;
  (*fn)(ctx, {stack, 10});
  ASSERT_EQ(ctx.failure_state(), executorch::runtime::Error::Ok);
  EXPECT_LE(max_abs_diff(out, reference_attention(c, q, k, v, nullptr)), 2e-5);

  // A wrong argument type (int instead of the key tensor) fails the call.
  args[1] = EValue(int64_t{1});
  KernelRuntimeContext bad;
  (*fn)(bad, {stack, 10});
  EXPECT_EQ(bad.failure_state(), executorch::runtime::Error::InvalidArgument);
}

}  // namespace
