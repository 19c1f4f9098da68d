#include "adapters/http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>

namespace xb::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using Tcp = boost::asio::ip::tcp;

bool UrlDecode(std::string_view in, std::string& out, bool plus_as_space) {
  out.clear();
  out.reserve(in.size());
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex(in[i + 1]);
      const int lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (in[i] == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += in[i];
    }
  }
  return true;
}

bool ParseQuery(std::string_view query, std::map<std::string, std::string>& out) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string key;
    std::string value;
    if (!UrlDecode(pair.substr(0, eq), key, true)) return false;
    if (eq != std::string_view::npos && !UrlDecode(pair.substr(eq + 1), value, true)) return false;
    out[key] = value;
  }
  return true;
}

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  asio::io_context ioc;
  Tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;

  void Accept();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Tcp::socket&& socket, Server::Impl& server)
      : stream_(std::move(socket)), server_(server) {}

  void Run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      return Close();
    }
    if (ec == bhttp::error::body_limit) {
      return SendError(413, "PAYLOAD_TOO_LARGE",
                       "request body is larger than " +
                           std::to_string(server_.options.max_body_bytes) + " bytes");
    }
    if (ec == bhttp::error::header_limit) {
      return SendError(431, "INVALID_ARGUMENT", "request headers are too large");
    }
    if (ec) return SendError(400, "INVALID_ARGUMENT", "malformed HTTP request");
    Handle(parser_->release());
  }

  void Handle(bhttp::request<bhttp::string_body>&& req) {
    server_.in_flight.fetch_add(1);
    HttpRequest in;
    in.method = std::string(req.method_string());
    const std::string_view target(req.target().data(), req.target().size());
    const auto qpos = target.find('?');
    HttpResponse out;
    bool ok = UrlDecode(target.substr(0, qpos), in.path, false);
    if (ok && qpos != std::string_view::npos) ok = ParseQuery(target.substr(qpos + 1), in.query);
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      in.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    in.body = std::move(req.body());
    if (!ok) {
      out.status = 400;
      out.body = R"({"error":{"code":"INVALID_ARGUMENT","message":"malformed URL encoding"}})";
    } else {
      server_.handler(in, out);
    }
    if (out.defer) {
      // Answered later, from any thread: the answer is written on this connection's strand.
      auto defer = std::move(out.defer);
      defer([self = shared_from_this(), version = req.version(),
             keep_alive = req.keep_alive()](HttpResponse done) {
        auto executor = self->stream_.get_executor();
        asio::post(executor, [self, version, keep_alive, done = std::move(done)]() mutable {
          self->Respond(std::move(done), version, keep_alive);
        });
      });
      return;
    }
    Respond(std::move(out), req.version(), req.keep_alive());
  }

  void Respond(HttpResponse out, unsigned version, bool keep_alive) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version);
    res->result(static_cast<unsigned>(out.status));
    res->set(bhttp::field::server, "xborder");
    res->set(bhttp::field::content_type, out.content_type);
    for (const auto& [k, v] : out.headers) res->set(k, v);
    res->body() = std::move(out.body);
    res->keep_alive(keep_alive && !server_.stopping.load());
    res->prepare_payload();
    Write(std::move(res), true);
  }

  void SendError(unsigned status, std::string_view code, const std::string& message) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(status);
    res->set(bhttp::field::content_type, "application/json");
    res->body() = std::string(R"({"error":{"code":")") + std::string(code) + R"(","message":")" +
                  message + "\"}}";
    res->keep_alive(false);
    res->prepare_payload();
    server_.in_flight.fetch_add(1);
    Write(std::move(res), true);
  }

  void Write(std::shared_ptr<bhttp::response<bhttp::string_body>> res, bool counted) {
    const bool close = !res->keep_alive();
    auto self = shared_from_this();
    bhttp::async_write(stream_, *res,
                       [self, res, close, counted](beast::error_code ec, std::size_t) {
                         if (counted) self->server_.in_flight.fetch_sub(1);
                         if (ec || close) return self->Close();
                         self->Read();
                       });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(Tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
};

}  // namespace

void Server::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, Tcp::socket socket) {
    if (stopping.load()) return;
    if (!ec) {
      socket.set_option(Tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), *this)->Run();
    }
    Accept();
  });
}

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

Server::~Server() {
  Stop();
  Wait();
}

Status Server::Start() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) return InvalidArgument("not an IP address: " + impl_->options.address, "address");
  const Tcp::endpoint endpoint{address, impl_->options.port};
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + impl_->options.address + ":" +
                       std::to_string(impl_->options.port) + ": " + ec.message());
  }
  bound_port_ = acc.local_endpoint().port();
  impl_->Accept();
  const int n = impl_->options.threads < 1 ? 1 : impl_->options.threads;
  for (int i = 0; i < n; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  return Status::Ok();
}

void Server::Stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  const auto deadline = std::chrono::steady_clock::now() + impl_->options.shutdown_grace;
  while (impl_->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  }
  std::lock_guard lock(impl_->mu);
  impl_->stopped = true;
  impl_->cv.notify_all();
}

void Server::Wait() {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [this] { return impl_->stopped || impl_->threads.empty(); });
}

}  // namespace xb::http
