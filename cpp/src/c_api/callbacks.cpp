// C callbacks and enums as et_llm's C++ ones.
#include "c_api/handles.h"

namespace et_llm::c_api {

TokenCallback token_callback(et_llm_token_callback callback, void* user_data, Session* session) {
  if (callback == nullptr) {
    return {};  // an empty callback also tells the runners not to echo
  }
  return [callback, user_data, session](const std::string& piece) {
    const et_llm_callback_action action = callback(piece.c_str(), piece.size(), user_data);
    if (action == ET_LLM_STOP) {
      session->stop();
    } else if (action == ET_LLM_FAIL) {
      session->cancel(Error(ErrorCode::CallbackFailed, "the token callback returned ET_LLM_FAIL"));
    }
  };
}

et_llm_finish_reason finish_reason(FinishReason reason) {
  switch (reason) {
    case FinishReason::None:
      return ET_LLM_FINISH_NONE;
    case FinishReason::Eos:
      return ET_LLM_FINISH_EOS;
    case FinishReason::StopString:
      return ET_LLM_FINISH_STOP_STRING;
    case FinishReason::Length:
      return ET_LLM_FINISH_LENGTH;
    case FinishReason::Stopped:
      return ET_LLM_FINISH_STOPPED;
    case FinishReason::Grammar:
      return ET_LLM_FINISH_GRAMMAR;
  }
  return ET_LLM_FINISH_NONE;
}

}  // namespace et_llm::c_api
