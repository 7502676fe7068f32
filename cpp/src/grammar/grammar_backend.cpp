// The process-wide grammar backend and the grammar_type names.
#include <mutex>

#include "et_llm/grammar.h"

namespace et_llm {

namespace {

constexpr const char* kGrammarTypes[] = {"json_schema", "regex", "lark", "gbnf"};

std::mutex& backend_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::shared_ptr<GrammarBackend>& backend_slot() {
  static std::shared_ptr<GrammarBackend> backend;
  return backend;
}

}  // namespace

bool is_grammar_type(const std::string& grammar_type) {
  for (const char* name : kGrammarTypes) {
    if (grammar_type == name) {
      return true;
    }
  }
  return false;
}

std::string grammar_type_names() {
  std::string names;
  for (const char* name : kGrammarTypes) {
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return names;
}

void set_grammar_backend(std::shared_ptr<GrammarBackend> backend) {
  std::lock_guard<std::mutex> lock(backend_mutex());
  backend_slot() = std::move(backend);
}

std::shared_ptr<GrammarBackend> grammar_backend() {
  std::lock_guard<std::mutex> lock(backend_mutex());
  return backend_slot();
}

}  // namespace et_llm
