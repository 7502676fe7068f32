// The loaders that take a path (tokenizer.json and its configs, format
// detection, whole programs) read the fuzz input from a file: one private
// directory per process, under $TMPDIR, removed at exit.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "fuzz_check.h"

namespace et_llm::fuzz {

class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp") + "/et_llm_fuzz_XXXXXX";
    check(mkdtemp(pattern.data()) != nullptr, "cannot create a scratch directory");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& path() const { return path_; }

  // Writes `name` in the directory and returns its path.
  std::string write(const char* name, std::string_view contents) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    check(out.good(), "cannot write a scratch file");
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

// The process's directory; a function-local static, so it is removed when
// libFuzzer ends the process with exit().
inline const ScratchDir& scratch_dir() {
  static const ScratchDir dir;
  return dir;
}

}  // namespace et_llm::fuzz
