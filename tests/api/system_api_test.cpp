// Health, metrics, the OpenAPI document, routing basics and graceful shutdown.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <regex>

#include "api_support.h"

namespace xb::apitest {
namespace {

class SystemApi : public ServerTest<SystemApi> {
 protected:
  // The value of one xb_http_requests_total series; 0 when the series is not there yet.
  std::int64_t Counter(const std::string& method, const std::string& route,
                       const std::string& status_class) {
    const Response r = Get("/metrics", "");
    EXPECT_EQ(r.status, 200) << r;
    const std::string series = "xb_http_requests_total{method=\"" + method + "\",route=\"" + route +
                               "\",status=\"" + status_class + "\"} ";
    const auto at = r.body.find(series);
    if (at == std::string::npos) return 0;
    return std::stoll(r.body.substr(at + series.size()));
  }
};
XB_API_BACKENDS(SystemApi);

TEST_P(SystemApi, HealthzReportsTheDatabaseAndSchemaVersion) {
  const Response r = Get("/healthz", "");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Header("content-type"), "application/json");
  const json body = r.Json();
  EXPECT_EQ(body["status"], "ok") << r;
  EXPECT_EQ(body["db"], GetParam()) << r;
  ASSERT_TRUE(body["schema_version"].is_number_integer()) << r;
  EXPECT_GE(body["schema_version"].get<int>(), 1) << r;
}

TEST_P(SystemApi, MetricsCountRequestsByRouteAndStatusClass) {
  const auto health_before = Counter("GET", "/healthz", "2xx");
  const auto denied_before = Counter("GET", "/api/v1/skus", "4xx");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Get("/healthz", "").status, 200);
  ASSERT_EQ(Get("/api/v1/skus", "").status, 401);

  const Response r = Get("/metrics", "");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Header("content-type").value_or("").rfind("text/plain", 0), 0U) << r;
  EXPECT_NE(r.body.find("# TYPE xb_http_requests_total counter"), std::string::npos);
  EXPECT_NE(
      r.body.find("xb_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\""),
      std::string::npos);
  EXPECT_EQ(Counter("GET", "/healthz", "2xx"), health_before + 3);
  EXPECT_EQ(Counter("GET", "/api/v1/skus", "4xx"), denied_before + 1);
}

TEST_P(SystemApi, OpenApiDocumentIsServedAsYaml) {
  const Response r = Get("/api/v1/openapi.yaml", "");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Header("content-type"), "application/yaml");
  // The document starts with its openapi version; only YAML comment lines may come first.
  std::size_t at = 0;
  while (at < r.body.size() && (r.body[at] == '#' || r.body[at] == '\n')) {
    const auto eol = r.body.find('\n', at);
    at = eol == std::string::npos ? r.body.size() : eol + 1;
  }
  EXPECT_EQ(r.body.compare(at, 10, "openapi: 3"), 0) << r.body.substr(0, 300);

  // Every local reference names a component the document defines (a name, then a line of its
  // own under components: "    Name:").
  const std::regex ref(R"(\$ref: '#/components/([A-Za-z]+)/([^']*)')");
  const std::regex name(R"([A-Za-z0-9_.-]+)");
  int refs = 0;
  for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), ref);
       it != std::sregex_iterator(); ++it) {
    ++refs;
    const std::string target = (*it)[2].str();
    EXPECT_TRUE(std::regex_match(target, name)) << "malformed $ref: " << it->str();
    EXPECT_NE(r.body.find("\n  " + (*it)[1].str() + ":"), std::string::npos) << it->str();
    EXPECT_NE(r.body.find("\n    " + target + ":\n"), std::string::npos)
        << "undefined $ref: " << it->str();
  }
  EXPECT_GT(refs, 100);
}

TEST_P(SystemApi, UnknownApiPathIsNotFound) {
  const Response r = Get("/api/v1/no-such-thing");
  EXPECT_TRUE(IsError(r, 404, "NOT_FOUND"));
}

TEST_P(SystemApi, WrongMethodOnAKnownPathIsMethodNotAllowed) {
  const Response r = Send("DELETE", "/api/v1/skus", {}, admin());
  EXPECT_TRUE(IsError(r, 405, "INVALID_ARGUMENT"));
}

TEST_P(SystemApi, EveryResponseCarriesARequestIdAndASaneOneIsEchoed) {
  const Response generated = Get("/healthz", "");
  ASSERT_TRUE(generated.Header("x-request-id").has_value());
  EXPECT_FALSE(generated.Header("x-request-id")->empty());

  const Response echoed = http_.Send("GET", "/healthz", {}, {{"X-Request-Id", "trace-42.a_b"}});
  EXPECT_EQ(echoed.Header("x-request-id"), "trace-42.a_b");

  const Response replaced = http_.Send("GET", "/healthz", {}, {{"X-Request-Id", "bad id!"}});
  ASSERT_TRUE(replaced.Header("x-request-id").has_value());
  EXPECT_NE(replaced.Header("x-request-id"), "bad id!");
}

// This test owns its server: it checks how SIGTERM ends one.
class ServerShutdown : public OwnServerTest {};
XB_API_BACKENDS(ServerShutdown);

TEST_P(ServerShutdown, SigtermEndsTheServerWithExitCodeZeroDespiteAnIdleConnection) {
  ServerProcess* server = server_.get();
  const HttpClient http(server->port());
  ASSERT_EQ(http.Send("GET", "/healthz").status, 200);
  // A client that connected but never sent a request must not hold the shutdown up.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket idle(ioc);
  idle.connect({boost::asio::ip::address_v4::loopback(), server->port()});

  // Stop() fails unless the server exits within 15 s of SIGTERM: half the 30 s read timeout for
  // which the idle connection would otherwise keep it alive. (No tighter bound: test machines
  // are shared, and a bound on wall time would fail for reasons of their own.)
  std::string how;
  EXPECT_TRUE(server->Stop(&how)) << how << "\nlog:\n" << server->Log();
  EXPECT_NE(http.Send("GET", "/healthz").error, "") << "the port still answers after shutdown";
}

}  // namespace
}  // namespace xb::apitest
