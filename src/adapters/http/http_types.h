// The request and response as handlers see them, independent of the HTTP library underneath.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xb::http {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string path;                                          // decoded path without the query
  std::map<std::string, std::string> query;                  // decoded; the last value wins
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string request_id;
  std::map<std::string, std::string> params;  // path parameters filled by the router

  std::string_view Header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers) {
      if (k == lower_name) return v;
    }
    return {};
  }
};

struct HttpResponse;
// Sends the answer of a deferred request: call it exactly once, from any thread.
using Responder = std::function<void(HttpResponse)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set by a handler that answers later (a reservation waiting for its group commit) instead of
  // filling in this response: the server calls it once with the Responder of the connection and
  // sends nothing until that is called, so no I/O thread waits meanwhile. What it runs must not
  // refer to the HttpRequest, which is gone by then.
  std::function<void(Responder)> defer;
};

// Percent-decoding of a URL component ('+' as space in queries); false on a malformed escape.
bool UrlDecode(std::string_view in, std::string& out, bool plus_as_space);
// Splits "a=1&b=x%20y" into a map.
bool ParseQuery(std::string_view query, std::map<std::string, std::string>& out);

}  // namespace xb::http
