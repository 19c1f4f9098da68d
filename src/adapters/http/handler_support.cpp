#include "adapters/http/handler_support.h"

#include "core/text.h"

namespace xb::http {

using nlohmann::json;

void WriteJson(HttpResponse& res, int status, const json& body) {
  res.status = status;
  res.content_type = "application/json";
  res.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
}

void WriteError(HttpResponse& res, const Status& st) {
  json err = {{"code", std::string(ErrorCodeName(st.code()))}, {"message", st.message()}};
  if (!st.field().empty()) err["field"] = st.field();
  WriteJson(res, HttpStatusOf(st.code()), json{{"error", err}});
}

std::string_view PresentedKey(const HttpRequest& req) {
  std::string_view auth = req.Header("authorization");
  if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")) {
    return Trim(auth.substr(7));
  }
  return Trim(req.Header("x-api-key"));
}

Result<json> ParseBody(const HttpRequest& req) {
  if (req.body.empty()) return InvalidArgument("the request needs a JSON body");
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return InvalidArgument("the body is not valid JSON");
  if (!body.is_object()) return InvalidArgument("the body must be a JSON object");
  return body;
}

Result<std::int64_t> PathId(const HttpRequest& req, const std::string& name) {
  auto it = req.params.find(name);
  const auto id = it == req.params.end() ? std::nullopt : ParseInt64(it->second);
  if (!id || *id <= 0)
    return NotFound("no such record: '" + (it == req.params.end() ? std::string() : it->second) +
                    "' is not an id");
  return *id;
}

Router::RouteHandler Authed(access::AccessService& access, AuthedHandler handler) {
  return [&access, h = std::move(handler)](HttpRequest& req, HttpResponse& res) {
    auto principal = access.Authenticate(PresentedKey(req));
    if (!principal.ok()) return WriteError(res, principal.status());
    h(req, res, *principal);
  };
}

Status KnownParams(const HttpRequest& req, std::initializer_list<std::string_view> names) {
  for (const auto& [key, value] : req.query) {
    bool known = false;
    for (const auto n : names) known = known || n == key;
    if (!known) return InvalidArgument("unknown query parameter '" + key + "'", key);
  }
  return Status::Ok();
}

std::optional<std::string> Param(const HttpRequest& req, const std::string& key) {
  auto it = req.query.find(key);
  if (it == req.query.end()) return std::nullopt;
  return it->second;
}

Result<std::optional<std::int64_t>> IntParam(const HttpRequest& req, const std::string& key) {
  auto text = Param(req, key);
  if (!text) return std::optional<std::int64_t>();
  auto n = ParseInt64(*text);
  if (!n) return InvalidArgument(key + ": must be an integer", key);
  return std::optional<std::int64_t>(*n);
}

Result<std::optional<Date>> DateParam(const HttpRequest& req, const std::string& key) {
  auto text = Param(req, key);
  if (!text) return std::optional<Date>();
  auto d = Date::ParseIso8601(*text);
  if (!d.ok()) return InvalidArgument(key + ": must be a date like 2026-11-25", key);
  return std::optional<Date>(*d);
}

}  // namespace xb::http
