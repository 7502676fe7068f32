// MultimodalRunner from C++ against the eager-PyTorch references recorded in
// the multimodal fixture manifest (tests/fixtures/build_multimodal.py), and
// its typed errors.
#include <et_llm/llm_runner_helpers.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using et_llm::ErrorCode;
using et_llm::MultimodalInput;
using et_llm::TokenId;

std::string fixture_dir() {
  const char* dir = std::getenv("ET_LLM_MULTIMODAL_FIXTURES_DIR");
  return dir != nullptr ? dir : "";
}

et_llm::GenerationConfig greedy(int max_new_tokens) {
  et_llm::GenerationConfig config;
  config.add_special_tokens = false;  // the references frame their own prompts
  config.temperature = 0.0f;
  config.echo = false;
  config.max_new_tokens = max_new_tokens;
  return config;
}

std::vector<char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

class MultimodalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (fixture_dir().empty()) {
      GTEST_SKIP() << "ET_LLM_MULTIMODAL_FIXTURES_DIR is not set (scripts/test.sh sets it)";
    }
    std::ifstream in(fixture_dir() + "/manifest.json");
    manifest_ = nlohmann::json::parse(in);
    // image.ppm: "P6\n32 32\n255\n" then HWC pixels.
    const std::vector<char> ppm = read_bytes(fixture_dir() + "/image.ppm");
    const size_t n = 32 * 32 * 3;
    ASSERT_GE(ppm.size(), n);
    pixels_.assign(ppm.end() - static_cast<std::ptrdiff_t>(n), ppm.end());
    const std::vector<char> raw = read_bytes(fixture_dir() + "/features.f32");
    features_.resize(raw.size() / sizeof(float));
    std::memcpy(features_.data(), raw.data(), raw.size());
  }

  std::unique_ptr<et_llm::MultimodalRunner> make(const std::string& variant) {
    auto runner = et_llm::create_multimodal_runner(fixture_dir() + "/" + variant + ".pte",
                                                   fixture_dir() + "/tokenizer.json");
    EXPECT_TRUE(runner.ok()) << runner.error().to_string();
    return runner.ok() ? std::move(*runner) : nullptr;
  }

  std::vector<TokenId> reference(const std::string& name) const {
    for (const auto& ref : manifest_["references"]) {
      if (ref["name"] == name) {
        return ref["output_ids"].get<std::vector<TokenId>>();
      }
    }
    ADD_FAILURE() << "no reference " << name;
    return {};
  }

  et_llm::Image uint8_image() const {
    return et_llm::Image(pixels_, 32, 32, 3, et_llm::ImageLayout::HWC);
  }

  nlohmann::json manifest_;
  std::vector<uint8_t> pixels_;
  std::vector<float> features_;
};

TEST_F(MultimodalTest, TextImageTextEqualsEagerPyTorch) {
  auto runner = make("vlm_input_pos");
  ASSERT_NE(runner, nullptr);
  const auto want = reference("vlm_text_image_text");
  std::vector<MultimodalInput> inputs{et_llm::make_text_input("Describe the picture"),
                                      et_llm::make_image_input(uint8_image()),
                                      et_llm::make_text_input("in a few words")};
  std::string streamed;
  auto err = runner->generate(inputs, greedy(static_cast<int>(want.size())),
                              [&](const std::string& piece) { streamed += piece; });
  ASSERT_TRUE(err.ok()) << err.to_string();
  EXPECT_EQ(runner->generated_tokens(), want);
  EXPECT_EQ(streamed, runner->generated_text());
}

TEST_F(MultimodalTest, CachePositionsAndFloatImage) {
  auto runner = make("vlm_cache_position");
  ASSERT_NE(runner, nullptr);
  const auto want = reference("vlm_cache_position_float_image");
  std::vector<float> values(pixels_.size());
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<float>(pixels_[i]) / 255.0f;
  }
  std::vector<MultimodalInput> inputs{
      et_llm::make_text_input("Look:"),
      et_llm::make_image_input(et_llm::Image(values, 32, 32, 3, et_llm::ImageLayout::HWC)),
      et_llm::make_text_input("and tell")};
  auto err = runner->generate(inputs, greedy(static_cast<int>(want.size())));
  ASSERT_TRUE(err.ok()) << err.to_string();
  EXPECT_EQ(runner->generated_tokens(), want);
}

TEST_F(MultimodalTest, AudioFeaturesEqualEagerPyTorch) {
  auto runner = make("alm");
  ASSERT_NE(runner, nullptr);
  const auto want = reference("alm_text_audio_text");
  et_llm::Audio audio{features_, 1, 16, 32};
  std::vector<MultimodalInput> inputs{et_llm::make_text_input("Listen"),
                                      et_llm::make_audio_input(audio),
                                      et_llm::make_text_input("and transcribe")};
  auto err = runner->generate(inputs, greedy(static_cast<int>(want.size())));
  ASSERT_TRUE(err.ok()) << err.to_string();
  EXPECT_EQ(runner->generated_tokens(), want);
}

TEST_F(MultimodalTest, TypedErrorsLeaveTheRunnerUsable) {
  auto runner = make("vlm_input_pos");
  ASSERT_NE(runner, nullptr);
  const auto config = greedy(8);
  std::vector<uint8_t> small(16 * 16 * 3, 0);
  auto err = runner->generate(
      {et_llm::make_text_input("x"),
       et_llm::make_image_input(et_llm::Image(small, 16, 16, 3, et_llm::ImageLayout::HWC))},
      config);
  EXPECT_EQ(err.code(), ErrorCode::InvalidArgument) << err.to_string();
  EXPECT_NE(err.message().find("3x32x32"), std::string::npos) << err.message();
  EXPECT_EQ(runner->position(), 0);

  err = runner->generate({et_llm::make_audio_input(et_llm::Audio{features_, 1, 16, 32})}, config);
  EXPECT_EQ(err.code(), ErrorCode::NotFound) << err.to_string();

  err = runner->generate({et_llm::make_raw_audio_input(et_llm::RawAudio{{0.f, 1.f}, 1, 1, 2})},
                         config);
  EXPECT_EQ(err.code(), ErrorCode::NotSupported) << err.to_string();

  err = runner->generate(std::vector<MultimodalInput>{}, config);
  EXPECT_EQ(err.code(), ErrorCode::InvalidArgument) << err.to_string();

  const auto want = reference("vlm_text_image_text");
  ASSERT_TRUE(runner->reset().ok());
  err = runner->generate(
      {et_llm::make_text_input("Describe the picture"), et_llm::make_image_input(uint8_image()),
       et_llm::make_text_input("in a few words")},
      greedy(static_cast<int>(want.size())));
  ASSERT_TRUE(err.ok()) << err.to_string();
  EXPECT_EQ(runner->generated_tokens(), want);
}

TEST(MultimodalInputTest, AccessorsAreTypeChecked) {
  const auto text = et_llm::make_text_input("hello");
  EXPECT_TRUE(text.is_text());
  EXPECT_EQ(*text.try_get_text(), "hello");
  EXPECT_EQ(text.try_get_image(), nullptr);
  auto image = text.get_image();
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error().code(), ErrorCode::InvalidArgument);
  const auto tokens = et_llm::make_token_input({1, 2, 3});
  ASSERT_TRUE(tokens.get_tokens().ok());
  EXPECT_EQ((*tokens.get_tokens())->size(), 3u);
  et_llm::Image bad(std::vector<uint8_t>(10), 4, 4, 3);
  EXPECT_EQ(bad.validate().code(), ErrorCode::InvalidArgument);
  EXPECT_TRUE(et_llm::Image(std::vector<float>(48), 4, 4, 3).validate().ok());
}

}  // namespace
