#include "adapters/http/customs_routes.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http/handler_support.h"
#include "adapters/http/orders_json.h"
#include "core/text.h"
#include "domain/customs/tax.h"

namespace xb::http {
namespace {

using access::Principal;
using customs_flow::RequestContext;
using nlohmann::json;

constexpr int kMaxPage = 500;

void Fail(HttpResponse& res, const Status& st) {
  WriteJson(res, HttpStatusOf(st.code()), ErrorToJson(st));
}

RequestContext ContextOf(const HttpRequest& req, const Principal& p) { return {p, req.request_id}; }

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

// The account book named in the path.
Result<std::string> EmsNo(const HttpRequest& req) {
  auto it = req.params.find("ems_no");
  if (it == req.params.end() || Trim(it->second).empty()) {
    return NotFound("no such account book");
  }
  return std::string(Trim(it->second));
}

// 400 listing every bad row of a CSV import; nothing was imported.
void WriteRowErrors(HttpResponse& res, const std::vector<customs_flow::RowError>& errors) {
  json rows = json::array();
  for (const auto& e : errors) {
    rows.push_back({{"line", e.line}, {"column", e.field}, {"reason", e.message}});
  }
  WriteJson(res, 400,
            {{"error",
              {{"code", "INVALID_ARGUMENT"},
               {"message",
                std::to_string(errors.size()) + " problem(s) in the file; nothing was imported"},
               {"rows", std::move(rows)}}}});
}

json ReceiptOutcomeToJson(const customs_flow::ReceiptOutcome& o) {
  return {{"declaration", DeclarationSummaryToJson(o.declaration)},
          {"order_state", EnumText(o.order_state)},
          {"replayed", o.replayed},
          {"pick_task_id", o.pick_task_id ? json(*o.pick_task_id) : json()},
          {"notes", o.notes}};
}

}  // namespace

void AddCustomsRoutes(Router& router, access::AccessService& access,
                      CustomsRouteServices services) {
  const auto add = [&router, &access](const char* method, const std::string& pattern,
                                      AuthedHandler h) {
    router.Add(method, pattern, Authed(access, std::move(h)));
  };
  const std::string v1 = "/api/v1";
  customs_flow::CustomsService& customs = services.customs;
  customs_flow::ReceiptService& receipts = services.receipts;
  customs_flow::AccountBookService& books = services.books;
  orders_flow::RuleCache& rules = services.rules;
  const Clock& clock = services.clock;

  // The tax calculator, with the tenant's rule rows.
  add("POST", v1 + "/tax/quote", [&rules](HttpRequest& req, HttpResponse& res, const Principal& p) {
    if (Status st = access::Authorize(p, access::Action::kReadOrders); !st.ok()) {
      return Fail(res, st);
    }
    auto body = ParseBody(req);
    if (!body.ok()) return Fail(res, body.status());
    auto input = TaxInputFromJson(*body);
    if (!input.ok()) return Fail(res, input.status());
    auto book = rules.Get(p.tenant_id);
    if (!book.ok()) return Fail(res, book.status());
    auto quote = customs::QuoteTax(*input, **book);
    if (!quote.ok()) return Fail(res, quote.status());
    WriteJson(res, 200, TaxQuoteToJson(*quote));
  });

  // Rules.
  add("GET", v1 + "/customs/rules",
      [&customs](HttpRequest& req, HttpResponse& res, const Principal& p) {
        if (Status st = KnownParams(req, {}); !st.ok()) return Fail(res, st);
        auto list = customs.ListRules(ContextOf(req, p));
        if (!list.ok()) return Fail(res, list.status());
        json items = json::array();
        for (const auto& r : *list) items.push_back(RuleToJson(r));
        WriteJson(res, 200, {{"items", std::move(items)}, {"total", list->size()}});
      });
  add("POST", v1 + "/customs/rules",
      [&customs, &rules](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return Fail(res, body.status());
        auto row = RuleFromJson(*body);
        if (!row.ok()) return Fail(res, row.status());
        auto added = customs.AddRule(ContextOf(req, p), std::move(*row));
        if (!added.ok()) return Fail(res, added.status());
        rules.Invalidate();
        WriteJson(res, 201, RuleToJson(*added));
      });

  // The positive list.
  add("GET", v1 + "/customs/positive-list",
      [&customs](HttpRequest& req, HttpResponse& res, const Principal& p) {
        const auto parse = [&req]() -> Result<customs_flow::PositiveListQuery> {
          XB_RETURN_IF_ERROR(KnownParams(req, {"hs", "after", "limit"}));
          customs_flow::PositiveListQuery q;
          q.hs = std::string(Trim(Param(req, "hs").value_or("")));
          q.after = std::string(Trim(Param(req, "after").value_or("")));
          XB_ASSIGN_OR_RETURN(q.limit, Limit(req, 50));
          return q;
        };
        auto q = parse();
        if (!q.ok()) return Fail(res, q.status());
        auto page = customs.ListPositiveList(ContextOf(req, p), *q);
        if (!page.ok()) return Fail(res, page.status());
        json items = json::array();
        for (const auto& l : page->first) items.push_back(PositiveListLineToJson(l));
        const bool full = static_cast<int>(page->first.size()) == q->limit;
        WriteJson(res, 200,
                  {{"items", std::move(items)},
                   {"total", page->second},
                   {"next_after",
                    full && !page->first.empty() ? json(page->first.back().hs_code) : json()}});
      });
  add("POST", v1 + "/customs/positive-list/import",
      [&customs, &rules](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto outcome = customs.ImportPositiveList(ContextOf(req, p), req.body);
        if (!outcome.ok()) return Fail(res, outcome.status());
        if (!outcome->errors.empty()) return WriteRowErrors(res, outcome->errors);
        rules.Invalidate();
        WriteJson(res, 200, {{"imported", outcome->imported}});
      });

  // The annual quota of one identity: the number travels in the body only.
  add("POST", v1 + "/customs/quota/lookup",
      [&customs](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return Fail(res, body.status());
        auto lookup = QuotaLookupFromJson(*body);
        if (!lookup.ok()) return Fail(res, lookup.status());
        auto view = customs.Quota(ContextOf(req, p), *lookup);
        if (!view.ok()) return Fail(res, view.status());
        WriteJson(res, 200, QuotaViewToJson(*view));
      });

  // Declarations and the outbound queue.
  add("GET", v1 + "/customs/declarations",
      [&customs](HttpRequest& req, HttpResponse& res, const Principal& p) {
        const auto parse = [&req]() -> Result<customs::DeclarationQuery> {
          XB_RETURN_IF_ERROR(
              KnownParams(req, {"state", "order_id", "list_no", "after_id", "limit"}));
          customs::DeclarationQuery q;
          if (auto state = Param(req, "state")) {
            q.state = EnumOfText<customs::DeclarationState>(*state);
            if (!q.state) {
              return InvalidArgument(
                  "state: must be one of " + EnumChoicesText<customs::DeclarationState>(), "state");
            }
          }
          XB_ASSIGN_OR_RETURN(q.order_id, IntParam(req, "order_id"));
          q.list_no = std::string(Trim(Param(req, "list_no").value_or("")));
          XB_ASSIGN_OR_RETURN(auto after, IntParam(req, "after_id"));
          q.after_id = after.value_or(0);
          XB_ASSIGN_OR_RETURN(q.limit, Limit(req, 50));
          return q;
        };
        auto q = parse();
        if (!q.ok()) return Fail(res, q.status());
        auto page = customs.ListDeclarations(ContextOf(req, p), *q);
        if (!page.ok()) return Fail(res, page.status());
        json items = json::array();
        for (const auto& d : page->first) items.push_back(DeclarationSummaryToJson(d));
        const bool full = static_cast<int>(page->first.size()) == q->limit;
        WriteJson(res, 200,
                  {{"items", std::move(items)},
                   {"total", page->second},
                   {"next_after_id",
                    full && !page->first.empty() ? json(page->first.back().id.value()) : json()}});
      });
  add("GET", v1 + "/customs/declarations/{id}",
      [&customs](HttpRequest& req, HttpResponse& res, const Principal& p) {
        if (Status st = KnownParams(req, {}); !st.ok()) return Fail(res, st);
        auto id = PathId(req);
        if (!id.ok()) return Fail(res, id.status());
        auto view = customs.GetDeclaration(ContextOf(req, p), customs::DeclarationId(*id));
        if (!view.ok()) return Fail(res, view.status());
        WriteJson(res, 200, DeclarationToJson(view->declaration, view->receipts));
      });
  add("POST", v1 + "/customs/declarations/{id}/cancel",
      [&customs](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return Fail(res, id.status());
        auto reason = ReasonOf(req);
        if (!reason.ok()) return Fail(res, reason.status());
        auto d = customs.CancelDeclaration(ContextOf(req, p), customs::DeclarationId(*id), *reason);
        if (!d.ok()) return Fail(res, d.status());
        WriteJson(res, 200, DeclarationSummaryToJson(*d));
      });
  add("GET", v1 + "/customs/queue",
      [&customs](HttpRequest& req, HttpResponse& res, const Principal& p) {
        if (Status st = KnownParams(req, {}); !st.ok()) return Fail(res, st);
        auto view = customs.Queue(ContextOf(req, p));
        if (!view.ok()) return Fail(res, view.status());
        WriteJson(res, 200, QueueViewToJson(*view));
      });

  // Customs' answers, posted by a broker (the submitter applies polled ones itself).
  add("POST", v1 + "/customs/receipts",
      [&receipts, &clock](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return Fail(res, body.status());
        auto receipt = ReceiptFromJson(*body, clock.Now());
        if (!receipt.ok()) return Fail(res, receipt.status());
        auto outcome = receipts.Apply(ContextOf(req, p), *receipt);
        if (!outcome.ok()) return Fail(res, outcome.status());
        if (outcome->replayed) res.headers.emplace_back("Idempotent-Replayed", "true");
        WriteJson(res, 200, ReceiptOutcomeToJson(*outcome));
      });

  // The bonded account books.
  add("GET", v1 + "/customs/account-books/{ems_no}/entries",
      [&books](HttpRequest& req, HttpResponse& res, const Principal& p) {
        const auto parse = [&req]() -> Result<std::pair<std::int64_t, int>> {
          XB_RETURN_IF_ERROR(KnownParams(req, {"after_id", "limit"}));
          XB_ASSIGN_OR_RETURN(auto after, IntParam(req, "after_id"));
          XB_ASSIGN_OR_RETURN(int limit, Limit(req, 100));
          return std::make_pair(after.value_or(0), limit);
        };
        auto ems = EmsNo(req);
        if (!ems.ok()) return Fail(res, ems.status());
        auto q = parse();
        if (!q.ok()) return Fail(res, q.status());
        auto page = books.Entries(ContextOf(req, p), *ems, q->first, q->second);
        if (!page.ok()) return Fail(res, page.status());
        json items = json::array();
        for (const auto& e : page->first) items.push_back(AccountEntryToJson(e));
        const bool full = static_cast<int>(page->first.size()) == q->second;
        WriteJson(res, 200,
                  {{"ems_no", *ems},
                   {"items", std::move(items)},
                   {"total", page->second},
                   {"next_after_id",
                    full && !page->first.empty() ? json(page->first.back().id) : json()}});
      });
  add("POST", v1 + "/customs/account-books/{ems_no}/entries",
      [&books](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto ems = EmsNo(req);
        if (!ems.ok()) return Fail(res, ems.status());
        auto body = ParseBody(req);
        if (!body.ok()) return Fail(res, body.status());
        auto draft = InboundDraftFromJson(*body);
        if (!draft.ok()) return Fail(res, draft.status());
        auto entry = books.RecordInbound(ContextOf(req, p), *ems, *draft);
        if (!entry.ok()) return Fail(res, entry.status());
        WriteJson(res, 201, AccountEntryToJson(*entry));
      });
  add("GET", v1 + "/customs/account-books/{ems_no}/reconciliation",
      [&books](HttpRequest& req, HttpResponse& res, const Principal& p) {
        if (Status st = KnownParams(req, {}); !st.ok()) return Fail(res, st);
        auto ems = EmsNo(req);
        if (!ems.ok()) return Fail(res, ems.status());
        auto r = books.Reconcile(ContextOf(req, p), *ems);
        if (!r.ok()) return Fail(res, r.status());
        WriteJson(res, 200, ReconciliationToJson(*r));
      });
}

}  // namespace xb::http
