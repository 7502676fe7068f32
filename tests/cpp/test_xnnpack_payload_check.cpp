// The load-time check of XNNPACK payloads: a constant's shape must fit its
// bytes and a quantized tensor needs a scale per channel (group). On the
// fixtures' real payloads: every one passes, and one whose weight shape is
// enlarged is refused at method load instead of crashing inside XNNPACK.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "et_llm/llm_runner_helpers.h"
#include "program_rewrite/program_model.h"
#include "program_rewrite/xnnpack_payload_check.h"

namespace et_llm::program_rewrite {
namespace {

constexpr int16_t kFp32 = 1;
constexpr int16_t kQcint8 = 6;
constexpr int16_t kQbint4 = 10;

XnnpackTensor constant(int16_t datatype, std::vector<uint32_t> dims, uint64_t bytes) {
  XnnpackTensor t;
  t.datatype = datatype;
  t.dims = std::move(dims);
  t.constant = true;
  t.constant_bytes = bytes;
  return t;
}

TEST(XnnpackTensors, AConstantThatFitsItsBytesPasses) {
  EXPECT_TRUE(xnnpack_tensors_consistent({constant(kFp32, {4, 8}, 4 * 8 * 4)}));
  EXPECT_TRUE(xnnpack_tensors_consistent({constant(kQbint4, {4, 7}, 14)}));  // two per byte
  EXPECT_TRUE(xnnpack_tensors_consistent({constant(kFp32, {}, 4)}));         // a scalar
}

TEST(XnnpackTensors, AConstantLargerThanItsBytesFails) {
  EXPECT_FALSE(xnnpack_tensors_consistent({constant(kFp32, {4, 8}, 4 * 8 * 4 - 1)}));
  EXPECT_FALSE(xnnpack_tensors_consistent({constant(kQbint4, {4, 7}, 13)}));
  const uint32_t huge = std::numeric_limits<uint32_t>::max();
  EXPECT_FALSE(xnnpack_tensors_consistent({constant(kFp32, {huge, huge, huge}, 1 << 20)}));
}

TEST(XnnpackTensors, ConstantsOutsideTheProgramAndNonConstantsAreNotSized) {
  XnnpackTensor external = constant(kFp32, {1 << 20, 1 << 10}, 0);
  external.constant_bytes.reset();
  XnnpackTensor activation;
  activation.datatype = kFp32;
  activation.dims = {1, 1 << 30};
  EXPECT_TRUE(xnnpack_tensors_consistent({external, activation}));
}

XnnpackTensor per_channel(uint64_t scales, int32_t channel_dim) {
  XnnpackTensor t = constant(kQcint8, {16, 32}, 16 * 32);
  t.quant = XnnpackQuant::PerChannel;
  t.channel_dim = channel_dim;
  t.scales = scales;
  return t;
}

TEST(XnnpackTensors, PerChannelQuantizationNeedsAScalePerChannel) {
  EXPECT_TRUE(xnnpack_tensors_consistent({per_channel(16, 0)}));
  EXPECT_TRUE(xnnpack_tensors_consistent({per_channel(32, 1)}));
  EXPECT_FALSE(xnnpack_tensors_consistent({per_channel(15, 0)}));
  EXPECT_FALSE(xnnpack_tensors_consistent({per_channel(16, 1)}));
  EXPECT_FALSE(xnnpack_tensors_consistent({per_channel(64, 2)}));   // no such dimension
  EXPECT_FALSE(xnnpack_tensors_consistent({per_channel(64, -1)}));  // nor this
}

XnnpackTensor grouped(std::vector<uint32_t> dims, int32_t group_size, uint64_t scales) {
  XnnpackTensor t = constant(kQbint4, dims, 1 << 20);
  t.quant = XnnpackQuant::PerChannelGroup;
  t.group_size = group_size;
  t.scales = scales;
  return t;
}

TEST(XnnpackTensors, GroupQuantizationNeedsAScalePerGroup) {
  EXPECT_TRUE(xnnpack_tensors_consistent({grouped({16, 64}, 32, 32)}));
  EXPECT_FALSE(xnnpack_tensors_consistent({grouped({16, 64}, 32, 31)}));
  EXPECT_FALSE(xnnpack_tensors_consistent({grouped({16, 64}, 0, 32)}));  // divides by it
  EXPECT_FALSE(xnnpack_tensors_consistent({grouped({64}, 32, 32)}));     // reads dims[1]
}

TEST(XnnpackPayload, AnUnreadablePayloadFails) {
  const std::vector<uint8_t> garbage(64, 0xff);
  EXPECT_FALSE(xnnpack_payload_consistent(garbage.data(), garbage.size(), {}));
  EXPECT_FALSE(xnnpack_payload_consistent(nullptr, 0, {}));
}

// The fixtures' payloads, found by their XNNHeader ("XH00" at byte 4).
struct Payload {
  size_t start = 0;
  size_t size = 0;
};

uint64_t little_endian(const uint8_t* at, size_t bytes) {
  uint64_t value = 0;
  for (size_t i = bytes; i-- > 0;) value = value << 8 | at[i];
  return value;
}

std::vector<Payload> find_payloads(const std::vector<uint8_t>& file) {
  std::vector<Payload> out;
  for (size_t at = 4; at + 26 <= file.size(); ++at) {
    if (std::memcmp(file.data() + at, "XH00", 4) != 0) continue;
    const uint8_t* start = file.data() + at - 4;
    const uint64_t end = little_endian(start + 18, 4) + little_endian(start + 22, 8);
    if (end <= file.size() - (at - 4)) out.push_back({at - 4, static_cast<size_t>(end)});
  }
  return out;
}

class FixturePayloads : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("ET_LLM_FIXTURES_DIR");
    if (dir == nullptr || dir[0] == '\0') {
      GTEST_SKIP() << "ET_LLM_FIXTURES_DIR is not set (scripts/test.sh sets it)";
    }
    dir_ = dir;
  }

  static std::vector<uint8_t> read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  std::filesystem::path dir_;
};

TEST_F(FixturePayloads, EveryPayloadReadsAndPasses) {
  size_t payloads = 0;
  size_t sized_constants = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() != ".pte") continue;
    const std::vector<uint8_t> file = read(entry.path());
    const auto program = read_program_data(file.data(), file.size());
    ASSERT_TRUE(program) << entry.path();
    for (const Payload& p : find_payloads(file)) {
      const auto tensors =
          read_xnnpack_tensors(file.data() + p.start, p.size, program->named_data_sizes);
      ASSERT_TRUE(tensors) << entry.path() << " at " << p.start;
      EXPECT_TRUE(xnnpack_tensors_consistent(*tensors)) << entry.path() << " at " << p.start;
      ++payloads;
      for (const XnnpackTensor& t : *tensors) sized_constants += t.constant_bytes.has_value();
    }
  }
  EXPECT_GT(payloads, 0u);
  EXPECT_GT(sized_constants, 0u);
}

TEST_F(FixturePayloads, AnEnlargedWeightIsRefusedAtMethodLoad) {
  std::vector<uint8_t> file = read(dir_ / "export_llm_static.pte");
  const auto program = read_program_data(file.data(), file.size());
  ASSERT_TRUE(program);
  bool corrupted = false;
  for (const Payload& p : find_payloads(file)) {
    const auto tensors =
        read_xnnpack_tensors(file.data() + p.start, p.size, program->named_data_sizes);
    ASSERT_TRUE(tensors);
    for (const XnnpackTensor& t : *tensors) {
      if (!t.constant_bytes || t.dims.size() != 2 || corrupted) continue;
      const uint32_t enlarged = t.dims[0] * 16;  // as a fuzzer's ChangeBinInt would
      std::memcpy(file.data() + p.start + t.dims_position, &enlarged, sizeof(enlarged));
      EXPECT_FALSE(
          xnnpack_payload_consistent(file.data() + p.start, p.size, program->named_data_sizes));
      corrupted = true;
    }
  }
  ASSERT_TRUE(corrupted) << "no two-dimensional constant weight in the fixture";

  const auto path = std::filesystem::temp_directory_path() /
                    ("et_llm_enlarged_weight_" + std::to_string(::getpid()) + ".pte");
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
  auto module = load_module(path.string());
  ASSERT_TRUE(module.ok()) << module.error().message();
  EXPECT_EQ((*module)->load_method("forward"), executorch::runtime::Error::InvalidProgram);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace et_llm::program_rewrite
