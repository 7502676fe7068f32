// MultimodalPrefiller: puts one MultimodalInput into the KV cache. Text and
// token ids go through token_embedding; images through vision_encoder, audio
// features through audio_encoder, waveforms through an audio preprocessor
// then audio_encoder; the embeddings then through text_decoder in chunks.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include <executorch/extension/module/module.h>

#include "et_llm/error.h"
#include "et_llm/multimodal_decoder_runner.h"
#include "et_llm/multimodal_input.h"
#include "et_llm/text_prefiller.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

inline constexpr const char* kVisionEncoderMethod = "vision_encoder";
inline constexpr const char* kAudioEncoderMethod = "audio_encoder";
inline constexpr const char* kAudioPreprocessorMethod = "audio_preprocessor";

class MultimodalPrefiller {
 public:
  MultimodalPrefiller(executorch::extension::Module* module, MultimodalDecoderRunner* decoder,
                      const Tokenizer* tokenizer);

  // Loads the encoder methods the program has.
  Error load();

  // Waveforms go to `method` of `module` (e.g. a preprocessor .pte's
  // "forward") instead of the program's own audio_preprocessor.
  void set_audio_preprocessor(executorch::extension::Module* module, std::string method);

  // Feeds `input` at positions start_pos.. and returns the logits of its last
  // position (num_consumed = 0 for empty text). ContextOverflow when it does
  // not fit in the context; nothing is fed then.
  Result<PrefillResult> prefill(const MultimodalInput& input, int64_t start_pos,
                                const std::atomic<bool>* stop = nullptr);

  bool has_method(const std::string& name) const;
  bool accepts_raw_audio() const;

 private:
  Result<PrefillResult> prefill_tokens(const std::vector<TokenId>& tokens, int64_t start_pos,
                                       const std::atomic<bool>* stop);
  // Runs an encoder's [1, N, D] output through text_decoder.
  Result<PrefillResult> prefill_embeddings(const executorch::aten::Tensor& rows,
                                           const std::string& source, int64_t start_pos,
                                           const std::atomic<bool>* stop);
  Result<executorch::aten::Tensor> run_encoder(executorch::extension::Module& module,
                                               const std::string& method,
                                               const executorch::aten::Tensor& input);
  Result<executorch::runtime::TensorInfo> declared_input(executorch::extension::Module& module,
                                                         const std::string& method) const;
  Error require(const char* method, const char* what) const;

  executorch::extension::Module* module_;
  MultimodalDecoderRunner* decoder_;
  const Tokenizer* tokenizer_;
  TextPrefiller text_prefiller_;
  std::unordered_set<std::string> methods_;
  executorch::extension::Module* preprocessor_module_ = nullptr;
  std::string preprocessor_method_;
  int64_t encoder_us_ = 0;  // time inside the encoders during one prefill()
};

}  // namespace et_llm
