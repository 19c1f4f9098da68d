// An HTTP/1.1 server on Boost.Beast: asynchronous accept and keep-alive sessions on a small pool
// of threads, request size and time limits, TCP_NODELAY, and a graceful stop that finishes the
// requests in flight (deferred ones included). Handlers run on the I/O threads and must not block
// for long; a handler that waits for something (a group commit) defers its answer
// (HttpResponse::defer), and the connection's answer is written when it comes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/http_types.h"
#include "core/status.h"

namespace xb::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port
  int threads = 2;
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds shutdown_grace{10};
};

using Handler = std::function<void(HttpRequest&, HttpResponse&)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the I/O threads. kUnavailable when the port cannot be bound.
  Status Start();
  // The bound port (useful with port 0).
  std::uint16_t port() const { return bound_port_; }
  // Stops accepting, lets requests in flight finish (up to the grace period), closes the rest.
  void Stop();
  // Blocks until Stop() has completed.
  void Wait();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::uint16_t bound_port_ = 0;
};

}  // namespace xb::http
