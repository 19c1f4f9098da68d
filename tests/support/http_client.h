// A small HTTP/1.1 client for the black-box API tests: one connection per request to
// 127.0.0.1:port, each exchange bounded by a timeout so that a stuck server fails the test
// instead of hanging it. ApiClient adds an API key and JSON bodies on top.
#pragma once

#include <cstdint>
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

// Thrown by test helpers when the server does not answer as a precondition of the test
// requires; gtest reports it as a failure of the test with this message.
struct UnexpectedResponse : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Raw requests: `target` and `body` are sent as they are (no encoding), so tests can send
// malformed URLs and bodies.
class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port = 0) : port_(port) {}
  Response Send(std::string_view method, std::string_view target, std::string_view body = {},
                const Headers& headers = {}) const;
  std::uint16_t port() const { return port_; }

 private:
  std::uint16_t port_;
};

// Requests of one API key ("Authorization: Bearer <key>"; none when the key is empty) with
// JSON bodies (a null body sends none).
class ApiClient {
 public:
  ApiClient() = default;
  ApiClient(std::uint16_t port, std::string key) : http_(port), key_(std::move(key)) {}

  Response Send(std::string_view method, std::string_view target, const json& body = nullptr,
                Headers extra = {}) const;
  Response Get(std::string_view target) const { return Send("GET", target); }
  Response Post(std::string_view target, const json& body, Headers extra = {}) const {
    return Send("POST", target, body, std::move(extra));
  }
  Response Put(std::string_view target, const json& body) const {
    return Send("PUT", target, body);
  }
  Response Patch(std::string_view target, const json& body) const {
    return Send("PATCH", target, body);
  }
  Response Delete(std::string_view target) const { return Send("DELETE", target); }

  // Sends the request and returns the JSON body; throws UnexpectedResponse unless the answer
  // has `status`.
  json Must(std::string_view method, std::string_view target, const json& body, int status) const;

  const std::string& key() const { return key_; }
  const HttpClient& http() const { return http_; }

 private:
  HttpClient http_;
  std::string key_;
};

}  // namespace xb::apitest
