// xb_http_hello: the ceiling of the HTTP stack. Serves {"hello":"world"} for every request
// through the same xb::http::Server that `xborder serve` uses, so a benchmark of both in the same
// run shows how much of a real endpoint's cost is the API above the server.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "adapters/http/server.h"

namespace {

int Usage() {
  std::cerr << "usage: xb_http_hello [--port N] [--threads N]\n";
  return 2;
}

bool ParseInt(std::string_view text, long min, long max, long& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  const std::string s(text);
  out = std::strtol(s.c_str(), &end, 10);
  return *end == '\0' && out >= min && out <= max;
}

}  // namespace

int main(int argc, char** argv) {
  xb::http::ServerOptions options;
  options.port = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return Usage();
    long value = 0;
    if (arg == "--port" && ParseInt(argv[i + 1], 0, 65535, value)) {
      options.port = static_cast<std::uint16_t>(value);
    } else if (arg == "--threads" && ParseInt(argv[i + 1], 1, 64, value)) {
      options.threads = static_cast<int>(value);
    } else {
      return Usage();
    }
    ++i;
  }

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  xb::http::Server server(options, [](xb::http::HttpRequest&, xb::http::HttpResponse& res) {
    res.status = 200;
    res.body = R"({"hello":"world"})";
  });
  const xb::Status st = server.Start();
  if (!st.ok()) {
    std::cerr << "xb_http_hello: " << st.ToString() << "\n";
    return 1;
  }
  std::cout << "listening on 127.0.0.1:" << server.port() << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  server.Stop();
  return 0;
}
