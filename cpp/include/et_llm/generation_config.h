// What one generate() call should do: lengths, sampling, prompt framing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/logits_processor.h"

namespace et_llm {

struct GenerationConfig {
  bool echo = true;             // pass the prompt to the token callback first
  int32_t max_new_tokens = -1;  // -1: as many as the context allows
  bool warming = false;         // a warm-up run: no callbacks, stats not reported
  int32_t seq_len = -1;         // cap on prompt + generated tokens; -1: context length
  float temperature = 0.8f;     // 0: greedy (argmax)
  int32_t num_bos = 0;          // BOS ids prepended to the prompt
  int32_t num_eos = 0;          // EOS ids appended to the prompt
  // With num_bos 0, a text prompt that starts the conversation (position 0)
  // gets the BOS its tokenizer's config adds (Tokenizer::default_bos_count),
  // as Hugging Face's add_special_tokens=True does. false: upstream's framing,
  // exactly num_bos. (Python's and C's num_bos setters set it to false.)
  bool add_special_tokens = true;
  bool ignore_eos = false;  // keep generating after an EOS id
  int64_t seed = -1;        // sampling seed; -1: nondeterministic
  // Ids that end generation besides the EOS ids; they end it even with
  // ignore_eos (HF's eos_token_id = ignore_eos + these).
  std::vector<int64_t> stop_token_ids;
  // Text that ends generation; it and what follows are never passed on.
  std::vector<std::string> stop;

  // Sampling chain (llama.cpp order): penalties -> top_k -> top_p -> min_p ->
  // temperature -> draw. Neutral values switch a step off.
  int32_t top_k = 0;                // keep the k most likely; 0: off
  float top_p = 1.0f;               // keep the smallest set with this mass; 1: off
  float min_p = 0.0f;               // drop tokens below min_p * p(best); 0: off
  float repetition_penalty = 1.0f;  // divide positive / multiply negative logits of seen tokens
  float frequency_penalty = 0.0f;   // subtract count * this
  float presence_penalty = 0.0f;    // subtract this once per seen token
  int32_t penalty_last_n = 64;      // tokens the penalties look back at; -1: all

  // Run on each step's logits, in order, before the sampling chain.
  std::vector<std::shared_ptr<LogitsProcessor>> logits_processors;
  // Keep log_softmax of the model's logits at each generated token, and the
  // top_logprobs most likely tokens (0: none).
  bool logprobs = false;
  int32_t top_logprobs = 0;

  // Constrained decoding (upstream's fields; et_llm/grammar.h): a JSON schema,
  // regex, Lark or GBNF grammar, named by grammar_type ("json_schema",
  // "regex", "lark", "gbnf"). Empty: no constraint.
  std::string grammar;
  std::string grammar_type;

  // Speculative decoding: "prompt_lookup" drafts up to num_draft_tokens
  // tokens from the conversation so far (the continuation of the latest
  // earlier occurrence of its last tokens) and verifies them in one forward.
  // Greedy (temperature 0 or top_k 1): the output is token for token plain
  // greedy decoding's. Sampling: each drafted token is kept with the
  // probability the sampling chain (penalties, cuts, temperature) gives it,
  // else replaced by a draw from the rest, so the output is distributed as
  // plain sampling's (not the same draws for a seed; a seed still replays a
  // run). Logprobs are as without it; logits_processors and a grammar are
  // NotSupported. A program that returns the last position's logits only
  // decodes as without it (Stats.num_draft_tokens stays 0). "": off.
  std::string speculative;
  int32_t num_draft_tokens = 8;

  // How many tokens may be generated when `num_tokens_occupied` positions of a
  // `max_context_len` context are taken. Never negative.
  int32_t resolve_max_new_tokens(int64_t max_context_len, int64_t num_tokens_occupied) const;

  // InvalidArgument naming the first field out of range.
  Error validate() const;
  static constexpr int32_t kMaxDraftTokens = 64;

  std::string to_string() const;

 private:
  Error validate_speculative() const;
};

}  // namespace et_llm
