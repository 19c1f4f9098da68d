// The customs gateway over HTTP/1.1 (Boost.Beast): declarations go to POST {url}/ceb/declarations,
// receipts come from GET {url}/ceb/receipts, in the JSON of ceb_json.h. The customs sandbox
// (`xborder customs-sandbox`) speaks it; a real single-window front would sit behind the same
// shape. One kept-alive connection, reopened when it breaks; every step has a timeout.
// Thread-safe (calls are serialised on one connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "flows/customs/gateway.h"

namespace xb::customs_gateway {

struct HttpGatewayOptions {
  std::string url;  // "http://127.0.0.1:9100", optionally with a path prefix
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{5000};  // writing the request and reading the answer
  std::size_t max_answer_bytes = 16 * 1024 * 1024;
};

// "http://host:port[/prefix]" split into its parts; kInvalidArgument naming --customs-gateway.
struct GatewayUrl {
  std::string host;
  std::string port;    // "80" when absent
  std::string prefix;  // "" or "/prefix" without a trailing slash
};
Result<GatewayUrl> ParseGatewayUrl(const std::string& url);

class HttpCustomsGateway final : public customs_flow::CustomsGateway {
 public:
  // kInvalidArgument for a URL that is not http://host[:port][/prefix]. Connects lazily.
  static Result<std::unique_ptr<HttpCustomsGateway>> Create(HttpGatewayOptions options);
  ~HttpCustomsGateway() override;
  HttpCustomsGateway(const HttpCustomsGateway&) = delete;
  HttpCustomsGateway& operator=(const HttpCustomsGateway&) = delete;

  // 202 -> the message id; 400, 413 or 422 -> kInvalidArgument with customs' message; no
  // connection, a timeout, another status or an unreadable answer -> kUnavailable. A request on a
  // kept-alive connection that the other side had closed is sent once more on a new one (safe:
  // customs answers a repeated list_no as the first).
  Result<std::string> Submit(const customs::Declaration& declaration) override;

  // The cursor is the last receipt's seq as decimal text ("" from the beginning); `limit` is
  // kept within 1..1000. kInvalidArgument for a cursor that is not a number.
  Result<customs_flow::ReceiptPage> PollReceipts(const std::string& cursor, int limit) override;

  struct Impl;

 private:
  HttpCustomsGateway(HttpGatewayOptions options, GatewayUrl url);
  std::mutex mu_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xb::customs_gateway
