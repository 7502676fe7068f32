// Error and Result<T>: the only way failures travel through the et_llm C++ API.
// Like ExecuTorch's runtime::Error/Result, but an error also carries a message,
// because "InvalidArgument" alone does not tell a user which argument.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "et_llm/error_codes.h"

namespace et_llm {

// Stable numeric codes (et_llm/error_codes.h): the Python exceptions carry
// them as `.code`, the C API returns them as et_llm_status.
enum class ErrorCode : int {
#define ET_LLM_ERROR_CODE_ENUMERATOR(camel, upper, value, when) camel = value,
  ET_LLM_ERROR_CODES(ET_LLM_ERROR_CODE_ENUMERATOR)
#undef ET_LLM_ERROR_CODE_ENUMERATOR
};

const char* error_code_name(ErrorCode code);

class [[nodiscard]] Error {
 public:
  Error() = default;  // success
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Error success() { return Error(); }

  bool ok() const { return code_ == ErrorCode::Ok; }
  explicit operator bool() const { return !ok(); }  // true when failed
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "InvalidArgument: temperature must be >= 0"
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::Ok;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}     // NOLINT: implicit by design
  Result(Error error) : storage_(std::move(error)) {  // NOLINT
    if (std::get<Error>(storage_).ok()) {
      storage_ = Error(ErrorCode::Internal, "Result constructed from a success Error");
    }
  }

  bool ok() const { return std::holds_alternative<T>(storage_); }
  Error error() const { return ok() ? Error() : std::get<Error>(storage_); }

  T& get() & { return std::get<T>(storage_); }
  const T& get() const& { return std::get<T>(storage_); }
  T&& get() && { return std::get<T>(std::move(storage_)); }
  T* operator->() { return &get(); }
  const T* operator->() const { return &get(); }
  T& operator*() & { return get(); }
  const T& operator*() const& { return get(); }

 private:
  std::variant<T, Error> storage_;
};

}  // namespace et_llm

// Return the Error of `expr` (an Error) when it failed.
#define ET_LLM_CHECK_OK(expr)              \
  do {                                     \
    ::et_llm::Error et_llm_err__ = (expr); \
    if (!et_llm_err__.ok()) {              \
      return et_llm_err__;                 \
    }                                      \
  } while (0)

#define ET_LLM_CONCAT_INNER(a, b) a##b
#define ET_LLM_CONCAT(a, b) ET_LLM_CONCAT_INNER(a, b)

// `ET_LLM_ASSIGN_OR_RETURN(auto x, make_x());` unwraps a Result or returns its Error.
#define ET_LLM_ASSIGN_OR_RETURN(lhs, expr) \
  ET_LLM_ASSIGN_OR_RETURN_IMPL(ET_LLM_CONCAT(et_llm_res__, __LINE__), lhs, expr)
#define ET_LLM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) {                                   \
    return tmp.error();                              \
  }                                                  \
  lhs = std::move(tmp).get()

// Fail with `code` and a message built from `msg` when `cond` is false.
#define ET_LLM_CHECK(cond, code, msg)                           \
  do {                                                          \
    if (!(cond)) {                                              \
      return ::et_llm::Error(::et_llm::ErrorCode::code, (msg)); \
    }                                                           \
  } while (0)
