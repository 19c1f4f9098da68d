#include "adapters/http/router.h"

namespace xb::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::size_t Router::Add(std::string method, std::string pattern, RouteHandler handler) {
  Route r{std::move(method), std::move(pattern), {}, std::move(handler)};
  for (auto seg : Split(r.pattern)) r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
  return routes_.size() - 1;
}

Router::Match Router::Find(HttpRequest& req) const {
  Match match;
  const auto parts = Split(req.path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& r = routes_[i];
    if (r.segments.size() != parts.size()) continue;
    bool ok = true;
    for (std::size_t s = 0; s < parts.size() && ok; ++s) {
      const auto& seg = r.segments[s];
      const bool param = seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
      ok = param ? !parts[s].empty() : seg == parts[s];
    }
    if (!ok) continue;
    if (r.method != req.method) {
      match.path_known = true;
      continue;
    }
    for (std::size_t s = 0; s < parts.size(); ++s) {
      const auto& seg = r.segments[s];
      if (seg.size() > 2 && seg.front() == '{') {
        req.params[seg.substr(1, seg.size() - 2)] = std::string(parts[s]);
      }
    }
    match.handler = &r.handler;
    match.index = i;
    return match;
  }
  return match;
}

}  // namespace xb::http
