#include "api_support.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cerrno>
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
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopGrace = std::chrono::seconds(15);

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Tail(const std::string& text, std::size_t max = 4000) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
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

// --- Response and client ------------------------------------------------------------------

std::optional<std::string> Response::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return std::nullopt;
}

json Response::Json() const { return json::parse(body, nullptr, false); }

std::ostream& operator<<(std::ostream& out, const Response& r) {
  if (!r.error.empty()) return out << "[no response: " << r.error << "]";
  return out << "[HTTP " << r.status << ": " << Tail(r.body, 2000) << "]";
}

Response HttpClient::Send(std::string_view method, std::string_view target, std::string_view body,
                          const Headers& headers) const {
  namespace beast = boost::beast;
  namespace bhttp = boost::beast::http;
  namespace asio = boost::asio;
  Response out;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  // Each step runs the context to completion; the stream's deadline bounds the whole exchange.
  const auto run = [&ioc] {
    ioc.restart();
    ioc.run();
  };
  stream.expires_after(kRequestTimeout);
  beast::error_code ec;
  stream.async_connect(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port_),
                       [&ec](beast::error_code e) { ec = e; });
  run();
  if (ec) {
    out.error = "connect to port " + std::to_string(port_) + ": " + ec.message();
    return out;
  }
  bhttp::request<bhttp::string_body> req;
  const beast::string_view method_text(method.data(), method.size());
  const bhttp::verb verb = bhttp::string_to_verb(method_text);
  if (verb == bhttp::verb::unknown) {
    req.method_string(method_text);
  } else {
    req.method(verb);
  }
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port_));
  req.set(bhttp::field::user_agent, "xborder-api-test");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::string(body);
  req.keep_alive(false);
  req.prepare_payload();
  beast::error_code write_ec;
  bhttp::async_write(stream, req, [&write_ec](beast::error_code e, std::size_t) { write_ec = e; });
  run();
  // Read even when the write failed: a server may answer early and close (413 on a large body).
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::async_read(stream, buffer, parser, [&ec](beast::error_code e, std::size_t) { ec = e; });
  run();
  if (ec) {
    out.error = "read: " + ec.message();
    if (write_ec) out.error += " (write: " + write_ec.message() + ")";
    return out;
  }
  auto res = parser.release();
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(
        Lower(std::string_view(field.name_string().data(), field.name_string().size())),
        std::string(field.value()));
  }
  out.body = std::move(res.body());
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return out;
}

// --- PostgreSQL scratch database ----------------------------------------------------------

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

// --- the server process --------------------------------------------------------------------

std::unique_ptr<ServerProcess> ServerProcess::Start(const std::string& backend,
                                                    std::string* error) {
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  std::string dir_template = (fs::temp_directory_path() / "xb-api-XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    *error = std::string("mkdtemp: ") + std::strerror(errno);
    return nullptr;
  }
  p->dir_ = dir_template;
  std::error_code ec;
  fs::create_directory(p->dir_ / "web", ec);  // empty: no console, API only
  std::string db_url;
  if (backend == "sqlite") {
    db_url = "sqlite:" + (p->dir_ / "xborder.db").string();
  } else if (backend == "postgresql") {
    p->pg_ = PgScratchDatabase::Create(PgTestUrl(), error);
    if (!p->pg_) return nullptr;
    db_url = p->pg_->url();
  } else {
    *error = "unknown backend '" + backend + "'";
    return nullptr;
  }
  const fs::path key_file = p->dir_ / "admin.key";
  const fs::path log_file = p->dir_ / "server.log";
  const std::vector<std::string> args = {XB_BINARY,
                                         "serve",
                                         "--db",
                                         db_url,
                                         "--port",
                                         "0",
                                         "--admin-key-file",
                                         key_file.string(),
                                         "--web-root",
                                         (p->dir_ / "web").string(),
                                         "--max-body-bytes",
                                         std::to_string(kMaxBodyBytes)};
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe2: ") + std::strerror(errno);
    return nullptr;
  }
  // fork/exec rather than posix_spawn, for PR_SET_PDEATHSIG: should this process die without
  // stopping the server (a crash, ctest's timeout), the kernel sends the server SIGTERM, so no
  // server outlives its test holding a port, files and a database.
  const std::string log_path = log_file.string();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    close(out_pipe[0]);
    close(out_pipe[1]);
    return nullptr;
  }
  if (pid == 0) {  // the child: async-signal-safe calls only
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    dup2(out_pipe[1], STDOUT_FILENO);
    const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd >= 0) dup2(log_fd, STDERR_FILENO);
    execve(XB_BINARY, argv.data(), environ);
    _exit(127);
  }
  close(out_pipe[1]);
  p->stdout_fd_ = out_pipe[0];
  p->pid_ = pid;

  // Wait for "xborder is serving on http://127.0.0.1:PORT/ ...".
  const std::string marker = "xborder is serving on http://";
  const auto deadline = Clock::now() + kStartTimeout;
  std::string out;
  std::size_t line_start = std::string::npos;
  while (line_start == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      *error = backend + " server did not print its address within 10 s; stdout:\n" + out +
               "\nlog:\n" + p->Log();
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
      std::string how = status ? DescribeWaitStatus(*status) : "closed its output";
      if (status) p->pid_ = -1;
      *error =
          backend + " server " + how + " before serving; stdout:\n" + out + "\nlog:\n" + p->Log();
      return nullptr;
    }
    out.append(chunk, static_cast<std::size_t>(n));
    const auto at = out.find(marker);
    if (at != std::string::npos && out.find('\n', at) != std::string::npos) line_start = at;
  }
  const std::string line = out.substr(line_start, out.find('\n', line_start) - line_start);
  const std::size_t authority = marker.size();
  const std::size_t slash = line.find('/', authority);
  const std::string host_port = line.substr(authority, slash - authority);
  const std::size_t colon = host_port.rfind(':');
  const int port = colon == std::string::npos ? 0 : std::atoi(host_port.c_str() + colon + 1);
  if (port <= 0 || port > 65535) {
    *error = "cannot read the port from: " + line;
    return nullptr;
  }
  p->port_ = static_cast<std::uint16_t>(port);
  std::string key = ReadFile(key_file);
  while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
  if (key.empty()) {
    *error = "the server did not write an admin key to " + key_file.string();
    return nullptr;
  }
  p->admin_key_ = key;
  return p;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  pg_.reset();  // drop the database once no server holds connections to it
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string ServerProcess::Log() const { return Tail(ReadFile(dir_ / "server.log")); }

bool ServerProcess::Stop(std::chrono::milliseconds grace, std::string* how) {
  if (pid_ <= 0) {
    *how = "was not running";
    return false;
  }
  kill(pid_, SIGTERM);
  const auto started = Clock::now();
  const auto status = WaitFor(pid_, grace);
  if (!status) {
    kill(pid_, SIGKILL);
    int ignored = 0;
    waitpid(pid_, &ignored, 0);
    pid_ = -1;
    *how = "did not exit within " + std::to_string(grace.count()) + " ms of SIGTERM";
    return false;
  }
  pid_ = -1;
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  *how = DescribeWaitStatus(*status) + " " + std::to_string(ms) + " ms after SIGTERM";
  return WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
}

// --- test data -----------------------------------------------------------------------------

std::string Unique(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return std::string(prefix) + "-" + std::to_string(++counter);
}

json SkuBody(const std::string& code) {
  return {{"code", code},          {"name", "Test SKU " + code}, {"category", "cosmetics"},
          {"hs_code", "33049900"}, {"legal_unit", "piece"},      {"legal_quantity", 1},
          {"origin_country", "DE"}};
}
json SupplierBody(const std::string& code) {
  return {{"code", code},
          {"name", "Supplier " + code},
          {"kind", "manufacturer"},
          {"country", "DE"},
          {"currency", "EUR"}};
}
json BrandBody(const std::string& code) {
  return {{"code", code}, {"name", "Brand " + code}, {"country", "FR"}};
}
json ChannelBody(const std::string& code) {
  return {{"code", code}, {"name", "Channel " + code}, {"platform", "tmall_global"}};
}
json CarrierBody(const std::string& code) {
  return {{"code", code},
          {"name", "Carrier " + code},
          {"kind", "international_express"},
          {"country", "HK"}};
}
json WarehouseBody(const std::string& code) {
  return {{"code", code},
          {"name", "Warehouse " + code},
          {"kind", "overseas"},
          {"country", "DE"},
          {"operator", "self"}};
}
json BinBody(const std::string& code) { return {{"code", code}, {"kind", "storage"}}; }

::testing::AssertionResult IsError(const Response& r, int status, std::string_view code) {
  if (r.status != status) {
    return ::testing::AssertionFailure() << "expected HTTP " << status << ", got " << r;
  }
  const json body = r.Json();
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) {
    return ::testing::AssertionFailure() << "no error object in " << r;
  }
  const json& err = body["error"];
  if (err.value("code", "") != code) {
    return ::testing::AssertionFailure() << "expected error.code " << code << " in " << r;
  }
  if (!err.contains("message") || !err["message"].is_string() ||
      err["message"].get<std::string>().empty()) {
    return ::testing::AssertionFailure() << "no error.message in " << r;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsFieldError(const Response& r, int status, std::string_view code,
                                        std::string_view field) {
  auto result = IsError(r, status, code);
  if (!result) return result;
  const json err = r.Json()["error"];
  if (!err.contains("field") || !err["field"].is_string() || err["field"] != field) {
    return ::testing::AssertionFailure() << "expected error.field " << field << " in " << r;
  }
  return ::testing::AssertionSuccess();
}

// --- fixture -------------------------------------------------------------------------------

void StopSuiteServers(std::map<std::string, ServerSlot>& servers) {
  for (auto& [backend, slot] : servers) {
    if (!slot.server) continue;
    std::string how;
    const bool clean = slot.server->Stop(kStopGrace, &how);
    EXPECT_TRUE(clean) << "the " << backend << " server " << how
                       << " (expected exit code 0 within 15 s of SIGTERM); log:\n"
                       << slot.server->Log();
    slot.server.reset();
  }
  servers.clear();
}

void ApiTestBase::StartOrReuse(std::map<std::string, ServerSlot>& servers) {
  const std::string& backend = GetParam();
  if (backend == "postgresql" && PgTestUrl().empty()) {
    GTEST_SKIP() << "XB_TEST_PG_URL is not set; to run the API tests against PostgreSQL set it "
                    "to a server URL whose user may create databases, e.g. "
                    "XB_TEST_PG_URL=$(bash scripts/pg-test-server.sh start)";
  }
  ServerSlot& slot = servers[backend];
  if (!slot.server && slot.error.empty()) {
    slot.server = ServerProcess::Start(backend, &slot.error);
  }
  ASSERT_TRUE(slot.server != nullptr)
      << "cannot start the " << backend << " server: " << slot.error;
  server_ = slot.server.get();
  http_ = HttpClient(server_->port());
}

Response ApiTestBase::Send(std::string_view method, std::string_view target, std::string_view body,
                           const std::string& key, Headers extra) const {
  if (!key.empty()) extra.emplace_back("Authorization", "Bearer " + key);
  if (!body.empty()) extra.emplace_back("Content-Type", "application/json");
  return http_.Send(method, target, body, extra);
}

Response ApiTestBase::Get(std::string_view target, const std::string& key) const {
  return Send("GET", target, {}, key);
}

Response ApiTestBase::Post(std::string_view target, const json& body, const std::string& key,
                           Headers extra) const {
  return Send("POST", target, body.dump(), key, std::move(extra));
}

Response ApiTestBase::Patch(std::string_view target, const json& body,
                            const std::string& key) const {
  return Send("PATCH", target, body.dump(), key);
}

json ApiTestBase::Create(std::string_view target, const json& body, const std::string& key) const {
  const Response r = Post(target, body, key);
  const json out = r.Json();
  if (r.status != 201 || !out.is_object() || !out.contains("id")) {
    std::ostringstream msg;
    msg << "POST " << target << " " << body.dump() << " should create a record, got " << r;
    throw UnexpectedResponse(msg.str());
  }
  return out;
}

json ApiTestBase::GetJson(std::string_view target, const std::string& key) const {
  const Response r = Get(target, key);
  const json out = r.Json();
  if (r.status != 200 || !out.is_object()) {
    std::ostringstream msg;
    msg << "GET " << target << " should answer 200 with a JSON object, got " << r;
    throw UnexpectedResponse(msg.str());
  }
  return out;
}

std::int64_t ApiTestBase::Total(std::string_view list_target, const std::string& key) const {
  std::string target(list_target);
  target += target.find('?') == std::string::npos ? "?limit=1" : "&limit=1";
  const json page = GetJson(target, key);
  if (!page.contains("total") || !page["total"].is_number_integer()) {
    throw UnexpectedResponse("GET " + target + " has no integer total: " + page.dump());
  }
  return page["total"].get<std::int64_t>();
}

ApiTestBase::NewTenantInfo ApiTestBase::NewTenant() const {
  const std::string code = Unique("tenant");
  const Response r = Post("/api/v1/tenants", {{"code", code}, {"name", "Tenant " + code}});
  const json out = r.Json();
  if (r.status != 201 || !out.is_object() || !out.contains("tenant") ||
      !out.contains("admin_key")) {
    std::ostringstream msg;
    msg << "POST /api/v1/tenants should create tenant " << code << ", got " << r;
    throw UnexpectedResponse(msg.str());
  }
  return {out["tenant"]["id"].get<std::int64_t>(), code,
          out["admin_key"]["secret"].get<std::string>()};
}

std::string ApiTestBase::NewKey(std::string_view role, const std::string& key) const {
  const Response r = Post("/api/v1/keys", {{"name", Unique(role)}, {"role", role}}, key);
  const json out = r.Json();
  if (r.status != 201 || !out.is_object() || !out.contains("secret")) {
    std::ostringstream msg;
    msg << "POST /api/v1/keys should create a " << role << " key, got " << r;
    throw UnexpectedResponse(msg.str());
  }
  return out["secret"].get<std::string>();
}

}  // namespace xb::apitest
