#include "flows/orders/quota_book.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace xb::orders_flow {
namespace {

QuotaKey Key(int year = 2026, std::string number = "110101199003071234") {
  return QuotaKey{TenantId(1), "id_card", std::move(number), year};
}

TEST(QuotaBook, ReservesUpToTheLimitAndNotBeyond) {
  QuotaBook book(4);
  EXPECT_TRUE(book.Reserve(Key(), 2'000'000, 2'600'000).ok());
  Status st = book.Reserve(Key(), 700'000, 2'600'000);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "annual_limit");
  EXPECT_EQ(book.Used(Key()), 2'000'000);  // the refusal changed nothing
  EXPECT_TRUE(book.Reserve(Key(), 600'000, 2'600'000).ok());
  EXPECT_EQ(book.Used(Key()), 2'600'000);
}

TEST(QuotaBook, IdentitiesAndYearsAreSeparate) {
  QuotaBook book;
  ASSERT_TRUE(book.Reserve(Key(2026), 2'600'000, 2'600'000).ok());
  EXPECT_TRUE(book.Reserve(Key(2027), 2'600'000, 2'600'000).ok());
  EXPECT_TRUE(book.Reserve(Key(2026, "other"), 1, 2'600'000).ok());
  QuotaKey other_tenant = Key();
  other_tenant.tenant = TenantId(2);
  EXPECT_EQ(book.Used(other_tenant), 0);
}

TEST(QuotaBook, UndoAndRestoreGiveTheAmountBack) {
  QuotaBook book;
  ASSERT_TRUE(book.Reserve(Key(), 1000, 2000).ok());
  book.Undo(Key(), 1000);
  EXPECT_EQ(book.Used(Key()), 0);
  ASSERT_TRUE(book.Reserve(Key(), 2000, 2000).ok());
  book.Restore(Key(), 500);
  EXPECT_TRUE(book.Reserve(Key(), 500, 2000).ok());
  EXPECT_FALSE(book.Reserve(Key(), 1, 2000).ok());
}

TEST(QuotaBook, ConcurrentReservationsNeverPassTheLimit) {
  QuotaBook book(2);
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (book.Reserve(Key(), 7, 1000).ok()) accepted.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1000 / 7);
  EXPECT_EQ(book.Used(Key()), (1000 / 7) * 7);
}

}  // namespace
}  // namespace xb::orders_flow
