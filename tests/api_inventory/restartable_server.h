// A `xborder serve` that can be killed with SIGKILL and started again on the same database, for
// the crash test. tests/api's ServerProcess always starts on a fresh database; this one keeps
// the database (a SQLite file or a scratch PostgreSQL database) across restarts and drops it at
// the end.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "api_support.h"

namespace xb::apitest {

class RestartableServer {
 public:
  // A fresh database of `backend` ("sqlite" or "postgresql"); nullptr and `*error` on failure.
  static std::unique_ptr<RestartableServer> Create(const std::string& backend, std::string* error);
  ~RestartableServer();  // kills a running server, removes the files, drops the database
  RestartableServer(const RestartableServer&) = delete;
  RestartableServer& operator=(const RestartableServer&) = delete;

  // Starts the server (a new port each time) and waits up to 10 s for it to serve.
  bool Start(std::string* error);
  // SIGKILL, then reaps the process: nothing of it runs any more.
  void Kill();
  // SIGTERM and a wait; true when it exited with code 0.
  bool Stop(std::string* how);

  std::uint16_t port() const { return port_; }
  // The admin key written on the first start.
  const std::string& admin_key() const { return admin_key_; }
  std::string Log() const;

 private:
  RestartableServer() = default;
  std::filesystem::path dir_;
  std::string db_url_;
  std::unique_ptr<PgScratchDatabase> pg_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int starts_ = 0;
  std::uint16_t port_ = 0;
  std::string admin_key_;
};

}  // namespace xb::apitest
