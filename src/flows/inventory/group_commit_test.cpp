#include "flows/inventory/group_commit.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
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

// Wraps a database to watch the group committer's durability steps: counts commits without sync
// (waitable), and holds SyncCommitted() at a gate while `hold_sync` is set, or fails it while
// `fail_sync` is set. Records the order of commits, syncs and answers in `log`.
class ProbeDatabase final : public store::Database {
 public:
  explicit ProbeDatabase(store::Database& inner) : inner_(inner) {}

  Result<std::unique_ptr<store::Transaction>> Begin(store::TxMode mode) override {
    auto tx = inner_.Begin(mode);
    if (!tx.ok()) return tx.status();
    return std::unique_ptr<store::Transaction>(new Tx(std::move(tx).value(), *this));
  }
  std::string_view dialect() const override { return inner_.dialect(); }
  Result<int> SchemaVersion() override { return inner_.SchemaVersion(); }
  Status SyncCommitted() override {
    {
      std::unique_lock lock(mu_);
      ++syncs_entered_;
      log_.push_back("sync");
      cv_.notify_all();
      cv_.wait(lock, [&] { return !hold_sync_; });
      if (fail_sync_) {
        log_.push_back("sync failed");
        return Unavailable("fsync failed (test)");
      }
    }
    Status st = inner_.SyncCommitted();
    Note("synced");
    return st;
  }

  void Note(std::string what) {
    std::lock_guard lock(mu_);
    log_.push_back(std::move(what));
    cv_.notify_all();
  }
  void HoldSync(bool hold) {
    std::lock_guard lock(mu_);
    hold_sync_ = hold;
    cv_.notify_all();
  }
  void FailSync(bool fail) {
    std::lock_guard lock(mu_);
    fail_sync_ = fail;
  }
  // Waits until `n` syncs have begun / `n` transactions have committed without sync.
  void AwaitSyncs(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return syncs_entered_ >= n; });
  }
  void AwaitCommits(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return commits_ >= n; });
  }
  int syncs() {
    std::lock_guard lock(mu_);
    return syncs_entered_;
  }
  int full_commits() {
    std::lock_guard lock(mu_);
    return full_commits_;
  }
  std::vector<std::string> log() {
    std::lock_guard lock(mu_);
    return log_;
  }

 private:
  class Tx final : public testing::ForwardingTransaction {
   public:
    Tx(std::unique_ptr<store::Transaction> inner, ProbeDatabase& db)
        : testing::ForwardingTransaction(std::move(inner)), db_(db) {}
    Status Commit() override {
      Status st = inner().Commit();
      if (st.ok()) {
        std::lock_guard lock(db_.mu_);
        ++db_.full_commits_;
      }
      return st;
    }
    Status CommitNoSync() override {
      Status st = inner().CommitNoSync();
      if (st.ok()) {
        std::lock_guard lock(db_.mu_);
        ++db_.commits_;
        db_.log_.push_back("commit");
        db_.cv_.notify_all();
      }
      return st;
    }

   private:
    ProbeDatabase& db_;
  };

  store::Database& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_sync_ = false;
  bool fail_sync_ = false;
  int syncs_entered_ = 0;
  int commits_ = 0;
  int full_commits_ = 0;
  std::vector<std::string> log_;
};

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

TEST_P(GroupCommitTest, AnswersOnlyAfterTheSyncThatCoversTheCommit) {
  ProbeDatabase probe(*db_);
  probe.HoldSync(true);
  GroupCommitter gc(probe);
  std::promise<Status> answered;
  std::future<Status> answer = answered.get_future();
  gc.Submit(Append(1), [&](Status st) {
    probe.Note("answer");
    answered.set_value(std::move(st));
  });
  probe.AwaitSyncs(1);
  // Committed (a reader sees it) but the sync has not returned: no answer yet.
  EXPECT_EQ(Logged(), (std::multiset<std::int64_t>{1}));
  EXPECT_EQ(answer.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  probe.HoldSync(false);
  EXPECT_TRUE(answer.get().ok());
  EXPECT_EQ(probe.log(), (std::vector<std::string>{"commit", "sync", "synced", "answer"}));
  EXPECT_EQ(gc.stats().syncs, 1);
  EXPECT_EQ(probe.full_commits(), 0);  // nothing committed with a sync of its own
}

TEST_P(GroupCommitTest, WhileABatchWaitsForTheNextSyncTheNextOneGrows) {
  ProbeDatabase probe(*db_);
  probe.HoldSync(true);
  GroupCommitter gc(probe);
  std::future<Status> first = gc.Submit(Append(0));
  probe.AwaitSyncs(1);
  // The committer goes on while the first batch is being synced: piece 1 is committed ...
  std::future<Status> second = gc.Submit(Append(1));
  probe.AwaitCommits(2);
  // ... and waits for the next sync, since piece 1 waits for it: 2..20 queue up meanwhile.
  std::vector<std::future<Status>> answers;
  for (int i = 2; i <= 20; ++i) answers.push_back(gc.Submit(Append(i)));
  EXPECT_EQ(gc.stats().queued, 19);
  probe.HoldSync(false);
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(second.get().ok());
  for (auto& a : answers) EXPECT_TRUE(a.get().ok());
  EXPECT_EQ(gc.stats().batches, 3);  // {0}, {1}, {2..20}
  EXPECT_EQ(gc.stats().syncs, 3);
  EXPECT_EQ(Logged().size(), 21U);
}

TEST_P(GroupCommitTest, OneSyncCoversSeveralFullBatches) {
  ProbeDatabase probe(*db_);
  probe.HoldSync(true);
  GroupCommitter gc(probe, GroupCommitOptions{.max_batch = 10});
  std::future<Status> blocker;
  std::promise<void> gate = Block(gc, &blocker);
  std::vector<std::future<Status>> answers;
  for (int i = 1; i <= 35; ++i) answers.push_back(gc.Submit(Append(i)));
  gate.set_value();
  // The answering thread's first sync is held. Full batches do not wait for it: 10, 10 and 10
  // are committed; the last 5 wait until the answering thread takes what was handed over.
  probe.AwaitSyncs(1);
  probe.AwaitCommits(4);
  for (auto& a : answers) {
    EXPECT_EQ(a.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  }
  probe.HoldSync(false);
  EXPECT_TRUE(blocker.get().ok());
  for (auto& a : answers) EXPECT_TRUE(a.get().ok());
  EXPECT_EQ(gc.stats().batches, 5);
  // At least two full batches were handed over before the held sync returned (the third was
  // committed, so the first two were handed over), and the next sync covers them together.
  EXPECT_LE(gc.stats().syncs, 4);  // fewer syncs than batches
  EXPECT_EQ(Logged().size(), 35U);
}

TEST_P(GroupCommitTest, AFailedSyncAnswersEveryCoveredPieceWithAnErrorAndRefusesLaterWork) {
  ProbeDatabase probe(*db_);
  probe.HoldSync(true);
  probe.FailSync(true);
  GroupCommitter gc(probe);
  std::future<Status> blocker;
  std::promise<void> gate = Block(gc, &blocker);
  std::vector<std::future<Status>> answers;
  for (int i = 1; i <= 10; ++i) answers.push_back(gc.Submit(Append(i)));
  // A piece that fails by itself keeps its own answer.
  std::future<Status> refusing =
      gc.Submit([](store::Transaction&) { return FailedPrecondition("piece refuses"); });
  gate.set_value();
  // The blocker's batch is being synced; the ten are committed and wait for the next sync.
  probe.AwaitSyncs(1);
  probe.AwaitCommits(2);
  std::vector<std::future<Status>> later;
  for (int i = 11; i <= 15; ++i) later.push_back(gc.Submit(Append(i)));
  probe.HoldSync(false);
  EXPECT_EQ(blocker.get().code(), ErrorCode::kUnavailable);
  for (auto& a : answers) EXPECT_EQ(a.get().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(refusing.get().code(), ErrorCode::kFailedPrecondition);
  // Queued after the failure: refused without being written.
  for (auto& a : later) EXPECT_EQ(a.get().code(), ErrorCode::kUnavailable);
  // The ten were committed, so they are visible, but nobody was told they are durable.
  EXPECT_EQ(Logged(), (std::multiset<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  // Later work is refused, whatever a later sync would say; no sync is tried after the failed
  // one.
  probe.FailSync(false);
  EXPECT_EQ(gc.Run(Append(99)).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(Logged().size(), 10U);
  EXPECT_EQ(probe.syncs(), 1);
}

TEST_P(GroupCommitTest, SyncInCommitCommitsDurablyAndNeverSyncsApart) {
  ProbeDatabase probe(*db_);
  GroupCommitter gc(probe, GroupCommitOptions{.sync_in_commit = true});
  EXPECT_TRUE(gc.Run(Append(1)).ok());
  EXPECT_TRUE(gc.Run(Append(2)).ok());
  EXPECT_EQ(probe.full_commits(), 2);
  EXPECT_EQ(probe.syncs(), 0);
  EXPECT_EQ(gc.stats().syncs, 0);
  EXPECT_EQ(Logged(), (std::multiset<std::int64_t>{1, 2}));
}

INSTANTIATE_TEST_SUITE_P(Stores, GroupCommitTest,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::inventory_flow
