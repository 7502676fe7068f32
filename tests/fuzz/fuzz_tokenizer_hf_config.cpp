// The JSON files beside a tokenizer.json: the input is both its
// tokenizer_config.json (BOS/EOS tokens, add_bos_token) and its
// generation_config.json (eos_token_id), for a small fixed tokenizer.json,
// loaded through load_tokenizer: the HF loader reads both, then
// load_tokenizer reads add_bos_token again for any format.
#include <string_view>

#include "et_llm/tokenizer_loader.h"
#include "exercise_tokenizer.h"
#include "scratch_file.h"

namespace {

// Byte-level BPE with three special tokens and a BOS post-processor.
constexpr std::string_view kTokenizerJson = R"({
  "added_tokens": [{"id": 0, "content": "<s>", "special": true},
                   {"id": 1, "content": "</s>", "special": true},
                   {"id": 2, "content": "<|im_end|>", "special": true}],
  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
  "post_processor": {"type": "TemplateProcessing",
                     "single": [{"SpecialToken": {"id": "<s>"}}, {"Sequence": {"id": "A"}}],
                     "special_tokens": {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]}}},
  "decoder": {"type": "ByteLevel"},
  "model": {"type": "BPE", "merges": ["a b", "\u0120 ab"],
            "vocab": {"<s>": 0, "</s>": 1, "<|im_end|>": 2, "a": 3, "b": 4, "ab": 5,
                      "\u0120": 6, "\u0120ab": 7}}})";

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  et_llm::fuzz::scratch_dir().write("tokenizer.json", kTokenizerJson);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const et_llm::fuzz::ScratchDir& dir = et_llm::fuzz::scratch_dir();
  const std::string_view config(reinterpret_cast<const char*>(data), size);
  dir.write("tokenizer_config.json", config);
  dir.write("generation_config.json", config);
  return et_llm::fuzz::fuzz_tokenizer_loader(
      data, size, [&](std::string_view) { return et_llm::load_tokenizer(dir.path().string()); });
}
