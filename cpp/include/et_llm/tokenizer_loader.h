// load_tokenizer: any supported tokenizer file, or the tokenizer in a model
// directory, with its format detected from the content.
#pragma once

#include <memory>
#include <string>

#include "et_llm/error.h"
#include "et_llm/tiktoken_tokenizer.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

// Formats, detected from the first bytes (the file name is not trusted: Llama
// 3's tiktoken file and Llama 2's SentencePiece file are both called
// tokenizer.model):
//   Hugging Face tokenizer.json   JSON object
//   SentencePiece model           protobuf (starts with field 1, length-delimited)
//   tiktoken                      "<base64> <rank>" lines
//   llama2.c tokenizer.bin        either binary layout (see llama2c_tokenizer.h)
// Every format the content allows is tried in that order. A directory is
// searched for tokenizer.json, tokenizer.model, tokenizer.bin, then *.tiktoken.
// `tiktoken` gives the pattern and special tokens a tiktoken file lacks (the
// other formats carry their own and ignore it). On failure the error lists
// each format (and file) tried and why it failed.
Result<std::unique_ptr<Tokenizer>> load_tokenizer(const std::string& path,
                                                  const TiktokenOptions& tiktoken = {});

}  // namespace et_llm
