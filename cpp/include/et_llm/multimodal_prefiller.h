// MultimodalPrefiller: puts one image or audio input into the KV cache.
// Images go through vision_encoder, audio features through audio_encoder,
// waveforms through an audio preprocessor then audio_encoder; the embeddings
// then through text_decoder in chunks. (Text and token ids are the Session's:
// a TextPrefiller feeds them through token_embedding.)
#pragma once

#include <executorch/extension/module/module.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/multimodal_decoder_runner.h"
#include "et_llm/multimodal_input.h"
#include "et_llm/text_prefiller.h"

namespace et_llm {

inline constexpr const char* kVisionEncoderMethod = "vision_encoder";
inline constexpr const char* kAudioEncoderMethod = "audio_encoder";
inline constexpr const char* kAudioPreprocessorMethod = "audio_preprocessor";

class MultimodalPrefiller {
 public:
  // `methods`: the session's instances of the program's methods (encoders are
  // loaded on first use); `preprocessor`: those of a separate waveform
  // preprocessor program (its "forward"), or null.
  MultimodalPrefiller(detail::MethodSet* methods, detail::MethodSet* preprocessor,
                      MultimodalDecoderRunner* decoder);

  // Reads which encoder methods the program has.
  Error load();

  // Feeds `input` (an image, audio features or a waveform) at positions
  // start_pos.. and returns the logits of its last position. ContextOverflow
  // when it does not fit in the context; nothing is fed then. InvalidArgument
  // for text and token ids.
  Result<PrefillResult> prefill(const MultimodalInput& input, int64_t start_pos,
                                const std::atomic<bool>* stop = nullptr);

  bool has_method(const std::string& name) const;
  bool accepts_raw_audio() const;

 private:
  // An image or audio features through their encoder, then prefill_embeddings.
  Result<PrefillResult> encode(const MultimodalInput& media, int64_t start_pos,
                               const std::atomic<bool>* stop);
  // A waveform through the audio preprocessor, into features for audio_encoder.
  Result<Audio> preprocess(const RawAudio& waveform);
  // Runs an encoder's [1, N, D] output through text_decoder.
  Result<PrefillResult> prefill_embeddings(const executorch::aten::Tensor& rows,
                                           const std::string& source, int64_t start_pos,
                                           const std::atomic<bool>* stop);
  Result<executorch::aten::Tensor> run_encoder(detail::MethodSet& methods,
                                               const std::string& method,
                                               const executorch::aten::Tensor& input);
  Result<executorch::runtime::TensorInfo> declared_input(detail::MethodSet& methods,
                                                         const std::string& method) const;
  Error require(const char* method, const char* what) const;

  detail::MethodSet* methods_;
  detail::MethodSet* preprocessor_;
  MultimodalDecoderRunner* decoder_;
  std::unordered_set<std::string> method_names_;
  int64_t encoder_us_ = 0;  // time inside the encoders during one prefill()
};

}  // namespace et_llm
