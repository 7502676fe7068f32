// Tokenizers stored as a SentencePiece model (`tokenizer.model` protobuf: Llama
// 2, Gemma, Mistral), BPE or unigram. Encoding is the SentencePiece library's.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

class SentencePieceTokenizer : public Tokenizer {
 public:
  // NotFound when the file cannot be read, InvalidTokenizer when SentencePiece
  // rejects it (its message included).
  static Result<std::unique_ptr<SentencePieceTokenizer>> load(const std::string& path);
  static Result<std::unique_ptr<SentencePieceTokenizer>> parse(
      std::string_view serialized_model, const std::string& name = "tokenizer.model");
  ~SentencePieceTokenizer() override;

  // SentencePieceProcessor::Encode (normalization, dummy prefix, byte
  // fallback as the model says). Control-token strings such as "<s>" in the
  // text stay text, as in SentencePiece.
  Result<std::vector<TokenId>> encode(std::string_view text, size_t num_bos = 0,
                                      size_t num_eos = 0) const override;
  // The piece with "▁" as spaces; byte pieces give their byte, control pieces
  // nothing, <unk> its surface (" ⁇ "). The leading space is dropped when the
  // token follows a control token or starts the text (prev out of range), as
  // DecodeIds does when the model adds a dummy prefix.
  Result<std::string> decode_token(TokenId prev, TokenId token) const override;
  Result<std::string> id_to_piece(TokenId id) const override;  // "▁the"
  std::optional<TokenId> piece_to_id(std::string_view piece) const override;
  bool is_special(TokenId id) const override;  // control and unknown pieces

  std::optional<TokenId> bos_id() const override;
  std::vector<TokenId> eos_ids() const override;
  size_t vocab_size() const override;

 private:
  struct Impl;
  explicit SentencePieceTokenizer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace et_llm
