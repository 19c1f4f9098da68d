#include "adapters/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <charconv>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace xb::sqlite {
namespace {

// WAL checkpoints off the writers' commit path. SQLite's automatic checkpoint runs inside the
// COMMIT of whichever connection pushes the WAL past 1,000 pages: that commit then copies every
// page of the WAL into the database file and fsyncs it, so a large transaction paid for the
// checkpoint of its own pages and everyone else's. Here a connection's WAL hook only wakes this
// checkpointer, one per database file, which runs PASSIVE checkpoints on a connection of its
// own (they never wait for readers or writers). Once a checkpoint has copied the whole WAL, the
// next writer starts it again from the beginning, so the file stops growing. If the WAL reaches
// kWalPagesBound pages anyway (checkpoints kept from finishing), the committing connection
// checkpoints itself, as SQLite would. Durability is the WAL's: a commit is fsynced in the WAL
// before it returns, whether or not a checkpoint has copied it yet.
constexpr int kWalPagesWake = 1000;
constexpr int kWalPagesBound = 16000;

class Checkpointer {
 public:
  // The checkpointer of the file at `path`, started when first asked for and stopped once no
  // connection holds it.
  static std::shared_ptr<Checkpointer> For(const std::string& path) {
    static std::mutex mu;
    static std::map<std::string, std::weak_ptr<Checkpointer>> running;
    std::lock_guard lock(mu);
    std::erase_if(running, [](const auto& entry) { return entry.second.expired(); });
    auto& slot = running[path];
    auto found = slot.lock();
    if (!found) {
      found = std::make_shared<Checkpointer>(path);
      slot = found;
    }
    return found;
  }

  explicit Checkpointer(std::string path) : path_(std::move(path)), thread_([this] { Run(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  void Wake() {
    {
      std::lock_guard lock(mu_);
      due_ = true;
    }
    cv_.notify_one();
  }

 private:
  void Run() {
    sqlite3* db = nullptr;
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || due_; });
      if (stop_) break;
      due_ = false;
      lock.unlock();
      if (db == nullptr &&
          sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                          nullptr) == SQLITE_OK) {
        // The checkpoint fsyncs the WAL before copying and the database file after.
        sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
      }
      if (db != nullptr) {
        const int rc =
            sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
          sqlite3_close_v2(db);  // opened afresh at the next wake-up
          db = nullptr;
        }
      }
      lock.lock();
    }
    lock.unlock();
    if (db != nullptr) sqlite3_close_v2(db);
  }

  const std::string path_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool due_ = false;
  std::thread thread_;  // last: starts once the rest is set up
};

class SqliteConnection final : public sql::Connection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {
    // Replaces SQLite's automatic checkpoint (which is itself a WAL hook).
    sqlite3_wal_hook(db_, &SqliteConnection::OnCommit, this);
  }
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

  // Called by SQLite after each commit with the WAL's size in pages.
  static int OnCommit(void* self, sqlite3* db, const char* name, int pages) {
    auto* conn = static_cast<SqliteConnection*>(self);
    if (pages >= kWalPagesBound) {
      sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= kWalPagesWake) {
      if (!conn->checkpointer_) conn->checkpointer_ = Checkpointer::For(conn->path_);
      conn->checkpointer_->Wake();
    }
    return SQLITE_OK;
  }

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
  const std::string path_;
  std::shared_ptr<Checkpointer> checkpointer_;  // once the WAL first needs a checkpoint
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
  auto conn = std::make_unique<SqliteConnection>(db, path);
  // A 64 MiB page cache per connection (allocated as used; SQLite's default is 2 MiB): the
  // ledger's indexes outgrow the default early, and posting then re-reads index pages from the
  // OS on every transaction (docs/performance.md, ledger posting against history).
  XB_RETURN_IF_ERROR(
      conn->ExecScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                       "PRAGMA cache_size=-65536; PRAGMA journal_size_limit=67108864;"));
  return std::unique_ptr<sql::Connection>(std::move(conn));
}

}  // namespace xb::sqlite
