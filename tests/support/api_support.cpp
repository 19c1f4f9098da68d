#include "api_support.h"

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>
#include <utility>

namespace xb::apitest {

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

bool BackendAvailable(const std::string& backend, std::string* why) {
  if (backend != "postgresql" || !PgTestUrl().empty()) return true;
  *why =
      "XB_TEST_PG_URL is not set; to run the API tests against PostgreSQL set it to a server URL "
      "whose user may create databases, e.g. XB_TEST_PG_URL=$(bash scripts/pg-test-server.sh "
      "start)";
  return false;
}

void StopSuiteServers(std::map<std::string, ServerSlot>& servers) {
  for (auto& [backend, slot] : servers) {
    if (!slot.server) continue;
    std::string how;
    const bool clean = slot.server->Stop(&how);
    EXPECT_TRUE(clean) << "the " << backend << " server " << how
                       << " (expected exit code 0 within 15 s of SIGTERM); log:\n"
                       << slot.server->Log();
    slot.server.reset();
  }
  servers.clear();
}

void ApiTestBase::StartOrReuse(std::map<std::string, ServerSlot>& servers) {
  const std::string& backend = GetParam();
  std::string why;
  if (!BackendAvailable(backend, &why)) {
    GTEST_SKIP() << why;
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
  json out = r.Json();
  if (r.status != 201 || !out.is_object() || !out.contains("id")) {
    std::ostringstream msg;
    msg << "POST " << target << " " << body.dump() << " should create a record, got " << r;
    throw UnexpectedResponse(msg.str());
  }
  return out;
}

json ApiTestBase::GetJson(std::string_view target, const std::string& key) const {
  const Response r = Get(target, key);
  json out = r.Json();
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

void OwnServerTest::SetUp() {
  std::string why;
  if (!BackendAvailable(GetParam(), &why)) {
    GTEST_SKIP() << why;
  }
  if (start_in_set_up_) {
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }
}

void OwnServerTest::StartServer(const std::vector<std::string>& extra_args) {
  std::string error;
  server_ = ServerProcess::Start(GetParam(), &error, extra_args);
  ASSERT_NE(server_, nullptr) << "cannot start the " << GetParam() << " server: " << error;
}

int OwnServerTest::StreamUntilKilled(int clients, int kill_after,
                                     const std::function<std::optional<int>(int client)>& step) {
  std::atomic<int> acknowledged{0};
  StreamUntilKilledWhen(
      clients, [&] { return acknowledged.load() >= kill_after; },
      [&](int c) {
        const std::optional<int> acked = step(c);
        if (!acked) return false;
        acknowledged.fetch_add(*acked);
        return true;
      });
  return acknowledged.load();
}

void OwnServerTest::StreamUntilKilledWhen(int clients, const std::function<bool()>& kill_now,
                                          const std::function<bool(int client)>& step) {
  std::atomic<int> running{clients};
  std::atomic<bool> killed{false};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(clients));
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      while (!killed.load()) {
        if (!step(c)) break;
      }
      running.fetch_sub(1);
    });
  }
  while (!kill_now() && running.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_->Kill();  // SIGKILL in the middle of the stream
  killed = true;
  for (auto& t : threads) t.join();
}

}  // namespace xb::apitest
