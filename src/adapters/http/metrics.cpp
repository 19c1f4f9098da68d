#include "adapters/http/metrics.h"

#include <cstdio>

namespace xb::http {

void Metrics::Init(std::vector<std::pair<std::string, std::string>> routes) {
  routes_ = std::move(routes);
  routes_.emplace_back("ANY", "unmatched");
  series_ = std::make_unique<Series[]>(routes_.size());
}

void Metrics::Observe(std::size_t route, int status, double seconds) {
  if (!series_ || route >= routes_.size()) return;
  Series& s = series_[route];
  const int cls = status / 100;
  if (cls >= 1 && cls <= 5)
    s.by_class[static_cast<std::size_t>(cls - 1)].fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      s.buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.micros_sum.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::Render() const {
  std::string out;
  out += "# HELP xb_http_requests_total HTTP requests by route and status class.\n";
  out += "# TYPE xb_http_requests_total counter\n";
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const auto& [method, pattern] = routes_[r];
    for (std::size_t c = 0; c < 5; ++c) {
      const auto n = series_[r].by_class[c].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += "xb_http_requests_total{method=\"" + method + "\",route=\"" + pattern +
             "\",status=\"" + std::to_string(c + 1) + "xx\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP xb_http_request_duration_seconds Time from request read to response ready.\n";
  out += "# TYPE xb_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const Series& s = series_[r];
    const auto count = s.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    const auto& [method, pattern] = routes_[r];
    const std::string labels = "method=\"" + method + "\",route=\"" + pattern + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s.buckets[i].load(std::memory_order_relaxed);
      char le[32];
      std::snprintf(le, sizeof le, "%g", kBuckets[i]);
      out += "xb_http_request_duration_seconds_bucket{" + labels + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "xb_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(count) + "\n";
    char sum[48];
    std::snprintf(sum, sizeof sum, "%.6f",
                  static_cast<double>(s.micros_sum.load(std::memory_order_relaxed)) / 1e6);
    out += "xb_http_request_duration_seconds_sum{" + labels + "} " + sum + "\n";
    out += "xb_http_request_duration_seconds_count{" + labels + "} " + std::to_string(count) + "\n";
  }
  return out;
}

}  // namespace xb::http
