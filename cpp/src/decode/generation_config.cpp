#include "et_llm/generation_config.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "et_llm/grammar.h"

namespace et_llm {

int32_t GenerationConfig::resolve_max_new_tokens(int64_t max_context_len,
                                                 int64_t num_tokens_occupied) const {
  int64_t limit = max_context_len;
  if (seq_len >= 0) {
    limit = std::min<int64_t>(limit, seq_len);
  }
  int64_t room = limit - num_tokens_occupied;
  if (max_new_tokens >= 0) {
    room = std::min<int64_t>(room, max_new_tokens);
  }
  return static_cast<int32_t>(std::max<int64_t>(room, 0));
}

Error GenerationConfig::validate() const {
  auto bad = [](const std::string& what) {
    return Error(ErrorCode::InvalidArgument, "GenerationConfig." + what);
  };
  if (max_new_tokens < -1) {
    return bad("max_new_tokens must be -1 (auto) or >= 0, got " + std::to_string(max_new_tokens));
  }
  if (seq_len < -1 || seq_len == 0) {
    return bad("seq_len must be -1 (auto) or >= 1, got " + std::to_string(seq_len));
  }
  if (!std::isfinite(temperature) || temperature < 0.0f) {
    return bad("temperature must be a finite number >= 0, got " + std::to_string(temperature));
  }
  if (num_bos < 0) {
    return bad("num_bos must be >= 0, got " + std::to_string(num_bos));
  }
  if (num_eos < 0) {
    return bad("num_eos must be >= 0, got " + std::to_string(num_eos));
  }
  if (top_k < 0) {
    return bad("top_k must be >= 0, got " + std::to_string(top_k));
  }
  if (!(top_p > 0.0f && top_p <= 1.0f)) {
    return bad("top_p must be in (0, 1], got " + std::to_string(top_p));
  }
  if (!(min_p >= 0.0f && min_p <= 1.0f)) {
    return bad("min_p must be in [0, 1], got " + std::to_string(min_p));
  }
  if (!(repetition_penalty > 0.0f) || !std::isfinite(repetition_penalty)) {
    return bad("repetition_penalty must be > 0, got " + std::to_string(repetition_penalty));
  }
  if (!std::isfinite(frequency_penalty) || !std::isfinite(presence_penalty)) {
    return bad("frequency_penalty and presence_penalty must be finite");
  }
  if (penalty_last_n < -1) {
    return bad("penalty_last_n must be -1 (all) or >= 0, got " + std::to_string(penalty_last_n));
  }
  for (const std::string& text : stop) {
    if (text.empty()) {
      return bad("stop strings must not be empty");
    }
  }
  for (int64_t id : stop_token_ids) {
    if (id < 0) {
      return bad("stop_token_ids must be >= 0, got " + std::to_string(id));
    }
  }
  if (top_logprobs < 0) {
    return bad("top_logprobs must be >= 0, got " + std::to_string(top_logprobs));
  }
  if (!grammar.empty() && !is_grammar_type(grammar_type)) {
    return bad("grammar_type must be one of " + grammar_type_names() +
               " when a grammar is given, got '" + grammar_type + "'");
  }
  for (const auto& processor : logits_processors) {
    if (!processor) {
      return bad("logits_processors must not contain None");
    }
  }
  if (seed < -1) {
    return bad("seed must be -1 (random) or >= 0, got " + std::to_string(seed));
  }
  return validate_speculative();
}

Error GenerationConfig::validate_speculative() const {
  if (speculative.empty()) {
    return Error();
  }
  if (speculative != "prompt_lookup") {
    return Error(
        ErrorCode::InvalidArgument,
        "GenerationConfig.speculative must be '' or 'prompt_lookup', got '" + speculative + "'");
  }
  if (num_draft_tokens < 1 || num_draft_tokens > kMaxDraftTokens) {
    return Error(ErrorCode::InvalidArgument, "GenerationConfig.num_draft_tokens must be 1.." +
                                                 std::to_string(kMaxDraftTokens) + ", got " +
                                                 std::to_string(num_draft_tokens));
  }
  // Sampling and penalties are verified with the sampler's own distribution
  // at each drafted position (the draws differ, the output's distribution does
  // not), logprobs are read off the verified rows. Logits processors and
  // grammars are not: verifying row i needs their output for a history that
  // ends in drafts not yet accepted, and a processor (the grammar's matcher
  // included) keeps state that only advances with accepted tokens and cannot
  // be asked about a hypothetical one.
  const char* conflict = nullptr;
  if (!logits_processors.empty()) {
    conflict = "logits_processors";
  } else if (!grammar.empty()) {
    conflict = "a grammar";
  }
  if (conflict != nullptr) {
    return Error(ErrorCode::NotSupported,
                 std::string("GenerationConfig.speculative works with greedy decoding and "
                             "sampling, not with ") +
                     conflict + " (which follow accepted tokens only)");
  }
  return Error();
}

namespace {

// `text` as a Python string literal, so the repr can be pasted back.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string GenerationConfig::to_string() const {
  std::ostringstream out;
  out << "GenerationConfig(echo=" << (echo ? "True" : "False")
      << ", max_new_tokens=" << max_new_tokens << ", warming=" << (warming ? "True" : "False")
      << ", seq_len=" << seq_len << ", temperature=" << temperature << ", num_bos=" << num_bos
      << ", num_eos=" << num_eos
      << ", add_special_tokens=" << (add_special_tokens ? "True" : "False")
      << ", ignore_eos=" << (ignore_eos ? "True" : "False") << ", seed=" << seed
      << ", top_k=" << top_k << ", top_p=" << top_p << ", min_p=" << min_p
      << ", repetition_penalty=" << repetition_penalty
      << ", frequency_penalty=" << frequency_penalty << ", presence_penalty=" << presence_penalty
      << ", penalty_last_n=" << penalty_last_n << ", stop_token_ids=[";
  for (size_t i = 0; i < stop_token_ids.size(); ++i) {
    out << (i ? ", " : "") << stop_token_ids[i];
  }
  out << "]";
  if (!stop.empty()) {
    out << ", stop=[";
    for (size_t i = 0; i < stop.size(); ++i) {
      out << (i ? ", " : "") << quoted(stop[i]);
    }
    out << "]";
  }
  if (!speculative.empty()) {
    out << ", speculative='" << speculative << "', num_draft_tokens=" << num_draft_tokens;
  }
  if (!grammar.empty()) {
    // The grammar itself can be long: its type and size tell which one it is.
    out << ", grammar_type='" << grammar_type << "', grammar=<" << grammar.size() << " chars>";
  }
  out << ")";
  return out.str();
}

}  // namespace et_llm
