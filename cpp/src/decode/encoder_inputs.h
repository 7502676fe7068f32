// Turns images, audio features and waveforms into the tensor an encoder
// method declares: its dtype (uint8 / float32 / float16 / bfloat16), its
// layout (CHW or HWC, with or without a batch dim) and its size, with an
// InvalidArgument naming both shapes when they cannot match.
#pragma once

#include <executorch/extension/tensor/tensor.h>
#include <executorch/runtime/executor/method_meta.h>

#include <cstdint>
#include <string>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/multimodal_input.h"

namespace et_llm::detail {

// A tensor viewing `storage`; keep the struct alive while the method runs.
struct EncoderInput {
  std::vector<uint64_t> storage;  // 8-byte aligned for every dtype
  executorch::extension::TensorPtr tensor;
};

Result<EncoderInput> image_input(const Image& image,
                                 const executorch::runtime::TensorInfo& declared,
                                 const std::string& method);
Result<EncoderInput> audio_input(const Audio& audio,
                                 const executorch::runtime::TensorInfo& declared,
                                 const std::string& method);
// The waveform zero-padded to the length the preprocessor declares.
Result<EncoderInput> waveform_input(const RawAudio& audio,
                                    const executorch::runtime::TensorInfo& declared,
                                    const std::string& method);

// Converts `count` floats to `dtype` (Float, Half or BFloat16) at `out`.
Error convert_floats(const float* values, size_t count, executorch::aten::ScalarType dtype,
                     void* out);
// Reads `count` values of a floating `dtype` as float32.
Error to_floats(const void* values, size_t count, executorch::aten::ScalarType dtype, float* out);

}  // namespace et_llm::detail
