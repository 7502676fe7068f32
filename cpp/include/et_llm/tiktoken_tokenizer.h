// Tokenizers stored in tiktoken's format: one "<base64 bytes> <rank>" line per
// token (OpenAI's cl100k/o200k files, Llama 3's tokenizer.model). The file has
// neither the pre-tokenizer pattern nor the special tokens: they are given, or
// Llama 3's.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

struct TiktokenOptions {
  // The regex that splits text before byte-pair merging; Llama 3's when unset.
  std::optional<std::string> pattern;
  // Special tokens, given ids n, n+1, ... after the file's n ranks; Llama 3's
  // 256 (<|begin_of_text|> = 128000 in Llama 3's file) when unset.
  std::optional<std::vector<std::string>> special_tokens;
  // Which of the special tokens are BOS and EOS.
  size_t bos_token_index = 0;
  size_t eos_token_index = 1;
};

class TiktokenTokenizer : public Tokenizer {
 public:
  // Llama 3's pre-tokenizer pattern and special tokens, as Meta's reference
  // code and pytorch-tokenizers define them.
  static const std::string& llama3_pattern();
  static const std::vector<std::string>& llama3_special_tokens();

  // NotFound when the file cannot be read, InvalidTokenizer when a line is not
  // "<base64> <rank>" (the message names the line) or ranks repeat,
  // InvalidArgument for a bad pattern or special-token index.
  static Result<std::unique_ptr<TiktokenTokenizer>> load(const std::string& path,
                                                         const TiktokenOptions& options = {});
  // The same from the file's contents; `name` is used in messages.
  static Result<std::unique_ptr<TiktokenTokenizer>> parse(std::string_view contents,
                                                          const TiktokenOptions& options = {},
                                                          const std::string& name = "tiktoken");
  ~TiktokenTokenizer() override;

  // Special-token strings in `text` become their ids (tiktoken's
  // allowed_special="all"); invalid UTF-8 is first replaced with U+FFFD.
  Result<std::vector<TokenId>> encode(std::string_view text, size_t num_bos = 0,
                                      size_t num_eos = 0) const override;
  // The token's bytes; `prev` is ignored.
  Result<std::string> decode_token(TokenId prev, TokenId token) const override;
  // Ranked tokens are spelled with GPT-2's byte-to-character table, as the
  // same tokens are in a Hugging Face tokenizer.json ("Ġthe"); special tokens
  // as themselves.
  Result<std::string> id_to_piece(TokenId id) const override;
  std::optional<TokenId> piece_to_id(std::string_view piece) const override;
  bool is_special(TokenId id) const override;

  std::optional<TokenId> bos_id() const override;
  std::vector<TokenId> eos_ids() const override;
  size_t vocab_size() const override;

 private:
  struct Impl;
  explicit TiktokenTokenizer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace et_llm
