// ExecuTorch's runtime ends the process when one of its checks (ET_CHECK)
// fails, e.g. a kernel argument of the wrong kind in a corrupt program that
// passed verification. et_llm registers a PAL abort that, inside
// guard_runtime_checks(), throws instead: the guard turns the failed check
// into Error::InvalidProgram and the process lives on. Outside a guard (a
// worker thread, another library's call) the abort stays an abort. The
// exception never leaves the guard, which wraps every call from et_llm into a
// program's methods.
#pragma once

#include <executorch/runtime/core/error.h>

#include <cstddef>
#include <string>

#include "et_llm/log_level.h"

namespace et_llm::detail {

struct RuntimeCheckFailed {};  // thrown through the runtime's frames only

// The PAL abort et_llm registers (with its log filter, log_level.cpp).
[[noreturn]] void abort_or_throw();
// Called by the log hook with a Fatal message: the failed check's text.
void remember_runtime_check_message(const char* message, size_t length);
// The text of the last check that failed under a guard on this thread ("" if
// none since the last call).
std::string take_runtime_check_message();
int& runtime_check_guard_depth();

// `call()` (returning an executorch Error or Result) with failed runtime
// checks as Error::InvalidProgram.
template <typename Call>
auto guard_runtime_checks(Call&& call) -> decltype(call()) {
  install_runtime_log_filter();  // registers abort_or_throw
  int& depth = runtime_check_guard_depth();
  ++depth;
  try {
    auto result = call();
    --depth;
    return result;
  } catch (const RuntimeCheckFailed&) {
    --depth;
    return executorch::runtime::Error::InvalidProgram;
  }
}

}  // namespace et_llm::detail
