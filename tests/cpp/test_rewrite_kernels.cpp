// The kernels behind the load-time rewrites, called directly: expand_copy as
// block copies (against a naive broadcast), aliased calls (in-place row
// writes, skipped copies), and the hand-off of every other call to the
// runtime's own kernel.
#include <executorch/runtime/core/evalue.h>
#include <executorch/runtime/kernel/kernel_runtime_context.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <optional>
#include <type_traits>
#include <vector>

#include "et_llm/custom_kernels.h"
#include "kernels/rewrite_kernels.h"

namespace {

using executorch::aten::ScalarType;
using executorch::aten::Tensor;
using executorch::aten::TensorImpl;
using executorch::aten::TensorShapeDynamism;
using executorch::runtime::BoxedEvalueList;
using executorch::runtime::EValue;
using executorch::runtime::KernelRuntimeContext;
namespace kernels = et_llm::kernels;
using et_llm::program_rewrite::KernelSignature;

// A contiguous tensor over its own storage.
template <typename T>
class Owned {
 public:
  explicit Owned(std::vector<int32_t> sizes)
      : sizes_(std::move(sizes)), dim_order_(sizes_.size()), strides_(sizes_.size()) {
    size_t numel = 1;
    for (size_t d = sizes_.size(); d-- > 0;) {
      dim_order_[d] = static_cast<uint8_t>(d);
      strides_[d] = static_cast<int32_t>(numel);
      numel *= sizes_[d];
    }
    data_.resize(numel);
    std::iota(data_.begin(), data_.end(), T(1));
    impl_ = std::make_unique<TensorImpl>(type(), static_cast<ssize_t>(sizes_.size()), sizes_.data(),
                                         data_.data(), dim_order_.data(), strides_.data(),
                                         TensorShapeDynamism::DYNAMIC_BOUND);
  }
  static ScalarType type() {
    return std::is_same_v<T, float> ? ScalarType::Float : ScalarType::Long;
  }
  Tensor tensor() { return Tensor(impl_.get()); }
  std::vector<T>& data() { return data_; }
  std::vector<int32_t> shape() {
    auto s = tensor().sizes();
    return {s.begin(), s.end()};
  }

 private:
  std::vector<int32_t> sizes_;
  std::vector<uint8_t> dim_order_;
  std::vector<int32_t> strides_;
  std::vector<T> data_;
  std::unique_ptr<TensorImpl> impl_;
};

// An IntList EValue.
class IntList {
 public:
  explicit IntList(std::vector<int64_t> values) : values_(std::move(values)) {
    for (int64_t v : values_) boxed_.emplace_back(v);
    for (EValue& v : boxed_) pointers_.push_back(&v);
    unwrapped_.resize(values_.size());
    list_ = std::make_unique<BoxedEvalueList<int64_t>>(pointers_.data(), unwrapped_.data(),
                                                       static_cast<int>(values_.size()));
  }
  EValue value() { return EValue(list_.get()); }

 private:
  std::vector<int64_t> values_;
  std::vector<EValue> boxed_;
  std::vector<EValue*> pointers_;
  std::vector<int64_t> unwrapped_;
  std::unique_ptr<BoxedEvalueList<int64_t>> list_;
};

KernelSignature contiguous_signature(const char* op, std::vector<size_t> ranks,
                                     ScalarType type = ScalarType::Float) {
  KernelSignature s{op, {}};
  for (size_t rank : ranks) {
    std::vector<uint8_t> order(rank);
    std::iota(order.begin(), order.end(), 0);
    s.tensors.emplace_back(static_cast<int8_t>(type), order);
  }
  return s;
}

class RewriteKernels : public ::testing::Test {
 protected:
  void SetUp() override {
    // Registers the runtime's kernels (and et_llm's custom ones).
    ASSERT_TRUE(et_llm::register_custom_kernels().ok());
  }
};

// out = in broadcast to `shape`, naively.
std::vector<float> naive_expand(const std::vector<float>& in, std::vector<int32_t> in_shape,
                                const std::vector<int32_t>& shape) {
  in_shape.insert(in_shape.begin(), shape.size() - in_shape.size(), 1);
  size_t numel = 1;
  for (int32_t s : shape) numel *= s;
  std::vector<float> out(numel);
  for (size_t flat = 0; flat < numel; ++flat) {
    size_t rest = flat, from = 0, stride = 1;
    for (size_t d = shape.size(); d-- > 0;) {
      const size_t i = rest % shape[d];
      rest /= shape[d];
      if (in_shape[d] != 1) from += i * stride;
      stride *= in_shape[d];
    }
    out[flat] = in[from];
  }
  return out;
}

bool run_expand(Tensor in, IntList& sizes, Tensor out) {
  KernelRuntimeContext ctx;
  EValue self(in), size = sizes.value(), implicit(false), result(out);
  EValue* stack[] = {&self, &size, &implicit, &result, &result};
  kernels::expand_copy_kernel(ctx, {stack, 5});
  return ctx.failure_state() == executorch::runtime::Error::Ok;
}

TEST_F(RewriteKernels, ExpandCopyEqualsANaiveBroadcast) {
  struct Case {
    std::vector<int32_t> in;
    std::vector<int64_t> sizes;
    std::vector<int32_t> want;
  };
  const std::vector<Case> cases = {
      {{1, 3, 1, 40, 16}, {1, 3, 4, 40, 16}, {1, 3, 4, 40, 16}},  // GQA
      {{40, 16}, {2, 3, 40, 16}, {2, 3, 40, 16}},                 // new leading dims
      {{3, 1, 64}, {-1, 5, -1}, {3, 5, 64}},                      // -1 keeps a size
      {{2, 40, 16}, {2, 40, 16}, {2, 40, 16}},                    // a plain copy
      {{4, 1, 1}, {4, 3, 2}, {4, 3, 2}},                          // tiny blocks
  };
  for (size_t rank : {2, 3, 5}) {
    for (size_t out_rank : {2, 3, 4, 5}) {
      ASSERT_TRUE(kernels::register_rewrite_kernel(
                      contiguous_signature("aten::expand_copy.out", {rank, out_rank, out_rank}))
                      .ok());
    }
  }
  for (const Case& c : cases) {
    Owned<float> in(c.in);
    Owned<float> out(c.want);
    std::fill(out.data().begin(), out.data().end(), -1.0f);
    IntList sizes(c.sizes);
    ASSERT_TRUE(run_expand(in.tensor(), sizes, out.tensor()));
    EXPECT_EQ(out.shape(), c.want);
    const auto want = naive_expand(in.data(), c.in, c.want);
    EXPECT_EQ(std::vector<float>(out.data().begin(), out.data().begin() + want.size()), want);
  }
}

TEST_F(RewriteKernels, ExpandCopyRefusesWhatTheRuntimeRefuses) {
  Owned<float> in({4, 2});
  Owned<float> out({4, 3});
  IntList sizes({4, 3});
  EXPECT_FALSE(run_expand(in.tensor(), sizes, out.tensor()));
}

TEST_F(RewriteKernels, AnElidedExpandIsSkippedUnlessItChangesShape) {
  Owned<float> t({2, 40, 16});
  const auto before = t.data();
  IntList same({2, 40, 16});
  EXPECT_TRUE(run_expand(t.tensor(), same, t.tensor()));
  EXPECT_EQ(t.data(), before);
  IntList bigger({2, 2, 40, 16});
  EXPECT_FALSE(run_expand(t.tensor(), bigger, t.tensor()));
}

// index_put(cache, [None, None, index], rows) with out = cache.
bool run_index_put(Tensor cache, Tensor index, Tensor rows, Tensor out) {
  KernelRuntimeContext ctx;
  std::optional<Tensor> wrapped[] = {std::nullopt, std::nullopt, index};
  EValue boxed[] = {EValue(), EValue(), EValue(index)};
  EValue* pointers[] = {&boxed[0], &boxed[1], &boxed[2]};
  BoxedEvalueList<std::optional<Tensor>> list(pointers, wrapped, 3);
  EValue self(cache), indices(&list), values(rows), accumulate(false), result(out);
  EValue* stack[] = {&self, &indices, &values, &accumulate, &result, &result};
  kernels::index_put_kernel(ctx, {stack, 6});
  return ctx.failure_state() == executorch::runtime::Error::Ok;
}

TEST_F(RewriteKernels, IndexPutInPlaceWritesOnlyTheIndexedRows) {
  ASSERT_TRUE(
      kernels::register_rewrite_kernel(contiguous_signature("aten::index_put.out", {4, 4, 4, 4}))
          .ok());
  Owned<float> cache({1, 2, 8, 4});
  Owned<int64_t> index({2});
  index.data() = {5, -1};  // -1 is row 7
  Owned<float> rows({1, 2, 2, 4});
  for (float& v : rows.data()) v = -v;
  std::vector<float> want = cache.data();
  for (int h = 0; h < 2; ++h) {
    for (int i = 0; i < 2; ++i) {
      const int row = i == 0 ? 5 : 7;
      for (int k = 0; k < 4; ++k) want[(h * 8 + row) * 4 + k] = rows.data()[(h * 2 + i) * 4 + k];
    }
  }
  ASSERT_TRUE(run_index_put(cache.tensor(), index.tensor(), rows.tensor(), cache.tensor()));
  EXPECT_EQ(cache.data(), want);

  // The same call out of place goes to the runtime's kernel: same result.
  Owned<float> fresh({1, 2, 8, 4});
  Owned<float> out({1, 2, 8, 4});
  ASSERT_TRUE(run_index_put(fresh.tensor(), index.tensor(), rows.tensor(), out.tensor()));
  EXPECT_EQ(out.data(), want);

  index.data() = {8, 0};  // out of range: the call fails, nothing is written
  const auto before = cache.data();
  EXPECT_FALSE(run_index_put(cache.tensor(), index.tensor(), rows.tensor(), cache.tensor()));
  EXPECT_EQ(cache.data(), before);
}

TEST_F(RewriteKernels, CopyOntoItselfIsSkippedAndOtherCopiesCopy) {
  ASSERT_TRUE(
      kernels::register_rewrite_kernel(contiguous_signature("aten::copy_", {2, 2, 2})).ok());
  auto copy = [](Tensor dst, Tensor src) {
    KernelRuntimeContext ctx;
    EValue self(dst), from(src), non_blocking(false);
    EValue* stack[] = {&self, &from, &non_blocking, &self};
    kernels::copy_kernel(ctx, {stack, 4});
    return ctx.failure_state() == executorch::runtime::Error::Ok;
  };
  Owned<float> a({3, 5});
  Owned<float> b({3, 5});
  for (float& v : b.data()) v *= 10;
  EXPECT_TRUE(copy(a.tensor(), a.tensor()));
  EXPECT_TRUE(copy(a.tensor(), b.tensor()));
  EXPECT_EQ(a.data(), b.data());
}

TEST_F(RewriteKernels, RegistrationRefusesUnknownOps) {
  EXPECT_FALSE(kernels::register_rewrite_kernel(contiguous_signature("aten::add.out", {2})).ok());
}

}  // namespace
