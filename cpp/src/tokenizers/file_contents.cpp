#include "tokenizers/file_contents.h"

#include <fstream>
#include <sstream>

namespace et_llm::detail {

Result<std::string> read_file_contents(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error(ErrorCode::NotFound, "cannot open " + path);
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return Error(ErrorCode::NotFound, "cannot read " + path);
  return std::move(contents).str();
}

}  // namespace et_llm::detail
