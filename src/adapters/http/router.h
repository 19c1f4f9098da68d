// Maps (method, path pattern) to a handler. Patterns are literal segments and {name} segments;
// a matched {name} is put into HttpRequest::params. Unknown paths answer 404, known paths with
// another method 405.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "adapters/http/http_types.h"

namespace xb::http {

class Router {
 public:
  using RouteHandler = std::function<void(HttpRequest&, HttpResponse&)>;

  // Returns the route's index (stable), used to label metrics.
  std::size_t Add(std::string method, std::string pattern, RouteHandler handler);

  struct Match {
    const RouteHandler* handler = nullptr;
    std::size_t index = 0;
    bool path_known = false;  // some route has this path, with another method
  };
  Match Find(HttpRequest& req) const;
  const std::string& Pattern(std::size_t index) const { return routes_[index].pattern; }
  const std::string& Method(std::size_t index) const { return routes_[index].method; }
  std::size_t size() const { return routes_.size(); }

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace xb::http
