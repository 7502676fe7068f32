// Copy elision at load time: which expand_copy calls it drops (a tensor
// expanded to its own static shape) and which it must keep.
#include <gtest/gtest.h>

#include <vector>

#include "program_rewrite/copy_elision.h"
#include "support/plan_builder.h"

namespace {

using namespace et_llm::program_rewrite;
using namespace et_llm::program_rewrite::test_plans;

// I = scale(x); O = expand_copy(I, I.shape); y = bmm(O) -- as decomposed
// attention exports the scaled keys.
struct ExpandPattern {
  PlanBuilder b;
  int32_t x, scale, input, sizes, implicit, output, result, other;

  ExpandPattern() {
    x = b.tensor({1, 9, 64, 32}, 0);
    scale = b.integer(2);
    input = b.tensor({1, 9, 64, 32}, 1 << 16);
    sizes = b.list({}, ValueKind::IntList);
    implicit = b.boolean(false);
    output = b.tensor({1, 9, 64, 32}, 2 << 16);
    result = b.tensor({1, 9, 64, 32}, 3 << 16);
    other = b.tensor({16}, 4 << 16);
  }
  void produce() { b.kernel("aten::mul.Scalar_out", {x, scale, input, input}); }
  void expand() { b.kernel("aten::expand_copy.out", {input, sizes, implicit, output, output}); }
  void consume() { b.delegate({output, result}); }
  std::vector<Rewrite> find() { return find_elidable_copies({b.plan()}); }
};

TEST(CopyElision, DropsAnExpandToTheSameShape) {
  ExpandPattern p;
  p.produce();
  p.expand();
  p.consume();
  const auto elided = p.find();
  ASSERT_EQ(elided.size(), 1u);
  const Rewrite& r = elided[0];
  EXPECT_EQ(r.first_instruction, 1u);
  EXPECT_EQ(r.last_instruction, 2u);
  const auto& ins = p.b.plan().instructions;
  // The copy's out and ret, and the consumer's input, now name I.
  std::vector<uint32_t> expected = {ins[1].positions[3], ins[1].positions[4], ins[2].positions[0]};
  ASSERT_EQ(r.patches.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.patches[i].position, expected[i]);
    EXPECT_EQ(r.patches[i].value, p.input);
  }
  ASSERT_EQ(r.kernels.size(), 1u);
  EXPECT_EQ(r.kernels[0].op, "aten::expand_copy.out");
  EXPECT_EQ(r.kernels[0].tensors.size(), 3u);  // self, out, ret
}

TEST(CopyElision, FollowsACopyOfACopy) {
  ExpandPattern p;
  const int32_t second = p.b.tensor({1, 9, 64, 32}, 5 << 16);
  p.produce();
  p.expand();
  p.b.kernel("aten::expand_copy.out", {p.output, p.sizes, p.implicit, second, second});
  p.b.delegate({second, p.result});
  const auto elided = p.find();
  ASSERT_EQ(elided.size(), 2u);
  for (const ArgPatch& patch : elided[1].patches) EXPECT_EQ(patch.value, p.input);
}

TEST(CopyElision, KeepsACopyWhoseInputMemoryIsReused) {
  ExpandPattern p;
  p.produce();
  p.expand();
  // The consumer writes its result where I was (I is dead once copied).
  p.b.plan().values[p.result].tensor.memory_offset = 1 << 16;
  p.consume();
  EXPECT_TRUE(p.find().empty());
}

TEST(CopyElision, KeepsRealBroadcastsAndDynamicShapes) {
  {
    ExpandPattern p;
    p.b.plan().values[p.output].tensor.sizes = {1, 9, 128, 32};
    p.produce();
    p.expand();
    p.consume();
    EXPECT_TRUE(p.find().empty());
  }
  {
    ExpandPattern p;
    p.b.plan().values[p.input].tensor.static_shape = false;
    p.produce();
    p.expand();
    p.consume();
    EXPECT_TRUE(p.find().empty());
  }
  {
    ExpandPattern p;
    p.b.plan().values[p.output].tensor.scalar_type = 5;
    p.produce();
    p.expand();
    p.consume();
    EXPECT_TRUE(p.find().empty());
  }
}

TEST(CopyElision, KeepsCopiesOfBuffersWrittenInPlace) {
  ExpandPattern p;
  const int32_t flag = p.b.boolean(false);
  p.produce();
  p.expand();
  p.consume();
  p.b.kernel("aten::copy_", {p.input, p.x, flag, p.input});
  EXPECT_TRUE(p.find().empty());
}

TEST(CopyElision, KeepsOutputsListsAndUnusedCopies) {
  {
    ExpandPattern p;
    p.produce();
    p.expand();
    p.consume();
    p.b.plan().outputs = {p.output};
    EXPECT_TRUE(p.find().empty());
  }
  {
    ExpandPattern p;
    const int32_t pair = p.b.list({p.output, p.other}, ValueKind::TensorList);
    p.produce();
    p.expand();
    p.b.kernel("aten::cat.out", {pair, p.scale, p.result, p.result});
    EXPECT_TRUE(p.find().empty());
  }
  {
    ExpandPattern p;
    p.produce();
    p.expand();
    EXPECT_TRUE(p.find().empty());
  }
}

}  // namespace
