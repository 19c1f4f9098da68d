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

}  // namespace xb::http
