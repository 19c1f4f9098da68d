// A child process of the xborder program for the end-to-end customs tests: started with its
// arguments, its standard output read until the line that names its address, its standard error
// kept in a log file, and stopped with SIGTERM (killed if it does not end).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace xb::apitest {

class ChildProcess {
 public:
  // Runs XB_BINARY with `args` and waits up to 20 s for a line on its standard output that
  // contains `marker` followed by "HOST:PORT"; the port is read from there. nullptr and `*error`
  // (with the log) otherwise.
  static std::unique_ptr<ChildProcess> Start(const std::vector<std::string>& args,
                                             const std::string& marker,
                                             const std::filesystem::path& log_path,
                                             std::string* error);
  ~ChildProcess();  // SIGKILL when still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // SIGTERM and a wait of up to 15 s; true when it exited with code 0.
  bool Stop(std::string* how);
  void Kill();
  std::string Log() const;

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  std::filesystem::path log_path_;
};

}  // namespace xb::apitest
