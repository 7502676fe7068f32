#include "program_rewrite/rewriting_data_loader.h"

#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/in_place_cache_kernels.h"
#include "program_rewrite/in_place_cache_updates.h"

namespace et_llm::program_rewrite {
namespace {

using executorch::runtime::FreeableBuffer;
using executorch::runtime::Result;

// A program this large keeps its constants inline: copying it would move the
// weights from the mapped file onto the heap.
constexpr size_t kMaxRewrittenBytes = size_t{64} << 20;

void free_copy(void * /*context*/, void *data, size_t /*size*/) { std::free(data); }

// Keeps the updates whose kernels could be registered.
std::vector<const CacheUpdate *> usable(const std::vector<CacheUpdate> &updates) {
  std::vector<const CacheUpdate *> out;
  for (const CacheUpdate &update : updates) {
    bool ok = true;
    for (const KernelSignature &kernel : update.kernels) {
      ok = ok && kernels::register_in_place_kernel(kernel).ok();
    }
    if (ok) out.push_back(&update);
  }
  return out;
}

}  // namespace

bool rewriting_enabled() {
  const char *off = std::getenv("ET_LLM_NO_PROGRAM_REWRITE");
  return off == nullptr || off[0] == '\0' || std::strcmp(off, "0") == 0;
}

Result<FreeableBuffer> RewritingDataLoader::load(size_t offset, size_t size,
                                                 const SegmentInfo &segment_info) const {
  auto loaded = inner_->load(offset, size, segment_info);
  // The runtime reads the program flatbuffer from offset 0 (first its header,
  // then the whole of it); only the whole one parses.
  if (!loaded.ok() || offset != 0 || segment_info.segment_type != SegmentInfo::Type::Program ||
      loaded->size() > kMaxRewrittenBytes) {
    return loaded;
  }
  const auto *data = static_cast<const uint8_t *>(loaded->data());
  const auto plans = read_plans(data, loaded->size());
  if (!plans) return loaded;
  const auto updates = find_in_place_cache_updates(*plans);
  const auto applied = usable(updates);
  in_place_updates_ = applied.size();
  if (applied.empty()) return loaded;

  // Same alignment guarantee as the mapped file, for the runtime's aligned
  // reads.
  constexpr size_t kAlignment = 64;
  auto *copy = static_cast<uint8_t *>(
      std::aligned_alloc(kAlignment, (loaded->size() + kAlignment - 1) / kAlignment * kAlignment));
  if (copy == nullptr) return loaded;
  std::memcpy(copy, data, loaded->size());
  for (const CacheUpdate *update : applied) {
    for (const ArgPatch &patch : update->patches) {
      std::memcpy(copy + patch.position, &patch.value, sizeof(patch.value));
    }
  }
  const size_t copy_size = loaded->size();
  loaded->Free();
  return FreeableBuffer(copy, copy_size, &free_copy);
}

}  // namespace et_llm::program_rewrite
