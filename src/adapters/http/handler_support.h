// What every HTTP handler needs: JSON and error responses ({"error":{"code","message","field"?}}),
// the presented API key, a JSON object body, an id from the path, and the wrapper that answers
// 401 unless the request carries a valid key.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/http/http_types.h"
#include "adapters/http/router.h"
#include "core/status.h"
#include "core/time.h"
#include "flows/access/access_service.h"

namespace xb::http {

void WriteJson(HttpResponse& res, int status, const nlohmann::json& body);
void WriteError(HttpResponse& res, const Status& st);

// The key of "Authorization: Bearer <key>" or "X-API-Key: <key>".
std::string_view PresentedKey(const HttpRequest& req);

// The body as a JSON object; kInvalidArgument when it is empty, not JSON or not an object.
Result<nlohmann::json> ParseBody(const HttpRequest& req);

// The positive integer path parameter `name`; kNotFound otherwise.
Result<std::int64_t> PathId(const HttpRequest& req, const std::string& name = "id");

// A handler that needs a principal.
using AuthedHandler = std::function<void(HttpRequest&, HttpResponse&, const access::Principal&)>;
// Wraps `handler`: 401 without a valid key.
Router::RouteHandler Authed(access::AccessService& access, AuthedHandler handler);

// Query parameters. KnownParams refuses any parameter not named (naming it); the others read one
// parameter, absent when not given, kInvalidArgument naming it when malformed.
Status KnownParams(const HttpRequest& req, std::initializer_list<std::string_view> names);
std::optional<std::string> Param(const HttpRequest& req, const std::string& key);
Result<std::optional<std::int64_t>> IntParam(const HttpRequest& req, const std::string& key);
Result<std::optional<Date>> DateParam(const HttpRequest& req, const std::string& key);

}  // namespace xb::http
