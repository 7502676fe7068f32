// How much of the ExecuTorch runtime's own logging reaches stderr. The
// runtime logs every model load at Info level; et_llm shows Error and Fatal
// only unless asked (or ET_LLM_LOG_LEVEL=debug|info|error|off is set).
#pragma once

namespace et_llm {

enum class LogLevel { Debug = 0, Info = 1, Error = 2, Off = 3 };

void set_log_level(LogLevel level);
LogLevel log_level();

// Routes the runtime's log through et_llm's filter; idempotent, called by the
// loaders before any program is opened.
void install_runtime_log_filter();

}  // namespace et_llm
