// Greedy merging of adjacent symbols, the loop at the heart of tiktoken's and
// llama2.c's BPE: repeatedly merge the adjacent pair with the best priority
// (lowest value; the leftmost pair among equals) until no pair can merge.
//
// A heap with lazily invalidated entries makes this O(n log n) instead of the
// reference implementations' O(n^2) rescans, which matters for long runs of
// one character (e.g. ten thousand spaces), while choosing exactly the same
// pair at every step.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <utility>
#include <vector>

namespace et_llm::detail {

// `try_merge(left, right)` returns the priority and the merged symbol when the
// pair can merge, std::nullopt otherwise. `Priority` must be totally ordered.
// On return, `symbols` holds the merged sequence.
template <typename Symbol, typename Priority, typename TryMerge>
void merge_adjacent_pairs(std::vector<Symbol>& symbols, TryMerge try_merge) {
  const size_t n = symbols.size();
  if (n < 2) return;

  struct Candidate {
    Priority priority;
    size_t left;  // symbols keep their index, so index order is text order
    size_t right;
    uint32_t left_version;
    uint32_t right_version;
    Symbol merged;
  };
  struct Later {
    bool operator()(const Candidate& a, const Candidate& b) const {
      if (b.priority < a.priority) return true;
      if (a.priority < b.priority) return false;
      return a.left > b.left;
    }
  };

  constexpr size_t kNone = static_cast<size_t>(-1);
  std::vector<size_t> next(n), prev(n);
  std::vector<uint32_t> version(n, 0);
  std::vector<bool> alive(n, true);
  for (size_t i = 0; i < n; ++i) {
    next[i] = i + 1 < n ? i + 1 : kNone;
    prev[i] = i == 0 ? kNone : i - 1;
  }

  std::priority_queue<Candidate, std::vector<Candidate>, Later> heap;
  auto consider = [&](size_t left, size_t right) {
    if (left == kNone || right == kNone) return;
    std::optional<std::pair<Priority, Symbol>> merge = try_merge(symbols[left], symbols[right]);
    if (merge) {
      heap.push(Candidate{std::move(merge->first), left, right, version[left], version[right],
                          std::move(merge->second)});
    }
  };
  for (size_t i = 0; i + 1 < n; ++i) consider(i, i + 1);

  while (!heap.empty()) {
    Candidate top = heap.top();
    heap.pop();
    // An entry is stale once either side has merged with something else.
    if (!alive[top.left] || !alive[top.right] || next[top.left] != top.right ||
        version[top.left] != top.left_version || version[top.right] != top.right_version) {
      continue;
    }
    symbols[top.left] = std::move(top.merged);
    ++version[top.left];
    alive[top.right] = false;
    next[top.left] = next[top.right];
    if (next[top.right] != kNone) prev[next[top.right]] = top.left;
    consider(prev[top.left], top.left);
    consider(top.left, next[top.left]);
  }

  size_t out = 0;
  for (size_t i = 0; i < n; ++i) {
    if (alive[i]) symbols[out++] = std::move(symbols[i]);
  }
  symbols.resize(out);
}

}  // namespace et_llm::detail
