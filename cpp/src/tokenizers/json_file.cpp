#include "tokenizers/json_file.h"

#include <fstream>
#include <sstream>

namespace et_llm::detail {

Result<nlohmann::json> read_json_file(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Error(ErrorCode::NotFound, "no such file: " + path.string());
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error(ErrorCode::NotFound, "cannot open " + path.string());
  std::stringstream contents;
  contents << file.rdbuf();
  nlohmann::json json = nlohmann::json::parse(contents.str(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return Error(ErrorCode::InvalidTokenizer, path.string() + " is not valid JSON");
  }
  return json;
}

}  // namespace et_llm::detail
