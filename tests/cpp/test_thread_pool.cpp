// The process-wide thread pool is not resized under a running forward: while
// a forward holds it, set_num_threads is refused (InvalidState); after, it works.
#include <et_llm/threads.h>
#include <gtest/gtest.h>

#include <thread>

#include "platform/thread_pool_use.h"

TEST(ThreadPool, ResizeIsRefusedWhileAForwardHoldsThePool) {
  ASSERT_TRUE(et_llm::set_num_threads(2).ok());
  {
    et_llm::detail::ThreadPoolUse forward;
    const et_llm::Error refused = et_llm::set_num_threads(1);
    EXPECT_EQ(refused.code(), et_llm::ErrorCode::InvalidState);
    EXPECT_NE(refused.message().find("while a model runs"), std::string::npos);
    EXPECT_EQ(et_llm::get_num_threads(), 2u);
    // Forwards of other sessions share the pool meanwhile.
    std::thread other([] { et_llm::detail::ThreadPoolUse second_forward; });
    other.join();
  }
  EXPECT_TRUE(et_llm::set_num_threads(1).ok());
  EXPECT_EQ(et_llm::get_num_threads(), 1u);
  EXPECT_TRUE(et_llm::set_num_threads(2).ok());
}
