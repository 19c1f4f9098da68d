#include "adapters/customs_sandbox/sandbox_server.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>
#include <utility>

#include "domain/customs/rules.h"

namespace xb::customs_sandbox {

namespace {

constexpr std::size_t kDefaultLimit = 100;
constexpr std::size_t kMaxLimit = 1000;

void Error(http::HttpResponse& res, int status, std::string_view message) {
  res.status = status;
  res.body = customs_gateway::ErrorToJson(message);
}

bool ParseInt(const std::string& text, std::int64_t& out) {
  if (text.empty() || text.size() > 18) return false;
  std::int64_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

SandboxServer::SandboxServer(CustomsSandbox& sandbox, std::string address, std::uint16_t port)
    : sandbox_(sandbox) {
  router_.Add("POST", "/ceb/declarations", [this](http::HttpRequest& req, http::HttpResponse& res) {
    auto id = sandbox_.Submit(req.body);
    if (!id.ok()) {
      spdlog::info("customs sandbox: declaration refused");
      return Error(res, 400, id.status().message());
    }
    res.status = 202;
    res.body = customs_gateway::AcceptedToJson(*id);
  });
  router_.Add("GET", "/ceb/receipts", [this](http::HttpRequest& req, http::HttpResponse& res) {
    std::int64_t after = 0;
    std::int64_t limit = kDefaultLimit;
    for (const auto& [key, value] : req.query) {
      if (key == "after") {
        if (!ParseInt(value, after)) return Error(res, 400, "after: must be a sequence number");
      } else if (key == "limit") {
        if (!ParseInt(value, limit) || limit < 1 || limit > static_cast<std::int64_t>(kMaxLimit)) {
          return Error(res, 400, "limit: must be 1 to " + std::to_string(kMaxLimit));
        }
      } else {
        return Error(res, 400, key + ": unknown parameter (after, limit)");
      }
    }
    res.body = customs_gateway::ReceiptPageToJson(
        sandbox_.Receipts(after, static_cast<std::size_t>(limit)));
  });
  router_.Add("GET", "/ceb/health", [this](http::HttpRequest&, http::HttpResponse& res) {
    const auto c = sandbox_.counts();
    res.body = nlohmann::json{{"status", "ok"},
                              {"declarations", c.declarations},
                              {"receipts", c.receipts},
                              {"pending", c.pending}}
                   .dump();
  });
  http::ServerOptions options;
  options.address = std::move(address);
  options.port = port;
  options.threads = 2;
  options.shutdown_grace = std::chrono::seconds(2);
  server_ = std::make_unique<http::Server>(
      options, [this](http::HttpRequest& req, http::HttpResponse& res) { Handle(req, res); });
}

SandboxServer::~SandboxServer() { Stop(); }

Status SandboxServer::Start() { return server_->Start(); }

void SandboxServer::Stop() { server_->Stop(); }

void SandboxServer::Handle(http::HttpRequest& req, http::HttpResponse& res) {
  const auto match = router_.Find(req);
  if (match.handler != nullptr) {
    try {
      (*match.handler)(req, res);
    } catch (const std::exception& e) {
      spdlog::error("customs sandbox: {} {} failed: {}", req.method, req.path, e.what());
      Error(res, 500, "internal error");
    }
  } else if (match.path_known) {
    Error(res, 405, req.method + " is not allowed on " + req.path);
  } else {
    Error(res, 404, "no such endpoint: " + req.path);
  }
}

Status ParseListen(const std::string& listen, std::string& address, std::uint16_t& port) {
  const auto colon = listen.rfind(':');
  std::int64_t p = 0;
  if (colon == std::string::npos || colon == 0 || !ParseInt(listen.substr(colon + 1), p) ||
      p > 65535) {
    return InvalidArgument(
        "--listen: expected HOST:PORT such as 127.0.0.1:9100, got '" + listen + "'", "listen");
  }
  address = listen.substr(0, colon);
  port = static_cast<std::uint16_t>(p);
  return Status::Ok();
}

int RunSandboxCommand(const SandboxCommand& command) {
  std::string address;
  std::uint16_t port = 0;
  if (Status st = ParseListen(command.listen, address, port); !st.ok()) {
    std::cerr << "xborder: " << st.ToString() << "\n";
    return ExitCodeOf(st.code());
  }
  const auto refuse = [](const std::string& message) {
    std::cerr << "xborder: " << message << "\n";
    return ExitCodeOf(ErrorCode::kInvalidArgument);
  };
  SandboxOptions options = command.sandbox;
  if (options.hold_share < 0 || options.hold_share > 1) {
    return refuse("--hold-share: must be between 0 and 1");
  }
  if (command.delay_ms < 0) return refuse("--delay-ms: must not be negative");
  options.delay = std::chrono::milliseconds(command.delay_ms);
  auto limit = customs::ParseFen(command.single_limit);
  if (!limit.ok() || *limit <= 0) {
    return refuse("--single-limit: must be a positive amount such as 5000.00");
  }
  options.single_limit_fen = *limit;
  SystemClock clock;
  CustomsSandbox sandbox(options, clock);
  if (Status st = sandbox.Open(); !st.ok()) {
    std::cerr << "xborder: " << st.ToString() << "\n";
    return ExitCodeOf(st.code());
  }
  // Block the stop signals in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SandboxServer server(sandbox, address, port);
  if (Status st = server.Start(); !st.ok()) {
    std::cerr << "xborder: " << st.ToString() << "\n";
    return ExitCodeOf(st.code());
  }
  std::cout << "customs sandbox listening on http://" << address << ":" << server.port()
            << "/ceb (hold share " << options.hold_share << ", delay " << command.delay_ms
            << " ms, seed " << options.seed << ", single limit "
            << customs::FenToString(options.single_limit_fen)
            << (options.reject_malformed ? ", failing checks refused" : "")
            << (options.data_file.empty() ? ", in memory" : ", data " + options.data_file) << ")"
            << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("customs sandbox: received signal {}, stopping", sig);
  server.Stop();
  return 0;
}

}  // namespace xb::customs_sandbox
