#include "tokenizers/hf_special_tokens.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tokenizers/json_file.h"

namespace et_llm::detail {
namespace {

// Names models use for "end of text"; looked for when no config says.
constexpr const char* kConventionalEosTokens[] = {"<|endoftext|>", "</s>",       "<|end_of_text|>",
                                                  "<|eot_id|>",    "<|im_end|>", "<eos>"};

// A tokenizer_config.json token entry: "<s>", {"content": "<s>", ...} or null.
std::optional<std::string> config_token(const nlohmann::json& config, const char* key) {
  auto it = config.find(key);
  if (it == config.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
    return (*it)["content"].get<std::string>();
  }
  return std::nullopt;
}

void add_unique(std::vector<TokenId>& ids, TokenId id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

// The id of the special token a post-processor puts before (`at_end` false)
// or after a single sequence: the first or last item of a TemplateProcessing
// `single` template, or Roberta's and Bert's cls / sep. Sequence
// post-processors are searched in order.
std::optional<TokenId> post_processor_special(const nlohmann::json& processor, bool at_end) {
  if (!processor.is_object()) return std::nullopt;
  const std::string type = processor.value("type", "");
  if (type == "Sequence") {
    for (const nlohmann::json& step : processor.value("processors", nlohmann::json::array())) {
      if (auto id = post_processor_special(step, at_end)) return id;
    }
    return std::nullopt;
  }
  if (type == "RobertaProcessing" || type == "BertProcessing") {
    const nlohmann::json pair = processor.value(at_end ? "sep" : "cls", nlohmann::json());
    if (pair.is_array() && pair.size() == 2 && pair[1].is_number_unsigned()) {
      return pair[1].get<TokenId>();
    }
    return std::nullopt;
  }
  if (type != "TemplateProcessing") return std::nullopt;
  const nlohmann::json single = processor.value("single", nlohmann::json::array());
  if (!single.is_array() || single.size() < 2) return std::nullopt;
  const nlohmann::json& item = at_end ? single.back() : single.front();
  if (!item.is_object() || !item.contains("SpecialToken")) return std::nullopt;
  const std::string name = item["SpecialToken"].value("id", "");
  const nlohmann::json specials = processor.value("special_tokens", nlohmann::json::object());
  if (!specials.contains(name)) return std::nullopt;
  const nlohmann::json ids = specials[name].value("ids", nlohmann::json::array());
  if (ids.empty() || !ids[0].is_number_unsigned()) return std::nullopt;
  return ids[0].get<TokenId>();
}

}  // namespace

Result<SpecialTokenIds> resolve_special_tokens(const std::filesystem::path& directory,
                                               const nlohmann::json& tokenizer_json,
                                               const PieceLookup& added_piece_to_id,
                                               const PieceLookup& piece_to_id, size_t vocab_size) {
  const auto known = [vocab_size](std::optional<TokenId> id) {
    return id && *id < vocab_size ? id : std::nullopt;
  };
  SpecialTokenIds result;
  std::error_code error;
  std::optional<bool> add_bos_token;

  const std::filesystem::path config_path = directory / "tokenizer_config.json";
  if (std::filesystem::exists(config_path, error)) {
    ET_LLM_ASSIGN_OR_RETURN(nlohmann::json config, read_json_file(config_path));
    if (auto bos = config_token(config, "bos_token")) result.bos = piece_to_id(*bos);
    if (config.contains("add_bos_token") && config["add_bos_token"].is_boolean()) {
      add_bos_token = config["add_bos_token"].get<bool>();
    }
    if (auto eos = config_token(config, "eos_token")) {
      if (auto id = piece_to_id(*eos)) result.eos.push_back(*id);
    }
  }
  const std::filesystem::path generation_path = directory / "generation_config.json";
  if (std::filesystem::exists(generation_path, error)) {
    ET_LLM_ASSIGN_OR_RETURN(nlohmann::json generation, read_json_file(generation_path));
    const nlohmann::json eos = generation.value("eos_token_id", nlohmann::json());
    for (const nlohmann::json& id : eos.is_array() ? eos : nlohmann::json::array({eos})) {
      if (!id.is_number_unsigned()) continue;
      if (auto valid = known(id.get<TokenId>())) add_unique(result.eos, *valid);
    }
  }

  const nlohmann::json processor = tokenizer_json.value("post_processor", nlohmann::json());
  const std::optional<TokenId> processor_bos =
      known(post_processor_special(processor, /*at_end=*/false));
  if (!result.bos) result.bos = processor_bos;
  result.adds_bos = add_bos_token.value_or(processor_bos.has_value()) && result.bos.has_value();
  if (result.eos.empty()) {
    if (auto eos = known(post_processor_special(processor, /*at_end=*/true))) {
      result.eos.push_back(*eos);
    }
  }
  if (result.eos.empty()) {
    for (const char* name : kConventionalEosTokens) {
      if (auto id = added_piece_to_id(name)) add_unique(result.eos, *id);
    }
  }
  return result;
}

}  // namespace et_llm::detail
