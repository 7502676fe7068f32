// Load-time checks of a program's plans that the runtime's flatbuffer
// verification cannot make: indices that point past their tables, kernel
// arguments whose kind differs between calls of the same operator, fields and
// tensor shapes the runtime's MethodMeta reads unchecked, and planned memory
// no allocation can give. The 1.5 runtime trusts all of them and aborts
// (ET_CHECK, or an uncaught std::bad_alloc when it allocates the planned
// buffers), follows a null pointer or runs a null kernel on them, so a corrupt
// file that passes verification is refused here instead.
#pragma once

#include <cstdint>
#include <vector>

#include "program_rewrite/program_model.h"

namespace et_llm::program_rewrite {

// Kernel calls name existing operators; inputs, outputs, instruction
// arguments and list items name existing values.
bool indices_valid(const std::vector<Plan>& plans);

// Each argument position of an operator holds the same kind of value in every
// call with that many arguments (None matches anything; Int, Double and Bool
// are one kind, as a Scalar argument takes any of them). The schema fixes an
// argument's kind, so a call that differs names a wrong value. Tensor lists
// hold tensors (or None, when optional).
bool argument_kinds_consistent(const std::vector<Plan>& plans);

// Every plan has the fields MethodMeta reads (Plan::fields_present), and
// every tensor value a valid scalar type and sizes (not negative) whose byte
// count fits in a size_t: MethodMeta computes it with an ET_CHECK.
bool method_meta_readable(const std::vector<Plan>& plans);

// Each method's planned buffers are sizes (not negative) that add up to at
// most `limit` bytes (the loader passes the machine's physical memory: a
// method that needs more can never run here).
bool planned_memory_within(const std::vector<Plan>& plans, uint64_t limit);

}  // namespace et_llm::program_rewrite
