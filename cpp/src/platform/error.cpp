#include "et_llm/error.h"

namespace et_llm {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::Ok:
      return "Ok";
    case ErrorCode::InvalidArgument:
      return "InvalidArgument";
    case ErrorCode::InvalidState:
      return "InvalidState";
    case ErrorCode::NotFound:
      return "NotFound";
    case ErrorCode::InvalidProgram:
      return "InvalidProgram";
    case ErrorCode::InvalidTokenizer:
      return "InvalidTokenizer";
    case ErrorCode::NotSupported:
      return "NotSupported";
    case ErrorCode::ContextOverflow:
      return "ContextOverflow";
    case ErrorCode::ExecutionFailed:
      return "ExecutionFailed";
    case ErrorCode::Internal:
      return "Internal";
    case ErrorCode::CallbackFailed:
      return "CallbackFailed";
  }
  return "Unknown";
}

std::string Error::to_string() const {
  std::string text = error_code_name(code_);
  if (!message_.empty()) {
    text += ": ";
    text += message_;
  }
  return text;
}

}  // namespace et_llm
