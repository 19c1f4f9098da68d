#include "adapters/sqlite/sqlite_connection.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>

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
// checkpoints itself, as SQLite would. Durability is the WAL's (WalSync below): a checkpoint
// syncs the WAL before it copies frames and the database file after, whatever the synchronous
// setting, so a checkpointed commit is durable, synced by WalSync yet or not.
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

// Durability of the commits of one database file. Connections run with synchronous=NORMAL:
// COMMIT appends the transaction's frames to the WAL and returns without an fsync (so the write
// lock is not held during one). SyncCommitted() then fdatasyncs the WAL file, which makes every
// commit that returned before the call durable: a crash keeps a prefix of the WAL's commits
// (recovery stops at the first frame that is not part of a valid, checksummed commit), so
// syncing after commit N keeps N and all before it. Frames a checkpoint has copied are safe as
// well (a checkpoint syncs the WAL first and the database file after, also under NORMAL), and
// the WAL is only restarted from its beginning once everything in it is checkpointed.
//
// The WAL file is opened here once (read-only: on Linux fdatasync flushes the file whatever
// descriptor names it) and opened again if it was unlinked meanwhile (SQLite deletes the WAL
// when the last connection to the file closes); after each opening its directory is fsynced too,
// so a WAL created since is found after a power cut. A failed sync is sticky: after it, Linux
// may have dropped the dirty pages and a later fsync can succeed without having written them, so
// every later sync fails too and the connections refuse to begin writes until the database is
// opened again (PostgreSQL stops for the same reason).
class WalSync final : public sql::CommitSync {
 public:
  // The WalSync of the WAL at `wal_path`, shared by every connection of this process to it.
  static std::shared_ptr<WalSync> For(const std::string& wal_path) {
    static std::mutex mu;
    static std::map<std::string, std::weak_ptr<WalSync>> known;
    std::lock_guard lock(mu);
    std::erase_if(known, [](const auto& entry) { return entry.second.expired(); });
    auto& slot = known[wal_path];
    auto found = slot.lock();
    if (!found) {
      found = std::make_shared<WalSync>(wal_path);
      slot = found;
    }
    return found;
  }

  explicit WalSync(std::string wal_path)
      : path_(std::move(wal_path)), dir_(std::filesystem::path(path_).parent_path().string()) {}
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;
  ~WalSync() override = default;

  Status SyncCommitted() override {
    std::shared_ptr<File> file;
    {
      std::lock_guard lock(mu_);
      if (!failed_.empty()) return Unavailable(failed_);
      if (file_) {
        struct stat st {};
        if (fstat(file_->fd, &st) != 0 || st.st_nlink == 0) file_.reset();  // unlinked
      }
      if (!file_) {
        const int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
          // No WAL: the last connection checkpointed it (synced) and deleted it.
          if (errno == ENOENT) return Status::Ok();
          return Unavailable("storage error: cannot open the WAL '" + path_ +
                             "': " + std::strerror(errno));
        }
        file_ = std::make_shared<File>(fd);
        XB_RETURN_IF_ERROR(SyncDirectory());
      }
      file = file_;
    }
    int rc = 0;
    do {
      rc = fdatasync(file->fd);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return Failed("fdatasync of the WAL '" + path_ + "'", errno);
    return Status::Ok();
  }

  // kUnavailable once a sync has failed.
  Status Usable() {
    std::lock_guard lock(mu_);
    return failed_.empty() ? Status::Ok() : Unavailable(failed_);
  }

 private:
  struct File {
    explicit File(int f) : fd(f) {}
    File(const File&) = delete;
    File& operator=(const File&) = delete;
    ~File() { close(fd); }
    int fd;
  };

  // Under mu_.
  Status SyncDirectory() {
    const int dfd = open(dir_.empty() ? "." : dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
      return Unavailable("storage error: cannot open the directory of '" + path_ +
                         "': " + std::strerror(errno));
    }
    const int rc = fsync(dfd);
    const int err = errno;
    close(dfd);
    if (rc != 0) return FailedLocked("fsync of the directory of '" + path_ + "'", err);
    return Status::Ok();
  }

  Status Failed(const std::string& what, int err) {
    std::lock_guard lock(mu_);
    return FailedLocked(what, err);
  }
  Status FailedLocked(const std::string& what, int err) {
    if (failed_.empty()) {
      failed_ = "storage error: " + what + " failed (" + std::strerror(err) +
                "); commits since the last good sync may be lost and writes are refused until "
                "the database is opened again";
      std::fprintf(stderr, "xborder: %s\n", failed_.c_str());  // once; the path, no personal data
    }
    return Unavailable(failed_);
  }

  const std::string path_;
  const std::string dir_;
  std::mutex mu_;
  std::shared_ptr<File> file_;  // shared: a sync in progress keeps its descriptor open
  std::string failed_;          // why syncing failed; empty while it never did
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
  std::shared_ptr<sql::CommitSync> commit_sync() override { return wal_sync_; }

  // From now on commits are synced by `sync` (synchronous=NORMAL is set by the caller).
  void SyncWith(std::shared_ptr<WalSync> sync) { wal_sync_ = std::move(sync); }

  Status ExecScript(std::string_view script) override {
    char* err = nullptr;
    const std::string text(script);
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return MapError(rc, msg);
    }
    // What the script wrote outside a transaction was committed by it (scripts are rare:
    // migrations and set-up; no telling which statements wrote).
    return SyncIfAutocommit(nullptr);
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
    XB_RETURN_IF_ERROR(SyncIfAutocommit(stmt));
    return rows;
  }

  Result<std::int64_t> Execute(std::string_view sql, std::span<const sql::Value> params) override {
    XB_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return MapError(rc, sqlite3_errmsg(db_));
    const auto changed = static_cast<std::int64_t>(sqlite3_changes64(db_));
    XB_RETURN_IF_ERROR(SyncIfAutocommit(stmt));
    return changed;
  }

  // Writers take the lock at BEGIN (IMMEDIATE) so two writers never deadlock on an upgrade.
  // These run as cached prepared statements: every request begins and ends a transaction, and
  // parsing "BEGIN" and "ROLLBACK" anew each time cost half as much as the point read itself.
  // After a failed sync of the WAL no write begins (WalSync).
  Status Begin(bool write) override {
    if (write && wal_sync_) XB_RETURN_IF_ERROR(wal_sync_->Usable());
    XB_RETURN_IF_ERROR(Run(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
    writing_ = write;
    return Status::Ok();
  }
  // COMMIT, then (for a write) the WAL's fdatasync, after the write lock is released: the next
  // writer goes on meanwhile, and one sync may cover several commits.
  Status Commit() override {
    XB_RETURN_IF_ERROR(Run("COMMIT"));
    const bool wrote = std::exchange(writing_, false);
    if (wrote && wal_sync_) return wal_sync_->SyncCommitted();
    return Status::Ok();
  }
  Status CommitNoSync() override {
    XB_RETURN_IF_ERROR(Run("COMMIT"));
    writing_ = false;
    return Status::Ok();
  }
  Status Rollback() override {
    writing_ = false;
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

  // A statement that wrote outside a transaction (`stmt` null: any statement) committed by
  // itself: sync it, as synchronous=FULL did. BEGIN, COMMIT and ROLLBACK count as read-only.
  Status SyncIfAutocommit(sqlite3_stmt* stmt) {
    if (!wal_sync_ || sqlite3_get_autocommit(db_) == 0) return Status::Ok();
    if (stmt != nullptr && sqlite3_stmt_readonly(stmt) != 0) return Status::Ok();
    return wal_sync_->SyncCommitted();
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
  std::shared_ptr<WalSync> wal_sync_;           // null until set up (and for a memory database)
  bool writing_ = false;                        // inside a write transaction
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
      conn->ExecScript("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                       "PRAGMA cache_size=-65536; PRAGMA journal_size_limit=67108864;"));
  // synchronous=NORMAL: a COMMIT does not fsync; Commit() syncs the WAL after it, CommitNoSync()
  // leaves that to commit_sync() (WalSync). Without a file (":memory:") there is nothing to sync.
  // Anything but a WAL file (":memory:", a file system without WAL) keeps synchronous=FULL.
  const char* file = sqlite3_db_filename(db, "main");
  XB_ASSIGN_OR_RETURN(auto mode, conn->Query("PRAGMA journal_mode", {}));
  const bool wal = !mode.empty() && !mode[0].empty() && mode[0][0] == "wal";
  if (wal && file != nullptr && *file != '\0') {
    XB_RETURN_IF_ERROR(conn->ExecScript("PRAGMA synchronous=NORMAL"));
    conn->SyncWith(WalSync::For(sqlite3_filename_wal(file)));
  } else {
    XB_RETURN_IF_ERROR(conn->ExecScript("PRAGMA synchronous=FULL"));
  }
  return std::unique_ptr<sql::Connection>(std::move(conn));
}

}  // namespace xb::sqlite
