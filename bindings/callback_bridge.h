// CallbackBridge: carries Python callbacks into C++ (re-acquiring the GIL for
// each call) and the first exception they raise back out; that exception
// cancels the session's turn (rolled back) and is re-raised to the caller.
#pragma once

#include <optional>
#include <utility>

#include "bindings.h"
#include "et_llm/session.h"

namespace et_llm::python {

class CallbackBridge {
 public:
  CallbackBridge(Session& session, py::object token_callback, py::object stats_callback)
      : session_(session),
        token_callback_(std::move(token_callback)),
        stats_callback_(std::move(stats_callback)) {}

  TokenCallback token() {
    if (token_callback_.is_none()) {
      return {};
    }
    return [this](const std::string& piece) { call([&] { token_callback_(py::str(piece)); }); };
  }

  StatsCallback stats() {
    if (stats_callback_.is_none()) {
      return {};
    }
    return [this](const Stats& stats) { call([&] { stats_callback_(stats); }); };
  }

  // without_gil(f), then a callback's exception re-raised, then unwrap(): f's
  // value, or its Error raised.
  template <typename F>
  auto call_without_gil(F&& f) {
    auto result = without_gil(std::forward<F>(f));
    rethrow();
    return unwrap(std::move(result));
  }

 private:
  // Re-raises a callback's exception, if any (with the GIL held).
  void rethrow() {
    if (error_) {
      py::error_already_set error = std::move(*error_);
      error_.reset();
      throw error;
    }
  }

  template <typename F>
  void call(F&& f) {
    py::gil_scoped_acquire gil;
    if (error_) {
      return;
    }
    try {
      f();
    } catch (py::error_already_set& e) {
      error_ = std::move(e);
      session_.cancel(Error(ErrorCode::CallbackFailed, "a callback raised an exception"));
    }
  }

  Session& session_;
  py::object token_callback_;
  py::object stats_callback_;
  std::optional<py::error_already_set> error_;
};

}  // namespace et_llm::python
