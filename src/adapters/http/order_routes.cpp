#include "adapters/http/order_routes.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http/handler_support.h"
#include "adapters/http/orders_json.h"
#include "core/text.h"

namespace xb::http {
namespace {

using access::Principal;
using nlohmann::json;

constexpr int kMaxPage = 500;

void Fail(HttpResponse& res, const Status& st) {
  WriteJson(res, HttpStatusOf(st.code()), ErrorToJson(st));
}

customs_flow::RequestContext ContextOf(const HttpRequest& req, const Principal& p) {
  return {p, req.request_id};
}

Result<int> Limit(const HttpRequest& req, int fallback) {
  XB_ASSIGN_OR_RETURN(auto limit, IntParam(req, "limit"));
  if (!limit) return fallback;
  if (*limit < 1 || *limit > kMaxPage) {
    return InvalidArgument("limit: must be 1.." + std::to_string(kMaxPage), "limit");
  }
  return static_cast<int>(*limit);
}

Result<std::string> ReasonOf(const HttpRequest& req) {
  if (Trim(req.body).empty()) return std::string();
  XB_ASSIGN_OR_RETURN(json body, ParseBody(req));
  for (const auto& [key, value] : body.items()) {
    if (key != "reason") return InvalidArgument("unknown field '" + key + "'", key);
    if (!value.is_string()) return InvalidArgument("reason: must be a string", "reason");
  }
  return body.value("reason", std::string());
}

Result<orders::OrderQuery> ParseOrderQuery(const HttpRequest& req) {
  XB_RETURN_IF_ERROR(KnownParams(
      req, {"state", "channel_id", "channel_order_no", "from", "to", "q", "after_id", "limit"}));
  orders::OrderQuery q;
  if (auto state = Param(req, "state")) {
    q.state = EnumOfText<orders::OrderState>(*state);
    if (!q.state) {
      return InvalidArgument("state: must be one of " + EnumChoicesText<orders::OrderState>(),
                             "state");
    }
  }
  XB_ASSIGN_OR_RETURN(q.channel_id, IntParam(req, "channel_id"));
  q.channel_order_no = Param(req, "channel_order_no").value_or("");
  XB_ASSIGN_OR_RETURN(q.from, DateParam(req, "from"));
  XB_ASSIGN_OR_RETURN(q.to, DateParam(req, "to"));
  q.q = std::string(Trim(Param(req, "q").value_or("")));
  XB_ASSIGN_OR_RETURN(auto after, IntParam(req, "after_id"));
  q.after_id = after.value_or(0);
  XB_ASSIGN_OR_RETURN(q.limit, Limit(req, 50));
  return q;
}

// The answer of one intake: 201 with the order, or 200 and Idempotent-Replayed for a replay; a
// refusal with its numbers (error.details).
HttpResponse IntakeResponse(const Result<orders_flow::IntakeAnswer>& answer,
                            const orders_flow::RefusalDetails& details) {
  HttpResponse out;
  if (!answer.ok()) {
    WriteJson(out, HttpStatusOf(answer.status().code()), ErrorToJson(answer.status(), details));
    return out;
  }
  if (answer->replayed) out.headers.emplace_back("Idempotent-Replayed", "true");
  out.headers.emplace_back("Location",
                           "/api/v1/orders/" + std::to_string(answer->order.id.value()));
  out.status = answer->replayed ? 200 : 201;
  out.content_type = "application/json";
  out.body.reserve(2048);
  AppendOrderJson(answer->order, out.body);
  return out;
}

// Collects the answers of a CSV import's orders; the last one to arrive answers the request.
struct ImportBatch {
  explicit ImportBatch(std::size_t n, Responder r) : results(n), pending(n), reply(std::move(r)) {}
  std::mutex mu;
  std::vector<json> results;
  std::atomic<std::size_t> pending;
  Responder reply;

  void Record(std::size_t i, json result) {
    {
      std::lock_guard lock(mu);
      results[i] = std::move(result);
    }
    if (pending.fetch_sub(1) == 1) Answer();
  }
  void Answer() {
    std::int64_t accepted = 0, replayed = 0, refused = 0;
    json items = json::array();
    {
      std::lock_guard lock(mu);
      for (auto& r : results) {
        const int status = r["status"].get<int>();
        if (status == 201) {
          ++accepted;
        } else if (status == 200) {
          ++replayed;
        } else {
          ++refused;
        }
        items.push_back(std::move(r));
      }
    }
    HttpResponse out;
    WriteJson(out, 200,
              {{"accepted", accepted},
               {"replayed", replayed},
               {"refused", refused},
               {"results", std::move(items)}});
    reply(std::move(out));
  }
};

}  // namespace

void AddOrderRoutes(Router& router, access::AccessService& access, OrderRouteServices services) {
  const auto add = [&router, &access](const char* method, const std::string& pattern,
                                      AuthedHandler h) {
    router.Add(method, pattern, Authed(access, std::move(h)));
  };
  const std::string v1 = "/api/v1";
  orders_flow::OrderIntake* intake = services.intake;
  orders_flow::OrderQueries& queries = services.queries;
  customs_flow::ReturnService& returns = services.returns;

  // Intake: deferred until the order is durable.
  add("POST", v1 + "/orders", [intake](HttpRequest& req, HttpResponse& res, const Principal& p) {
    if (Status st = access::Authorize(p, access::Action::kWriteOrders); !st.ok()) {
      return Fail(res, st);
    }
    if (intake == nullptr) return Fail(res, Unavailable("order intake is not running"));
    std::optional<orders_flow::OrderRequest> draft = OrderRequestFromText(req.body);
    if (!draft) {  // the slow path names what is wrong
      auto body = ParseBody(req);
      if (!body.ok()) return Fail(res, body.status());
      auto parsed = OrderRequestFromJson(*body);
      if (!parsed.ok()) return Fail(res, parsed.status());
      draft = std::move(*parsed);
    }
    res.defer = [intake, tenant = p.tenant_id, actor = p.Actor(),
                 draft = std::move(*draft)](Responder reply) mutable {
      intake->Submit(tenant, actor, std::move(draft),
                     [reply = std::move(reply)](const Result<orders_flow::IntakeAnswer>& answer,
                                                const orders_flow::RefusalDetails& details) {
                       reply(IntakeResponse(answer, details));
                     });
    };
  });

  add("POST", v1 + "/orders/import",
      [intake](HttpRequest& req, HttpResponse& res, const Principal& p) {
        if (Status st = access::Authorize(p, access::Action::kWriteOrders); !st.ok()) {
          return Fail(res, st);
        }
        if (intake == nullptr) return Fail(res, Unavailable("order intake is not running"));
        std::vector<CsvRowError> errors;
        auto groups = OrderBodiesFromCsv(req.body, errors);
        if (!groups.ok()) return Fail(res, groups.status());
        std::vector<orders_flow::OrderRequest> requests;
        for (const auto& g : *groups) {
          auto request = OrderRequestFromJson(g.body);
          if (!request.ok()) {
            errors.push_back({g.first_line, request.status().field(), request.status().message()});
            continue;
          }
          requests.push_back(std::move(*request));
        }
        if (errors.empty() && requests.empty()) {
          errors.push_back({1, "", "the file has no orders"});
        }
        if (!errors.empty()) {
          json rows = json::array();
          for (const auto& e : errors) {
            rows.push_back({{"line", e.line}, {"column", e.column}, {"reason", e.reason}});
          }
          return WriteJson(res, 400,
                           {{"error",
                             {{"code", "INVALID_ARGUMENT"},
                              {"message", std::to_string(errors.size()) +
                                              " problem(s) in the file; nothing was imported"},
                              {"rows", std::move(rows)}}}});
        }
        std::vector<std::pair<std::int64_t, std::string>> refs;  // line, channel order no
        for (const auto& g : *groups) refs.emplace_back(g.first_line, g.channel_order_no);
        res.defer = [intake, tenant = p.tenant_id, actor = p.Actor(),
                     requests = std::move(requests), refs = std::move(refs)](Responder reply) {
          auto batch = std::make_shared<ImportBatch>(requests.size(), std::move(reply));
          for (std::size_t i = 0; i < requests.size(); ++i) {
            intake->Submit(
                tenant, actor, requests[i],
                [batch, i, ref = refs[i]](const Result<orders_flow::IntakeAnswer>& answer,
                                          const orders_flow::RefusalDetails& details) {
                  json r = {{"line", ref.first}, {"channel_order_no", ref.second}};
                  if (answer.ok()) {
                    r["status"] = answer->replayed ? 200 : 201;
                    r["order_id"] = answer->order.id.value();
                    r["state"] = EnumText(answer->order.state);
                  } else {
                    r["status"] = HttpStatusOf(answer.status().code());
                    r["error"] = ErrorToJson(answer.status(), details)["error"];
                  }
                  batch->Record(i, std::move(r));
                });
          }
        };
      });

  add("GET", v1 + "/orders", [&queries](HttpRequest& req, HttpResponse& res, const Principal& p) {
    if (Status st = access::Authorize(p, access::Action::kReadOrders); !st.ok()) {
      return Fail(res, st);
    }
    auto q = ParseOrderQuery(req);
    if (!q.ok()) return Fail(res, q.status());
    auto page = queries.List(p.tenant_id, *q);
    if (!page.ok()) return Fail(res, page.status());
    json items = json::array();
    for (const auto& o : page->first) items.push_back(OrderToJson(o));
    const bool full = static_cast<int>(page->first.size()) == q->limit;
    WriteJson(res, 200,
              {{"items", std::move(items)},
               {"total", page->second},
               {"next_after_id",
                full && !page->first.empty() ? json(page->first.back().id.value()) : json()}});
  });

  // One order and its views.
  const auto order_view = [&add, &v1](const std::string& suffix, auto render) {
    add("GET", v1 + "/orders/{id}" + suffix,
        [render](HttpRequest& req, HttpResponse& res, const Principal& p) {
          if (Status st = access::Authorize(p, access::Action::kReadOrders); !st.ok()) {
            return Fail(res, st);
          }
          if (Status st = KnownParams(req, {}); !st.ok()) return Fail(res, st);
          auto id = PathId(req);
          if (!id.ok()) return Fail(res, id.status());
          auto body = render(p.tenant_id, orders::OrderId(*id));
          if (!body.ok()) return Fail(res, body.status());
          WriteJson(res, 200, *body);
        });
  };
  order_view("", [&queries](TenantId tenant, orders::OrderId id) -> Result<json> {
    XB_ASSIGN_OR_RETURN(auto order, queries.Get(tenant, id));
    return OrderToJson(order);
  });
  order_view("/timeline", [&queries](TenantId tenant, orders::OrderId id) -> Result<json> {
    XB_ASSIGN_OR_RETURN(auto events, queries.Timeline(tenant, id));
    json items = json::array();
    for (const auto& e : events) items.push_back(OrderEventToJson(e));
    return json{{"order_id", id.value()}, {"items", std::move(items)}};
  });
  order_view("/tax", [&queries](TenantId tenant, orders::OrderId id) -> Result<json> {
    XB_ASSIGN_OR_RETURN(auto tax, queries.Tax(tenant, id));
    json out = OrderTaxToJson(tax);
    out["order_id"] = id.value();
    return out;
  });
  order_view("/documents", [&queries](TenantId tenant, orders::OrderId id) -> Result<json> {
    XB_ASSIGN_OR_RETURN(auto views, queries.Documents(tenant, id));
    json items = json::array();
    for (const auto& v : views) items.push_back(DeclarationToJson(v.declaration, v.receipts));
    return json{{"order_id", id.value()}, {"declarations", std::move(items)}};
  });

  add("POST", v1 + "/orders/{id}/cancel",
      [intake](HttpRequest& req, HttpResponse& res, const Principal& p) {
        if (Status st = access::Authorize(p, access::Action::kWriteOrders); !st.ok()) {
          return Fail(res, st);
        }
        if (intake == nullptr) return Fail(res, Unavailable("order intake is not running"));
        auto id = PathId(req);
        if (!id.ok()) return Fail(res, id.status());
        auto reason = ReasonOf(req);
        if (!reason.ok()) return Fail(res, reason.status());
        // Answered once the cancel is durable; it runs on the intake's thread, not this one.
        res.defer = [intake, tenant = p.tenant_id, id = orders::OrderId(*id), actor = p.Actor(),
                     reason = std::move(*reason)](Responder reply) mutable {
          intake->CancelAsync(tenant, id, std::move(actor), std::move(reason),
                              [reply = std::move(reply)](const Result<orders::Order>& order) {
                                HttpResponse out;
                                if (order.ok()) {
                                  WriteJson(out, 200, OrderToJson(*order));
                                } else {
                                  Fail(out, order.status());
                                }
                                reply(std::move(out));
                              });
        };
      });

  // Returns.
  add("POST", v1 + "/orders/{id}/returns",
      [&returns](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return Fail(res, id.status());
        auto body = ParseBody(req);
        if (!body.ok()) return Fail(res, body.status());
        auto draft = ReturnDraftFromJson(*body, *id);
        if (!draft.ok()) return Fail(res, draft.status());
        auto created = returns.Request(ContextOf(req, p), *draft);
        if (!created.ok()) return Fail(res, created.status());
        res.headers.emplace_back("Location",
                                 "/api/v1/returns/" + std::to_string(created->id.value()));
        WriteJson(res, 201, ReturnToJson(*created));
      });
  add("GET", v1 + "/returns", [&returns](HttpRequest& req, HttpResponse& res, const Principal& p) {
    const auto parse = [&req]() -> Result<std::pair<std::optional<std::int64_t>, std::int64_t>> {
      XB_RETURN_IF_ERROR(KnownParams(req, {"order_id", "after_id", "limit"}));
      XB_ASSIGN_OR_RETURN(auto order, IntParam(req, "order_id"));
      XB_ASSIGN_OR_RETURN(auto after, IntParam(req, "after_id"));
      return std::make_pair(order, after.value_or(0));
    };
    auto q = parse();
    if (!q.ok()) return Fail(res, q.status());
    auto limit = Limit(req, 50);
    if (!limit.ok()) return Fail(res, limit.status());
    auto page = returns.List(ContextOf(req, p), q->first, q->second, *limit);
    if (!page.ok()) return Fail(res, page.status());
    json items = json::array();
    for (const auto& r : page->first) items.push_back(ReturnToJson(r));
    const bool full = static_cast<int>(page->first.size()) == *limit;
    WriteJson(res, 200,
              {{"items", std::move(items)},
               {"total", page->second},
               {"next_after_id",
                full && !page->first.empty() ? json(page->first.back().id.value()) : json()}});
  });
  add("GET", v1 + "/returns/{id}",
      [&returns](HttpRequest& req, HttpResponse& res, const Principal& p) {
        if (Status st = KnownParams(req, {}); !st.ok()) return Fail(res, st);
        auto id = PathId(req);
        if (!id.ok()) return Fail(res, id.status());
        auto r = returns.Get(ContextOf(req, p), customs::ReturnId(*id));
        if (!r.ok()) return Fail(res, r.status());
        WriteJson(res, 200, ReturnToJson(*r));
      });
  add("POST", v1 + "/returns/{id}/receive",
      [&returns](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return Fail(res, id.status());
        auto body = ParseBody(req);
        if (!body.ok()) return Fail(res, body.status());
        auto draft = ReceiveDraftFromJson(*body);
        if (!draft.ok()) return Fail(res, draft.status());
        auto r = returns.Receive(ContextOf(req, p), customs::ReturnId(*id), *draft);
        if (!r.ok()) return Fail(res, r.status());
        WriteJson(res, 200, ReturnToJson(*r));
      });
}

}  // namespace xb::http
