// Boxed entry points of the llama:: custom-op kernels and their registration
// with the ExecuTorch runtime's kernel table.
//
// A boxed kernel receives the op's arguments as EValues in schema order, the
// `out` tensor after the inputs (the runtime may append the returned value
// after it). Argument types are checked first so a program with unexpected
// arguments fails the call instead of aborting on an EValue type check.
#include <executorch/runtime/core/evalue.h>
#include <executorch/runtime/core/span.h>
#include <executorch/runtime/kernel/operator_registry.h>
#include <executorch/runtime/platform/log.h>

#include <cstring>
#include <optional>
#include <string>

#include "et_llm/custom_kernels.h"

namespace et_llm {
namespace {

using executorch::aten::Tensor;
using executorch::runtime::EValue;
using executorch::runtime::Kernel;
using executorch::runtime::KernelRuntimeContext;
using executorch::runtime::Span;

// `kinds` has one letter per argument: T tensor, t optional tensor, I int,
// F float (an int is accepted too), f optional float, B bool.
bool check_stack(KernelRuntimeContext& ctx, const char* op, Span<EValue*> stack,
                 const char* kinds) {
  const size_t count = std::strlen(kinds);
  if (stack.size() < count) {
    ET_LOG(Error, "%s: expected %zu arguments, got %zu", op, count, stack.size());
    ctx.fail(executorch::runtime::Error::InvalidArgument);
    return false;
  }
  for (size_t i = 0; i < count; ++i) {
    const EValue& v = *stack[i];
    bool ok = false;
    switch (kinds[i]) {
      case 'T':
        ok = v.isTensor();
        break;
      case 't':
        ok = v.isTensor() || v.isNone();
        break;
      case 'I':
        ok = v.isInt();
        break;
      case 'F':
        ok = v.isDouble() || v.isInt();
        break;
      case 'f':
        ok = v.isDouble() || v.isInt() || v.isNone();
        break;
      case 'B':
        ok = v.isBool();
        break;
      default:
        break;
    }
    if (!ok) {
      ET_LOG(Error, "%s: argument %zu has an unexpected type (tag %d)", op, i,
             static_cast<int>(v.tag));
      ctx.fail(executorch::runtime::Error::InvalidArgument);
      return false;
    }
  }
  return true;
}

std::optional<Tensor> optional_tensor(EValue* v) {
  return v->isNone() ? std::nullopt : std::optional<Tensor>(v->toTensor());
}

double real(EValue* v) { return v->isDouble() ? v->toDouble() : static_cast<double>(v->toInt()); }

std::optional<double> optional_real(EValue* v) {
  return v->isNone() ? std::nullopt : std::optional<double>(real(v));
}

constexpr const char* kCustomSdpa = "llama::custom_sdpa.out";
constexpr const char* kSdpaWithKvCache = "llama::sdpa_with_kv_cache.out";
constexpr const char* kUpdateCache = "llama::update_cache.out";
constexpr const char* kUpdateCacheWithIndices = "llama::update_cache_with_indices.out";
constexpr const char* kCustomQuantizedSdpa = "llama::custom_quantized_sdpa.out";

void custom_sdpa_boxed(KernelRuntimeContext& ctx, Span<EValue*> s) {
  if (!check_stack(ctx, kCustomSdpa, s, "TTTItFBfT")) return;
  kernels::custom_sdpa_out(ctx, s[0]->toTensor(), s[1]->toTensor(), s[2]->toTensor(), s[3]->toInt(),
                           optional_tensor(s[4]), real(s[5]), s[6]->toBool(), optional_real(s[7]),
                           s[8]->toTensor());
}

void sdpa_with_kv_cache_boxed(KernelRuntimeContext& ctx, Span<EValue*> s) {
  if (!check_stack(ctx, kSdpaWithKvCache, s, "TTTTTIItFBfT")) return;
  kernels::sdpa_with_kv_cache_out(ctx, s[0]->toTensor(), s[1]->toTensor(), s[2]->toTensor(),
                                  s[3]->toTensor(), s[4]->toTensor(), s[5]->toInt(), s[6]->toInt(),
                                  optional_tensor(s[7]), real(s[8]), s[9]->toBool(),
                                  optional_real(s[10]), s[11]->toTensor());
}

void update_cache_boxed(KernelRuntimeContext& ctx, Span<EValue*> s) {
  if (!check_stack(ctx, kUpdateCache, s, "TTIT")) return;
  kernels::update_cache_out(ctx, s[0]->toTensor(), s[1]->toTensor(), s[2]->toInt(),
                            s[3]->toTensor());
}

void update_cache_with_indices_boxed(KernelRuntimeContext& ctx, Span<EValue*> s) {
  if (!check_stack(ctx, kUpdateCacheWithIndices, s, "TTITT")) return;
  kernels::update_cache_with_indices_out(ctx, s[0]->toTensor(), s[1]->toTensor(), s[2]->toInt(),
                                         s[3]->toTensor(), s[4]->toTensor());
}

void custom_quantized_sdpa_boxed(KernelRuntimeContext& ctx, Span<EValue*> s) {
  if (!check_stack(ctx, kCustomQuantizedSdpa, s, "TTTItFBfttttttBT")) return;
  kernels::custom_quantized_sdpa_out(
      ctx, s[0]->toTensor(), s[1]->toTensor(), s[2]->toTensor(), s[3]->toInt(),
      optional_tensor(s[4]), real(s[5]), s[6]->toBool(), optional_real(s[7]), optional_tensor(s[8]),
      optional_tensor(s[9]), optional_tensor(s[10]), optional_tensor(s[11]), optional_tensor(s[12]),
      optional_tensor(s[13]), s[14]->toBool(), s[15]->toTensor());
}

const Kernel kKernels[] = {
    Kernel(kCustomSdpa, &custom_sdpa_boxed),
    Kernel(kSdpaWithKvCache, &sdpa_with_kv_cache_boxed),
    Kernel(kUpdateCache, &update_cache_boxed),
    Kernel(kUpdateCacheWithIndices, &update_cache_with_indices_boxed),
    Kernel(kCustomQuantizedSdpa, &custom_quantized_sdpa_boxed),
};
constexpr size_t kKernelCount = sizeof(kKernels) / sizeof(kKernels[0]);

bool registered(const char* name) {
  for (const Kernel& kernel : executorch::runtime::get_registered_kernels()) {
    if (std::strcmp(kernel.name_, name) == 0) return true;
  }
  return false;
}

Error register_missing_kernels() {
  // The runtime aborts on a duplicate name, so only ops nobody registered yet.
  Kernel missing[kKernelCount];
  size_t count = 0;
  for (const Kernel& kernel : kKernels) {
    if (!registered(kernel.name_)) missing[count++] = kernel;
  }
  if (count == 0) return Error();
  const auto err = executorch::runtime::register_kernels({missing, count});
  if (err != executorch::runtime::Error::Ok) {
    return Error(ErrorCode::Internal, "registering the llama:: custom-op kernels failed (error " +
                                          std::to_string(static_cast<int>(err)) + ")");
  }
  return Error();
}

}  // namespace

Error register_custom_kernels() {
  static const Error result = register_missing_kernels();
  return result;
}

}  // namespace et_llm
