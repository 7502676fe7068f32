// et_llm_stats: a copy of one generation's Stats.
#include "c_api/handles.h"

using et_llm::Error;
using et_llm::c_api::check;
using et_llm::c_api::check_out;
using et_llm::c_api::guarded;

namespace {

template <typename T, typename Read>
et_llm_status read(const et_llm_stats* stats, T* out, Read&& value) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(stats));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    *out = value(stats->stats);
    return Error();
  });
}

}  // namespace

extern "C" {

et_llm_status et_llm_stats_create(et_llm_stats** out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check_out(out, "out"));
    *out = et_llm::c_api::adopt(std::make_unique<et_llm_stats>());
    return Error();
  });
}

et_llm_status et_llm_stats_free(et_llm_stats* stats) {
  return guarded([&] { return et_llm::c_api::destroy(stats); });
}

et_llm_status et_llm_stats_num_prompt_tokens(const et_llm_stats* stats, int64_t* out) {
  return read(stats, out, [](const et_llm::Stats& s) { return s.num_prompt_tokens; });
}

et_llm_status et_llm_stats_num_generated_tokens(const et_llm_stats* stats, int64_t* out) {
  return read(stats, out, [](const et_llm::Stats& s) { return s.num_generated_tokens; });
}

et_llm_status et_llm_stats_time_to_first_token_ms(const et_llm_stats* stats, int64_t* out) {
  return read(stats, out, [](const et_llm::Stats& s) {
    return s.first_token_ms > 0 ? s.first_token_ms - s.inference_start_ms : int64_t{0};
  });
}

et_llm_status et_llm_stats_prefill_tokens_per_second(const et_llm_stats* stats, double* out) {
  return read(stats, out, [](const et_llm::Stats& s) { return s.prefill_tokens_per_second(); });
}

et_llm_status et_llm_stats_decode_tokens_per_second(const et_llm_stats* stats, double* out) {
  return read(stats, out, [](const et_llm::Stats& s) { return s.decode_tokens_per_second(); });
}

et_llm_status et_llm_stats_to_json(const et_llm_stats* stats, char* text, size_t capacity,
                                   size_t* size) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(stats));
    return et_llm::c_api::copy_out(stats->stats.to_json_string(), text, capacity, size);
  });
}

}  // extern "C"
