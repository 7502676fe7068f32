// et_llm_inputs: an ordered multimodal prompt. Media are copied and checked
// when added, so a bad shape fails at the call that made it.
#include "c_api/handles.h"

using et_llm::Error;
using et_llm::c_api::check;
using et_llm::c_api::guarded;

namespace {

// The `count` values of `data`, which the sizes must account for exactly.
template <typename T>
et_llm::Result<std::vector<T>> copy_values(const T* data, size_t count, int64_t expected,
                                           const char* what) {
  ET_LLM_CHECK(expected > 0, InvalidArgument, std::string(what) + ": every size must be positive");
  ET_LLM_CHECK(count == static_cast<size_t>(expected), InvalidArgument,
               std::string(what) + ": the sizes need " + std::to_string(expected) +
                   " values, got " + std::to_string(count));
  ET_LLM_CHECK(data != nullptr, InvalidArgument, "data must not be NULL");
  return std::vector<T>(data, data + count);
}

int64_t product(int32_t a, int32_t b, int32_t c) {
  if (a <= 0 || b <= 0 || c <= 0) {
    return 0;
  }
  return static_cast<int64_t>(a) * b * c;
}

Error add(et_llm_inputs* inputs, et_llm::MultimodalInput input) {
  inputs->inputs.push_back(std::move(input));
  return Error();
}

et_llm::ImageLayout layout_of(et_llm_image_layout layout) {
  return layout == ET_LLM_IMAGE_LAYOUT_HWC ? et_llm::ImageLayout::HWC : et_llm::ImageLayout::CHW;
}

Error check_layout(et_llm_image_layout layout) {
  ET_LLM_CHECK(layout == ET_LLM_IMAGE_LAYOUT_CHW || layout == ET_LLM_IMAGE_LAYOUT_HWC,
               InvalidArgument, "layout must be ET_LLM_IMAGE_LAYOUT_CHW or _HWC");
  return Error();
}

template <typename T>
Error add_image(et_llm_inputs* inputs, const T* data, size_t count, int32_t width, int32_t height,
                int32_t channels, et_llm_image_layout layout) {
  ET_LLM_CHECK_OK(check(inputs));
  ET_LLM_CHECK_OK(check_layout(layout));
  ET_LLM_ASSIGN_OR_RETURN(auto values,
                          copy_values(data, count, product(width, height, channels), "image"));
  et_llm::Image image(std::move(values), width, height, channels, layout_of(layout));
  ET_LLM_CHECK_OK(image.validate());
  return add(inputs, et_llm::make_image_input(std::move(image)));
}

}  // namespace

namespace et_llm::c_api {

Result<const std::vector<MultimodalInput>*> inputs_of(const et_llm_inputs* inputs) {
  ET_LLM_CHECK_OK(check(inputs));
  return &inputs->inputs;
}

}  // namespace et_llm::c_api

extern "C" {

et_llm_status et_llm_inputs_create(et_llm_inputs** out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(et_llm::c_api::check_out(out, "out"));
    *out = et_llm::c_api::adopt(std::make_unique<et_llm_inputs>());
    return Error();
  });
}

et_llm_status et_llm_inputs_free(et_llm_inputs* inputs) {
  return guarded([&] { return et_llm::c_api::destroy(inputs); });
}

et_llm_status et_llm_inputs_clear(et_llm_inputs* inputs) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(inputs));
    inputs->inputs.clear();
    return Error();
  });
}

et_llm_status et_llm_inputs_count(const et_llm_inputs* inputs, size_t* out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(inputs));
    ET_LLM_CHECK_OK(et_llm::c_api::check_out(out, "out"));
    *out = inputs->inputs.size();
    return Error();
  });
}

et_llm_status et_llm_inputs_add_text(et_llm_inputs* inputs, const char* text) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(inputs));
    ET_LLM_CHECK_OK(et_llm::c_api::check_string(text, "text"));
    return add(inputs, et_llm::make_text_input(text));
  });
}

et_llm_status et_llm_inputs_add_tokens(et_llm_inputs* inputs, const uint64_t* tokens,
                                       size_t count) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(inputs));
    ET_LLM_CHECK(count == 0 || tokens != nullptr, InvalidArgument, "tokens must not be NULL");
    return add(inputs,
               et_llm::make_token_input(std::vector<et_llm::TokenId>(tokens, tokens + count)));
  });
}

et_llm_status et_llm_inputs_add_image_uint8(et_llm_inputs* inputs, const uint8_t* data,
                                            size_t count, int32_t width, int32_t height,
                                            int32_t channels, et_llm_image_layout layout) {
  return guarded([&] { return add_image(inputs, data, count, width, height, channels, layout); });
}

et_llm_status et_llm_inputs_add_image_float(et_llm_inputs* inputs, const float* data, size_t count,
                                            int32_t width, int32_t height, int32_t channels,
                                            et_llm_image_layout layout) {
  return guarded([&] { return add_image(inputs, data, count, width, height, channels, layout); });
}

et_llm_status et_llm_inputs_add_audio(et_llm_inputs* inputs, const float* data, size_t count,
                                      int32_t batch_size, int32_t bins, int32_t frames) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(inputs));
    et_llm::Audio audio;
    ET_LLM_ASSIGN_OR_RETURN(audio.data,
                            copy_values(data, count, product(batch_size, bins, frames), "audio"));
    audio.batch_size = batch_size;
    audio.n_bins = bins;
    audio.n_frames = frames;
    ET_LLM_CHECK_OK(audio.validate());
    return add(inputs, et_llm::make_audio_input(std::move(audio)));
  });
}

et_llm_status et_llm_inputs_add_raw_audio(et_llm_inputs* inputs, const float* data, size_t count,
                                          int32_t batch_size, int32_t channels, int32_t samples) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(inputs));
    et_llm::RawAudio audio;
    ET_LLM_ASSIGN_OR_RETURN(
        audio.data, copy_values(data, count, product(batch_size, channels, samples), "raw audio"));
    audio.batch_size = batch_size;
    audio.n_channels = channels;
    audio.n_samples = samples;
    ET_LLM_CHECK_OK(audio.validate());
    return add(inputs, et_llm::make_raw_audio_input(std::move(audio)));
  });
}

}  // extern "C"
