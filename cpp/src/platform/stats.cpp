#include "et_llm/stats.h"

#include <chrono>
#include <sstream>

namespace et_llm {

int64_t time_in_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t time_in_ms() { return time_in_us() / 1000; }

void Stats::on_sampling_begin() { sampling_begin_us_ = time_in_us(); }

void Stats::on_sampling_end() {
  aggregate_sampling_time_us += time_in_us() - sampling_begin_us_;
  aggregate_sampling_time_ms = aggregate_sampling_time_us / 1000;
}

void Stats::reset(bool all_stats) {
  const int64_t load_start = model_load_start_ms;
  const int64_t load_end = model_load_end_ms;
  *this = Stats();
  if (!all_stats) {
    model_load_start_ms = load_start;
    model_load_end_ms = load_end;
  }
}

double Stats::prefill_tokens_per_second() const {
  return prefill_time_us > 0 ? num_prompt_tokens * 1e6 / prefill_time_us : 0.0;
}

double Stats::decode_tokens_per_second() const {
  // The first token comes from the prefill logits; the loop produces the rest.
  const int64_t decoded = num_generated_tokens - 1;
  return decode_time_us > 0 && decoded > 0 ? decoded * 1e6 / decode_time_us : 0.0;
}

double Stats::tokens_per_second() const {
  const int64_t elapsed = inference_end_ms - inference_start_ms;
  return elapsed > 0 ? num_generated_tokens * 1000.0 / elapsed : 0.0;
}

double Stats::decode_overhead_fraction() const {
  return decode_time_us > 0
             ? static_cast<double>(decode_time_us - decode_forward_time_us) / decode_time_us
             : 0.0;
}

std::string Stats::to_json_string() const {
  std::ostringstream out;
  out << "{\"prompt_tokens\":" << num_prompt_tokens
      << ",\"generated_tokens\":" << num_generated_tokens
      << ",\"model_load_start_ms\":" << model_load_start_ms
      << ",\"model_load_end_ms\":" << model_load_end_ms
      << ",\"inference_start_ms\":" << inference_start_ms
      << ",\"token_encode_end_ms\":" << token_encode_end_ms
      << ",\"model_execution_start_ms\":" << model_execution_start_ms
      << ",\"model_execution_end_ms\":" << model_execution_end_ms
      << ",\"inference_end_ms\":" << inference_end_ms
      << ",\"prompt_eval_end_ms\":" << prompt_eval_end_ms
      << ",\"first_token_ms\":" << first_token_ms
      << ",\"aggregate_sampling_time_ms\":" << aggregate_sampling_time_ms
      << ",\"aggregate_model_execution_time_ms\":" << aggregate_model_execution_time_ms
      << ",\"SCALING_FACTOR_UNITS_PER_SECOND\":" << SCALING_FACTOR_UNITS_PER_SECOND
      << ",\"prefill_time_us\":" << prefill_time_us << ",\"decode_time_us\":" << decode_time_us
      << ",\"decode_forward_time_us\":" << decode_forward_time_us
      << ",\"grammar_time_us\":" << grammar_time_us
      << ",\"num_forced_tokens\":" << num_forced_tokens
      << ",\"num_draft_tokens\":" << num_draft_tokens
      << ",\"num_accepted_draft_tokens\":" << num_accepted_draft_tokens
      << ",\"prefill_tokens_per_second\":" << prefill_tokens_per_second()
      << ",\"decode_tokens_per_second\":" << decode_tokens_per_second() << "}";
  return out.str();
}

}  // namespace et_llm
