// Reading a whole tokenizer file into memory.
#pragma once

#include <string>

#include "et_llm/error.h"

namespace et_llm::detail {

// The file's bytes; NotFound (naming the file) when it cannot be read.
Result<std::string> read_file_contents(const std::string& path);

}  // namespace et_llm::detail
