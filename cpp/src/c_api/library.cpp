// Process-wide functions: status names, version, thread pool size.
#include <atomic>

#include "c_api/handles.h"
#include "et_llm/threads.h"

namespace et_llm::c_api {
namespace {
// Engines are created with this pool size (0: one thread per physical core).
std::atomic<size_t> requested_threads{0};
}  // namespace

EngineOptions engine_options() {
  EngineOptions options;
  options.num_threads = requested_threads.load();
  return options;
}
}  // namespace et_llm::c_api

extern "C" {

const char* et_llm_status_name(et_llm_status status) {
  switch (status) {
#define ET_LLM_C_STATUS_NAME(camel, upper, value, when) \
  case ET_LLM_STATUS_##upper:                           \
    return #camel;
    ET_LLM_ERROR_CODES(ET_LLM_C_STATUS_NAME)
#undef ET_LLM_C_STATUS_NAME
  }
  return "Unknown";
}

const char* et_llm_version(void) { return ET_LLM_VERSION_STRING; }

void et_llm_version_numbers(int* major, int* minor, int* patch) {
  if (major != nullptr) *major = ET_LLM_VERSION_MAJOR;
  if (minor != nullptr) *minor = ET_LLM_VERSION_MINOR;
  if (patch != nullptr) *patch = ET_LLM_VERSION_PATCH;
}

et_llm_status et_llm_set_num_threads(size_t num_threads) {
  return et_llm::c_api::guarded([&]() -> et_llm::Error {
    ET_LLM_CHECK_OK(et_llm::apply_thread_count(num_threads));
    et_llm::c_api::requested_threads = num_threads;
    return et_llm::Error();
  });
}

}  // extern "C"
