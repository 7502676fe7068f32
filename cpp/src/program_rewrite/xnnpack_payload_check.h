// Load-time check of XNNPACK delegate payloads, for what the 1.5 backend does
// not verify before it hands pointers to XNNPACK: that a constant tensor's
// shape fits the bytes stored for it, and that a quantized tensor has a scale
// for every channel (or group) it names. XNNPACK trusts both and reads past
// the weights (a fuzzed file crashed in xnn_create_fully_connected_nc_f32
// this way), so a payload that fails is refused before the backend sees it.
// The backend's own checks (flatbuffer verification, buffer indices, offsets
// inside the constant region, the header) stay with it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace et_llm::program_rewrite {

inline constexpr std::string_view kXnnpackBackendId = "XnnpackBackend";

// How a tensor is quantized, numbered as the schema's XNNQuantParams union.
enum class XnnpackQuant : uint8_t {
  None = 0,
  PerChannel = 1,
  PerTensor = 2,
  PerTokenDynamic = 3,
  PerChannelGroup = 4,
};

// One tensor value of an XNNPACK graph, as the checks need it.
struct XnnpackTensor {
  int16_t datatype = 0;  // XNNDatatype
  std::vector<uint32_t> dims;
  uint32_t dims_position = 0;  // where dims[0] is stored in the payload (tests corrupt it)
  bool constant = false;
  // The bytes stored for a constant; nullopt when they live outside the
  // program (named data in another file), so their size is unknown here.
  std::optional<uint64_t> constant_bytes;
  XnnpackQuant quant = XnnpackQuant::None;
  int32_t channel_dim = 0;
  int32_t group_size = 0;
  // Scales XNNPACK can read (per-channel and group quantization): the inline
  // list's length, or a scale buffer's count bounded by its bytes.
  uint64_t scales = 0;
};

// The tensor values of a payload (optional XNNHeader, then the XNNGraph
// flatbuffer). `named_data_sizes` gives the size of the program's named
// blobs. nullopt when the payload cannot be read or names constant data that
// is not there.
std::optional<std::vector<XnnpackTensor>> read_xnnpack_tensors(
    const uint8_t* data, size_t size,
    const std::unordered_map<std::string, uint64_t>& named_data_sizes);

// Every constant's shape fits its bytes; every per-channel or group-quantized
// tensor names a channel dimension it has and has a scale for each channel
// (group).
bool xnnpack_tensors_consistent(const std::vector<XnnpackTensor>& tensors);

// read_xnnpack_tensors and xnnpack_tensors_consistent together.
bool xnnpack_payload_consistent(const uint8_t* data, size_t size,
                                const std::unordered_map<std::string, uint64_t>& named_data_sizes);

}  // namespace et_llm::program_rewrite
