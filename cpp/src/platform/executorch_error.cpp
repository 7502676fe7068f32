#include "platform/executorch_error.h"

#include <cstdio>

#include "platform/runtime_checks.h"

namespace et_llm::detail {

Error from_executorch(executorch::runtime::Error error, ErrorCode code, const std::string& what) {
  using executorch::runtime::Error;
  char hex[16];
  std::snprintf(hex, sizeof(hex), "0x%02x", static_cast<unsigned>(error));
  std::string reason;
  switch (error) {
    case Error::OperatorMissing:
      reason = "an operator the program uses has no kernel in this runtime";
      break;
    case Error::NotFound:
      reason = "not found";
      code = code == ErrorCode::ExecutionFailed ? code : ErrorCode::NotFound;
      break;
    case Error::InvalidProgram:
      reason = "invalid program";
      if (std::string check = take_runtime_check_message(); !check.empty()) {
        reason += " (a runtime check failed: " + check + ")";
      }
      break;
    case Error::InvalidArgument:
      reason = "invalid argument";
      break;
    case Error::MemoryAllocationFailed:
      reason = "memory allocation failed";
      break;
    case Error::AccessFailed:
      reason = "could not read the file";
      break;
    case Error::NotSupported:
      reason = "not supported";
      break;
    default:
      reason = "runtime error";
      break;
  }
  return et_llm::Error(code, what + ": " + reason + " (ExecuTorch error " + hex + ")");
}

}  // namespace et_llm::detail
