// Builds execution plans by hand for the program-rewrite unit tests.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "program_rewrite/program_model.h"

namespace et_llm::program_rewrite::test_plans {

constexpr int8_t kFloat = 6;
constexpr int8_t kLong = 4;

class PlanBuilder {
 public:
  PlanBuilder() {
    plan_.name = "forward";
    plan_.chain_count = 1;
  }

  int32_t tensor(std::vector<int32_t> sizes, uint64_t offset, int8_t dtype = kFloat,
                 bool contiguous = true) {
    Value v;
    v.kind = ValueKind::Tensor;
    v.tensor.scalar_type = dtype;
    v.tensor.sizes = sizes;
    for (size_t i = 0; i < sizes.size(); ++i) v.tensor.dim_order.push_back(static_cast<uint8_t>(i));
    if (!contiguous && sizes.size() > 1) std::swap(v.tensor.dim_order[0], v.tensor.dim_order[1]);
    v.tensor.planned = true;
    v.tensor.memory_id = 1;
    v.tensor.memory_offset = offset;
    uint64_t count = 1;
    for (int32_t s : sizes) count *= s;
    v.tensor.nbytes = count * (dtype == kLong ? 8 : 4);
    return add(v);
  }
  int32_t cache(uint64_t offset) { return tensor({1, 2, 8, 4}, offset); }
  int32_t boolean(bool b) {
    Value v;
    v.kind = ValueKind::Bool;
    v.bool_value = b;
    return add(v);
  }
  int32_t integer(int64_t i) {
    Value v;
    v.kind = ValueKind::Int;
    v.int_value = i;
    return add(v);
  }
  int32_t list(std::vector<int32_t> items, ValueKind kind = ValueKind::OptionalTensorList) {
    Value v;
    v.kind = kind;
    v.list_items = std::move(items);
    return add(v);
  }
  void kernel(const std::string& op, std::vector<int32_t> args) {
    Instruction in;
    in.kind = InstructionKind::Kernel;
    auto found = std::find(plan_.operators.begin(), plan_.operators.end(), op);
    in.op_index = static_cast<int32_t>(found - plan_.operators.begin());
    if (found == plan_.operators.end()) plan_.operators.push_back(op);
    for (int32_t a : args) {
      in.values.push_back(a);
      in.positions.push_back(next_position_ += 4);
    }
    plan_.instructions.push_back(in);
  }
  void delegate(std::vector<int32_t> args) {
    kernel("", {});
    plan_.instructions.back().kind = InstructionKind::Delegate;
    plan_.instructions.back().op_index = -1;
    for (int32_t a : args) {
      plan_.instructions.back().values.push_back(a);
      plan_.instructions.back().positions.push_back(next_position_ += 4);
    }
  }
  Plan& plan() { return plan_; }

 private:
  int32_t add(Value v) {
    plan_.values.push_back(std::move(v));
    return static_cast<int32_t>(plan_.values.size() - 1);
  }
  Plan plan_;
  uint32_t next_position_ = 0;
};

}  // namespace et_llm::program_rewrite::test_plans
