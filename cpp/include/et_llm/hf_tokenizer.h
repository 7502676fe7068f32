// Tokenizers stored as a Hugging Face `tokenizer.json` with a BPE model:
// byte-level ones (GPT-2, Llama 3, SmolLM, Qwen) and SentencePiece-style ones
// (Llama 2, Mistral, Gemma: Metaspace or Replace+Prepend, byte fallback).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

class HFTokenizer : public Tokenizer {
 public:
  // `path` is a tokenizer.json or a directory holding one. BOS and EOS come
  // from a tokenizer_config.json (and generation_config.json) beside it when
  // present, else from the post-processor. Fails with NotFound,
  // InvalidTokenizer or NotSupported (a component this implementation lacks,
  // named in the message).
  static Result<std::unique_ptr<HFTokenizer>> load(const std::string& path);
  ~HFTokenizer() override;

  // Added tokens (special or not) in `text` become their ids. The file's
  // post-processor template is not applied: BOS/EOS come only from
  // `num_bos`/`num_eos`, so the caller decides. Invalid UTF-8 in `text` is
  // first replaced with U+FFFD.
  Result<std::vector<TokenId>> encode(std::string_view text, size_t num_bos = 0,
                                      size_t num_eos = 0) const override;
  // The bytes HF's decoder chain gives `token`. The chain's start-of-text
  // rule (Metaspace and Strip drop the leading space of the first token)
  // applies when `prev` is kNoPreviousToken (or any id outside the
  // vocabulary), and only then: after BOS the space stays, as in HF's
  // decode(ids, skip_special_tokens=False). Where HF writes an invalid run of
  // byte-fallback tokens as one U+FFFD per token, these bytes are left to
  // UTF-8 repair (one U+FFFD per maximal invalid subpart), as streaming must.
  Result<std::string> decode_token(TokenId prev, TokenId token) const override;
  // HF's decode: the first token left after skipping is the start of the text.
  Result<std::string> decode(const std::vector<TokenId>& ids,
                             bool skip_special_tokens = false) const override;
  Result<std::string> id_to_piece(TokenId id) const override;
  std::optional<TokenId> piece_to_id(std::string_view piece) const override;
  bool is_special(TokenId id) const override;

  std::optional<TokenId> bos_id() const override;
  std::vector<TokenId> eos_ids() const override;
  size_t vocab_size() const override;

 private:
  struct Impl;
  explicit HFTokenizer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace et_llm
