// Which tokens of a Hugging Face tokenizer are BOS and EOS: the files beside
// tokenizer.json say so better than tokenizer.json itself.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/tokenizer.h"

namespace et_llm::detail {

struct SpecialTokenIds {
  std::optional<TokenId> bos;
  std::vector<TokenId> eos;
  // tokenizer_config.json's add_bos_token, else whether the post-processor
  // puts a special token first.
  bool adds_bos = false;
};

using PieceLookup = std::function<std::optional<TokenId>(std::string_view)>;

// BOS: tokenizer_config.json `bos_token`, else the special token the
// post-processor puts first. EOS: tokenizer_config.json `eos_token` plus
// generation_config.json `eos_token_id`, else the special token the
// post-processor puts last, else the conventional end tokens found among
// `added_tokens`. An id at or past `vocab_size` (a number in
// generation_config.json or the post-processor) is ignored, as a token string
// the vocabulary lacks is: encode could not add it nor decode read it. Fails
// only when a config file is not JSON.
Result<SpecialTokenIds> resolve_special_tokens(const std::filesystem::path& directory,
                                               const nlohmann::json& tokenizer_json,
                                               const PieceLookup& added_piece_to_id,
                                               const PieceLookup& piece_to_id, size_t vocab_size);

}  // namespace et_llm::detail
