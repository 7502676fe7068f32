// A whole .pte through `et-llm inspect`'s path: et_llm's load-time checks and
// rewrites, the runtime's verified load, every method loaded (under the
// runtime-check guard) and the constant methods run. A corrupt program is an
// error, never a crash.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "et_llm/log_level.h"
#include "et_llm/program_inspection.h"
#include "program_rewrite/program_model.h"
#include "scratch_file.h"

namespace {

// Planned memory the runtime would really allocate for some method, when the
// program is well-formed enough to say (0 if not).
uint64_t planned_bytes(const uint8_t* data, size_t size) {
  const auto plans = et_llm::program_rewrite::read_plans(data, size);
  uint64_t most = 0;
  for (const auto& plan : plans ? *plans : std::vector<et_llm::program_rewrite::Plan>{}) {
    uint64_t total = 0;
    for (int64_t buffer : plan.planned_buffer_sizes) total += buffer > 0 ? buffer : 0;
    most = std::max(most, total);
  }
  return most;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  // The runtime logs an error for most corrupt inputs: quiet unless asked.
  if (std::getenv("ET_LLM_LOG_LEVEL") == nullptr) et_llm::set_log_level(et_llm::LogLevel::Off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A program may plan any memory this machine has, and loading it allocates
  // that: more than 1 GiB would only meet libFuzzer's memory limit. Beyond the
  // physical memory, the loader must refuse it without allocating.
  const uint64_t planned = planned_bytes(data, size);
  const uint64_t physical =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  if (planned > (uint64_t{1} << 30) && planned <= physical) return 0;
  const std::string path = et_llm::fuzz::scratch_dir().write(
      "model.pte", std::string_view(reinterpret_cast<const char*>(data), size));
  (void)et_llm::inspect_program(path, /*load_methods=*/true);
  return 0;
}
