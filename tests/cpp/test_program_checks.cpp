// The load-time checks a corrupt program that passes flatbuffer verification
// still fails: indices past their tables, and kernel arguments whose kind
// differs between calls of the same operator.
#include <gtest/gtest.h>

#include "program_rewrite/program_checks.h"
#include "support/plan_builder.h"

namespace et_llm::program_rewrite {
namespace {

using test_plans::PlanBuilder;

// Two calls of one operator, as repeated layers make them: (tensor, int, optional tensor).
PlanBuilder two_calls() {
  PlanBuilder b;
  const int32_t x = b.tensor({1, 4}, 0);
  const int32_t y = b.tensor({1, 4}, 64);
  const int32_t dim = b.integer(1);
  b.plan().values.push_back(Value{});  // a None value
  const int32_t null = static_cast<int32_t>(b.plan().values.size() - 1);
  b.kernel("aten::op.out", {x, dim, null, y});
  b.kernel("aten::op.out", {y, dim, x, x});
  return b;
}

TEST(ProgramChecks, AWellFormedPlanPasses) {
  PlanBuilder b = two_calls();
  const std::vector<Plan> plans{b.plan()};
  EXPECT_TRUE(indices_valid(plans));
  EXPECT_TRUE(argument_kinds_consistent(plans));
}

TEST(ProgramChecks, AnOperatorIndexPastTheTableFails) {
  PlanBuilder b = two_calls();
  b.plan().instructions[1].op_index = 7;
  EXPECT_FALSE(indices_valid({b.plan()}));
}

TEST(ProgramChecks, AValueIndexPastTheTableFails) {
  PlanBuilder b = two_calls();
  b.plan().instructions[0].values[1] = 268435456;  // a flipped high bit
  EXPECT_FALSE(indices_valid({b.plan()}));
  PlanBuilder outputs = two_calls();
  outputs.plan().outputs = {-2};
  EXPECT_FALSE(indices_valid({outputs.plan()}));
}

TEST(ProgramChecks, ATensorListItemPastTheTableFails) {
  PlanBuilder b = two_calls();
  b.list({0, 99}, ValueKind::TensorList);
  EXPECT_FALSE(indices_valid({b.plan()}));
  PlanBuilder optional = two_calls();
  optional.list({0, -1}, ValueKind::OptionalTensorList);  // -1 is None
  EXPECT_TRUE(indices_valid({optional.plan()}));
}

TEST(ProgramChecks, AnArgumentOfAnotherKindThanInTheOtherCallsFails) {
  PlanBuilder b = two_calls();
  b.plan().instructions[1].values[1] = 0;  // a tensor where the other call has an int
  ASSERT_TRUE(indices_valid({b.plan()}));
  EXPECT_FALSE(argument_kinds_consistent({b.plan()}));
}

TEST(ProgramChecks, NoneAndTheScalarKindsAreInterchangeable) {
  PlanBuilder b = two_calls();
  Value number;
  number.kind = ValueKind::Double;
  b.plan().values.push_back(number);
  // A Scalar argument may be an int in one call and a double in another.
  b.plan().instructions[1].values[1] = static_cast<int32_t>(b.plan().values.size() - 1);
  EXPECT_TRUE(argument_kinds_consistent({b.plan()}));
}

TEST(ProgramChecks, ATensorListOfNonTensorsFails) {
  PlanBuilder b = two_calls();
  b.list({2}, ValueKind::TensorList);  // value 2 is the int
  EXPECT_FALSE(argument_kinds_consistent({b.plan()}));
}

}  // namespace
}  // namespace et_llm::program_rewrite
