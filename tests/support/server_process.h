// The processes of the black-box API tests: the real `xborder serve` on a database of its own
// (a SQLite file, or a scratch PostgreSQL database on XB_TEST_PG_URL) that a test can stop, kill
// with SIGKILL and start again on the same database, and any other xborder program a test runs
// beside it (the customs sandbox). Every process is killed and reaped when its guard goes, and
// gets SIGKILL from the kernel should the test program die first.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http_client.h"

namespace xb::apitest {

// Every test server refuses bodies larger than this (--max-body-bytes).
inline constexpr std::size_t kMaxBodyBytes = 65536;

// XB_TEST_PG_URL, or empty.
std::string PgTestUrl();

// `url` with its database name replaced by `database`.
std::string WithDatabase(const std::string& url, const std::string& database);

// A temporary directory "<tmp>/<prefix>-XXXXXX", removed with its contents on destruction.
class TempDir {
 public:
  static std::unique_ptr<TempDir> Create(std::string_view prefix, std::string* error);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  TempDir() = default;
  std::filesystem::path path_;
};

// A scratch PostgreSQL database, created on the server of `admin_url` and dropped on destruction.
class PgScratchDatabase {
 public:
  static std::unique_ptr<PgScratchDatabase> Create(const std::string& admin_url,
                                                   std::string* error);
  ~PgScratchDatabase();
  PgScratchDatabase(const PgScratchDatabase&) = delete;
  PgScratchDatabase& operator=(const PgScratchDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  PgScratchDatabase() = default;
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// A running xborder program (XB_BINARY) with its standard error in a log file.
class ChildProcess {
 public:
  // Runs the program with `args` and waits up to 20 s for a line on its standard output that
  // contains `marker` followed by "HOST:PORT"; the port is read from there. nullptr and `*error`
  // (with the output and the log) otherwise.
  static std::unique_ptr<ChildProcess> Start(const std::vector<std::string>& args,
                                             std::string_view marker,
                                             const std::filesystem::path& log_path,
                                             std::string* error);
  ~ChildProcess();  // Kill()
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  std::uint16_t port() const { return port_; }
  bool running() const { return pid_ > 0; }
  // SIGKILL, then reaps the process: nothing of it runs any more.
  void Kill();
  // SIGTERM and a wait of up to 15 s (then SIGKILL). True when it exited with code 0; `*how`
  // says what happened.
  bool Stop(std::string* how);
  // The end of the log.
  std::string Log() const;

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  std::filesystem::path log_path_;
};

// `xborder serve` on a database of its own, which outlives restarts of the server.
class ServerProcess {
 public:
  // A fresh database of `backend` ("sqlite" or "postgresql") and the server started on it with
  // --port 0, an admin key file, an empty web root (API only), --max-body-bytes kMaxBodyBytes
  // and `extra_args`. nullptr and `*error` (with the log) when it does not come up.
  static std::unique_ptr<ServerProcess> Start(const std::string& backend, std::string* error,
                                              std::vector<std::string> extra_args = {});
  // Kills the server if it still runs, removes its files and drops its database.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server again on the same database (after Kill or Stop), on a new port.
  bool Restart(std::string* error);
  // SIGKILL, then reaps the process.
  void Kill();
  // SIGTERM and a wait of up to 15 s; true when it exited with code 0 in time.
  bool Stop(std::string* how);
  bool running() const { return process_ && process_->running(); }

  // The port of the latest start.
  std::uint16_t port() const { return port_; }
  // The first admin key of the operating tenant (tenant 1), written on the first start.
  const std::string& admin_key() const { return admin_key_; }
  // A client with the admin key, on the current port.
  ApiClient Admin() const { return ApiClient(port(), admin_key_); }
  // What the server wrote to stderr (its log), of every start, the end of it.
  std::string Log() const;
  // The server's temporary directory, for other files of the test.
  const std::filesystem::path& dir() const { return dir_->path(); }

 private:
  ServerProcess() = default;
  bool Launch(std::string* error);
  std::filesystem::path LogPath(int start) const;

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<PgScratchDatabase> pg_;
  std::unique_ptr<ChildProcess> process_;
  std::vector<std::string> args_;
  int starts_ = 0;
  std::uint16_t port_ = 0;
  std::string admin_key_;
};

}  // namespace xb::apitest
