// Black-box API test support: starts the real `xborder serve` binary on a fresh database (SQLite
// file or a scratch PostgreSQL database), talks HTTP to it with a small Boost.Beast client, and
// gives the test suites one server per suite and backend.
//
// Suites derive from ServerTest<Suite> and are instantiated with XB_API_BACKENDS(Suite): every
// test then runs against "sqlite" and "postgresql" (the latter only when XB_TEST_PG_URL is set).
// The server of a suite is started by its first test and stopped (SIGTERM, which must end it with
// exit code 0) when the suite ends. ctest runs each suite and backend as one entry
// ("api.CsvApi/sqlite", see CMakeLists.txt). Every test also works alone (--gtest_filter): tests
// never depend on one another, and a test that needs empty lists or exact counts makes itself a
// fresh tenant.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xb::apitest {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

// Every test server refuses bodies larger than this (--max-body-bytes).
inline constexpr std::size_t kMaxBodyBytes = 65536;

struct Response {
  int status = 0;  // 0 when the exchange failed; see `error`
  std::string body;
  Headers headers;    // names lower-case
  std::string error;  // transport failure, empty when a response arrived

  // The value of a header (name in lower case), nullopt when absent.
  std::optional<std::string> Header(std::string_view lower_name) const;
  // The body as JSON; a discarded value when it is not JSON.
  json Json() const;
};
std::ostream& operator<<(std::ostream& out, const Response& r);

// A synchronous HTTP/1.1 client for 127.0.0.1:port: one connection per request, every request
// bounded by a timeout so a stuck server fails the test instead of hanging it.
class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port = 0) : port_(port) {}
  // `target` is sent as is (no encoding), so tests can send malformed URLs.
  Response Send(std::string_view method, std::string_view target, std::string_view body = {},
                const Headers& headers = {}) const;

 private:
  std::uint16_t port_;
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

// `url` with its database name replaced by `database`.
std::string WithDatabase(const std::string& url, const std::string& database);

// XB_TEST_PG_URL, or empty.
std::string PgTestUrl();

// A running `xborder serve` on a fresh database of `backend` ("sqlite" or "postgresql").
class ServerProcess {
 public:
  // Starts the server and waits (up to 10 s) for the line that names its port. nullptr and
  // `*error` (with the server's log) when it does not come up.
  static std::unique_ptr<ServerProcess> Start(const std::string& backend, std::string* error);
  // Kills the server if it still runs, removes its files and drops its database.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // The first admin key of the operating tenant (tenant 1), read from --admin-key-file.
  const std::string& admin_key() const { return admin_key_; }
  // What the server wrote to stderr so far (its log).
  std::string Log() const;
  // Sends SIGTERM and waits up to `grace` for the process to end. True when it exited with code
  // 0 in time; otherwise false with `*how` saying what happened (it is killed after `grace`).
  bool Stop(std::chrono::milliseconds grace, std::string* how);
  bool running() const { return pid_ > 0; }

 private:
  ServerProcess() = default;
  std::filesystem::path dir_;
  std::unique_ptr<PgScratchDatabase> pg_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  std::string admin_key_;
};

// A code no other call in this process returns: "<prefix>-<n>".
std::string Unique(std::string_view prefix);

// The smallest valid SKU create body.
json SkuBody(const std::string& code);
// Valid create bodies of the other master records.
json SupplierBody(const std::string& code);
json BrandBody(const std::string& code);
json ChannelBody(const std::string& code);
json CarrierBody(const std::string& code);
json WarehouseBody(const std::string& code);
json BinBody(const std::string& code);

// Success when `r` is an error response with this HTTP status and error.code.
::testing::AssertionResult IsError(const Response& r, int status, std::string_view code);
// As IsError, and error.field names `field`.
::testing::AssertionResult IsFieldError(const Response& r, int status, std::string_view code,
                                        std::string_view field);

// Thrown by the helpers below when the server does not answer as a precondition of the test
// requires; gtest reports it as a failure of the test with this message.
struct UnexpectedResponse : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Holds the servers of one suite: one per backend, started on first use.
struct ServerSlot {
  std::unique_ptr<ServerProcess> server;
  std::string error;  // why it could not start; later tests fail fast with it
};
// Stops every server of a suite, expecting each to exit 0 within 15 s of SIGTERM.
void StopSuiteServers(std::map<std::string, ServerSlot>& servers);

// The base of every suite; see the top of this file.
class ApiTestBase : public ::testing::TestWithParam<std::string> {
 protected:
  void StartOrReuse(std::map<std::string, ServerSlot>& servers);

  const std::string& admin() const { return server_->admin_key(); }
  ServerProcess& server() const { return *server_; }

  Response Send(std::string_view method, std::string_view target, std::string_view body,
                const std::string& key, Headers extra = {}) const;
  Response Get(std::string_view target) const { return Get(target, admin()); }
  Response Get(std::string_view target, const std::string& key) const;
  Response Post(std::string_view target, const json& body) const {
    return Post(target, body, admin());
  }
  Response Post(std::string_view target, const json& body, const std::string& key,
                Headers extra = {}) const;
  Response Patch(std::string_view target, const json& body) const {
    return Patch(target, body, admin());
  }
  Response Patch(std::string_view target, const json& body, const std::string& key) const;

  // POSTs `body` and returns the created record; throws unless the answer is 201.
  json Create(std::string_view target, const json& body) const {
    return Create(target, body, admin());
  }
  json Create(std::string_view target, const json& body, const std::string& key) const;
  // GETs `target` and returns the JSON body; throws unless the answer is 200.
  json GetJson(std::string_view target, const std::string& key) const;
  json GetJson(std::string_view target) const { return GetJson(target, admin()); }
  // The `total` of a list request (a limit of 1 is added).
  std::int64_t Total(std::string_view list_target, const std::string& key) const;
  std::int64_t Total(std::string_view list_target) const { return Total(list_target, admin()); }

  struct NewTenantInfo {
    std::int64_t id = 0;
    std::string code;
    std::string admin_key;
  };
  // A fresh tenant made by the operating admin, with its first admin key.
  NewTenantInfo NewTenant() const;
  // A new key of `role` in the tenant of `key`; returns the secret.
  std::string NewKey(std::string_view role, const std::string& key) const;
  std::string NewKey(std::string_view role) const { return NewKey(role, admin()); }

  HttpClient http_;

 private:
  ServerProcess* server_ = nullptr;
};

template <class Suite>
class ServerTest : public ApiTestBase {
 public:
  static void TearDownTestSuite() { StopSuiteServers(Servers()); }

 protected:
  void SetUp() override { StartOrReuse(Servers()); }

 private:
  static std::map<std::string, ServerSlot>& Servers() {
    static std::map<std::string, ServerSlot> servers;
    return servers;
  }
};

}  // namespace xb::apitest

// Runs every test of `Suite` against each backend; test names end in /sqlite and /postgresql.
#define XB_API_BACKENDS(Suite)                                                              \
  INSTANTIATE_TEST_SUITE_P(                                                                 \
      Backends, Suite, ::testing::Values(std::string("sqlite"), std::string("postgresql")), \
      [](const ::testing::TestParamInfo<std::string>& backend) { return backend.param; })
