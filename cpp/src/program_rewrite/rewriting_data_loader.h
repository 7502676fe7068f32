// A DataLoader that hands the runtime a rewritten copy of the program
// flatbuffer: the KV-cache updates in_place_cache_updates.h proves safe run in
// place, and the copies copy_elision.h proves redundant are dropped. Every other load (constants,
// delegate blobs, external data) passes through uncopied, so weights are still mapped; the program
// (program_checks.h) and XNNPACK payloads (xnnpack_payload_check.h) are checked on the way.
// ET_LLM_NO_PROGRAM_REWRITE=1 turns rewriting off.
#pragma once

#include <executorch/runtime/core/data_loader.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace et_llm::program_rewrite {

class RewritingDataLoader final : public executorch::runtime::DataLoader {
 public:
  // `rewrite` false: only the checks below, no rewrites (ET_LLM_NO_PROGRAM_REWRITE).
  explicit RewritingDataLoader(std::unique_ptr<executorch::runtime::DataLoader> inner,
                               bool rewrite = true)
      : inner_(std::move(inner)), rewrite_(rewrite) {}

  executorch::runtime::Result<executorch::runtime::FreeableBuffer> load(
      size_t offset, size_t size, const SegmentInfo& segment_info) const override;

  executorch::runtime::Error load_into(size_t offset, size_t size, const SegmentInfo& segment_info,
                                       void* buffer) const override {
    return inner_->load_into(offset, size, segment_info, buffer);
  }

  executorch::runtime::Result<size_t> size() const override { return inner_->size(); }

 private:
  std::unique_ptr<executorch::runtime::DataLoader> inner_;
  bool rewrite_;
  // The program's named data sizes, read with the program for the payloads loaded after it.
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, uint64_t> named_data_sizes_;
};

// Whether loads should rewrite programs (ET_LLM_NO_PROGRAM_REWRITE unset or 0).
bool rewriting_enabled();

}  // namespace et_llm::program_rewrite
