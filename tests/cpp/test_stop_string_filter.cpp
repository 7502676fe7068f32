// StopStringFilter (cpp/src/decode/stop_string_filter.h): what each pushed
// piece of streamed text lets out, what it holds back because it may be the
// start of a stop string, and what flush() returns at the end.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "decode/stop_string_filter.h"

namespace et_llm::detail {
namespace {

// What one push() returned.
struct Step {
  std::string emitted;
  bool matched;
  bool operator==(const Step& other) const {
    return emitted == other.emitted && matched == other.matched;
  }
};

void PrintTo(const Step& step, std::ostream* out) {
  *out << "{\"" << step.emitted << "\", " << (step.matched ? "matched" : "no match") << "}";
}

// Pushes each piece in turn through one filter of `stops`, then flushes it.
struct Stream {
  std::vector<Step> steps;
  std::string flushed;
};

Stream stream(const std::vector<std::string>& stops, const std::vector<std::string>& pieces) {
  StopStringFilter filter(stops);
  Stream out;
  for (const std::string& piece : pieces) {
    bool matched = true;  // push() must clear it
    std::string emitted = filter.push(piece, &matched);
    out.steps.push_back({std::move(emitted), matched});
  }
  out.flushed = filter.flush();
  return out;
}

constexpr bool kMatch = true;
constexpr bool kNoMatch = false;

TEST(StopStringFilter, WithoutStopStringsEverythingPassesAtOnce) {
  const Stream got = stream({}, {"Hello", " <", "/s>"});
  EXPECT_EQ(got.steps,
            (std::vector<Step>{{"Hello", kNoMatch}, {" <", kNoMatch}, {"/s>", kNoMatch}}));
  EXPECT_EQ(got.flushed, "");
}

TEST(StopStringFilter, APossibleStartIsHeldBackUntilItIsNot) {
  // "<" and "</" wait; "</b" cannot start "</s>", so all of it comes out.
  const Stream got = stream({"</s>"}, {"Hello <", "/", "b> and", " more"});
  EXPECT_EQ(
      got.steps,
      (std::vector<Step>{
          {"Hello ", kNoMatch}, {"", kNoMatch}, {"</b> and", kNoMatch}, {" more", kNoMatch}}));
  EXPECT_EQ(got.flushed, "");
}

TEST(StopStringFilter, AMatchAcrossTokenBoundariesEndsTheTextBeforeIt) {
  const Stream got = stream({"END"}, {"the E", "N", "D of it"});
  EXPECT_EQ(got.steps, (std::vector<Step>{{"the ", kNoMatch}, {"", kNoMatch}, {"", kMatch}}));
  EXPECT_EQ(got.flushed, "");  // what followed the stop string is dropped
}

TEST(StopStringFilter, AMatchInsideOnePieceThenAFreshStart) {
  // After a match the filter starts afresh.
  const Stream got = stream({"STOP"}, {"abcSTOPdef", "ST", "x"});
  EXPECT_EQ(got.steps, (std::vector<Step>{{"abc", kMatch}, {"", kNoMatch}, {"STx", kNoMatch}}));
}

TEST(StopStringFilter, TheLongestPossibleStartIsKept) {
  // "aab" can start at the second "a" of "aaa": one "a" goes out, "aa" waits.
  EXPECT_EQ(stream({"aab"}, {"aaa", "b"}).steps,
            (std::vector<Step>{{"a", kNoMatch}, {"", kMatch}}));
}

TEST(StopStringFilter, OfSeveralStopStringsTheEarliestMatchWins) {
  EXPECT_EQ(stream({"world", "lo"}, {"hello world"}).steps, (std::vector<Step>{{"hel", kMatch}}));
  // One stop string a prefix of another: the shorter one matches first.
  EXPECT_EQ(stream({"abc", "ab"}, {"xab"}).steps, (std::vector<Step>{{"x", kMatch}}));
}

TEST(StopStringFilter, WithSeveralStopStringsTheLongestHeldTailOfAnyIsKept) {
  // "ab" may start "abc" (and "b" may start "bx"): "ab" waits.
  EXPECT_EQ(stream({"abc", "bx"}, {"zab", "x"}).steps,
            (std::vector<Step>{{"z", kNoMatch}, {"a", kMatch}}));
}

TEST(StopStringFilter, Utf8SplitAcrossTokens) {
  // "é" is C3 A9; a token may end after C3.
  const std::vector<std::string> stops = {"\xC3\xA9!"};
  EXPECT_EQ(stream(stops, {"caf\xC3", "\xA9!"}).steps,
            (std::vector<Step>{{"caf", kNoMatch}, {"", kMatch}}));
  // The same lead byte, then another character: the held byte comes out with it.
  const Stream other = stream(stops, {"caf\xC3", "\xA8s"});
  EXPECT_EQ(other.steps, (std::vector<Step>{{"caf", kNoMatch}, {"\xC3\xA8s", kNoMatch}}));
  EXPECT_EQ(other.flushed, "");
}

TEST(StopStringFilter, AHeldTailStartsOnACharacterBoundary) {
  // "ñ" (C3 B1) ends the first piece and may start "ño": it waits whole, and
  // what comes out before it is whole characters.
  const std::vector<std::string> stops = {"\xC3\xB1o"};
  EXPECT_EQ(stream(stops, {"a\xC3\xB1", "x"}).steps,
            (std::vector<Step>{{"a", kNoMatch}, {"\xC3\xB1x", kNoMatch}}));
  EXPECT_EQ(stream(stops, {"a\xC3\xB1", "o"}).steps,
            (std::vector<Step>{{"a", kNoMatch}, {"", kMatch}}));
}

TEST(StopStringFilter, FlushReturnsWhatIsHeld) {
  const Stream got = stream({"</s>"}, {"done </"});
  EXPECT_EQ(got.steps, (std::vector<Step>{{"done ", kNoMatch}}));
  EXPECT_EQ(got.flushed, "</");
  // Held text never includes a whole stop string, so flush cannot leak one.
  EXPECT_EQ(stream({"</s>"}, {"<", "/s>"}).flushed, "");
}

TEST(StopStringFilter, FlushEmptiesTheFilter) {
  const std::vector<std::string> stops = {"</s>"};
  StopStringFilter filter(stops);
  bool matched = false;
  EXPECT_EQ(filter.push("a </", &matched), "a ");
  EXPECT_EQ(filter.flush(), "</");
  EXPECT_EQ(filter.flush(), "");
  // Nothing held is prepended to what comes next.
  EXPECT_EQ(filter.push("x", &matched), "x");
}

TEST(StopStringFilter, EmptyPiecesChangeNothing) {
  EXPECT_EQ(stream({"ab"}, {"", "a", "", "c"}).steps,
            (std::vector<Step>{{"", kNoMatch}, {"", kNoMatch}, {"", kNoMatch}, {"ac", kNoMatch}}));
}

}  // namespace
}  // namespace et_llm::detail
