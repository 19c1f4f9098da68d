#include "restartable_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

#ifndef XB_BINARY
#error "XB_BINARY (the path of the xborder program) must be defined by the build"
#endif

namespace xb::apitest {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::unique_ptr<RestartableServer> RestartableServer::Create(const std::string& backend,
                                                             std::string* error) {
  std::unique_ptr<RestartableServer> s(new RestartableServer());
  std::string dir_template = (fs::temp_directory_path() / "xb-crash-XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    *error = std::string("mkdtemp: ") + std::strerror(errno);
    return nullptr;
  }
  s->dir_ = dir_template;
  std::error_code ec;
  fs::create_directory(s->dir_ / "web", ec);
  if (backend == "sqlite") {
    s->db_url_ = "sqlite:" + (s->dir_ / "xborder.db").string();
  } else if (backend == "postgresql") {
    s->pg_ = PgScratchDatabase::Create(PgTestUrl(), error);
    if (!s->pg_) return nullptr;
    s->db_url_ = s->pg_->url();
  } else {
    *error = "unknown backend '" + backend + "'";
    return nullptr;
  }
  return s;
}

RestartableServer::~RestartableServer() {
  Kill();
  pg_.reset();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

bool RestartableServer::Start(std::string* error) {
  if (pid_ > 0) {
    *error = "already running";
    return false;
  }
  ++starts_;
  const fs::path key_file = dir_ / "admin.key";
  const std::string log_path = (dir_ / ("server-" + std::to_string(starts_) + ".log")).string();
  const std::vector<std::string> args = {XB_BINARY,
                                         "serve",
                                         "--db",
                                         db_url_,
                                         "--port",
                                         "0",
                                         "--admin-key-file",
                                         key_file.string(),
                                         "--web-root",
                                         (dir_ / "web").string()};
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe2: ") + std::strerror(errno);
    return false;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    close(out_pipe[0]);
    close(out_pipe[1]);
    return false;
  }
  if (pid == 0) {  // the child: async-signal-safe calls only
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(out_pipe[1], STDOUT_FILENO);
    const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd >= 0) dup2(log_fd, STDERR_FILENO);
    execve(XB_BINARY, argv.data(), environ);
    _exit(127);
  }
  close(out_pipe[1]);
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = out_pipe[0];
  pid_ = pid;

  const std::string marker = "xborder is serving on http://";
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  std::string out;
  std::size_t at = std::string::npos;
  while (at == std::string::npos || out.find('\n', at) == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      *error = "the server did not serve within 10 s; stdout:\n" + out + "\nlog:\n" + Log();
      return false;
    }
    pollfd pfd{stdout_fd_, POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(left));
    if (ready <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(stdout_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = "the server ended before serving; stdout:\n" + out + "\nlog:\n" + Log();
      return false;
    }
    out.append(chunk, static_cast<std::size_t>(n));
    at = out.find(marker);
  }
  const std::string line = out.substr(at, out.find('\n', at) - at);
  const std::string host_port =
      line.substr(marker.size(), line.find('/', marker.size()) - marker.size());
  const int port = std::atoi(host_port.c_str() + host_port.rfind(':') + 1);
  if (port <= 0 || port > 65535) {
    *error = "cannot read the port from: " + line;
    return false;
  }
  port_ = static_cast<std::uint16_t>(port);
  if (admin_key_.empty()) {
    std::string key = ReadAll(key_file);
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    if (key.empty()) {
      *error = "the server did not write an admin key";
      return false;
    }
    admin_key_ = key;
  }
  return true;
}

void RestartableServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool RestartableServer::Stop(std::string* how) {
  if (pid_ <= 0) {
    *how = "was not running";
    return false;
  }
  kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
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

std::string RestartableServer::Log() const {
  std::string all;
  for (int i = 1; i <= starts_; ++i) {
    all += "--- start " + std::to_string(i) + " ---\n" +
           ReadAll(dir_ / ("server-" + std::to_string(i) + ".log"));
  }
  return all.size() <= 6000 ? all : "..." + all.substr(all.size() - 6000);
}

}  // namespace xb::apitest
