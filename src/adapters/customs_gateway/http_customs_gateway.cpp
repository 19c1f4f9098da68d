#include "adapters/customs_gateway/http_customs_gateway.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <utility>

#include "adapters/customs_gateway/ceb_json.h"

namespace xb::customs_gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Tcp = boost::asio::ip::tcp;

Result<GatewayUrl> ParseGatewayUrl(const std::string& url) {
  const auto bad = [&url](const std::string& why) {
    return InvalidArgument(
        "--customs-gateway: " + why + " (expected http://HOST:PORT, got '" + url + "')",
        "customs_gateway");
  };
  constexpr std::string_view kScheme = "http://";
  if (url.rfind("https://", 0) == 0) return bad("https is not supported");
  if (url.rfind(kScheme, 0) != 0) return bad("the URL must start with http://");
  std::string rest = url.substr(kScheme.size());
  GatewayUrl out;
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    out.prefix = rest.substr(slash);
    rest.resize(slash);
    while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  }
  const auto colon = rest.rfind(':');
  out.host = rest.substr(0, colon);
  out.port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  if (out.host.empty()) return bad("no host");
  if (out.port.empty() || out.port.size() > 5 ||
      out.port.find_first_not_of("0123456789") != std::string::npos || std::stoi(out.port) == 0 ||
      std::stoi(out.port) > 65535) {
    return bad("the port must be 1 to 65535");
  }
  return out;
}

struct HttpCustomsGateway::Impl {
  HttpGatewayOptions options;
  GatewayUrl url;
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  struct Answer {
    unsigned status = 0;
    std::string body;
  };

  // Runs the queued asynchronous operation to its end.
  void RunIo() {
    ioc.restart();
    ioc.run();
  }

  void Close() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(Tcp::socket::shutdown_both, ignored);
      stream->socket().close(ignored);
      stream.reset();
    }
    buffer.clear();
  }

  Status Connect() {
    Tcp::resolver resolver(ioc);
    beast::error_code ec;
    const auto endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) return Unavailable("customs gateway: cannot resolve " + url.host + ": " + ec.message());
    stream.emplace(ioc);
    stream->expires_after(options.connect_timeout);
    stream->async_connect(endpoints, [&ec](beast::error_code e, const Tcp::endpoint&) { ec = e; });
    RunIo();
    if (ec) {
      Close();
      return Unavailable("customs gateway: cannot connect to " + url.host + ":" + url.port + ": " +
                         ec.message());
    }
    stream->socket().set_option(Tcp::no_delay(true), ec);
    return Status::Ok();
  }

  // One request and its answer on the open connection.
  Result<Answer> Once(bhttp::request<bhttp::string_body>& req) {
    beast::error_code ec;
    stream->expires_after(options.request_timeout);
    bhttp::async_write(*stream, req, [&ec](beast::error_code e, std::size_t) { ec = e; });
    RunIo();
    if (ec) return Unavailable(ec.message());
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_answer_bytes);
    bhttp::async_read(*stream, buffer, parser, [&ec](beast::error_code e, std::size_t) { ec = e; });
    RunIo();
    if (ec) return Unavailable(ec.message());
    auto res = parser.release();
    Answer answer{res.result_int(), std::move(res.body())};
    if (!res.keep_alive()) Close();
    return answer;
  }

  Result<Answer> Exchange(bhttp::verb method, const std::string& target, std::string body) {
    bhttp::request<bhttp::string_body> req{method, url.prefix + target, 11};
    req.set(bhttp::field::host, url.host + ":" + url.port);
    req.set(bhttp::field::user_agent, "xborder-customs-gateway");
    req.set(bhttp::field::accept, "application/json");
    req.keep_alive(true);
    if (method == bhttp::verb::post) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = std::move(body);
    }
    req.prepare_payload();
    const std::string what = std::string(bhttp::to_string(method)) + " " + target;
    // A kept-alive connection may have been closed by the other side while idle: then the
    // request goes once more on a fresh connection.
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = stream.has_value();
      if (!reused) XB_RETURN_IF_ERROR(Connect());
      auto answer = Once(req);
      if (answer.ok()) return answer;
      Close();
      if (!reused) {
        return Unavailable("customs gateway: " + what + " failed: " + answer.status().message());
      }
    }
    return Unavailable("customs gateway: " + what + " failed on a fresh connection");
  }
};

HttpCustomsGateway::HttpCustomsGateway(HttpGatewayOptions options, GatewayUrl url)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->url = std::move(url);
}

HttpCustomsGateway::~HttpCustomsGateway() {
  if (impl_) impl_->Close();
}

Result<std::unique_ptr<HttpCustomsGateway>> HttpCustomsGateway::Create(HttpGatewayOptions options) {
  XB_ASSIGN_OR_RETURN(GatewayUrl url, ParseGatewayUrl(options.url));
  return std::unique_ptr<HttpCustomsGateway>(
      new HttpCustomsGateway(std::move(options), std::move(url)));
}

namespace {

bool RefusedAtTheDoor(unsigned status) { return status == 400 || status == 413 || status == 422; }

}  // namespace

Result<std::string> HttpCustomsGateway::Submit(const customs::Declaration& declaration) {
  std::lock_guard lock(mu_);
  XB_ASSIGN_OR_RETURN(auto answer,
                      impl_->Exchange(bhttp::verb::post, "/ceb/declarations",
                                      DeclarationToJson(FromDeclaration(declaration))));
  if (RefusedAtTheDoor(answer.status)) {
    return InvalidArgument("customs refused declaration " + declaration.list.list_no + ": " +
                           ErrorFromJson(answer.body));
  }
  if (answer.status < 200 || answer.status >= 300) {
    return Unavailable("customs gateway: POST /ceb/declarations answered " +
                       std::to_string(answer.status) + ": " + ErrorFromJson(answer.body));
  }
  auto id = AcceptedFromJson(answer.body);
  if (!id.ok()) {
    return Unavailable("customs gateway: unreadable answer to POST /ceb/declarations: " +
                       id.status().message());
  }
  return id;
}

Result<customs_flow::ReceiptPage> HttpCustomsGateway::PollReceipts(const std::string& cursor,
                                                                   int limit) {
  if (!cursor.empty() &&
      (cursor.size() > 18 || cursor.find_first_not_of("0123456789") != std::string::npos)) {
    return InvalidArgument("cursor: '" + cursor + "' is not a receipt sequence number", "cursor");
  }
  const int bounded = limit < 1 ? 1 : limit > 1000 ? 1000 : limit;
  const std::string target = "/ceb/receipts?after=" + (cursor.empty() ? std::string("0") : cursor) +
                             "&limit=" + std::to_string(bounded);
  std::lock_guard lock(mu_);
  XB_ASSIGN_OR_RETURN(auto answer, impl_->Exchange(bhttp::verb::get, target, {}));
  if (RefusedAtTheDoor(answer.status)) {
    return InvalidArgument("customs refused the receipt query: " + ErrorFromJson(answer.body));
  }
  if (answer.status != 200) {
    return Unavailable("customs gateway: GET /ceb/receipts answered " +
                       std::to_string(answer.status) + ": " + ErrorFromJson(answer.body));
  }
  auto page = ReceiptPageFromJson(answer.body);
  if (!page.ok()) {
    return Unavailable("customs gateway: unreadable answer to GET /ceb/receipts: " +
                       page.status().message());
  }
  customs_flow::ReceiptPage out;
  out.next_cursor = cursor;
  for (auto& r : page->receipts) out.receipts.push_back(std::move(r.receipt));
  if (!out.receipts.empty()) out.next_cursor = std::to_string(page->next);
  return out;
}

}  // namespace xb::customs_gateway
