#include "adapters/http/api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "adapters/crypto/key_crypto.h"
#include "adapters/csv/csv.h"
#include "adapters/http/customs_routes.h"
#include "adapters/http/handler_support.h"
#include "adapters/http/inventory_routes.h"
#include "adapters/http/json_records.h"
#include "adapters/http/order_routes.h"
#include "adapters/http/sourcing_routes.h"
#include "adapters/http/warehouse_routes.h"
#include "core/text.h"

namespace xb::embedded {
extern const std::pair<std::string_view, std::string_view> kOpenApi[];
}  // namespace xb::embedded

namespace xb::http {
namespace {

using access::Principal;
using nlohmann::json;

std::string NewRequestId() {
  static const std::string prefix = [] {
    std::random_device rd;
    std::string p;
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 8; ++i) p += kHex[rd() % 16];
    return p;
  }();
  static std::atomic<std::uint64_t> counter{0};
  return prefix + "-" + std::to_string(counter.fetch_add(1) + 1);
}

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

masterdata::RequestContext ContextOf(const HttpRequest& req, const Principal& p) {
  masterdata::RequestContext ctx;
  ctx.principal = p;
  ctx.request_id = req.request_id;
  const auto key = Trim(req.Header("idempotency-key"));
  if (!key.empty()) {
    ctx.idempotency_key = std::string(key);
    ctx.request_hash = crypto::Sha256Hex(req.method + " " + req.path + "\n" + req.body);
  }
  return ctx;
}

template <class T>
Result<ListQuery> ParseListQuery(const HttpRequest& req) {
  ListQuery q;
  const auto& spec = T::Spec();
  for (const auto& [key, value] : req.query) {
    if (key == "q") {
      q.search = std::string(Trim(value));
    } else if (key == "limit" || key == "offset") {
      auto n = ParseInt64(value);
      if (!n) return InvalidArgument(key + ": must be an integer", key);
      (key == "limit" ? q.limit : q.offset) = *n;
    } else if (key == "status") {
      if (value == "active") {
        q.include_active = true;
        q.include_archived = false;
      } else if (value == "archived") {
        q.include_active = false;
        q.include_archived = true;
      } else if (value == "all") {
        q.include_active = q.include_archived = true;
      } else {
        return InvalidArgument("status: must be active, archived or all", "status");
      }
    } else if (key == "sort") {
      std::string field = value;
      if (!field.empty() && field[0] == '-') {
        q.descending = true;
        field.erase(0, 1);
      }
      if (spec.Find(field) == nullptr) {
        return InvalidArgument("sort: unknown field '" + field + "'", "sort");
      }
      q.sort = field;
    } else {
      const auto* f = spec.Find(key);
      if (f == nullptr || !f->has(kFilterable) || key == "status") {
        return InvalidArgument("unknown query parameter '" + key + "'", key);
      }
      XB_ASSIGN_OR_RETURN(FieldValue v, TextToField(*f, value));
      q.equals.emplace_back(key, std::move(v));
    }
  }
  return q;
}

// Records are written straight into the body (AppendRecordJson); the text is the same as
// dumping the equivalent nlohmann::json, without building it.
template <class T>
void WriteRecord(HttpResponse& res, int status, const T& rec) {
  res.status = status;
  res.content_type = "application/json";
  res.body.clear();
  res.body.reserve(1024);  // one allocation for a typical record
  AppendRecordJson(rec, res.body);
}

// {"items":[...],"limit":L,"offset":O,"total":N}: nlohmann's key order.
template <class T>
void WritePage(HttpResponse& res, const Page<T>& page) {
  res.status = 200;
  res.content_type = "application/json";
  std::string& out = res.body;
  out.clear();
  out.reserve(64 + page.items.size() * 512);
  out += "{\"items\":[";
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0) out += ',';
    AppendRecordJson(page.items[i], out);
  }
  out += "],\"limit\":" + std::to_string(page.limit) +
         ",\"offset\":" + std::to_string(page.offset) + ",\"total\":" + std::to_string(page.total) +
         "}";
}

json EventToJson(const events::BusinessEvent& e) {
  json payload = json::parse(e.payload, nullptr, false);
  json out = {{"seq", e.seq},          {"type", e.type},
              {"entity", e.entity},    {"entity_id", e.entity_id},
              {"actor", e.actor},      {"request_id", e.request_id},
              {"at", e.at.ToIso8601()}};
  if (payload.is_object()) {
    for (auto& [k, v] : payload.items()) out[k] = v;
  }
  return out;
}

json KeyToJson(const access::ApiKey& k) {
  json out = {{"id", k.id.value()},   {"tenant_id", k.tenant_id.value()},
              {"name", k.name},       {"role", std::string(access::RoleName(k.role))},
              {"prefix", k.prefix},   {"created_at", k.created_at.ToIso8601()},
              {"revoked_at", nullptr}};
  if (k.revoked_at) out["revoked_at"] = k.revoked_at->ToIso8601();
  return out;
}

json TenantToJson(const access::Tenant& t) {
  return {{"id", t.id.value()},
          {"code", t.code},
          {"name", t.name},
          {"active", t.active},
          {"created_at", t.created_at.ToIso8601()}};
}

std::string ContentTypeOf(const std::string& path) {
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : ToLowerAscii(path.substr(dot + 1));
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  return "application/octet-stream";
}

}  // namespace

customs_flow::QuotaRestored QuotaRestorer(orders_flow::QuotaBook* quota) {
  if (quota == nullptr) return {};
  return [quota](const customs::QuotaEntry& entry) {
    quota->Restore({entry.tenant_id, entry.id_type, entry.id_number, entry.year},
                   -entry.amount_fen);
  };
}

customs_flow::GoodsCapRestored GoodsCapRestorer(orders_flow::GoodsCapBook* caps) {
  if (caps == nullptr) return {};
  return [caps](std::span<const customs::GoodsCapEntry> entries) { caps->Restore(entries); };
}

Api::Api(store::Database& db, masterdata::MasterDataService& masterdata,
         access::AccessService& access, ApiOptions options,
         inventory_flow::ReservationEngine* engine, OrderServices orders)
    : db_(db),
      md_(masterdata),
      access_(access),
      options_(std::move(options)),
      engine_(engine),
      order_services_(orders) {
  if (order_services_.rules == nullptr) {
    own_rules_ = std::make_unique<orders_flow::RuleCache>(db_);
    order_services_.rules = own_rules_.get();
  }
  order_queries_ = std::make_unique<orders_flow::OrderQueries>(db_, *order_services_.rules);
  customs_ = std::make_unique<customs_flow::CustomsService>(db_, clock_, order_services_.submitter);
  receipts_ = std::make_unique<customs_flow::ReceiptService>(
      db_, clock_, engine_, &warehouse_, QuotaRestorer(order_services_.quota),
      GoodsCapRestorer(order_services_.goods_caps));
  returns_ = std::make_unique<customs_flow::ReturnService>(
      db_, clock_, engine_, QuotaRestorer(order_services_.quota),
      GoodsCapRestorer(order_services_.goods_caps));
  account_books_ = std::make_unique<customs_flow::AccountBookService>(db_, clock_);
  AddSystemRoutes();
  AddAccessRoutes();
  AddRecordRoutes<catalog::Sku>();
  AddRecordRoutes<partners::Supplier>();
  AddRecordRoutes<partners::Brand>();
  AddRecordRoutes<partners::Channel>();
  AddRecordRoutes<partners::Carrier>();
  AddRecordRoutes<partners::Warehouse>();
  AddRecordRoutes<partners::Bin>();
  AddSourcingRoutes(router_, access_, evaluation_, procurement_);
  AddInventoryRoutes(router_, access_, stock_);
  AddWarehouseRoutes(router_, access_, warehouse_, terminal_);
  AddOrderRoutes(router_, access_, {order_services_.intake, *order_queries_, *returns_, clock_});
  AddCustomsRoutes(router_, access_,
                   {*customs_, *receipts_, *account_books_, *order_services_.rules, clock_});
  std::vector<std::pair<std::string, std::string>> labels;
  for (std::size_t i = 0; i < router_.size(); ++i) {
    labels.emplace_back(router_.Method(i), router_.Pattern(i));
  }
  metrics_.Init(std::move(labels));
  LoadStaticFiles();
}

void Api::Handle(HttpRequest& req, HttpResponse& res) {
  const auto start = std::chrono::steady_clock::now();
  const std::string_view given_id = req.Header("x-request-id");
  req.request_id = SaneRequestId(given_id) ? std::string(given_id) : NewRequestId();
  std::size_t route = router_.size();
  const bool api =
      req.path.rfind("/api/", 0) == 0 || req.path == "/healthz" || req.path == "/metrics";
  auto match = router_.Find(req);
  if (match.handler != nullptr) {
    route = match.index;
    try {
      (*match.handler)(req, res);
    } catch (const std::exception& e) {
      spdlog::error("[{}] {} {} failed: {}", req.request_id, req.method, router_.Pattern(route),
                    e.what());
      WriteError(res, Internal("internal error; see the server log for request " + req.request_id));
    }
  } else if (match.path_known) {
    WriteError(res, Status(ErrorCode::kInvalidArgument, req.method + " is not allowed here"));
    res.status = 405;
  } else if (api) {
    WriteError(res, NotFound("no such endpoint: " + req.path));
  } else if (req.method == "GET" || req.method == "HEAD") {
    ServeStatic(req, res);
  } else {
    WriteError(res, NotFound("no such endpoint: " + req.path));
  }
  if (res.defer) {
    // The handler answers later: finish (request id, metrics, log) when it does.
    auto inner = std::move(res.defer);
    res.defer = [this, inner = std::move(inner), route, start, id = req.request_id,
                 method = req.method, path = req.path](Responder reply) mutable {
      inner([this, reply = std::move(reply), route, start, id = std::move(id),
             method = std::move(method), path = std::move(path)](HttpResponse done) mutable {
        Finish(id, method, path, route, start, done);
        reply(std::move(done));
      });
    };
    return;
  }
  Finish(req.request_id, req.method, req.path, route, start, res);
}

void Api::Finish(const std::string& request_id, const std::string& method, const std::string& path,
                 std::size_t route, std::chrono::steady_clock::time_point start,
                 HttpResponse& res) {
  res.headers.emplace_back("X-Request-Id", request_id);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.Observe(route, res.status, seconds);
  if (res.status >= 500) {
    spdlog::error("[{}] {} {} -> {} ({:.1f} ms)", request_id, method, path, res.status,
                  seconds * 1e3);
  } else {
    spdlog::debug("[{}] {} {} -> {} ({:.1f} ms)", request_id, method, path, res.status,
                  seconds * 1e3);
  }
}

void Api::AddSystemRoutes() {
  router_.Add("GET", "/healthz", [this](HttpRequest&, HttpResponse& res) {
    auto version = db_.SchemaVersion();
    if (!version.ok()) {
      WriteJson(res, 503, {{"status", "unavailable"}, {"reason", version.status().message()}});
      return;
    }
    WriteJson(res, 200,
              {{"status", "ok"}, {"db", std::string(db_.dialect())}, {"schema_version", *version}});
  });
  router_.Add("GET", "/metrics", [this](HttpRequest&, HttpResponse& res) {
    res.content_type = "text/plain; version=0.0.4";
    res.body = metrics_.Render();
  });
  router_.Add("GET", "/api/v1/openapi.yaml", [](HttpRequest&, HttpResponse& res) {
    res.content_type = "application/yaml";
    res.body = std::string(embedded::kOpenApi[0].second);
  });
}

void Api::AddAccessRoutes() {
  const auto authed = [this](AuthedHandler h) { return Authed(access_, std::move(h)); };
  router_.Add("GET", "/api/v1/me",
              authed([this](HttpRequest&, HttpResponse& res, const Principal& p) {
                auto tenant = access_.GetTenant(p.tenant_id);
                if (!tenant.ok()) return WriteError(res, tenant.status());
                WriteJson(res, 200,
                          {{"tenant", TenantToJson(*tenant)},
                           {"role", std::string(access::RoleName(p.role))},
                           {"key", {{"id", p.key_id.value()}, {"name", p.key_name}}}});
              }));
  router_.Add("GET", "/api/v1/keys",
              authed([this](HttpRequest&, HttpResponse& res, const Principal& p) {
                auto keys = access_.ListKeys(p);
                if (!keys.ok()) return WriteError(res, keys.status());
                json items = json::array();
                for (const auto& k : *keys) items.push_back(KeyToJson(k));
                WriteJson(res, 200, {{"items", items}, {"total", items.size()}});
              }));
  router_.Add("POST", "/api/v1/keys",
              authed([this](HttpRequest& req, HttpResponse& res, const Principal& p) {
                auto body = ParseBody(req);
                if (!body.ok()) return WriteError(res, body.status());
                for (const auto& [k, v] : body->items()) {
                  if (k != "name" && k != "role")
                    return WriteError(res, InvalidArgument("unknown field '" + k + "'", k));
                }
                if (!body->contains("name") || !(*body)["name"].is_string()) {
                  return WriteError(res, InvalidArgument("name: is required", "name"));
                }
                if (!body->contains("role") || !(*body)["role"].is_string()) {
                  return WriteError(res, InvalidArgument("role: is required", "role"));
                }
                const auto role = access::RoleFromName((*body)["role"].get<std::string>());
                if (!role) {
                  return WriteError(
                      res, InvalidArgument("role: must be one of admin, buyer, planner, "
                                           "warehouse_operator, device, customs_broker, read_only",
                                           "role"));
                }
                auto issued = access_.CreateKey(p, p.tenant_id, (*body)["name"].get<std::string>(),
                                                *role, req.request_id);
                if (!issued.ok()) return WriteError(res, issued.status());
                json out = KeyToJson(issued->key);
                out["secret"] = issued->secret;
                WriteJson(res, 201, out);
              }));
  router_.Add("POST", "/api/v1/keys/{id}/revoke",
              authed([this](HttpRequest& req, HttpResponse& res, const Principal& p) {
                auto id = PathId(req);
                if (!id.ok()) return WriteError(res, id.status());
                Status st = access_.RevokeKey(p, access::ApiKeyId(*id), req.request_id);
                if (!st.ok()) return WriteError(res, st);
                WriteJson(res, 200, {{"id", *id}, {"revoked", true}});
              }));
  router_.Add("GET", "/api/v1/tenants",
              authed([this](HttpRequest&, HttpResponse& res, const Principal& p) {
                auto tenants = access_.ListTenants(p);
                if (!tenants.ok()) return WriteError(res, tenants.status());
                json items = json::array();
                for (const auto& t : *tenants) items.push_back(TenantToJson(t));
                WriteJson(res, 200, {{"items", items}, {"total", items.size()}});
              }));
  router_.Add("POST", "/api/v1/tenants",
              authed([this](HttpRequest& req, HttpResponse& res, const Principal& p) {
                auto body = ParseBody(req);
                if (!body.ok()) return WriteError(res, body.status());
                for (const auto& [k, v] : body->items()) {
                  if (k != "code" && k != "name")
                    return WriteError(res, InvalidArgument("unknown field '" + k + "'", k));
                  if (!v.is_string())
                    return WriteError(res, InvalidArgument(k + ": must be a string", k));
                }
                auto created = access_.CreateTenant(p, body->value("code", ""),
                                                    body->value("name", ""), req.request_id);
                if (!created.ok()) return WriteError(res, created.status());
                json key = KeyToJson(created->second.key);
                key["secret"] = created->second.secret;
                WriteJson(res, 201, {{"tenant", TenantToJson(created->first)}, {"admin_key", key}});
              }));
  router_.Add(
      "GET", "/api/v1/events",
      authed([this](HttpRequest& req, HttpResponse& res, const Principal& p) {
        Status st = access::Authorize(p, access::Action::kReadAudit);
        if (!st.ok()) return WriteError(res, st);
        events::EventQuery q;
        for (const auto& [k, v] : req.query) {
          if (k == "entity") {
            q.entity = v;
          } else if (k == "type") {
            q.type = v;
          } else if (k == "entity_id" || k == "after_seq" || k == "limit") {
            auto n = ParseInt64(v);
            if (!n || *n < 0)
              return WriteError(res, InvalidArgument(k + ": must be a non-negative integer", k));
            if (k == "entity_id") q.entity_id = *n;
            if (k == "after_seq") q.after_seq = *n;
            if (k == "limit") q.limit = *n;
          } else {
            return WriteError(res, InvalidArgument("unknown query parameter '" + k + "'", k));
          }
        }
        if (q.limit < 1 || q.limit > 1000)
          return WriteError(res, InvalidArgument("limit: must be 1..1000", "limit"));
        auto tx = db_.Begin(store::TxMode::kRead);
        if (!tx.ok()) return WriteError(res, tx.status());
        auto events = (*tx)->events().List(p.tenant_id, q);
        if (!events.ok()) return WriteError(res, events.status());
        json items = json::array();
        for (const auto& e : *events) items.push_back(EventToJson(e));
        const std::int64_t next = events->empty() ? q.after_seq : events->back().seq;
        WriteJson(res, 200, {{"items", items}, {"next_after_seq", next}});
      }));
}

template <class T>
void Api::AddRecordRoutes() {
  const std::string base = "/api/v1/" + std::string(T::Spec().plural);
  const auto authed = [this](AuthedHandler h) { return Authed(access_, std::move(h)); };
  const auto list = [this](HttpRequest& req, HttpResponse& res, const Principal& p,
                           std::optional<std::int64_t> warehouse) {
    auto q = ParseListQuery<T>(req);
    if (!q.ok()) return WriteError(res, q.status());
    if (warehouse) q->equals.emplace_back("warehouse_id", *warehouse);
    auto page = md_.List<T>(p, *q);
    if (!page.ok()) return WriteError(res, page.status());
    WritePage(res, *page);
  };
  const auto create = [this](HttpRequest& req, HttpResponse& res, const Principal& p,
                             std::optional<std::int64_t> warehouse) {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.status());
    if (warehouse) {
      if (body->contains("warehouse_id") && (*body)["warehouse_id"] != *warehouse) {
        return WriteError(res,
                          InvalidArgument("warehouse_id: differs from the URL", "warehouse_id"));
      }
      (*body)["warehouse_id"] = *warehouse;
    }
    T draft{};
    Status st = ApplyJson(*body, BodyMode::kCreate, draft, nullptr);
    if (!st.ok()) return WriteError(res, st);
    auto created = md_.Create<T>(ContextOf(req, p), std::move(draft));
    if (!created.ok()) return WriteError(res, created.status());
    if (created->replayed) res.headers.emplace_back("Idempotent-Replayed", "true");
    res.headers.emplace_back("Location", "/api/v1/" + std::string(T::Spec().plural) + "/" +
                                             std::to_string(created->record.id.value()));
    WriteRecord(res, 201, created->record);
  };

  router_.Add("GET", base, authed([list](HttpRequest& req, HttpResponse& res, const Principal& p) {
                list(req, res, p, std::nullopt);
              }));
  if constexpr (!std::is_same_v<T, partners::Bin>) {
    router_.Add("POST", base,
                authed([create](HttpRequest& req, HttpResponse& res, const Principal& p) {
                  create(req, res, p, std::nullopt);
                }));
  } else {
    const auto warehouse_of = [](HttpRequest& req) { return PathId(req); };
    router_.Add(
        "GET", "/api/v1/warehouses/{id}/bins",
        authed([this, list, warehouse_of](HttpRequest& req, HttpResponse& res, const Principal& p) {
          auto wh = warehouse_of(req);
          if (!wh.ok()) return WriteError(res, wh.status());
          auto found = md_.Get<partners::Warehouse>(p, *wh);
          if (!found.ok()) return WriteError(res, found.status());
          list(req, res, p, *wh);
        }));
    router_.Add(
        "POST", "/api/v1/warehouses/{id}/bins",
        authed([create, warehouse_of](HttpRequest& req, HttpResponse& res, const Principal& p) {
          auto wh = warehouse_of(req);
          if (!wh.ok()) return WriteError(res, wh.status());
          create(req, res, p, *wh);
        }));
  }
  router_.Add("GET", base + "/{id}",
              authed([this](HttpRequest& req, HttpResponse& res, const Principal& p) {
                auto id = PathId(req);
                if (!id.ok()) return WriteError(res, id.status());
                auto rec = md_.Get<T>(p, *id);
                if (!rec.ok()) return WriteError(res, rec.status());
                WriteRecord(res, 200, *rec);
              }));
  router_.Add("PATCH", base + "/{id}",
              authed([this](HttpRequest& req, HttpResponse& res, const Principal& p) {
                auto id = PathId(req);
                if (!id.ok()) return WriteError(res, id.status());
                auto body = ParseBody(req);
                if (!body.ok()) return WriteError(res, body.status());
                std::optional<std::int64_t> expected;
                // Validate the body's shape before touching the store, so a bad body changes
                // nothing.
                T probe{};
                Status shape = ApplyJson(*body, BodyMode::kPatch, probe, &expected);
                if (!shape.ok()) return WriteError(res, shape);
                const json patch = *body;
                auto updated = md_.Update<T>(
                    ContextOf(req, p), *id,
                    [&patch](T& rec) {
                      std::optional<std::int64_t> ignored;
                      return ApplyJson(patch, BodyMode::kPatch, rec, &ignored);
                    },
                    expected);
                if (!updated.ok()) return WriteError(res, updated.status());
                WriteRecord(res, 200, *updated);
              }));
  router_.Add("POST", base + "/{id}/archive",
              authed([this](HttpRequest& req, HttpResponse& res, const Principal& p) {
                auto id = PathId(req);
                if (!id.ok()) return WriteError(res, id.status());
                auto rec = md_.Archive<T>(ContextOf(req, p), *id);
                if (!rec.ok()) return WriteError(res, rec.status());
                WriteRecord(res, 200, *rec);
              }));
  router_.Add("GET", base + "/{id}/history",
              authed([this](HttpRequest& req, HttpResponse& res, const Principal& p) {
                auto id = PathId(req);
                if (!id.ok()) return WriteError(res, id.status());
                auto events = md_.History<T>(p, *id);
                if (!events.ok()) return WriteError(res, events.status());
                json items = json::array();
                for (const auto& e : *events) items.push_back(EventToJson(e));
                WriteJson(res, 200, {{"items", items}, {"total", items.size()}});
              }));
  router_.Add("GET", "/api/v1/export/" + std::string(T::Spec().plural) + ".csv",
              authed([this](HttpRequest& req, HttpResponse& res, const Principal& p) {
                HttpRequest filtered = req;
                filtered.query.erase("limit");
                filtered.query.erase("offset");
                auto q = ParseListQuery<T>(filtered);
                if (!q.ok()) return WriteError(res, q.status());
                q->limit = kMaxPageSize;
                std::vector<T> all;
                for (q->offset = 0;; q->offset += kMaxPageSize) {
                  auto page = md_.List<T>(p, *q);
                  if (!page.ok()) return WriteError(res, page.status());
                  for (auto& rec : page->items) all.push_back(std::move(rec));
                  if (q->offset + kMaxPageSize >= page->total) break;
                }
                res.status = 200;
                res.content_type = "text/csv; charset=utf-8";
                res.headers.emplace_back(
                    "Content-Disposition",
                    "attachment; filename=\"" + std::string(T::Spec().plural) + ".csv\"");
                res.body = csv::Export(all);
              }));
  router_.Add("POST", "/api/v1/import/" + std::string(T::Spec().plural),
              authed([this](HttpRequest& req, HttpResponse& res, const Principal& p) {
                const auto bad_rows = [&res](const std::vector<masterdata::RowError>& errors) {
                  json rows = json::array();
                  for (const auto& e : errors) {
                    rows.push_back({{"line", e.line}, {"column", e.column}, {"reason", e.reason}});
                  }
                  WriteJson(res, 400,
                            {{"error",
                              {{"code", "INVALID_ARGUMENT"},
                               {"message", std::to_string(errors.size()) +
                                               " problem(s) in the file; nothing was imported"},
                               {"rows", rows}}}});
                };
                auto table = csv::Parse(req.body);
                if (!table.ok()) return WriteError(res, table.status());
                std::vector<masterdata::RowError> errors;
                auto rows = csv::ToImportRows<T>(*table, errors);
                if (!errors.empty()) {
                  // Report the rules the well-formed rows break too, so one answer lists all.
                  auto checked = md_.Import<T>(ContextOf(req, p), rows, /*validate_only=*/true);
                  if (checked.ok()) {
                    errors.insert(errors.end(), checked->errors.begin(), checked->errors.end());
                    std::stable_sort(errors.begin(), errors.end(),
                                     [](const auto& a, const auto& b) { return a.line < b.line; });
                  }
                  return bad_rows(errors);
                }
                auto outcome = md_.Import<T>(ContextOf(req, p), rows);
                if (!outcome.ok()) return WriteError(res, outcome.status());
                if (!outcome->errors.empty()) return bad_rows(outcome->errors);
                WriteJson(res, 200,
                          {{"created", outcome->created},
                           {"updated", outcome->updated},
                           {"imported", outcome->created + outcome->updated}});
              }));
}

void Api::LoadStaticFiles() {
  namespace fs = std::filesystem;
  if (options_.web_root.empty()) return;
  std::error_code ec;
  const fs::path root(options_.web_root);
  if (!fs::is_directory(root, ec)) {
    spdlog::warn("web console directory {} not found; the console is not served",
                 options_.web_root);
    return;
  }
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    const std::string rel = "/" + fs::relative(entry.path(), root).generic_string();
    static_files_[rel] = {ContentTypeOf(rel), body.str()};
  }
  spdlog::info("serving the web console from {} ({} files)", options_.web_root,
               static_files_.size());
}

void Api::ServeStatic(const HttpRequest& req, HttpResponse& res) const {
  auto it = static_files_.find(req.path);
  if (it == static_files_.end()) it = static_files_.find("/index.html");  // client-side routes
  if (it == static_files_.end()) {
    res.status = 200;
    res.content_type = "text/html; charset=utf-8";
    res.body =
        "<!doctype html><title>xborder</title><p>The API runs at /api/v1. The web console is not "
        "built: run <code>npm ci &amp;&amp; npm run build</code> in <code>web/</code>.</p>";
    return;
  }
  res.status = 200;
  res.content_type = it->second.content_type;
  res.body = req.method == "HEAD" ? std::string() : it->second.body;
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; style-src 'self' "
                           "'unsafe-inline'");
  res.headers.emplace_back("Cache-Control",
                           it->first == "/index.html" ? "no-cache" : "public, max-age=300");
}

}  // namespace xb::http
