#include "flows/inventory/group_commit.h"

#include <gtest/gtest.h>

#include <future>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "flows/inventory/inventory_test_support.h"

namespace xb::inventory_flow {
namespace {

TenantId the_tenant;  // the fixture's tenant

events::BusinessEvent Event(std::int64_t n) {
  events::BusinessEvent e;
  e.tenant_id = the_tenant;
  e.type = "test.piece";
  e.entity = "piece";
  e.entity_id = n;
  e.actor = "system";
  e.payload = "{}";
  return e;
}

// Work that records piece `n` in the event log.
GroupCommitter::Work Append(std::int64_t n) {
  return [n](store::Transaction& tx) -> Status {
    auto seq = tx.events().Append(Event(n));
    return seq.ok() ? Status::Ok() : seq.status();
  };
}

class GroupCommitTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string skip = scratch_.Prepare(GetParam());
    if (!skip.empty()) GTEST_SKIP() << skip;
    auto db = scratch_.Open();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    the_tenant = testing::AddTenant(*db_, "alpha");
  }

  // The pieces whose events are in the log.
  std::multiset<std::int64_t> Logged() {
    auto tx = db_->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    events::EventQuery q;
    q.limit = 10'000;
    auto events = (*tx)->events().List(the_tenant, q);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    std::multiset<std::int64_t> out;
    for (const auto& e : *events) out.insert(e.entity_id);
    return out;
  }

  // Holds the committer inside a batch until the returned promise is set, so that what is
  // submitted meanwhile queues up and is committed as one batch.
  std::promise<void> Block(GroupCommitter& gc, std::future<Status>* blocker) {
    std::promise<void> gate;
    std::shared_future<void> open = gate.get_future().share();
    std::promise<void> entered;
    std::future<void> inside = entered.get_future();
    *blocker = gc.Submit([open, &entered](store::Transaction&) {
      entered.set_value();
      open.wait();
      return Status::Ok();
    });
    inside.wait();
    return gate;
  }

  testing::ScratchDatabase scratch_;
  std::unique_ptr<store::Database> db_;
};

TEST_P(GroupCommitTest, QueuedPiecesCommitAsOneBatch) {
  GroupCommitter gc(*db_);
  std::future<Status> blocker;
  std::promise<void> gate = Block(gc, &blocker);
  std::vector<std::future<Status>> answers;
  for (int i = 1; i <= 100; ++i) answers.push_back(gc.Submit(Append(i)));
  EXPECT_EQ(gc.stats().queued, 100);
  gate.set_value();
  EXPECT_TRUE(blocker.get().ok());
  for (auto& a : answers) EXPECT_TRUE(a.get().ok());

  const GroupCommitStats stats = gc.stats();
  EXPECT_EQ(stats.batches, 2);  // the blocker's, then all 100 together
  EXPECT_EQ(stats.pieces, 101);
  EXPECT_EQ(stats.retried_alone, 0);
  EXPECT_EQ(Logged().size(), 100U);
}

TEST_P(GroupCommitTest, BatchesAreNoLargerThanMaxBatch) {
  GroupCommitter gc(*db_, GroupCommitOptions{.max_batch = 10});
  std::future<Status> blocker;
  std::promise<void> gate = Block(gc, &blocker);
  std::vector<std::future<Status>> answers;
  for (int i = 1; i <= 35; ++i) answers.push_back(gc.Submit(Append(i)));
  gate.set_value();
  for (auto& a : answers) EXPECT_TRUE(a.get().ok());
  EXPECT_EQ(gc.stats().batches, 1 + 4);  // 10 + 10 + 10 + 5
  EXPECT_EQ(Logged().size(), 35U);
}

TEST_P(GroupCommitTest, FailingPieceFailsAloneAndTheOthersCommit) {
  GroupCommitter gc(*db_);
  std::future<Status> blocker;
  std::promise<void> gate = Block(gc, &blocker);
  std::vector<std::future<Status>> answers;
  for (int i = 1; i <= 10; ++i) {
    if (i == 5) {
      // Writes, then fails: its write must not survive.
      answers.push_back(gc.Submit([](store::Transaction& tx) -> Status {
        (void)tx.events().Append(Event(5));
        return FailedPrecondition("piece 5 refuses", "piece");
      }));
    } else {
      answers.push_back(gc.Submit(Append(i)));
    }
  }
  gate.set_value();
  for (int i = 1; i <= 10; ++i) {
    const Status st = answers[static_cast<std::size_t>(i - 1)].get();
    if (i == 5) {
      EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
      EXPECT_EQ(st.message(), "piece 5 refuses");
    } else {
      EXPECT_TRUE(st.ok()) << i << ": " << st.ToString();
    }
  }
  EXPECT_EQ(Logged(), (std::multiset<std::int64_t>{1, 2, 3, 4, 6, 7, 8, 9, 10}));
  // The blocker; the ten until piece 5 failed; piece 5 alone; the other nine together.
  EXPECT_EQ(gc.stats().batches, 4);
  EXPECT_EQ(gc.stats().retried_alone, 1);
}

TEST_P(GroupCommitTest, AFailedCommitFailsEveryPieceOfTheBatchAlone) {
  testing::FlakyDatabase flaky(*db_);
  GroupCommitter gc(flaky);
  std::future<Status> blocker;
  std::promise<void> gate = Block(gc, &blocker);
  std::vector<std::future<Status>> answers;
  for (int i = 1; i <= 5; ++i) answers.push_back(gc.Submit(Append(i)));
  flaky.fail_commits = true;
  gate.set_value();
  EXPECT_TRUE(blocker.get().code() == ErrorCode::kUnavailable);
  for (auto& a : answers) EXPECT_EQ(a.get().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(gc.stats().retried_alone, 5);
  flaky.fail_commits = false;
  EXPECT_TRUE(Logged().empty());
  EXPECT_TRUE(gc.Run(Append(6)).ok());
  EXPECT_EQ(Logged(), (std::multiset<std::int64_t>{6}));
}

TEST_P(GroupCommitTest, ThrowingPieceIsAnInternalErrorOfItsOwn) {
  GroupCommitter gc(*db_);
  std::future<Status> blocker;
  std::promise<void> gate = Block(gc, &blocker);
  auto good = gc.Submit(Append(1));
  auto bad = gc.Submit([](store::Transaction&) -> Status { throw std::runtime_error("boom"); });
  gate.set_value();
  EXPECT_TRUE(good.get().ok());
  EXPECT_EQ(bad.get().code(), ErrorCode::kInternal);
  EXPECT_EQ(Logged(), (std::multiset<std::int64_t>{1}));
}

TEST_P(GroupCommitTest, AnsweredWorkIsVisibleToEveryLaterReader) {
  GroupCommitter gc(*db_);
  ASSERT_TRUE(gc.Run(Append(7)).ok());
  EXPECT_EQ(Logged(), (std::multiset<std::int64_t>{7}));
}

TEST_P(GroupCommitTest, ManyThreadsEachGetTheirOwnAnswer) {
  GroupCommitter gc(*db_);
  constexpr int kThreads = 8;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::int64_t n = t * kEach + i;
        // Every seventh piece fails; only those.
        Status st = n % 7 == 0 ? gc.Run([](store::Transaction&) { return Conflict("no"); })
                               : gc.Run(Append(n));
        if (st.ok() == (n % 7 == 0)) failed.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  const auto logged = Logged();
  EXPECT_EQ(logged.size(), static_cast<std::size_t>(kThreads * kEach - (kThreads * kEach + 6) / 7));
  for (std::int64_t n : logged) EXPECT_NE(n % 7, 0);
}

TEST_P(GroupCommitTest, StopFinishesQueuedWorkAndRefusesNewWork) {
  auto gc = std::make_unique<GroupCommitter>(*db_);
  std::future<Status> blocker;
  std::promise<void> gate = Block(*gc, &blocker);
  std::vector<std::future<Status>> answers;
  for (int i = 1; i <= 20; ++i) answers.push_back(gc->Submit(Append(i)));
  std::thread stopper([&] { gc->Stop(); });
  gate.set_value();
  stopper.join();
  for (auto& a : answers) EXPECT_TRUE(a.get().ok());
  EXPECT_EQ(gc->Run(Append(99)).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(Logged().size(), 20U);
}

INSTANTIATE_TEST_SUITE_P(Stores, GroupCommitTest,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::inventory_flow
