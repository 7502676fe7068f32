#include "platform/runtime_checks.h"

#include <cstdlib>

#include "et_llm/log_level.h"

namespace et_llm::detail {
namespace {

thread_local std::string check_message;

}  // namespace

void abort_or_throw() {
  if (runtime_check_guard_depth() > 0) {
    throw RuntimeCheckFailed{};
  }
  std::abort();
}

int& runtime_check_guard_depth() {
  thread_local int depth = 0;
  return depth;
}

void remember_runtime_check_message(const char* message, size_t length) {
  if (runtime_check_guard_depth() > 0) {
    check_message.assign(message, length);
  }
}

std::string take_runtime_check_message() {
  std::string message;
  message.swap(check_message);
  return message;
}

}  // namespace et_llm::detail
