// SqlDatabase's transactions and connection pool, over a scripted fake connection: what happens
// to a pooled connection when COMMIT fails, which no real database does on demand.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sql/sql_database.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::sql {
namespace {

// What the fake connections share with the test.
struct Script {
  int connections_opened = 0;
  int commits_to_fail = 0;  // the next N commits fail and, like SQLite's, leave the tx open
  int rollbacks = 0;
  std::vector<std::string> log;
};

// Behaves like an SQLite connection whose migrations are all applied.
class FakeConnection final : public Connection {
 public:
  explicit FakeConnection(Script& script) : s_(script) {}
  Dialect dialect() const override { return Dialect::kSqlite; }
  bool healthy() const override { return true; }
  Status ExecScript(std::string_view script) override {
    s_.log.emplace_back(script);
    return Status::Ok();
  }
  Result<std::vector<Row>> Query(std::string_view sql, std::span<const Value> params) override {
    s_.log.emplace_back(sql);
    if (sql.find("FROM schema_migration WHERE version") != std::string_view::npos) {
      // Every migration is recorded as applied.
      return std::vector<Row>{Row{std::to_string(std::get<std::int64_t>(params[0]))}};
    }
    return std::vector<Row>{};
  }
  Result<std::int64_t> Execute(std::string_view sql, std::span<const Value> /*params*/) override {
    s_.log.emplace_back(sql);
    return std::int64_t{0};
  }
  Status Begin(bool /*write*/) override {
    // SQLite's own words when a transaction is still open.
    if (in_tx_) return Internal("sqlite: cannot start a transaction within a transaction");
    in_tx_ = true;
    return Status::Ok();
  }
  Status Commit() override {
    if (s_.commits_to_fail > 0) {
      --s_.commits_to_fail;
      return Unavailable("database is busy: database is locked");  // the tx stays open
    }
    in_tx_ = false;
    return Status::Ok();
  }
  Status Rollback() override {
    if (!in_tx_) return Status::Ok();
    ++s_.rollbacks;
    in_tx_ = false;
    return Status::Ok();
  }

 private:
  Script& s_;
  bool in_tx_ = false;
};

std::unique_ptr<SqlDatabase> OpenFake(Script& script, std::size_t max_connections) {
  auto db = SqlDatabase::Open(
      [&script]() -> Result<std::unique_ptr<Connection>> {
        ++script.connections_opened;
        return std::unique_ptr<Connection>(std::make_unique<FakeConnection>(script));
      },
      max_connections);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  script.rollbacks = 0;  // migrations roll back once per migration already applied
  return db.ok() ? std::move(db).value() : nullptr;
}

TEST(SqlTransactionTest, AFailedCommitDoesNotLeaveAnOpenTransactionInThePool) {
  Script script;
  auto db = OpenFake(script, 1);  // one connection: the next transaction reuses it
  ASSERT_NE(db, nullptr);
  int opened = 0;
  {
    auto tx = db->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    opened = script.connections_opened;
    script.commits_to_fail = 1;
    EXPECT_EQ((*tx)->Commit().code(), ErrorCode::kUnavailable);
  }
  EXPECT_EQ(script.rollbacks, 1);
  auto next = db->Begin(store::TxMode::kWrite);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_TRUE((*next)->Commit().ok());
  EXPECT_EQ(script.connections_opened, opened);
}

TEST(SqlTransactionTest, SqliteWritesRunOnOneConnectionAndReadsBesideIt) {
  Script script;
  auto db = OpenFake(script, 2);
  ASSERT_NE(db, nullptr);
  {
    auto tx = db->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    EXPECT_TRUE((*tx)->Commit().ok());
  }
  const int opened = script.connections_opened;
  for (int i = 0; i < 3; ++i) {
    auto tx = db->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    // A read while the write is open runs on a pooled connection.
    auto read = db->Begin(store::TxMode::kRead);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_TRUE((*tx)->Commit().ok());
  }
  // The writes reused the writer connection; the reads, the pooled one of the first read.
  EXPECT_LE(script.connections_opened, opened + 1);
}

TEST(SqlTransactionTest, ASecondWriterWaitsForTheFirstToEnd) {
  Script script;
  auto db = OpenFake(script, 4);
  ASSERT_NE(db, nullptr);
  auto first = db->Begin(store::TxMode::kWrite);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::atomic<bool> second_began{false};
  Status second_status;
  std::thread second([&] {
    auto tx = db->Begin(store::TxMode::kWrite);  // the fake refuses a BEGIN inside a transaction
    second_status = tx.status();
    second_began = true;
    if (tx.ok()) second_status = (*tx)->Commit();
  });
  while (db->WritersWaiting() != 1) std::this_thread::yield();
  EXPECT_FALSE(second_began);
  EXPECT_TRUE((*first)->Commit().ok());
  second.join();
  EXPECT_TRUE(second_status.ok()) << second_status.ToString();
}

TEST(SqlTransactionTest, ATransactionDroppedWithoutCommitRollsBack) {
  Script script;
  auto db = OpenFake(script, 1);
  ASSERT_NE(db, nullptr);
  { auto tx = db->Begin(store::TxMode::kWrite); }
  EXPECT_EQ(script.rollbacks, 1);
  EXPECT_TRUE(db->Begin(store::TxMode::kRead).ok());
}

TEST(SqlTransactionTest, ACommittedTransactionIsNotRolledBack) {
  Script script;
  auto db = OpenFake(script, 1);
  ASSERT_NE(db, nullptr);
  {
    auto tx = db->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    EXPECT_TRUE((*tx)->Commit().ok());
  }
  EXPECT_EQ(script.rollbacks, 0);
}

TEST(SqlDatabaseTest, OpeningAMigratedDatabaseRunsNoMigrationScript) {
  Script script;
  auto db = OpenFake(script, 2);
  ASSERT_NE(db, nullptr);
  for (const auto& statement : script.log) {
    EXPECT_EQ(statement.find("CREATE TABLE access_tenant"), std::string::npos);
    EXPECT_EQ(statement.find("INSERT INTO schema_migration"), std::string::npos);
  }
  EXPECT_EQ(db->dialect(), "sqlite");
}

}  // namespace
}  // namespace xb::sql
