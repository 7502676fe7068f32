// The wheel ships libexecutorch_threadpool.so but not its threadpool.h, so the
// two members we call are declared here (non-virtual, so no layout is assumed).
#include <sched.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "et_llm/log_level.h"
#include "et_llm/threads.h"
#include "platform/thread_pool_use.h"

namespace executorch::extension::threadpool {
class ThreadPool {
 public:
  size_t get_thread_count() const;
  bool _unsafe_reset_threadpool(uint32_t num_threads);
};
ThreadPool* get_threadpool();
}  // namespace executorch::extension::threadpool

namespace et_llm {

namespace detail {
std::shared_mutex& thread_pool_use() {
  static std::shared_mutex use;
  return use;
}

namespace {
std::atomic<size_t> holds{0};
}  // namespace

ThreadPoolHold::ThreadPoolHold() { ++holds; }
ThreadPoolHold::~ThreadPoolHold() { --holds; }
size_t thread_pool_holds() { return holds; }
}  // namespace detail

Error set_num_threads(size_t num_threads) {
  if (num_threads == 0) {
    return Error();
  }
  ET_LLM_CHECK(num_threads <= 1024, InvalidArgument, "num_threads must be <= 1024");
  std::unique_lock<std::shared_mutex> resizing(detail::thread_pool_use(), std::try_to_lock);
  ET_LLM_CHECK(resizing.owns_lock(), InvalidState,
               "cannot resize the thread pool to " + std::to_string(num_threads) +
                   " threads while a model runs on it (another thread is generating); "
                   "resize before or after");
  install_runtime_log_filter();  // creating the pool logs CPU probing at Info level
  auto* pool = executorch::extension::threadpool::get_threadpool();
  ET_LLM_CHECK(pool != nullptr, NotSupported, "the ExecuTorch thread pool is unavailable");
  if (pool->get_thread_count() == num_threads) {
    return Error();
  }
  // Replacing the pool would leave loaded XNNPACK delegates pointing at freed memory.
  ET_LLM_CHECK(detail::thread_pool_holds() == 0, InvalidState,
               "cannot resize the thread pool from " + std::to_string(pool->get_thread_count()) +
                   " to " + std::to_string(num_threads) +
                   " threads while a model is loaded (its XNNPACK delegates keep the pool they "
                   "were loaded with); set the thread count before loading, or free every "
                   "loaded runner first");
  ET_LLM_CHECK(pool->_unsafe_reset_threadpool(static_cast<uint32_t>(num_threads)), Internal,
               "could not resize the ExecuTorch thread pool");
  return Error();
}

namespace {

// -1 when the file is missing (no sysfs, e.g. some containers).
long read_topology_value(int cpu, const char* name) {
  std::ifstream in("/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/" + name);
  long value = -1;
  in >> value;
  return in ? value : -1;
}

}  // namespace

size_t physical_core_count() {
  // Only the CPUs this process may run on: a container or taskset limit counts.
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  const bool have_mask = sched_getaffinity(0, sizeof(allowed), &allowed) == 0;
  std::set<std::pair<long, long>> cores;
  size_t allowed_cpus = 0;
  bool topology_known = true;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (have_mask && !CPU_ISSET(cpu, &allowed)) {
      continue;
    }
    if (!have_mask && cpu >= static_cast<int>(std::thread::hardware_concurrency())) {
      break;
    }
    ++allowed_cpus;
    const long package = read_topology_value(cpu, "physical_package_id");
    const long core = read_topology_value(cpu, "core_id");
    if (package < 0 || core < 0) {
      topology_known = false;
    } else {
      cores.emplace(package, core);
    }
  }
  if (!topology_known || cores.empty()) {
    return allowed_cpus > 0 ? allowed_cpus : 1;  // count logical CPUs instead
  }
  return cores.size();
}

Error apply_thread_count(size_t num_threads) {
  if (num_threads == 0 && detail::thread_pool_holds() > 0) {
    return Error();  // no count asked for: the loaded models' pool serves
  }
  const size_t wanted = num_threads == 0 ? physical_core_count() : num_threads;
  if (wanted == get_num_threads()) {
    return Error();
  }
  return set_num_threads(wanted);
}

size_t get_num_threads() {
  install_runtime_log_filter();
  auto* pool = executorch::extension::threadpool::get_threadpool();
  return pool != nullptr ? pool->get_thread_count() : 1;
}

}  // namespace et_llm
