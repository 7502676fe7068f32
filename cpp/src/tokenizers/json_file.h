// Reading the JSON files a Hugging Face tokenizer directory holds.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "et_llm/error.h"

namespace et_llm::detail {

// The parsed file; NotFound when it does not exist, InvalidTokenizer when it
// is not JSON. Messages name the file.
Result<nlohmann::json> read_json_file(const std::filesystem::path& path);

}  // namespace et_llm::detail
