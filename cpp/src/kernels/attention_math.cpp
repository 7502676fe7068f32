#include "kernels/attention_math.h"

#include <cstdint>

// 32-byte vectors passed between functions compiled without AVX trigger ABI
// notes (reported at the end of the file, so not popped); every such function
// here is internal to this file.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace et_llm::kernels::detail {

namespace baseline {
#include "kernels/attention_math.inc"
}  // namespace baseline

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ET_LLM_HAVE_AVX2_MATH 1
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
namespace avx2 {
#include "kernels/attention_math.inc"
}  // namespace avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

const AttentionMath& attention_math() {
  static const AttentionMath math = [] {
#if defined(ET_LLM_HAVE_AVX2_MATH)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
      return avx2::make_math();
    }
#endif
    return baseline::make_math();
  }();
  return math;
}

}  // namespace et_llm::kernels::detail
