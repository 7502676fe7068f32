#include "et_llm/error.h"

namespace et_llm {

const char* error_code_name(ErrorCode code) {
  switch (code) {
#define ET_LLM_ERROR_CODE_NAME(camel, upper, value, when) \
  case ErrorCode::camel:                                  \
    return #camel;
    ET_LLM_ERROR_CODES(ET_LLM_ERROR_CODE_NAME)
#undef ET_LLM_ERROR_CODE_NAME
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
