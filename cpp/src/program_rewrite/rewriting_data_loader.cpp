#include "program_rewrite/rewriting_data_loader.h"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/rewrite_kernels.h"
#include "program_rewrite/kernel_substitution.h"
#include "program_rewrite/program_checks.h"
#include "program_rewrite/program_model.h"
#include "program_rewrite/program_rewrites.h"
#include "program_rewrite/xnnpack_payload_check.h"

namespace et_llm::program_rewrite {
namespace {

using executorch::runtime::FreeableBuffer;
using executorch::runtime::Result;

// A program this large keeps its constants inline: copying it would move the
// weights from the mapped file onto the heap.
constexpr size_t kMaxRewrittenBytes = size_t{64} << 20;

void free_copy(void* /*context*/, void* data, size_t /*size*/) { std::free(data); }

uint64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
}

// A rewrite is kept when et_llm's kernels for its patched calls are registered.
bool register_kernels(const Rewrite& rewrite) {
  for (const KernelSignature& kernel : rewrite.kernels) {
    if (!kernels::register_rewrite_kernel(kernel).ok()) return false;
  }
  return true;
}

}  // namespace

bool rewriting_enabled() {
  const char* off = std::getenv("ET_LLM_NO_PROGRAM_REWRITE");
  return off == nullptr || off[0] == '\0' || std::strcmp(off, "0") == 0;
}

Result<FreeableBuffer> RewritingDataLoader::load(size_t offset, size_t size,
                                                 const SegmentInfo& segment_info) const {
  auto loaded = inner_->load(offset, size, segment_info);
  if (!loaded.ok()) return loaded;
  const auto* data = static_cast<const uint8_t*>(loaded->data());
  if (segment_info.segment_type == SegmentInfo::Type::Backend) {
    if (segment_info.descriptor == nullptr || segment_info.descriptor != kXnnpackBackendId) {
      return loaded;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (!xnnpack_payload_consistent(data, loaded->size(), named_data_sizes_)) {
      loaded->Free();
      return executorch::runtime::Error::InvalidProgram;
    }
    return loaded;
  }
  // The runtime reads the program flatbuffer from offset 0 (first its header,
  // then the whole of it); only the whole one parses.
  if (offset != 0 || segment_info.segment_type != SegmentInfo::Type::Program) return loaded;
  if (auto program = read_program_data(data, loaded->size())) {
    for (const InlinePayload& payload : program->inline_payloads) {
      if (payload.backend_id == kXnnpackBackendId &&
          !xnnpack_payload_consistent(data + payload.start, payload.length,
                                      program->named_data_sizes)) {
        loaded->Free();
        return executorch::runtime::Error::InvalidProgram;
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    named_data_sizes_ = std::move(program->named_data_sizes);
  }
  if (loaded->size() > kMaxRewrittenBytes) return loaded;
  auto plans = read_plans(data, loaded->size());
  if (!plans) return loaded;
  // Indices first: the kind check reads the values they name.
  if (!indices_valid(*plans) || !argument_kinds_consistent(*plans) ||
      !method_meta_readable(*plans)) {
    loaded->Free();
    return executorch::runtime::Error::InvalidProgram;
  }
  if (!planned_memory_within(*plans, physical_memory_bytes())) {
    loaded->Free();
    return executorch::runtime::Error::MemoryAllocationFailed;
  }
  if (!rewrite_) return loaded;
  const ProgramRewrites rewrites = plan_program_rewrites(*plans, register_kernels);
  for (const KernelSignature& kernel : substitutable_kernels(*plans)) {
    (void)kernels::register_rewrite_kernel(kernel);  // the runtime's kernel stays if this fails
  }
  if (rewrites.cache_updates.empty() && rewrites.elided_copies.empty()) return loaded;

  // Same alignment guarantee as the mapped file, for the runtime's aligned
  // reads.
  constexpr size_t kAlignment = 64;
  auto* copy = static_cast<uint8_t*>(
      std::aligned_alloc(kAlignment, (loaded->size() + kAlignment - 1) / kAlignment * kAlignment));
  if (copy == nullptr) return loaded;
  std::memcpy(copy, data, loaded->size());
  for (const auto* kind : {&rewrites.cache_updates, &rewrites.elided_copies}) {
    for (const Rewrite& rewrite : *kind) {
      for (const ArgPatch& patch : rewrite.patches) {
        std::memcpy(copy + patch.position, &patch.value, sizeof(patch.value));
      }
    }
  }
  const size_t copy_size = loaded->size();
  loaded->Free();
  return FreeableBuffer(copy, copy_size, &free_copy);
}

}  // namespace et_llm::program_rewrite
