#include "http_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>

namespace xb::apitest {
namespace {

constexpr auto kRequestTimeout = std::chrono::seconds(30);

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<std::string> Response::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return std::nullopt;
}

json Response::Json() const { return json::parse(body, nullptr, false); }

std::ostream& operator<<(std::ostream& out, const Response& r) {
  if (!r.error.empty()) return out << "[no response: " << r.error << "]";
  const std::string_view body = r.body;
  constexpr std::size_t kMax = 2000;
  if (body.size() <= kMax) return out << "[HTTP " << r.status << ": " << body << "]";
  return out << "[HTTP " << r.status << ": ..." << body.substr(body.size() - kMax) << "]";
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

Response ApiClient::Send(std::string_view method, std::string_view target, const json& body,
                         Headers extra) const {
  if (!key_.empty()) extra.emplace_back("Authorization", "Bearer " + key_);
  if (body.is_null()) return http_.Send(method, target, {}, extra);
  extra.emplace_back("Content-Type", "application/json");
  return http_.Send(method, target, body.dump(), extra);
}

json ApiClient::Must(std::string_view method, std::string_view target, const json& body,
                     int status) const {
  const Response r = Send(method, target, body);
  if (r.status != status) {
    throw UnexpectedResponse(std::string(method) + " " + std::string(target) + " answered " +
                             std::to_string(r.status) + " (expected " + std::to_string(status) +
                             "): " + r.body + r.error);
  }
  return r.Json();
}

}  // namespace xb::apitest
