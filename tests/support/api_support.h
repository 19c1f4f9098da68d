// Black-box API test support: fixtures that run the real `xborder serve` (server_process.h) on
// SQLite and PostgreSQL and talk HTTP to it (http_client.h), and valid bodies of the master
// records.
//
// Suites that share one server per suite and backend derive from ServerTest<Suite> and are
// instantiated with XB_API_BACKENDS(Suite): every test then runs against "sqlite" and
// "postgresql" (the latter only when XB_TEST_PG_URL is set). The server of a suite is started by
// its first test and stopped (SIGTERM, which must end it with exit code 0) when the suite ends.
// ctest runs each suite and backend as one entry ("api.CsvApi/sqlite", see CMakeLists.txt).
// Every test also works alone (--gtest_filter): tests never depend on one another, and a test
// that needs empty lists or exact counts makes itself a fresh tenant.
//
// Suites whose tests each need a server of their own (to kill and restart it, or to start it
// with flags of their own) derive from OwnServerTest instead.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_client.h"
#include "server_process.h"

namespace xb::apitest {

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

// True when tests can run on `backend`: PostgreSQL needs XB_TEST_PG_URL; `*why` says why not.
bool BackendAvailable(const std::string& backend, std::string* why);

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
  // A client of the suite's server with `key`.
  ApiClient As(const std::string& key) const { return ApiClient(server_->port(), key); }

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

// The base of suites whose every test has a server of its own, on a fresh database, that it
// may stop, kill and start again (server_). SetUp skips PostgreSQL without XB_TEST_PG_URL and
// starts the server, unless the suite passes false and calls StartServer itself.
class OwnServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  explicit OwnServerTest(bool start_in_set_up = true) : start_in_set_up_(start_in_set_up) {}
  void SetUp() override;
  // Starts server_ with `extra_args` (serve's flags); a fatal failure when it does not come up.
  void StartServer(const std::vector<std::string>& extra_args = {});

  // Requests with the admin key to the server's current port.
  Response Send(std::string_view method, std::string_view target, const json& body,
                Headers extra = {}) const {
    return server_->Admin().Send(method, target, body, std::move(extra));
  }
  // As Send; throws UnexpectedResponse unless the answer has `status`.
  json Must(std::string_view method, std::string_view target, const json& body, int status) const {
    return server_->Admin().Must(method, target, body, status);
  }

  // The stream of a crash test: `clients` threads each call `step(client)` again and again; a
  // step sends one request and returns how many acknowledged writes it counts, or nullopt when
  // that client is done (the server is gone). Once `kill_after` writes are acknowledged (or every
  // client is done) server_ gets SIGKILL in the middle of the stream, each client stops after the
  // step it is in, and all are joined. Returns the writes acknowledged in all.
  int StreamUntilKilled(int clients, int kill_after,
                        const std::function<std::optional<int>(int client)>& step);
  // The same stream with a condition of the test's own: `step(client)` returns false when that
  // client is done, and server_ gets SIGKILL once `kill_now()` is true (or every client is done).
  // Mixed streams use it to kill only when enough writes of each kind are acknowledged.
  void StreamUntilKilledWhen(int clients, const std::function<bool()>& kill_now,
                             const std::function<bool(int client)>& step);

  std::unique_ptr<ServerProcess> server_;

 private:
  bool start_in_set_up_;
};

}  // namespace xb::apitest

// Runs every test of `Suite` against each backend; test names end in /sqlite and /postgresql.
#define XB_API_BACKENDS(Suite)                                                              \
  INSTANTIATE_TEST_SUITE_P(                                                                 \
      Backends, Suite, ::testing::Values(std::string("sqlite"), std::string("postgresql")), \
      [](const ::testing::TestParamInfo<std::string>& backend) { return backend.param; })
