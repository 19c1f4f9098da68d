// Request counters and latency histograms per route, lock-free on the request path, rendered in
// the Prometheus text format.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace xb::http {

class Metrics {
 public:
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.5,   2.5};
  // Routes are labelled by (method, pattern); index == routes.size() counts unmatched requests.
  void Init(std::vector<std::pair<std::string, std::string>> routes);
  void Observe(std::size_t route, int status, double seconds);
  std::string Render() const;

 private:
  struct Series {
    std::array<std::atomic<std::uint64_t>, 5> by_class{};  // 1xx..5xx
    std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> micros_sum{0};
  };
  std::vector<std::pair<std::string, std::string>> routes_;
  std::unique_ptr<Series[]> series_;
};

}  // namespace xb::http
