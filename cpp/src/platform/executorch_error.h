// Maps ExecuTorch runtime errors onto et_llm errors, keeping the original code
// in the message so nothing is lost.
#pragma once

#include <executorch/runtime/core/error.h>

#include <string>

#include "et_llm/error.h"

namespace et_llm::detail {

Error from_executorch(executorch::runtime::Error error, ErrorCode code, const std::string& what);

}  // namespace et_llm::detail
