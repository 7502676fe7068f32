// The parts of a .pte program's execution plans that load-time rewrites look
// at: values (tensor dtype, sizes, dim order, planned memory), operator names
// and the instruction list, each argument with its position in the buffer so
// a rewrite can patch it in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace et_llm::program_rewrite {

// EValue kinds, numbered as the schema's KernelTypes union.
enum class ValueKind : uint8_t {
  None = 0,
  Null = 1,
  Int = 2,
  Bool = 3,
  Double = 4,
  Tensor = 5,
  String = 6,
  IntList = 7,
  DoubleList = 8,
  BoolList = 9,
  TensorList = 10,
  OptionalTensorList = 11,
};

struct TensorValue {
  int8_t scalar_type = 0;      // executorch ScalarType
  std::vector<int32_t> sizes;  // upper bounds for dynamic shapes
  std::vector<uint8_t> dim_order;
  bool static_shape = true;  // shape_dynamism STATIC: sizes are exact
  bool planned = false;      // lives in a memory-planned arena (else a constant)
  uint32_t memory_id = 0;
  uint64_t memory_offset = 0;
  uint64_t nbytes = 0;         // 0 when the element size is unknown
  bool shape_present = false;  // the value has a tensor with sizes and dim_order fields

  bool contiguous() const;
  bool overlaps(const TensorValue& other) const;
};

struct Value {
  ValueKind kind = ValueKind::None;
  TensorValue tensor;               // kind == Tensor
  bool bool_value = false;          // kind == Bool
  int64_t int_value = 0;            // kind == Int
  std::vector<int32_t> list_items;  // TensorList / OptionalTensorList (-1 = None)
};

// Instruction kinds, numbered as the schema's InstructionArguments union.
enum class InstructionKind : uint8_t {
  None = 0,
  Kernel = 1,
  Delegate = 2,
  Move = 3,
  JumpFalse = 4,
  Free = 5,
};

struct Instruction {
  InstructionKind kind = InstructionKind::None;
  int32_t op_index = -1;  // kernel calls
  // Value indices the instruction names (kernel/delegate args, move source and
  // destination, jump condition, freed value) and where each is stored.
  std::vector<int32_t> values;
  std::vector<uint32_t> positions;
};

struct Plan {
  std::string name;
  std::vector<Value> values;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  std::vector<std::string> operators;  // "name.overload", or "name" without overload
  size_t chain_count = 0;
  std::vector<Instruction> instructions;  // of the first chain
  // non_const_buffer_sizes: the planned memory the runtime allocates when the
  // method loads (entry 0 is reserved and 0).
  std::vector<int64_t> planned_buffer_sizes;
  // The fields the runtime reads without checking they exist: name, values,
  // inputs, outputs, and each delegate's id, processed data (a reference
  // that resolves) and compile specs.
  bool fields_present = false;
};

// A delegate's payload kept inside the program flatbuffer (not in a segment).
struct InlinePayload {
  std::string backend_id;
  uint32_t start = 0;  // position in the program buffer
  uint32_t length = 0;
};

// What delegate payloads refer to outside themselves: the byte size of each
// named data blob the program stores in its segments, and the inline payloads.
struct ProgramData {
  std::unordered_map<std::string, uint64_t> named_data_sizes;
  std::vector<InlinePayload> inline_payloads;
};

// nullopt when the buffer is not a well-formed program flatbuffer.
std::optional<ProgramData> read_program_data(const uint8_t* data, size_t size);

// Reads every execution plan; nullopt when the buffer is not a well-formed
// program flatbuffer (a rewrite then leaves it alone and the runtime reports).
std::optional<std::vector<Plan>> read_plans(const uint8_t* data, size_t size);

}  // namespace et_llm::program_rewrite
