#include "server_process.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

extern char** environ;

#ifndef XB_BINARY
#error "XB_BINARY (the path of the xborder program) must be defined by the build"
#endif

namespace xb::apitest {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr auto kStopGrace = std::chrono::seconds(15);
constexpr std::size_t kLogTail = 6000;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Tail(const std::string& text) {
  return text.size() <= kLogTail ? text : "..." + text.substr(text.size() - kLogTail);
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "ended with wait status " + std::to_string(status);
}

// Waits for `pid` up to `limit`; the wait status, or nullopt when it still runs.
std::optional<int> WaitFor(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::string QuoteIdent(const std::string& name) { return "\"" + name + "\""; }

// Runs `sql` on a new connection to `url`; empty on success, else the error.
std::string PgExec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = std::string("cannot connect: ") + PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      error = sql + ": " + PQresultErrorMessage(res);
    }
    PQclear(res);
  }
  PQfinish(conn);
  return error;
}

}  // namespace

// --- databases and files -------------------------------------------------------------------

std::string PgTestUrl() {
  const char* url = std::getenv("XB_TEST_PG_URL");
  return url == nullptr ? std::string() : std::string(url);
}

std::string WithDatabase(const std::string& url, const std::string& database) {
  const auto scheme = url.find("://");
  const std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto query = url.find('?', start);
  const auto slash = url.find('/', start);
  if (slash == std::string::npos || (query != std::string::npos && slash > query)) {
    std::string out = url;
    out.insert(query == std::string::npos ? out.size() : query, "/" + database);
    return out;
  }
  const std::size_t end = query == std::string::npos ? url.size() : query;
  return url.substr(0, slash + 1) + database + url.substr(end);
}

std::unique_ptr<TempDir> TempDir::Create(std::string_view prefix, std::string* error) {
  std::string path = (fs::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
  if (mkdtemp(path.data()) == nullptr) {
    *error = std::string("mkdtemp: ") + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<TempDir> dir(new TempDir());
  dir->path_ = path;
  return dir;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::unique_ptr<PgScratchDatabase> PgScratchDatabase::Create(const std::string& admin_url,
                                                             std::string* error) {
  static std::atomic<int> counter{0};
  std::unique_ptr<PgScratchDatabase> db(new PgScratchDatabase());
  db->admin_url_ = admin_url;
  db->name_ = "xb_api_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  // A crashed earlier run with a reused pid may have left it behind.
  std::string failed = PgExec(admin_url, "DROP DATABASE IF EXISTS " + QuoteIdent(db->name_));
  if (failed.empty()) failed = PgExec(admin_url, "CREATE DATABASE " + QuoteIdent(db->name_));
  if (!failed.empty()) {
    *error = "cannot create a scratch database on XB_TEST_PG_URL: " + failed;
    db->name_.clear();  // nothing to drop
    return nullptr;
  }
  db->url_ = WithDatabase(admin_url, db->name_);
  return db;
}
PgScratchDatabase::~PgScratchDatabase() {
  if (name_.empty()) return;
  const std::string drop = "DROP DATABASE IF EXISTS " + QuoteIdent(name_);
  if (!PgExec(admin_url_, drop + " WITH (FORCE)").empty()) {
    (void)PgExec(admin_url_, drop);  // servers before PostgreSQL 13
  }
}

// --- a child process -----------------------------------------------------------------------

std::unique_ptr<ChildProcess> ChildProcess::Start(const std::vector<std::string>& args,
                                                  std::string_view marker, const fs::path& log_path,
                                                  std::string* error) {
  std::unique_ptr<ChildProcess> p(new ChildProcess());
  p->log_path_ = log_path;
  std::vector<std::string> all = {XB_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(all.size() + 1);
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe2: ") + std::strerror(errno);
    return nullptr;
  }
  // fork/exec rather than posix_spawn, for PR_SET_PDEATHSIG: should this process die without
  // stopping the child (a crash, ctest's timeout), the kernel kills it, so no server outlives
  // its test holding a port, files and a database.
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
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    dup2(out_pipe[1], STDOUT_FILENO);
    const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd >= 0) dup2(log_fd, STDERR_FILENO);
    execve(XB_BINARY, argv.data(), environ);
    _exit(127);
  }
  close(out_pipe[1]);
  p->stdout_fd_ = out_pipe[0];
  p->pid_ = pid;

  const std::string name = args.empty() ? std::string(XB_BINARY) : args[0];
  const auto deadline = Clock::now() + kStartTimeout;
  std::string out;
  std::size_t at = std::string::npos;
  while (at == std::string::npos || out.find('\n', at) == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      *error = name + " did not serve within 20 s; stdout:\n" + out + "\nlog:\n" + p->Log();
      return nullptr;  // the destructor kills it
    }
    pollfd pfd{p->stdout_fd_, POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) {
      *error = std::string("poll: ") + std::strerror(errno);
      return nullptr;
    }
    if (ready <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(p->stdout_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const auto status = WaitFor(p->pid_, kStopGrace);
      const std::string how = status ? DescribeWaitStatus(*status) : "closed its output";
      if (status) p->pid_ = -1;
      *error = name + " " + how + " before serving; stdout:\n" + out + "\nlog:\n" + p->Log();
      return nullptr;
    }
    out.append(chunk, static_cast<std::size_t>(n));
    at = out.find(marker);
  }
  // "<marker>127.0.0.1:PORT/..."
  const std::string line = out.substr(at, out.find('\n', at) - at);
  const std::size_t colon = line.find(':', marker.size());
  const int port = colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
  if (port <= 0 || port > 65535) {
    *error = "cannot read the port from: " + line;
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
  const auto started = Clock::now();
  const auto status = WaitFor(pid_, kStopGrace);
  if (!status) {
    Kill();
    *how = "did not exit within 15 s of SIGTERM";
    return false;
  }
  pid_ = -1;
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  *how = DescribeWaitStatus(*status) + " " + std::to_string(ms) + " ms after SIGTERM";
  return WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
}

std::string ChildProcess::Log() const { return Tail(ReadFile(log_path_)); }

// --- the server ----------------------------------------------------------------------------

std::unique_ptr<ServerProcess> ServerProcess::Start(const std::string& backend, std::string* error,
                                                    std::vector<std::string> extra_args) {
  std::unique_ptr<ServerProcess> s(new ServerProcess());
  s->dir_ = TempDir::Create("xb-api", error);
  if (!s->dir_) return nullptr;
  std::error_code ec;
  fs::create_directory(s->dir() / "web", ec);  // empty: no console, API only
  std::string db_url;
  if (backend == "sqlite") {
    db_url = "sqlite:" + (s->dir() / "xborder.db").string();
  } else if (backend == "postgresql") {
    s->pg_ = PgScratchDatabase::Create(PgTestUrl(), error);
    if (!s->pg_) return nullptr;
    db_url = s->pg_->url();
  } else {
    *error = "unknown backend '" + backend + "'";
    return nullptr;
  }
  s->args_ = {"serve",
              "--db",
              db_url,
              "--port",
              "0",
              "--admin-key-file",
              (s->dir() / "admin.key").string(),
              "--web-root",
              (s->dir() / "web").string(),
              "--max-body-bytes",
              std::to_string(kMaxBodyBytes)};
  s->args_.insert(s->args_.end(), extra_args.begin(), extra_args.end());
  if (!s->Launch(error)) {
    *error = backend + " server: " + *error;
    return nullptr;
  }
  return s;
}

ServerProcess::~ServerProcess() = default;  // members in reverse: process, database, files

bool ServerProcess::Restart(std::string* error) {
  if (running()) {
    *error = "the server is still running";
    return false;
  }
  return Launch(error);
}

bool ServerProcess::Launch(std::string* error) {
  process_.reset();
  ++starts_;
  process_ = ChildProcess::Start(args_, "xborder is serving on http://", LogPath(starts_), error);
  if (!process_) return false;
  port_ = process_->port();
  if (admin_key_.empty()) {
    const fs::path key_file = dir() / "admin.key";
    std::string key = ReadFile(key_file);
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    if (key.empty()) {
      *error = "the server did not write an admin key to " + key_file.string();
      return false;
    }
    admin_key_ = key;
  }
  return true;
}

void ServerProcess::Kill() {
  if (process_) process_->Kill();
}

bool ServerProcess::Stop(std::string* how) {
  if (!process_) {
    *how = "was not running";
    return false;
  }
  return process_->Stop(how);
}

fs::path ServerProcess::LogPath(int start) const {
  return dir() / ("server-" + std::to_string(start) + ".log");
}

std::string ServerProcess::Log() const {
  if (starts_ == 1) return Tail(ReadFile(LogPath(1)));
  std::string all;
  for (int i = 1; i <= starts_; ++i) {
    all += "--- start " + std::to_string(i) + " ---\n" + ReadFile(LogPath(i));
  }
  return Tail(all);
}

}  // namespace xb::apitest
