// A failed ExecuTorch runtime check (ET_CHECK) inside a guard is an error with
// the check's text; outside one it still ends the process.
#include <executorch/runtime/platform/assert.h>
#include <gtest/gtest.h>

#include "platform/runtime_checks.h"

namespace et_llm::detail {
namespace {

executorch::runtime::Error failing_check(int value) {
  ET_CHECK_MSG(value == 0, "value was %d", value);
  return executorch::runtime::Error::Ok;
}

TEST(RuntimeChecks, AFailedCheckInAGuardIsInvalidProgram) {
  EXPECT_EQ(guard_runtime_checks([] { return failing_check(3); }),
            executorch::runtime::Error::InvalidProgram);
  const std::string message = take_runtime_check_message();
  EXPECT_NE(message.find("value was 3"), std::string::npos) << message;
  EXPECT_EQ(take_runtime_check_message(), "");  // taken once
  EXPECT_EQ(runtime_check_guard_depth(), 0);
}

TEST(RuntimeChecks, APassingCallReturnsItsResult) {
  EXPECT_EQ(guard_runtime_checks([] { return failing_check(0); }), executorch::runtime::Error::Ok);
  EXPECT_EQ(take_runtime_check_message(), "");
}

TEST(RuntimeChecksDeathTest, AFailedCheckOutsideAGuardStillAborts) {
  install_runtime_log_filter();
  EXPECT_DEATH(failing_check(5), "value was 5");
}

}  // namespace
}  // namespace et_llm::detail
