// Tokenizers stored as llama2.c's tokenizer.bin: a SentencePiece vocabulary
// (pieces with "▁" turned back into spaces) and its scores, encoded with
// llama2.c's score-ordered merging.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

class Llama2cTokenizer : public Tokenizer {
 public:
  // Reads either layout of the file (little-endian):
  //  - llama2.c's: int32 max_token_length, then until the end of the file one
  //    entry per token: float32 score, int32 length, the token's bytes. BOS is
  //    1 and EOS 2.
  //  - pytorch-tokenizers' (ExecuTorch's): int32 vocab_size, bos_id, eos_id,
  //    max_token_length, then exactly vocab_size such entries.
  // NotFound when the file cannot be read, InvalidTokenizer when it fits
  // neither layout (the message says why for each).
  static Result<std::unique_ptr<Llama2cTokenizer>> load(const std::string& path);
  static Result<std::unique_ptr<Llama2cTokenizer>> parse(std::string_view contents,
                                                         const std::string& name = "tokenizer.bin");
  ~Llama2cTokenizer() override;

  // As llama2.c encodes: a space in front (SentencePiece's dummy prefix), each
  // UTF-8 character as its token or, when it has none, as byte tokens (byte
  // value + 3), then the adjacent pair whose merged token scores highest is
  // merged until none can be. The bytes of `text` are used as they are:
  // invalid UTF-8 becomes byte tokens. No special tokens are recognised in the
  // text (SentencePiece does not either).
  Result<std::vector<TokenId>> encode(std::string_view text, size_t num_bos = 0,
                                      size_t num_eos = 0) const override;
  // The token's text; "<0xAB>" pieces give their byte, BOS and EOS nothing,
  // and the leading space is dropped after BOS/EOS or at the start (prev out
  // of range), as SentencePiece's decoder drops the dummy prefix.
  Result<std::string> decode_token(TokenId prev, TokenId token) const override;
  Result<std::string> id_to_piece(TokenId id) const override;  // as stored (spaces, not "▁")
  std::optional<TokenId> piece_to_id(std::string_view piece) const override;
  bool is_special(TokenId id) const override;  // BOS and EOS

  std::optional<TokenId> bos_id() const override;
  std::vector<TokenId> eos_ids() const override;
  size_t vocab_size() const override;

  float score(TokenId id) const;  // 0 for ids out of range

 private:
  struct Impl;
  explicit Llama2cTokenizer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace et_llm
