// store::Database over SQL connections (SQLite or PostgreSQL): a connection pool, versioned
// migrations per dialect applied at open, and the SQL implementations of every store port.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/sql/connection.h"
#include "adapters/sql/writer_queue.h"
#include "flows/store/unit_of_work.h"

namespace xb::sql {

struct Migration {
  int version;
  std::string_view name;
  std::string_view script;
};

// The migrations of a dialect, in version order (embedded in the binary).
std::vector<Migration> MigrationsFor(Dialect dialect);

using ConnectionFactory = std::function<Result<std::unique_ptr<Connection>>()>;

class SqlDatabase final : public store::Database {
 public:
  // Opens `max_connections` lazily through `factory` and applies pending migrations.
  static Result<std::unique_ptr<SqlDatabase>> Open(ConnectionFactory factory,
                                                   std::size_t max_connections);
  ~SqlDatabase() override;

  Result<std::unique_ptr<store::Transaction>> Begin(store::TxMode mode) override;
  std::string_view dialect() const override;
  Result<int> SchemaVersion() override;
  // What the connections' CommitSync (connection.h) does; OK at once where there is none.
  Status SyncCommitted() override;

  // Pool access for the transaction; returns connections when it ends.
  Result<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> conn);
  // A connection to write on: on SQLite the one writer connection, in turn (below); on
  // PostgreSQL one from the pool. Given back by ReleaseWriter.
  Result<std::unique_ptr<Connection>> AcquireWriter();
  void ReleaseWriter(std::unique_ptr<Connection> conn);
  // Writers waiting for their turn now (SQLite; for tests).
  std::size_t WritersWaiting() const { return writers_.waiting(); }

  // Asks the maintenance thread to move the ledger's recent movements to its per-SKU look-up
  // (MoveRecentMovements, inventory_stores.h) on a connection of its own, outside any posting.
  void LedgerMoveDue();

 private:
  class Maintenance;
  SqlDatabase(ConnectionFactory factory, std::size_t max_connections);
  Status Migrate();

  ConnectionFactory factory_;
  std::size_t max_;
  std::size_t open_ = 0;
  Dialect dialect_ = Dialect::kSqlite;
  std::shared_ptr<CommitSync> commit_sync_;  // from the first connection; null: commits are durable
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  // SQLite: every write transaction of this process runs on one connection, outside the pool's
  // count, taken in the order the writers asked (writer_queue.h). SQLite lets one writer in at a
  // time anyway; here the next one goes on as soon as the turn is handed over, not when its busy
  // handler wakes up. And the connection's page cache stays valid from one write to the next:
  // SQLite drops a connection's whole cache when another connection has written to the file.
  bool single_writer_ = false;
  WriterQueue writers_;
  std::unique_ptr<Connection> writer_;  // used by the holder of the turn; null until first needed
  std::unique_ptr<Maintenance> maintenance_;  // last: stopped before the rest is destroyed
};

}  // namespace xb::sql
