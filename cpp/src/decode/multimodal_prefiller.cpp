#include "et_llm/multimodal_prefiller.h"

#include "decode/encoder_inputs.h"
#include "engine/method_set.h"
#include "et_llm/stats.h"
#include "platform/executorch_error.h"

namespace et_llm {

using executorch::aten::ScalarType;
using executorch::aten::Tensor;
using executorch::runtime::EValue;

MultimodalPrefiller::MultimodalPrefiller(detail::MethodSet* methods,
                                         detail::MethodSet* preprocessor,
                                         MultimodalDecoderRunner* decoder)
    : methods_(methods), preprocessor_(preprocessor), decoder_(decoder) {}

Error MultimodalPrefiller::load() {
  auto names = methods_->method_names();
  if (!names.ok()) {
    return detail::from_executorch(names.error(), ErrorCode::InvalidProgram,
                                   "cannot read the program's methods");
  }
  method_names_ = *names;
  return Error();
}

bool MultimodalPrefiller::has_method(const std::string& name) const {
  return method_names_.count(name) > 0;
}

bool MultimodalPrefiller::accepts_raw_audio() const {
  return preprocessor_ != nullptr || has_method(kAudioPreprocessorMethod);
}

Error MultimodalPrefiller::require(const char* method, const char* what) const {
  ET_LLM_CHECK(
      has_method(method), NotFound,
      std::string("this program has no '") + method + "' method, so it cannot take " + what);
  return Error();
}

Result<executorch::runtime::TensorInfo> MultimodalPrefiller::declared_input(
    detail::MethodSet& methods, const std::string& method) const {
  auto meta = methods.method_meta(method);
  ET_LLM_CHECK(meta.ok() && meta->num_inputs() == 1, NotSupported,
               "method '" + method + "' must take exactly one input");
  auto info = meta->input_tensor_meta(0);
  ET_LLM_CHECK(info.ok(), InvalidProgram, "cannot read the input of '" + method + "'");
  return *info;
}

Result<Tensor> MultimodalPrefiller::run_encoder(detail::MethodSet& methods,
                                                const std::string& method, const Tensor& input) {
  auto err = methods.load_method(method);
  if (err != executorch::runtime::Error::Ok) {
    return detail::from_executorch(err, ErrorCode::InvalidProgram,
                                   "cannot load method '" + method + "'");
  }
  const int64_t begin = time_in_us();
  auto outputs = methods.execute(method, std::vector<EValue>{EValue(input)});
  encoder_us_ += time_in_us() - begin;
  if (!outputs.ok()) {
    return detail::from_executorch(outputs.error(), ErrorCode::ExecutionFailed,
                                   "method '" + method + "' failed");
  }
  ET_LLM_CHECK(!outputs->empty() && outputs->front().isTensor(), ExecutionFailed,
               "method '" + method + "' returned no tensor");
  return outputs->front().toTensor();
}

Result<PrefillResult> MultimodalPrefiller::prefill_embeddings(const Tensor& rows,
                                                              const std::string& source,
                                                              int64_t start_pos,
                                                              const std::atomic<bool>* stop) {
  const size_t width = decoder_->embedding_dim();
  ET_LLM_CHECK(rows.dim() >= 2 && static_cast<size_t>(rows.size(rows.dim() - 1)) == width,
               InvalidProgram,
               "'" + source + "' returns rows of width " +
                   std::to_string(rows.dim() ? rows.size(rows.dim() - 1) : 0) +
                   "; text_decoder takes " + std::to_string(width));
  const ScalarType dtype = rows.scalar_type();
  ET_LLM_CHECK(
      dtype == ScalarType::Float || dtype == ScalarType::Half || dtype == ScalarType::BFloat16,
      InvalidProgram, "'" + source + "' must return floating point embeddings");
  const size_t count = static_cast<size_t>(rows.numel()) / width;
  ET_LLM_CHECK(count > 0, ExecutionFailed, "'" + source + "' returned no embeddings");
  ET_LLM_CHECK(start_pos + static_cast<int64_t>(count) <= decoder_->max_context_len(),
               ContextOverflow,
               "the " + std::to_string(count) + " embeddings of '" + source + "' at position " +
                   std::to_string(start_pos) + " do not fit in the " +
                   std::to_string(decoder_->max_context_len()) + "-position context");
  PrefillResult result;
  const size_t chunk = decoder_->max_tokens_per_step();
  const size_t row_bytes = width * rows.element_size();
  const char* data = static_cast<const char*>(rows.const_data_ptr());
  while (result.num_consumed < count) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
      result.stopped = true;
      break;
    }
    const size_t n = std::min(chunk, count - result.num_consumed);
    ET_LLM_ASSIGN_OR_RETURN(
        result.logits,
        decoder_->step_embeddings(data + result.num_consumed * row_bytes, dtype, n,
                                  start_pos + static_cast<int64_t>(result.num_consumed)));
    result.forward_us += decoder_->last_forward_us();
    result.num_consumed += n;
  }
  return result;
}

Result<PrefillResult> MultimodalPrefiller::encode(const MultimodalInput& media, int64_t start_pos,
                                                  const std::atomic<bool>* stop) {
  const Image* image = media.try_get_image();
  const char* encoder = image != nullptr ? kVisionEncoderMethod : kAudioEncoderMethod;
  ET_LLM_CHECK_OK(require(encoder, image != nullptr ? "images" : "audio"));
  ET_LLM_ASSIGN_OR_RETURN(auto declared, declared_input(*methods_, encoder));
  ET_LLM_ASSIGN_OR_RETURN(auto tensor,
                          image != nullptr
                              ? detail::image_input(*image, declared, encoder)
                              : detail::audio_input(*media.try_get_audio(), declared, encoder));
  ET_LLM_ASSIGN_OR_RETURN(Tensor rows, run_encoder(*methods_, encoder, *tensor.tensor));
  return prefill_embeddings(rows, encoder, start_pos, stop);
}

Result<Audio> MultimodalPrefiller::preprocess(const RawAudio& waveform) {
  ET_LLM_CHECK(accepts_raw_audio(), NotSupported,
               "raw audio needs a waveform preprocessor: an 'audio_preprocessor' method in "
               "the program or a preprocessor .pte (audio_preprocessor_path / "
               "set_audio_preprocessor); or pass features [batch, bins, frames] as audio");
  // Checked before the preprocessor runs for nothing.
  ET_LLM_CHECK_OK(require(kAudioEncoderMethod, "audio"));
  detail::MethodSet& pre_module = preprocessor_ ? *preprocessor_ : *methods_;
  const std::string pre_method = preprocessor_ ? "forward" : kAudioPreprocessorMethod;
  ET_LLM_ASSIGN_OR_RETURN(auto pre_declared, declared_input(pre_module, pre_method));
  ET_LLM_ASSIGN_OR_RETURN(auto wave, detail::waveform_input(waveform, pre_declared, pre_method));
  ET_LLM_ASSIGN_OR_RETURN(Tensor features, run_encoder(pre_module, pre_method, *wave.tensor));
  ET_LLM_CHECK(features.dim() == 3, InvalidProgram,
               "'" + pre_method + "' must return features [batch, bins, frames]");
  // As an Audio input the features meet audio_encoder's dtype and shape rules.
  Audio audio;
  audio.batch_size = static_cast<int32_t>(features.size(0));
  audio.n_bins = static_cast<int32_t>(features.size(1));
  audio.n_frames = static_cast<int32_t>(features.size(2));
  audio.data.resize(static_cast<size_t>(features.numel()));
  ET_LLM_CHECK_OK(detail::to_floats(features.const_data_ptr(), audio.data.size(),
                                    features.scalar_type(), audio.data.data()));
  return audio;
}

Result<PrefillResult> MultimodalPrefiller::prefill(const MultimodalInput& input, int64_t start_pos,
                                                   const std::atomic<bool>* stop) {
  encoder_us_ = 0;
  Result<PrefillResult> result = Error(ErrorCode::Internal, "unhandled input type");
  switch (input.type()) {
    case MultimodalInput::Type::Image:
    case MultimodalInput::Type::Audio:
      result = encode(input, start_pos, stop);
      break;
    case MultimodalInput::Type::RawAudio: {
      ET_LLM_ASSIGN_OR_RETURN(Audio features, preprocess(*input.try_get_raw_audio()));
      result = encode(MultimodalInput(std::move(features)), start_pos, stop);
      break;
    }
    case MultimodalInput::Type::Text:
    case MultimodalInput::Type::Tokens:
      // The Session feeds these as token ids through a TextPrefiller.
      return Error(
          ErrorCode::InvalidArgument,
          std::string("MultimodalPrefiller feeds images and audio, not ") + input.type_name());
  }
  if (result.ok()) {
    result->forward_us += encoder_us_;
  }
  return result;
}

}  // namespace et_llm
