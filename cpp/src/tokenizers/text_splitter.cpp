#include "tokenizers/text_splitter.h"

namespace et_llm::detail {
namespace {

struct Segment {
  size_t begin;
  size_t end;
  bool is_match;  // before the behavior is applied; "remove" after
};

// Gaps and matches in order, covering the whole text.
std::vector<Segment> to_segments(size_t size, const std::vector<Match>& matches, bool invert) {
  std::vector<Segment> segments;
  size_t previous = 0;
  for (const Match& match : matches) {
    if (match.begin != previous) segments.push_back({previous, match.begin, invert});
    segments.push_back({match.begin, match.end, !invert});
    previous = match.end;
  }
  if (previous != size) segments.push_back({previous, size, invert});
  return segments;
}

// Returns segments whose flag now means "remove".
std::vector<Segment> apply_behavior(const std::vector<Segment>& segments, SplitBehavior behavior) {
  std::vector<Segment> result;
  bool previous_match = false;
  switch (behavior) {
    case SplitBehavior::Removed:
      return segments;
    case SplitBehavior::Isolated:
      for (const Segment& s : segments) result.push_back({s.begin, s.end, false});
      return result;
    case SplitBehavior::Contiguous:
      for (const Segment& s : segments) {
        if (s.is_match == previous_match && !result.empty()) {
          result.back().end = s.end;
        } else {
          result.push_back({s.begin, s.end, false});
        }
        previous_match = s.is_match;
      }
      return result;
    case SplitBehavior::MergedWithPrevious:
      for (const Segment& s : segments) {
        if (s.is_match && !previous_match && !result.empty()) {
          result.back().end = s.end;
        } else {
          result.push_back({s.begin, s.end, false});
        }
        previous_match = s.is_match;
      }
      return result;
    case SplitBehavior::MergedWithNext:
      for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
        if (it->is_match && !previous_match && !result.empty()) {
          result.back().begin = it->begin;
        } else {
          result.push_back({it->begin, it->end, false});
        }
        previous_match = it->is_match;
      }
      return {result.rbegin(), result.rend()};
  }
  return result;
}

}  // namespace

Result<SplitBehavior> parse_split_behavior(const std::string& name) {
  if (name == "Removed") return SplitBehavior::Removed;
  if (name == "Isolated") return SplitBehavior::Isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (name == "Contiguous") return SplitBehavior::Contiguous;
  return Error(ErrorCode::NotSupported, "split behavior '" + name + "'");
}

size_t split_at_matches(const std::string& text, const std::vector<Match>& matches,
                        SplitBehavior behavior, bool invert, std::vector<std::string>& out) {
  size_t first = std::string::npos;
  auto emit = [&](size_t begin, size_t end) {
    if (end <= begin) return;
    if (first == std::string::npos) first = begin;
    out.emplace_back(text, begin, end - begin);
  };
  if (behavior == SplitBehavior::Isolated) {
    // Every gap and every match is its own part, whatever `invert` says.
    size_t previous = 0;
    for (const Match& match : matches) {
      emit(previous, match.begin);
      emit(match.begin, match.end);
      previous = match.end;
    }
    emit(previous, text.size());
    return first;
  }
  for (const Segment& segment :
       apply_behavior(to_segments(text.size(), matches, invert), behavior)) {
    if (!segment.is_match) emit(segment.begin, segment.end);
  }
  return first;
}

}  // namespace et_llm::detail
