// The durability contract of store::Transaction::CommitNoSync and store::Database::SyncCommitted
// (flows/store/unit_of_work.h): a commit without sync is visible at once to every later
// transaction, and once SyncCommitted() has returned OK it is there after the database is closed
// and opened again; a transaction that did not commit is not. Each test runs once per adapter;
// PostgreSQL runs only when XB_TEST_PG_URL names a server, and then each test works in a database
// of its own that is dropped afterwards. (That a sync survives a power cut cannot be shown by a
// test; adapters/sqlite/README.md gives the reasoning.)
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "contract_support.h"
#include "flows/store/unit_of_work.h"

namespace xb::contract {
namespace {

using access::Tenant;

class DurabilityContract : public ScratchDatabaseTest {
 protected:
  void SetUp() override {
    OpenScratch("xb_durability_");
    if (IsSkipped() || HasFatalFailure()) return;
  }

  bool durable() const { return GetParam() != "memory"; }

  // Inserts a tenant `code` and commits it without sync.
  void InsertNoSync(store::Database& db, const std::string& code) {
    auto tx = Must(db.Begin(store::TxMode::kWrite));
    Must(tx->tenants().Insert({TenantId(), code, code, true, Timestamp::FromMicros(1)}));
    MustOk(tx->CommitNoSync());
  }

  static std::set<std::string> Codes(store::Database& db) {
    auto tx = Must(db.Begin(store::TxMode::kRead));
    std::set<std::string> out;
    for (const Tenant& t : Must(tx->tenants().List())) out.insert(t.code);
    return out;
  }

  // Closes the database and opens it again from its URL (memory keeps the one it has).
  void Reopen() {
    if (!durable()) return;
    db_.reset();
    db_ = Must(storage::OpenDatabase(url_));
  }
};

TEST_P(DurabilityContract, ACommitWithoutSyncIsVisibleAtOnceAndKeptOnceSynced) {
  InsertNoSync(*db_, "alpha");
  EXPECT_EQ(Codes(*db_), (std::set<std::string>{"alpha"}));
  if (durable()) {
    // Another database handle on the same data (its own connections) sees it too.
    auto other = Must(storage::OpenDatabase(url_));
    EXPECT_EQ(Codes(*other), (std::set<std::string>{"alpha"}));
  }
  MustOk(db_->SyncCommitted());
  Reopen();
  EXPECT_EQ(Codes(*db_), (std::set<std::string>{"alpha"}));
}

TEST_P(DurabilityContract, OneSyncKeepsEveryCommitBeforeItAndNothingUncommitted) {
  InsertNoSync(*db_, "a");
  InsertNoSync(*db_, "b");
  {
    auto tx = Write();
    Must(tx->tenants().Insert({TenantId(), "rolled-back", "x", true, Timestamp::FromMicros(1)}));
  }  // not committed
  InsertNoSync(*db_, "c");
  MustOk(db_->SyncCommitted());
  Reopen();
  EXPECT_EQ(Codes(*db_), (std::set<std::string>{"a", "b", "c"}));
}

TEST_P(DurabilityContract, CommitAndCommitWithoutSyncMixAndReadTransactionsMayUseEither) {
  InsertNoSync(*db_, "nosync");
  {
    auto tx = Write();
    Must(tx->tenants().Insert({TenantId(), "synced", "s", true, Timestamp::FromMicros(1)}));
    MustOk(tx->Commit());
  }
  {
    auto tx = Read();
    EXPECT_EQ(Must(tx->tenants().List()).size(), 2U);
    MustOk(tx->CommitNoSync());
  }
  MustOk(db_->SyncCommitted());
  MustOk(db_->SyncCommitted());  // nothing new: still fine
  Reopen();
  EXPECT_EQ(Codes(*db_), (std::set<std::string>{"nosync", "synced"}));
}

TEST_P(DurabilityContract, SyncWhileOthersWriteKeepsEverythingCommittedBeforeTheLastSync) {
  constexpr int kEach = 40;
  std::atomic<int> committed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        InsertNoSync(*db_, "w" + std::to_string(w) + "-" + std::to_string(i));
        committed.fetch_add(1);
      }
    });
  }
  std::thread syncer([&] {
    while (committed.load() < 2 * kEach) MustOk(db_->SyncCommitted());
  });
  for (auto& t : writers) t.join();
  syncer.join();
  MustOk(db_->SyncCommitted());
  Reopen();
  EXPECT_EQ(Codes(*db_).size(), static_cast<std::size_t>(2 * kEach));
}

INSTANTIATE_TEST_SUITE_P(Adapters, DurabilityContract,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::contract
