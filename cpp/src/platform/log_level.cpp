#include "et_llm/log_level.h"

#include <executorch/runtime/platform/platform.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "platform/runtime_checks.h"

namespace et_llm {

namespace {

LogLevel level_from_env() {
  const char* value = std::getenv("ET_LLM_LOG_LEVEL");
  if (value == nullptr) {
    return LogLevel::Error;
  }
  if (std::strcmp(value, "debug") == 0) return LogLevel::Debug;
  if (std::strcmp(value, "info") == 0) return LogLevel::Info;
  if (std::strcmp(value, "off") == 0) return LogLevel::Off;
  return LogLevel::Error;
}

std::atomic<LogLevel>& current_level() {
  static std::atomic<LogLevel> level{level_from_env()};
  return level;
}

LogLevel to_level(et_pal_log_level_t level) {
  switch (level) {
    case kDebug:
      return LogLevel::Debug;
    case kInfo:
      return LogLevel::Info;
    default:
      return LogLevel::Error;
  }
}

void emit(et_timestamp_t, et_pal_log_level_t level, const char* filename, const char*, size_t line,
          const char* message, size_t length) {
  if (level == kFatal) {
    detail::remember_runtime_check_message(message, length);
  }
  if (to_level(level) < current_level().load(std::memory_order_relaxed)) {
    return;
  }
  // stderr only: stdout belongs to the application.
  std::fprintf(stderr, "[executorch %c %s:%zu] %.*s\n", static_cast<char>(level),
               filename != nullptr ? filename : "?", line, static_cast<int>(length), message);
}

}  // namespace

void set_log_level(LogLevel level) {
  install_runtime_log_filter();
  current_level().store(level, std::memory_order_relaxed);
}

LogLevel log_level() { return current_level().load(std::memory_order_relaxed); }

void install_runtime_log_filter() {
  static std::once_flag once;
  std::call_once(once, [] {
    // The one registration (the runtime logs an error on a second): the log
    // filter and the handler of failed runtime checks (runtime_checks.h).
    executorch::runtime::register_pal(executorch::runtime::PalImpl::create(
        nullptr, &detail::abort_or_throw, nullptr, nullptr, &emit, nullptr, nullptr, __FILE__));
  });
}

}  // namespace et_llm
