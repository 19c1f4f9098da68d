// The customs sandbox's HTTP front on the project's Beast server:
//   POST /ceb/declarations              -> 202 {"message_id"} | 400 {"error"}
//   GET  /ceb/receipts?after=SEQ&limit=N -> 200 {"receipts":[...],"next":SEQ}
//   GET  /ceb/health                    -> 200 {"status":"ok","declarations","receipts","pending"}
// and `xborder customs-sandbox`, which runs it until SIGINT or SIGTERM.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "adapters/customs_sandbox/sandbox.h"
#include "adapters/http/router.h"
#include "adapters/http/server.h"
#include "core/status.h"

namespace xb::customs_sandbox {

class SandboxServer {
 public:
  // Serves `sandbox` (which must outlive this) on address:port (port 0: any free port).
  SandboxServer(CustomsSandbox& sandbox, std::string address, std::uint16_t port);
  ~SandboxServer();
  SandboxServer(const SandboxServer&) = delete;
  SandboxServer& operator=(const SandboxServer&) = delete;

  // kUnavailable when the port cannot be bound.
  Status Start();
  std::uint16_t port() const { return server_->port(); }
  void Stop();

  // The handler alone (tests drive it without sockets).
  void Handle(http::HttpRequest& req, http::HttpResponse& res);

 private:
  CustomsSandbox& sandbox_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
};

struct SandboxCommand {
  std::string listen = "127.0.0.1:9100";  // host:port (port 0: any free port)
  std::int64_t delay_ms = 200;            // becomes sandbox.delay
  std::string single_limit = "5000.00";   // becomes sandbox.single_limit_fen
  SandboxOptions sandbox;
};

// "127.0.0.1:9100" -> address and port; kInvalidArgument naming --listen otherwise.
Status ParseListen(const std::string& listen, std::string& address, std::uint16_t& port);

// `xborder customs-sandbox`: serves until SIGINT or SIGTERM. Returns the process exit code.
int RunSandboxCommand(const SandboxCommand& command);

}  // namespace xb::customs_sandbox
