// The little that the SQL stores need from a database connection: parameterised statements with
// '?' placeholders, transactions, and errors mapped to Status. SQLite and PostgreSQL implement it;
// every store above is written once against it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/status.h"

namespace xb::sql {

using Value = FieldValue;                             // NULL, integer, boolean, text
using Row = std::vector<std::optional<std::string>>;  // each column as text, nullopt for NULL

enum class Dialect { kSqlite, kPostgresql };

// Makes durable what the connections of one database committed with CommitNoSync() so far.
// Thread-safe: shared by those connections and the database.
class CommitSync {
 public:
  virtual ~CommitSync() = default;
  virtual Status SyncCommitted() = 0;
};

// One connection; used by one thread at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs a script of statements without parameters (migrations).
  virtual Status ExecScript(std::string_view script) = 0;
  // Runs one statement and returns its rows. kAlreadyExists on a unique violation, kConflict on a
  // serialisation failure or deadlock, kUnavailable when the database is unreachable or busy.
  virtual Result<std::vector<Row>> Query(std::string_view sql, std::span<const Value> params) = 0;
  // Runs one statement and returns the number of rows it changed.
  virtual Result<std::int64_t> Execute(std::string_view sql, std::span<const Value> params) = 0;
  virtual Status Begin(bool write) = 0;
  // Commits and returns once the transaction is durable.
  virtual Status Commit() = 0;
  // Commits without waiting for durability; commit_sync() makes it durable. Default: Commit().
  virtual Status CommitNoSync() { return Commit(); }
  // What makes this connection's CommitNoSync() durable (the same object for every connection
  // of one database); null when every commit is durable anyway.
  virtual std::shared_ptr<CommitSync> commit_sync() { return nullptr; }
  virtual Status Rollback() = 0;
  // False once the connection is broken; the pool then drops it.
  virtual bool healthy() const = 0;
};

// Parses a column of a Row as an int64; 0 for NULL.
std::int64_t AsInt(const std::optional<std::string>& cell);
// Parses "1"/"t"/"true" as true.
bool AsBool(const std::optional<std::string>& cell);

}  // namespace xb::sql
