// Timings and counts of one generation, with upstream ExecuTorch's field names
// (milliseconds on a monotonic clock) plus microsecond totals fine enough to
// measure per-token overhead.
#pragma once

#include <cstdint>
#include <string>

namespace et_llm {

int64_t time_in_ms();
int64_t time_in_us();

struct Stats {
  static constexpr int64_t SCALING_FACTOR_UNITS_PER_SECOND = 1000;

  int64_t model_load_start_ms = 0;
  int64_t model_load_end_ms = 0;
  int64_t inference_start_ms = 0;
  int64_t token_encode_end_ms = 0;
  int64_t model_execution_start_ms = 0;
  int64_t model_execution_end_ms = 0;
  int64_t prompt_eval_end_ms = 0;
  int64_t first_token_ms = 0;
  int64_t inference_end_ms = 0;
  int64_t aggregate_sampling_time_ms = 0;
  int64_t aggregate_model_execution_time_ms = 0;
  int64_t num_prompt_tokens = 0;
  int64_t num_generated_tokens = 0;

  // et_llm additions.
  int64_t prefill_time_us = 0;         // wall time of prompt evaluation
  int64_t decode_time_us = 0;          // wall time of the decode loop
  int64_t decode_forward_time_us = 0;  // of which inside the model's forward
  int64_t aggregate_sampling_time_us = 0;
  int64_t aggregate_model_execution_time_us = 0;
  // GenerationConfig::grammar: time the grammar added to the steps (taking
  // tokens, forced tokens, waiting for and applying masks, which are computed
  // during the forward) and how many tokens it forced (fed without sampling).
  int64_t grammar_time_us = 0;
  int64_t num_forced_tokens = 0;
  // GenerationConfig::speculative: tokens drafted, and those the model agreed
  // with (each one a token without a forward of its own).
  int64_t num_draft_tokens = 0;
  int64_t num_accepted_draft_tokens = 0;

  void on_sampling_begin();
  void on_sampling_end();
  // Keeps the model load times unless `all_stats`.
  void reset(bool all_stats = false);

  double prefill_tokens_per_second() const;
  double decode_tokens_per_second() const;
  // Generated tokens over the whole inference time (upstream's "generated tokens/s").
  double tokens_per_second() const;
  // Share of the decode loop spent outside the model's forward (0..1).
  double decode_overhead_fraction() const;

  std::string to_json_string() const;

 private:
  int64_t sampling_begin_us_ = 0;
};

}  // namespace et_llm
