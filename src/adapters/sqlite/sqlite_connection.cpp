#include "adapters/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <charconv>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace xb::sqlite {
namespace {

class SqliteConnection final : public sql::Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  bool healthy() const override { return true; }

  Status ExecScript(std::string_view script) override {
    char* err = nullptr;
    const std::string text(script);
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return MapError(rc, msg);
    }
    return Status::Ok();
  }

  Result<std::vector<sql::Row>> Query(std::string_view sql,
                                      std::span<const sql::Value> params) override {
    XB_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    std::vector<sql::Row> rows;
    const int ncols = sqlite3_column_count(stmt);
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(stmt);
        return MapError(rc, sqlite3_errmsg(db_));
      }
      sql::Row row(static_cast<std::size_t>(ncols));
      for (int i = 0; i < ncols; ++i) {
        auto& cell = row[static_cast<std::size_t>(i)];
        const int type = sqlite3_column_type(stmt, i);
        if (type == SQLITE_NULL) continue;
        if (type == SQLITE_INTEGER) {
          // Formatted here: asking SQLite for the text allocates and converts inside it.
          char buf[24];
          const auto end = std::to_chars(buf, buf + sizeof buf, sqlite3_column_int64(stmt, i)).ptr;
          cell.emplace(buf, end);
          continue;
        }
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        cell.emplace(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
      }
      rows.push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    return rows;
  }

  Result<std::int64_t> Execute(std::string_view sql, std::span<const sql::Value> params) override {
    XB_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return MapError(rc, sqlite3_errmsg(db_));
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

  // Writers take the lock at BEGIN (IMMEDIATE) so two writers never deadlock on an upgrade.
  // These run as cached prepared statements: every request begins and ends a transaction, and
  // parsing "BEGIN" and "ROLLBACK" anew each time cost half as much as the point read itself.
  Status Begin(bool write) override { return Run(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"); }
  Status Commit() override { return Run("COMMIT"); }
  Status Rollback() override {
    if (sqlite3_get_autocommit(db_) != 0) return Status::Ok();
    return Run("ROLLBACK");
  }

 private:
  // Hashes and compares std::string keys with string_views, so a look-up copies nothing.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  Status Run(std::string_view sql) {
    auto changed = Execute(sql, {});
    return changed.ok() ? Status::Ok() : changed.status();
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql, std::span<const sql::Value> params) {
    auto it = cache_.find(sql);
    sqlite3_stmt* stmt = nullptr;
    if (it == cache_.end()) {
      const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return MapError(rc, sqlite3_errmsg(db_));
      cache_.emplace(std::string(sql), stmt);
    } else {
      stmt = it->second;
    }
    sqlite3_clear_bindings(stmt);
    int index = 1;
    for (const auto& v : params) {
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(stmt, index);
      } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else if (const auto* b = std::get_if<bool>(&v)) {
        rc = sqlite3_bind_int(stmt, index, *b ? 1 : 0);
      } else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return MapError(rc, sqlite3_errmsg(db_));
      ++index;
    }
    return stmt;
  }

  static Status MapError(int rc, const std::string& msg) {
    switch (rc & 0xff) {
      case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
          return AlreadyExists("already exists (" + msg + ")");
        }
        return FailedPrecondition("constraint violated: " + msg);
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Unavailable("database is busy: " + msg);
      case SQLITE_FULL:
      case SQLITE_IOERR:
      case SQLITE_CANTOPEN:
        return Unavailable("storage error: " + msg);
      default:
        return Internal("sqlite: " + msg);
    }
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
};

}  // namespace

Result<std::unique_ptr<sql::Connection>> OpenConnection(const std::string& path) {
  // SQLite's memory statistics take one process-wide mutex on every allocation, which the I/O
  // threads then contend for; nothing here reads them. The setting must precede SQLite's
  // initialisation (the first open); later it is refused (SQLITE_MISUSE) and changes nothing.
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Unavailable("cannot open SQLite database '" + path + "': " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 10'000);
  auto conn = std::make_unique<SqliteConnection>(db);
  // A 64 MiB page cache per connection (allocated as used; SQLite's default is 2 MiB): the
  // ledger's indexes outgrow the default early, and posting then re-reads index pages from the
  // OS on every transaction (docs/performance.md, ledger posting against history).
  XB_RETURN_IF_ERROR(
      conn->ExecScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                       "PRAGMA cache_size=-65536;"));
  return std::unique_ptr<sql::Connection>(std::move(conn));
}

}  // namespace xb::sqlite
