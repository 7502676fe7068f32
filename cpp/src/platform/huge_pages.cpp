#include "platform/huge_pages.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace et_llm::huge_pages {

namespace {

constexpr uintptr_t kHugePage = uintptr_t{2} << 20;

#if defined(__linux__)
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25  // Linux 6.1; older kernels answer EINVAL, which is fine.
#endif

bool overlaps_any(uintptr_t start, uintptr_t end, const std::vector<Region>& regions) {
  return std::any_of(regions.begin(), regions.end(), [&](const Region& region) {
    return start < region.end && region.start < end;
  });
}

size_t advise(uintptr_t start, uintptr_t end) {
  void* address = reinterpret_cast<void*>(start);
  const size_t length = end - start;
  if (madvise(address, length, MADV_HUGEPAGE) != 0) {
    return 0;
  }
  // Pages already touched stay 4 KiB until collapsed; failure only costs speed.
  (void)madvise(address, length, MADV_COLLAPSE);
  return length;
}
#endif

}  // namespace

std::vector<Region> anonymous_regions() {
  std::vector<Region> regions;
#if defined(__linux__)
  FILE* maps = std::fopen("/proc/self/maps", "r");
  if (maps == nullptr) {
    return regions;
  }
  char line[512];
  while (std::fgets(line, sizeof(line), maps) != nullptr) {
    unsigned long start = 0, end = 0, offset = 0, inode = 0;
    char perms[8] = {0};
    char device[16] = {0};
    int path_at = 0;
    if (std::sscanf(line, "%lx-%lx %7s %lx %15s %lu %n", &start, &end, perms, &offset, device,
                    &inode, &path_at) < 6) {
      continue;
    }
    const char* path = line + path_at;
    const bool anonymous =
        inode == 0 && (*path == '\n' || *path == '\0' || std::strncmp(path, "[heap]", 6) == 0);
    if (anonymous && perms[0] == 'r' && perms[1] == 'w' && perms[3] == 'p') {
      regions.push_back({start, end});
    }
  }
  std::fclose(maps);
#endif
  return regions;
}

size_t promote_new_memory(const std::vector<Region>& before) {
  size_t promoted = 0;
#if defined(__linux__)
  if (std::getenv("ET_LLM_NO_HUGE_PAGES") != nullptr) {
    return 0;
  }
  for (const Region& region : anonymous_regions()) {
    // Runs of aligned 2 MiB chunks that did not exist before the load.
    uintptr_t run_start = 0;
    const uintptr_t first = (region.start + kHugePage - 1) & ~(kHugePage - 1);
    for (uintptr_t chunk = first; chunk + kHugePage <= region.end; chunk += kHugePage) {
      const bool is_new = !overlaps_any(chunk, chunk + kHugePage, before);
      if (is_new && run_start == 0) {
        run_start = chunk;
      } else if (!is_new && run_start != 0) {
        promoted += advise(run_start, chunk);
        run_start = 0;
      }
    }
    if (run_start != 0) {
      const uintptr_t last = region.end & ~(kHugePage - 1);
      promoted += advise(run_start, last);
    }
  }
#else
  (void)before;
#endif
  return promoted;
}

}  // namespace et_llm::huge_pages
