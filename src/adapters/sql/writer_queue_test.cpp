#include "adapters/sql/writer_queue.h"

#include <gtest/gtest.h>

#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

namespace xb::sql {
namespace {

using std::chrono::milliseconds;

// Waits (without a time limit on the test's outcome) until `n` writers wait in `q`.
void AwaitWaiting(const WriterQueue& q, std::size_t n) {
  while (q.waiting() != n) std::this_thread::yield();
}

TEST(WriterQueueTest, AFreeTurnIsTakenAtOnceAndGivenBack) {
  WriterQueue q;
  ASSERT_TRUE(q.Acquire(milliseconds(0)));
  EXPECT_FALSE(q.Acquire(milliseconds(0)));  // held
  q.Release();
  EXPECT_TRUE(q.Acquire(milliseconds(0)));
  q.Release();
}

TEST(WriterQueueTest, WaitersGetTheTurnInTheOrderTheyCame) {
  WriterQueue q;
  ASSERT_TRUE(q.Acquire(milliseconds(0)));
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> writers;
  for (int i = 0; i < 4; ++i) {
    writers.emplace_back([&, i] {
      ASSERT_TRUE(q.Acquire(std::chrono::minutes(1)));
      {
        std::lock_guard lock(mu);
        order.push_back(i);
      }
      q.Release();
    });
    AwaitWaiting(q, static_cast<std::size_t>(i) + 1);  // i is queued before i + 1 starts
  }
  q.Release();
  for (auto& t : writers) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

TEST(WriterQueueTest, TheTurnPassesToTheWaiterWithoutBeingFreeInBetween) {
  WriterQueue q;
  ASSERT_TRUE(q.Acquire(milliseconds(0)));
  std::binary_semaphore may_release(0);
  bool waiter_got_it = false;
  std::thread waiter([&] {
    waiter_got_it = q.Acquire(std::chrono::minutes(1));
    may_release.acquire();  // holds the turn until the newcomer has tried
    if (waiter_got_it) q.Release();
  });
  AwaitWaiting(q, 1);
  q.Release();
  // Whether or not the waiter has woken up yet, the turn is its own: a newcomer cannot take it.
  EXPECT_FALSE(q.Acquire(milliseconds(0)));
  may_release.release();
  waiter.join();
  EXPECT_TRUE(waiter_got_it);
  EXPECT_TRUE(q.Acquire(milliseconds(0)));  // free again once the waiter released it
  q.Release();
}

TEST(WriterQueueTest, AWaiterThatTimesOutLeavesTheQueueAndHoldsNothing) {
  WriterQueue q;
  ASSERT_TRUE(q.Acquire(milliseconds(0)));
  EXPECT_FALSE(q.Acquire(milliseconds(5)));
  EXPECT_EQ(q.waiting(), 0u);
  q.Release();
  // The timed-out waiter was not handed the turn: it is free.
  EXPECT_TRUE(q.Acquire(milliseconds(0)));
  q.Release();
}

}  // namespace
}  // namespace xb::sql
