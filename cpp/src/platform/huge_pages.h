// Backs the memory a model load allocates (XNNPACK's packed weights, the
// memory-planned activations and KV cache) with 2 MiB pages. Decode reads all
// of it every token; with 4 KiB pages the TLB misses cost a measurable share
// of each step. Linux only; elsewhere, and when the kernel refuses, it is a no-op.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace et_llm::huge_pages {

struct Region {
  uintptr_t start = 0;
  uintptr_t end = 0;
};

// The process's private anonymous mappings (heap included), from /proc/self/maps.
std::vector<Region> anonymous_regions();

// Asks for huge pages on every 2 MiB-aligned stretch of anonymous memory that
// is not covered by `before`, and collapses what is already faulted in
// (MADV_COLLAPSE). Returns the bytes promoted.
size_t promote_new_memory(const std::vector<Region>& before);

}  // namespace et_llm::huge_pages
