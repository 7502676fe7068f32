// The load-time analysis that makes out-of-place KV-cache updates in-place:
// which plans it rewrites, which it must leave alone, and that reading
// arbitrary bytes as a program never crashes. Plans are built by hand so each
// refusal rule is exercised on its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "program_rewrite/in_place_cache_updates.h"
#include "program_rewrite/program_model.h"
#include "support/plan_builder.h"

namespace {

using namespace et_llm::program_rewrite;
using namespace et_llm::program_rewrite::test_plans;

// B (cache), T (updated copy), K (new rows), index: the exported pattern
// `T = index_put(B, [None, None, index], K); use(T); copy_(B, T)`.
struct CachePattern {
  PlanBuilder b;
  int32_t cache, updated, rows, index, indices, accumulate, scale, scaled, flag;

  CachePattern() {
    cache = b.cache(0);
    updated = b.cache(1024);
    rows = b.tensor({1, 2, 1, 4}, 2048);
    index = b.tensor({1}, 3072, kLong);
    indices = b.list({-1, -1, index});
    accumulate = b.boolean(false);
    scale = b.integer(2);
    scaled = b.cache(4096);
    flag = b.boolean(false);
  }
  void update() {
    b.kernel("aten::index_put.out", {cache, indices, rows, accumulate, updated, updated});
  }
  void use() { b.kernel("aten::mul.Scalar_out", {updated, scale, scaled, scaled}); }
  void write_back() { b.kernel("aten::copy_", {cache, updated, flag, cache}); }
  std::vector<Rewrite> find() { return find_in_place_cache_updates({b.plan()}); }
};

TEST(InPlaceCacheUpdates, RewritesTheExportedPattern) {
  CachePattern p;
  p.update();
  p.use();
  p.write_back();
  const auto updates = p.find();
  ASSERT_EQ(updates.size(), 1u);
  const Rewrite& u = updates[0];
  EXPECT_EQ(u.plan, "forward");
  EXPECT_EQ(u.first_instruction, 0u);
  EXPECT_EQ(u.last_instruction, 2u);
  // Every T in the three instructions now names B: out and ret of the update,
  // the reader's input and the write-back's source.
  const auto& ins = p.b.plan().instructions;
  std::vector<uint32_t> expected = {ins[0].positions[4], ins[0].positions[5], ins[1].positions[0],
                                    ins[2].positions[1]};
  ASSERT_EQ(u.patches.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(u.patches[i].position, expected[i]);
    EXPECT_EQ(u.patches[i].value, p.cache);
  }
  ASSERT_EQ(u.kernels.size(), 2u);
  EXPECT_EQ(u.kernels[0].op, "aten::index_put.out");
  EXPECT_EQ(u.kernels[0].tensors.size(), 4u);  // self, values, out, ret
  EXPECT_EQ(u.kernels[1].op, "aten::copy_");
  EXPECT_EQ(u.kernels[1].tensors.size(), 3u);  // self, src, ret
  for (const auto& kernel : u.kernels) {
    EXPECT_EQ(kernel.tensors[0].first, kFloat);
    EXPECT_EQ(kernel.tensors[0].second, (std::vector<uint8_t>{0, 1, 2, 3}));
  }
}

TEST(InPlaceCacheUpdates, RewritesIndexCopy) {
  CachePattern p;
  const int32_t dim = p.b.integer(-2);
  p.b.kernel("aten::index_copy.out", {p.cache, dim, p.index, p.rows, p.updated, p.updated});
  p.use();
  p.write_back();
  const auto updates = p.find();
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].kernels[0].op, "aten::index_copy.out");
}

TEST(InPlaceCacheUpdates, LeavesAloneAReadOfTheOldCache) {
  CachePattern p;
  p.update();
  p.b.kernel("aten::mul.Scalar_out", {p.cache, p.scale, p.scaled, p.scaled});
  p.write_back();
  EXPECT_TRUE(p.find().empty());
}

TEST(InPlaceCacheUpdates, LeavesAloneADelegateReadingTheOldCache) {
  CachePattern p;
  p.update();
  p.b.delegate({p.cache, p.scaled});
  p.write_back();
  EXPECT_TRUE(p.find().empty());
}

TEST(InPlaceCacheUpdates, LeavesAloneAViewOfTheCachesMemory) {
  CachePattern p;
  const int32_t view = p.b.tensor({2, 8, 4}, 128);  // inside B's bytes [0, 256)
  p.update();
  p.b.kernel("aten::mul.Scalar_out", {view, p.scale, p.scaled, p.scaled});
  p.write_back();
  EXPECT_TRUE(p.find().empty());
}

TEST(InPlaceCacheUpdates, AssumesATensorOfUnknownSizeOverlaps) {
  CachePattern p;
  const int32_t odd = p.b.tensor({4}, 8192, /*dtype=*/99);
  p.b.plan().values[odd].tensor.nbytes = 0;  // what read_plans gives an unknown dtype
  p.update();
  p.b.kernel("aten::mul.Scalar_out", {odd, p.scale, p.scaled, p.scaled});
  p.write_back();
  EXPECT_TRUE(p.find().empty());
}

TEST(InPlaceCacheUpdates, LeavesAloneAnUpdatedCacheThatIsAnOutput) {
  CachePattern p;
  p.update();
  p.write_back();
  p.b.plan().outputs = {p.updated};
  EXPECT_TRUE(p.find().empty());
  p.b.plan().outputs = {p.cache};
  EXPECT_TRUE(p.find().empty());
}

TEST(InPlaceCacheUpdates, LeavesAloneAUseAfterTheWriteBack) {
  CachePattern p;
  p.update();
  p.write_back();
  p.use();
  EXPECT_TRUE(p.find().empty());
}

TEST(InPlaceCacheUpdates, LeavesAloneTheUpdatedCacheInAList) {
  CachePattern p;
  const int32_t pair = p.b.list({p.updated, p.rows}, ValueKind::TensorList);
  p.update();
  p.b.kernel("aten::cat.out", {pair, p.scale, p.scaled, p.scaled});
  p.write_back();
  EXPECT_TRUE(p.find().empty());
}

TEST(InPlaceCacheUpdates, LeavesAloneTwoWriteBacksOfOneBuffer) {
  CachePattern p;
  p.update();
  p.write_back();
  p.b.kernel("aten::copy_", {p.cache, p.rows, p.flag, p.cache});
  EXPECT_TRUE(p.find().empty());
}

TEST(InPlaceCacheUpdates, LeavesAloneUpdatesItCannotRunInPlace) {
  {  // accumulating
    CachePattern p;
    p.b.plan().values[p.accumulate].bool_value = true;
    p.update();
    p.write_back();
    EXPECT_TRUE(p.find().empty());
  }
  {  // two index tensors
    CachePattern p;
    p.b.plan().values[p.indices].list_items = {-1, p.index, p.index};
    p.update();
    p.write_back();
    EXPECT_TRUE(p.find().empty());
  }
  {  // rows aliasing the cache
    CachePattern p;
    p.b.plan().values[p.rows].tensor.memory_offset = 64;
    p.update();
    p.write_back();
    EXPECT_TRUE(p.find().empty());
  }
  {  // a cache that is not contiguous
    CachePattern p;
    p.b.plan().values[p.cache].tensor.dim_order = {1, 0, 2, 3};
    p.b.plan().values[p.updated].tensor.dim_order = {1, 0, 2, 3};
    p.update();
    p.write_back();
    EXPECT_TRUE(p.find().empty());
  }
  {  // a chain with a branch
    CachePattern p;
    p.update();
    p.write_back();
    Instruction jump;
    jump.kind = InstructionKind::JumpFalse;
    p.b.plan().instructions.push_back(jump);
    EXPECT_TRUE(p.find().empty());
  }
}

TEST(InPlaceCacheUpdates, ReadingArbitraryBytesNeverCrashes) {
  std::mt19937 rng(7);
  std::vector<uint8_t> bytes(4096);
  for (int round = 0; round < 2000; ++round) {
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    bytes[4] = 'E';
    bytes[5] = 'T';
    const size_t size = rng() % bytes.size();
    const auto plans = read_plans(bytes.data(), size);
    if (plans) find_in_place_cache_updates(*plans);
  }
  EXPECT_FALSE(read_plans(nullptr, 0).has_value());
}

// A real export: every prefix of it, and every single-byte corruption of its
// first bytes, either parses or is refused, never crashes.
TEST(InPlaceCacheUpdates, FixtureProgramAndItsCorruptions) {
  const char* dir = std::getenv("ET_LLM_FIXTURES_DIR");
  if (dir == nullptr || *dir == '\0') GTEST_SKIP() << "ET_LLM_FIXTURES_DIR is not set";
  const auto path = std::filesystem::path(dir) / "export_llm_dynamic.pte";
  std::ifstream file(path, std::ios::binary);
  ASSERT_TRUE(file) << path;
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(file)), {});
  const auto plans = read_plans(data.data(), data.size());
  ASSERT_TRUE(plans.has_value());
  // Two layers, keys and values.
  EXPECT_EQ(find_in_place_cache_updates(*plans).size(), 4u);

  const size_t head = std::min<size_t>(data.size(), 1 << 16);
  for (size_t cut = 0; cut < head; cut += 97) read_plans(data.data(), cut);
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::vector<uint8_t> copy(data.begin(), data.begin() + head);
    for (int k = 0; k < 4; ++k) copy[8 + rng() % (head - 8)] = static_cast<uint8_t>(rng());
    const auto corrupt = read_plans(copy.data(), copy.size());
    if (corrupt) find_in_place_cache_updates(*corrupt);
  }
}

}  // namespace
