// What a generation streams to: text pieces (whole UTF-8 characters) and, at
// the end, its timings.
#pragma once

#include <functional>
#include <string>

#include "et_llm/stats.h"

namespace et_llm {

using TokenCallback = std::function<void(const std::string&)>;
using StatsCallback = std::function<void(const Stats&)>;

}  // namespace et_llm
