#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

#ifndef XB_BINARY
#error "XB_BINARY (the path of the xborder program) must be defined by the build"
#endif

namespace xb::apitest {

using Clock = std::chrono::steady_clock;

std::unique_ptr<ChildProcess> ChildProcess::Start(const std::vector<std::string>& args,
                                                  const std::string& marker,
                                                  const std::filesystem::path& log_path,
                                                  std::string* error) {
  std::unique_ptr<ChildProcess> p(new ChildProcess());
  p->log_path_ = log_path;
  std::vector<std::string> all = {XB_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe2: ") + std::strerror(errno);
    return nullptr;
  }
  const std::string log = log_path.string();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    close(out_pipe[0]);
    close(out_pipe[1]);
    return nullptr;
  }
  if (pid == 0) {  // the child: async-signal-safe calls only
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(out_pipe[1], STDOUT_FILENO);
    const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd >= 0) dup2(log_fd, STDERR_FILENO);
    execve(XB_BINARY, argv.data(), environ);
    _exit(127);
  }
  close(out_pipe[1]);
  p->stdout_fd_ = out_pipe[0];
  p->pid_ = pid;

  const auto deadline = Clock::now() + std::chrono::seconds(20);
  std::string out;
  std::size_t at = std::string::npos;
  while (at == std::string::npos || out.find('\n', at) == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      *error = args[0] + " did not start within 20 s; stdout:\n" + out + "\nlog:\n" + p->Log();
      return nullptr;
    }
    pollfd pfd{p->stdout_fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(p->stdout_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = args[0] + " ended before it served; stdout:\n" + out + "\nlog:\n" + p->Log();
      return nullptr;
    }
    out.append(chunk, static_cast<std::size_t>(n));
    at = out.find(marker);
  }
  // "...http://127.0.0.1:PORT/..."
  const std::string rest = out.substr(at + marker.size());
  const std::size_t colon = rest.find(':');
  const int port = colon == std::string::npos ? 0 : std::atoi(rest.c_str() + colon + 1);
  if (port <= 0 || port > 65535) {
    *error = "cannot read the port from: " + out;
    return nullptr;
  }
  p->port_ = static_cast<std::uint16_t>(port);
  return p;
}

ChildProcess::~ChildProcess() {
  Kill();
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

void ChildProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool ChildProcess::Stop(std::string* how) {
  if (pid_ <= 0) {
    *how = "was not running";
    return false;
  }
  kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  int status = 0;
  for (;;) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) break;
    if (Clock::now() >= deadline) {
      Kill();
      *how = "did not exit within 15 s of SIGTERM";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  *how = WIFEXITED(status) ? "exited with code " + std::to_string(WEXITSTATUS(status))
                           : "ended with wait status " + std::to_string(status);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string ChildProcess::Log() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  return all.size() <= 6000 ? all : "..." + all.substr(all.size() - 6000);
}

}  // namespace xb::apitest
