#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "c_api/handles.h"

namespace et_llm::c_api {
namespace {

std::mutex& registry_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Leaked on purpose: handles freed from static destructors must still find it.
std::unordered_map<const void*, HandleKind>& registry() {
  static auto* handles = new std::unordered_map<const void*, HandleKind>();
  return *handles;
}

// Trivially destructible, so calls made while a thread exits (from pthread
// key destructors, as Foundation's do) still find it alive.
constexpr size_t kMessageCapacity = 4096;
thread_local char last_message[kMessageCapacity];

}  // namespace

void register_handle(const void* handle, HandleKind kind) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry()[handle] = kind;
}

void unregister_handle(const void* handle) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry().erase(handle);
}

Error check_handle(const void* handle, HandleKind kind, const char* name) {
  ET_LLM_CHECK(handle != nullptr, InvalidArgument, std::string(name) + " handle is NULL");
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto it = registry().find(handle);
  ET_LLM_CHECK(it != registry().end(), InvalidArgument,
               std::string("not a live ") + name + " handle (freed already, or never created)");
  ET_LLM_CHECK(it->second == kind, InvalidArgument,
               std::string("the handle is not an ") + name + " (another et_llm type)");
  return Error();
}

Error check_out(const void* out, const char* name) {
  ET_LLM_CHECK(out != nullptr, InvalidArgument, std::string(name) + " must not be NULL");
  return Error();
}

Error check_string(const char* text, const char* name) {
  ET_LLM_CHECK(text != nullptr, InvalidArgument, std::string(name) + " must not be NULL");
  return Error();
}

et_llm_status finish(const Error& error) {
  const std::string& message = error.message();
  size_t size = error.ok() ? 0 : std::min(message.size(), kMessageCapacity - 1);
  std::memcpy(last_message, message.data(), size);
  if (size < message.size() && size >= 3) {
    std::memcpy(last_message + size - 3, "...", 3);
  }
  last_message[size] = '\0';
  return static_cast<et_llm_status>(error.code());
}

Error copy_out(const std::string& text, char* buffer, size_t capacity, size_t* size) {
  ET_LLM_CHECK(capacity == 0 || buffer != nullptr, InvalidArgument,
               "the buffer must not be NULL when capacity > 0");
  ET_LLM_CHECK_OK(check_out(size, "size"));
  if (capacity > 0) {
    const size_t n = std::min(text.size(), capacity - 1);
    std::memcpy(buffer, text.data(), n);
    buffer[n] = '\0';
  }
  *size = text.size();
  return Error();
}

void point_out(const std::string& value, const char** text, size_t* size) {
  *text = value.c_str();
  if (size != nullptr) {
    *size = value.size();
  }
}

}  // namespace et_llm::c_api

extern "C" const char* et_llm_last_error_message(void) { return et_llm::c_api::last_message; }
