// Questions the rewrites ask of a plan: what a value is, which instructions
// name it, and whether one touches a tensor's memory.
#pragma once

#include <cstdint>
#include <string>

#include "program_rewrite/program_model.h"

namespace et_llm::program_rewrite {

const Value* value_at(const Plan& plan, int32_t index);
const TensorValue* tensor_at(const Plan& plan, int32_t index);

// "name.overload" of a kernel call; empty for other instructions.
const std::string& op_name(const Plan& plan, const Instruction& in);

// Whether `in` names value `index`, directly or inside a tensor list.
bool names(const Plan& plan, const Instruction& in, int32_t index);

// Whether `in` names value `index`, or any tensor other than `except` whose
// memory overlaps `region` (directly or inside a tensor list).
bool touches(const Plan& plan, const Instruction& in, int32_t index, const TensorValue& region,
             int32_t except);

bool is_plan_input_or_output(const Plan& plan, int32_t index);

// Whether some tensor list of the plan holds `index` (lists are values, not
// instruction arguments, so a rewrite cannot patch them).
bool named_in_any_list(const Plan& plan, int32_t index);

// Whether the plan has one chain and no branches: then instruction order is
// execution order.
bool straight_line(const Plan& plan);

}  // namespace et_llm::program_rewrite
