#include "adapters/http/warehouse_routes.h"

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/crypto/key_crypto.h"
#include "adapters/http/handler_support.h"
#include "core/text.h"
#include "domain/warehouse/gs1.h"
#include "flows/warehouse/warehouse_json.h"

namespace xb::http {
namespace {

using access::Principal;
using nlohmann::json;
using warehouse::TaskId;
using warehouse_flow::EnumName;
using warehouse_flow::TaskAudience;

constexpr std::size_t kMaxBatch = 10000;

template <class E>
std::optional<E> EnumFrom(std::string_view name) {
  const auto choices = EnumChoices(E{});
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <class E>
std::string ChoicesText() {
  std::string out;
  for (const auto c : EnumChoices(E{})) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}

// Typed members of a JSON object. Messages name the member after `where` ("lines[2]."); the
// error's field is `field` when set (members of nested objects), else the member.
class Body {
 public:
  explicit Body(const json& obj, std::string where = {}, std::string field = {})
      : obj_(obj), where_(std::move(where)), field_(std::move(field)) {}

  Status Known(std::initializer_list<std::string_view> names) const {
    for (const auto& [key, value] : obj_.items()) {
      bool known = false;
      for (const auto n : names) known = known || n == key;
      if (!known) return InvalidArgument(where_ + "unknown field '" + key + "'", FieldOf(key));
    }
    return Status::Ok();
  }
  bool Has(const std::string& key) const { return obj_.contains(key) && !obj_[key].is_null(); }
  Status Bad(const std::string& key, const std::string& what) const {
    return InvalidArgument(where_ + key + ": " + what, FieldOf(key));
  }
  Result<std::optional<std::int64_t>> Int(const std::string& key) const {
    if (!Has(key)) return std::optional<std::int64_t>();
    const json& v = obj_[key];
    if (!v.is_number_integer() ||
        (v.is_number_unsigned() &&
         v.get<std::uint64_t>() >
             static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))) {
      return Bad(key, "must be an integer");
    }
    return std::optional<std::int64_t>(v.get<std::int64_t>());
  }
  Result<std::int64_t> NeedInt(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto v, Int(key));
    if (!v) return Bad(key, "is required");
    return *v;
  }
  Result<int> LineNo(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto v, NeedInt(key));
    if (v < 1 || v > std::numeric_limits<int>::max()) return Bad(key, "must be a line number");
    return static_cast<int>(v);
  }
  Result<std::optional<std::string>> Text(const std::string& key) const {
    if (!Has(key)) return std::optional<std::string>();
    if (!obj_[key].is_string()) return Bad(key, "must be a string");
    return std::optional<std::string>(obj_[key].get<std::string>());
  }
  Result<std::optional<bool>> Bool(const std::string& key) const {
    if (!Has(key)) return std::optional<bool>();
    if (!obj_[key].is_boolean()) return Bad(key, "must be true or false");
    return std::optional<bool>(obj_[key].get<bool>());
  }
  Result<std::optional<Date>> Day(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto text, Text(key));
    if (!text) return std::optional<Date>();
    auto d = Date::ParseIso8601(*text);
    if (!d.ok()) return Bad(key, "must be a date like 2026-11-25");
    return std::optional<Date>(*d);
  }
  template <class E>
  Result<std::optional<E>> Enum(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto text, Text(key));
    if (!text) return std::optional<E>();
    auto e = EnumFrom<E>(*text);
    if (!e) return Bad(key, "must be one of " + ChoicesText<E>());
    return std::optional<E>(*e);
  }
  // An array member (required); kInvalidArgument when absent or not an array.
  Result<const json*> Array(const std::string& key) const {
    if (!Has(key) || !obj_[key].is_array()) return Bad(key, "must be an array");
    return &obj_[key];
  }
  const json& operator[](const std::string& key) const { return obj_[key]; }

 private:
  std::string FieldOf(const std::string& key) const { return field_.empty() ? key : field_; }

  const json& obj_;
  std::string where_;
  std::string field_;
};

template <class E>
Result<std::optional<E>> EnumParam(const HttpRequest& req, const std::string& key) {
  auto text = Param(req, key);
  if (!text) return std::optional<E>();
  auto e = EnumFrom<E>(*text);
  if (!e) return InvalidArgument(key + ": must be one of " + ChoicesText<E>(), key);
  return std::optional<E>(*e);
}

json PageJson(json items, std::int64_t total, std::int64_t limit, std::int64_t offset) {
  return {{"items", std::move(items)}, {"total", total}, {"limit", limit}, {"offset", offset}};
}

Result<json> OptionalBody(const HttpRequest& req) {
  if (Trim(req.body).empty()) return json::object();
  return ParseBody(req);
}

// The request's Idempotency-Key with a hash of method, path and body (as every idempotent route).
warehouse_flow::RequestContext ContextOf(const HttpRequest& req, const Principal& p) {
  warehouse_flow::RequestContext ctx{p, req.request_id, ""};
  const auto key = Trim(req.Header("idempotency-key"));
  if (!key.empty()) {
    ctx.idempotency_key = std::string(key);
    ctx.request_hash = crypto::Sha256Hex(req.method + " " + req.path + "\n" + req.body);
  }
  return ctx;
}

// Device events are keyed by their own (device, event key); an Idempotency-Key header is not used.
warehouse_flow::RequestContext DeviceContextOf(const HttpRequest& req, const Principal& p) {
  return {p, req.request_id, ""};
}

void MarkReplayed(HttpResponse& res, bool replayed) {
  if (replayed) res.headers.emplace_back("Idempotent-Replayed", "true");
}

TaskAudience AudienceOf(const Principal& p) {
  return p.role == access::Role::kDevice ? TaskAudience::kTerminal : TaskAudience::kOffice;
}

// --- request bodies --------------------------------------------------------------------------

Result<warehouse_flow::ReceiveDraft> ParseReceive(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(
      b.Known({"warehouse_id", "receiving_bin_id", "purchase_order_id", "asn", "owner"}));
  warehouse_flow::ReceiveDraft d;
  XB_ASSIGN_OR_RETURN(d.warehouse_id, b.NeedInt("warehouse_id"));
  XB_ASSIGN_OR_RETURN(d.receiving_bin_id, b.NeedInt("receiving_bin_id"));
  XB_ASSIGN_OR_RETURN(d.purchase_order_id, b.Int("purchase_order_id"));
  XB_ASSIGN_OR_RETURN(auto owner, b.Text("owner"));
  if (owner) d.owner = *owner;
  if (b.Has("asn")) {
    if (!b["asn"].is_object()) return b.Bad("asn", "must be an object {ref, lines}");
    const Body asn(b["asn"], "asn.", "asn");
    XB_RETURN_IF_ERROR(asn.Known({"ref", "lines"}));
    XB_ASSIGN_OR_RETURN(auto ref, asn.Text("ref"));
    d.asn_ref = ref.value_or("");
    XB_ASSIGN_OR_RETURN(const json* lines, asn.Array("lines"));
    for (std::size_t i = 0; i < lines->size(); ++i) {
      const std::string where = "asn.lines[" + std::to_string(i) + "].";
      if (!(*lines)[i].is_object()) return InvalidArgument(where + ": must be an object", "asn");
      const Body l((*lines)[i], where, "asn.lines");
      XB_RETURN_IF_ERROR(l.Known({"sku_id", "quantity"}));
      warehouse_flow::AsnLine line;
      XB_ASSIGN_OR_RETURN(line.sku_id, l.NeedInt("sku_id"));
      XB_ASSIGN_OR_RETURN(line.quantity, l.NeedInt("quantity"));
      d.asn_lines.push_back(line);
    }
    if (d.asn_ref.empty()) return asn.Bad("ref", "is required");
  }
  return d;
}

Result<warehouse_flow::ReceiptEntry> ParseReceipt(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known({"line_no", "lot_number", "production_date", "expiry_date", "quantity",
                              "condition", "reason"}));
  warehouse_flow::ReceiptEntry e;
  XB_ASSIGN_OR_RETURN(e.line_no, b.LineNo("line_no"));
  XB_ASSIGN_OR_RETURN(auto lot, b.Text("lot_number"));
  e.lot.lot_number = lot.value_or("");
  XB_ASSIGN_OR_RETURN(e.lot.production_date, b.Day("production_date"));
  XB_ASSIGN_OR_RETURN(e.lot.expiry_date, b.Day("expiry_date"));
  XB_ASSIGN_OR_RETURN(e.lot.quantity, b.NeedInt("quantity"));
  XB_ASSIGN_OR_RETURN(auto condition, b.Enum<warehouse::Condition>("condition"));
  e.lot.condition = condition.value_or(warehouse::Condition::kGood);
  XB_ASSIGN_OR_RETURN(auto reason, b.Text("reason"));
  e.lot.reason = reason.value_or("");
  return e;
}

Result<std::vector<std::int64_t>> IdList(const Body& b, const std::string& key) {
  XB_ASSIGN_OR_RETURN(const json* list, b.Array(key));
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& v = (*list)[i];
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) {
      return InvalidArgument(key + "[" + std::to_string(i) + "]: must be an id", key);
    }
    ids.push_back(v.get<std::int64_t>());
  }
  return ids;
}

Result<warehouse_flow::MoveDraft> ParseMove(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known({"warehouse_id", "lines"}));
  warehouse_flow::MoveDraft d;
  XB_ASSIGN_OR_RETURN(d.warehouse_id, b.NeedInt("warehouse_id"));
  XB_ASSIGN_OR_RETURN(const json* lines, b.Array("lines"));
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const std::string where = "lines[" + std::to_string(i) + "].";
    if (!(*lines)[i].is_object()) return InvalidArgument(where + ": must be an object", "lines");
    const Body l((*lines)[i], where, "lines");
    XB_RETURN_IF_ERROR(l.Known({"sku_id", "lot_id", "owner", "from_bin", "to_bin", "quantity"}));
    warehouse_flow::MoveLine line;
    XB_ASSIGN_OR_RETURN(line.sku_id, l.NeedInt("sku_id"));
    XB_ASSIGN_OR_RETURN(auto lot, l.Int("lot_id"));
    line.lot_id = inventory::LotId(lot.value_or(0));
    XB_ASSIGN_OR_RETURN(auto owner, l.Text("owner"));
    if (owner) line.owner = *owner;
    XB_ASSIGN_OR_RETURN(line.from_bin, l.NeedInt("from_bin"));
    XB_ASSIGN_OR_RETURN(line.to_bin, l.NeedInt("to_bin"));
    XB_ASSIGN_OR_RETURN(line.quantity, l.NeedInt("quantity"));
    d.lines.push_back(std::move(line));
  }
  return d;
}

Result<warehouse_flow::PackDraft> ParsePack(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(
      b.Known({"warehouse_id", "order_ref", "pack_bin_id", "lines", "weight_grams"}));
  warehouse_flow::PackDraft d;
  XB_ASSIGN_OR_RETURN(d.warehouse_id, b.NeedInt("warehouse_id"));
  XB_ASSIGN_OR_RETURN(auto ref, b.Text("order_ref"));
  d.order_ref = ref.value_or("");
  XB_ASSIGN_OR_RETURN(d.pack_bin_id, b.NeedInt("pack_bin_id"));
  XB_ASSIGN_OR_RETURN(auto weight, b.Int("weight_grams"));
  d.weight_grams = weight.value_or(0);
  XB_ASSIGN_OR_RETURN(const json* lines, b.Array("lines"));
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const std::string where = "lines[" + std::to_string(i) + "].";
    if (!(*lines)[i].is_object()) return InvalidArgument(where + ": must be an object", "lines");
    const Body l((*lines)[i], where, "lines");
    XB_RETURN_IF_ERROR(l.Known({"sku_id", "lot_id", "owner", "quantity"}));
    warehouse::ParcelLine line;
    XB_ASSIGN_OR_RETURN(line.sku_id, l.NeedInt("sku_id"));
    XB_ASSIGN_OR_RETURN(auto lot, l.Int("lot_id"));
    line.lot_id = inventory::LotId(lot.value_or(0));
    XB_ASSIGN_OR_RETURN(auto owner, l.Text("owner"));
    if (owner) line.owner = *owner;
    XB_ASSIGN_OR_RETURN(line.quantity, l.NeedInt("quantity"));
    d.lines.push_back(std::move(line));
  }
  return d;
}

// One device event of `device`; the body may repeat the device id, but not name another.
Result<warehouse::DeviceEvent> ParseDeviceEvent(const json& obj, const std::string& device,
                                                const std::string& where = {}) {
  if (!obj.is_object()) return InvalidArgument(where + "an event must be a JSON object");
  const Body b(obj, where);
  XB_RETURN_IF_ERROR(b.Known({"event_key", "type", "task_id", "line_no", "location", "barcode",
                              "quantity", "device_time", "device_id"}));
  warehouse::DeviceEvent e;
  e.device_id = device;
  XB_ASSIGN_OR_RETURN(auto named, b.Text("device_id"));
  if (named && *named != device) return b.Bad("device_id", "is not the device of the path");
  XB_ASSIGN_OR_RETURN(auto key, b.Text("event_key"));
  e.event_key = key.value_or("");
  XB_ASSIGN_OR_RETURN(auto type, b.Enum<warehouse::DeviceEventType>("type"));
  if (!type) return b.Bad("type", "is required");
  e.type = *type;
  XB_ASSIGN_OR_RETURN(auto task, b.Int("task_id"));
  e.task_id = task.value_or(0);
  XB_ASSIGN_OR_RETURN(auto line, b.Int("line_no"));
  if (line && (*line < 0 || *line > std::numeric_limits<int>::max())) {
    return b.Bad("line_no", "must be a line number");
  }
  e.line_no = static_cast<int>(line.value_or(0));
  XB_ASSIGN_OR_RETURN(auto location, b.Text("location"));
  e.location = location.value_or("");
  XB_ASSIGN_OR_RETURN(auto barcode, b.Text("barcode"));
  e.barcode = barcode.value_or("");
  XB_ASSIGN_OR_RETURN(auto qty, b.Int("quantity"));
  e.quantity = qty.value_or(0);
  XB_ASSIGN_OR_RETURN(auto at, b.Text("device_time"));
  if (at) {
    auto t = Timestamp::ParseIso8601(*at);
    if (!t.ok()) return b.Bad("device_time", "must be an RFC 3339 time like 2026-11-25T08:30:00Z");
    e.device_time = *t;
  }
  return e;
}

void WriteAnswer(HttpResponse& res, const warehouse_flow::DeviceAnswer& a) {
  res.status = a.status;
  res.content_type = "application/json";
  res.body = a.body;
  if (a.replayed) {
    res.headers.emplace_back("Idempotent-Replay", "true");
    res.headers.emplace_back("Idempotent-Replayed", "true");
  }
}

// A batch item that is not an event at all: answered, never stored.
std::string ItemError(const Status& st) {
  json err = {{"code", std::string(ErrorCodeName(st.code()))}, {"message", st.message()}};
  if (!st.field().empty()) err["field"] = st.field();
  return json{{"status", "rejected"}, {"message", st.message()}, {"error", err}}.dump();
}

}  // namespace

void AddWarehouseRoutes(Router& router, access::AccessService& access,
                        warehouse_flow::WarehouseService& warehouse,
                        warehouse_flow::TerminalService& terminal) {
  auto& svc = warehouse;
  const auto add = [&router, &access](const std::string& method, const std::string& path,
                                      AuthedHandler handler) {
    router.Add(method, path, Authed(access, std::move(handler)));
  };
  const std::string tasks = "/api/v1/tasks";

  // --- tasks -----------------------------------------------------------------------------------
  add("GET", tasks, [&svc](HttpRequest& req, HttpResponse& res, const Principal& p) {
    const auto parse = [&]() -> Result<warehouse::TaskQuery> {
      XB_RETURN_IF_ERROR(KnownParams(
          req, {"warehouse_id", "kind", "state", "ref_id", "assignee", "limit", "offset"}));
      warehouse::TaskQuery q;
      XB_ASSIGN_OR_RETURN(q.warehouse_id, IntParam(req, "warehouse_id"));
      XB_ASSIGN_OR_RETURN(q.kind, EnumParam<warehouse::TaskKind>(req, "kind"));
      XB_ASSIGN_OR_RETURN(q.state, EnumParam<warehouse::TaskState>(req, "state"));
      q.ref_id = Param(req, "ref_id");
      q.assignee = Param(req, "assignee");
      XB_ASSIGN_OR_RETURN(auto limit, IntParam(req, "limit"));
      XB_ASSIGN_OR_RETURN(auto offset, IntParam(req, "offset"));
      q.limit = limit.value_or(50);
      q.offset = offset.value_or(0);
      return q;
    };
    auto q = parse();
    if (!q.ok()) return WriteError(res, q.status());
    auto page = svc.ListTasks(p, *q);
    if (!page.ok()) return WriteError(res, page.status());
    json items = json::array();
    for (const auto& t : page->first) items.push_back(warehouse_flow::TaskHeaderJson(t));
    WriteJson(res, 200, PageJson(std::move(items), page->second, q->limit, q->offset));
  });
  add("GET", tasks + "/{id}", [&svc](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return WriteError(res, id.status());
    auto view = svc.GetTask(p, TaskId(*id));
    if (!view.ok()) return WriteError(res, view.status());
    WriteJson(res, 200, warehouse_flow::TaskJson(view->task, AudienceOf(p), view->variances));
  });

  // A new task: 201 with the task and its Location (also for a replay, marked).
  const auto created = [](HttpResponse& res, const Principal& p,
                          const Result<warehouse::Task>& task, bool replayed) {
    if (!task.ok()) return WriteError(res, task.status());
    MarkReplayed(res, replayed);
    res.headers.emplace_back("Location", "/api/v1/tasks/" + std::to_string(task->id.value()));
    WriteJson(res, 201,
              warehouse_flow::TaskJson(*task, AudienceOf(p), warehouse::Variances(*task)));
  };
  // A changed task: 200 with the task (also for a replay, marked).
  const auto changed = [](HttpResponse& res, const Principal& p,
                          const Result<warehouse::Task>& task, bool replayed) {
    if (!task.ok()) return WriteError(res, task.status());
    MarkReplayed(res, replayed);
    WriteJson(res, 200,
              warehouse_flow::TaskJson(*task, AudienceOf(p), warehouse::Variances(*task)));
  };

  add("POST", tasks + "/receive",
      [&svc, created](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        auto draft = ParseReceive(*body);
        if (!draft.ok()) return WriteError(res, draft.status());
        bool replayed = false;
        auto task = svc.CreateReceive(ContextOf(req, p), *draft, &replayed);
        created(res, p, task, replayed);
      });
  add("POST", tasks + "/putaway",
      [&svc, created](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        const Body b(*body);
        if (Status st = b.Known({"receive_task_id"}); !st.ok()) return WriteError(res, st);
        auto id = b.NeedInt("receive_task_id");
        if (!id.ok()) return WriteError(res, id.status());
        bool replayed = false;
        auto task = svc.CreatePutaway(ContextOf(req, p), TaskId(*id), &replayed);
        created(res, p, task, replayed);
      });
  add("POST", tasks + "/pick",
      [&svc, created](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        const Body b(*body);
        const auto parse = [&]() -> Result<warehouse_flow::PickDraft> {
          XB_RETURN_IF_ERROR(b.Known({"warehouse_id", "staging_bin_id", "reservation_ids"}));
          warehouse_flow::PickDraft d;
          XB_ASSIGN_OR_RETURN(d.warehouse_id, b.NeedInt("warehouse_id"));
          XB_ASSIGN_OR_RETURN(d.staging_bin_id, b.NeedInt("staging_bin_id"));
          XB_ASSIGN_OR_RETURN(d.reservation_ids, IdList(b, "reservation_ids"));
          return d;
        };
        auto draft = parse();
        if (!draft.ok()) return WriteError(res, draft.status());
        bool replayed = false;
        auto task = svc.CreatePick(ContextOf(req, p), *draft, &replayed);
        created(res, p, task, replayed);
      });
  add("POST", tasks + "/move",
      [&svc, created](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        auto draft = ParseMove(*body);
        if (!draft.ok()) return WriteError(res, draft.status());
        bool replayed = false;
        auto task = svc.CreateMove(ContextOf(req, p), *draft, &replayed);
        created(res, p, task, replayed);
      });
  add("POST", tasks + "/count",
      [&svc, created](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        const Body b(*body);
        const auto parse = [&]() -> Result<warehouse_flow::CountDraft> {
          XB_RETURN_IF_ERROR(b.Known({"warehouse_id", "bin_ids"}));
          warehouse_flow::CountDraft d;
          XB_ASSIGN_OR_RETURN(d.warehouse_id, b.NeedInt("warehouse_id"));
          XB_ASSIGN_OR_RETURN(d.bin_ids, IdList(b, "bin_ids"));
          return d;
        };
        auto draft = parse();
        if (!draft.ok()) return WriteError(res, draft.status());
        bool replayed = false;
        auto task = svc.CreateCount(ContextOf(req, p), *draft, &replayed);
        created(res, p, task, replayed);
      });

  add("POST", tasks + "/{id}/receipts",
      [&svc, changed](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        auto entry = ParseReceipt(*body);
        if (!entry.ok()) return WriteError(res, entry.status());
        bool replayed = false;
        auto task = svc.Receive(ContextOf(req, p), TaskId(*id), *entry, &replayed);
        changed(res, p, task, replayed);
      });
  add("POST", tasks + "/{id}/progress",
      [&svc, changed](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        const Body b(*body);
        const auto parse = [&]() -> Result<warehouse_flow::ProgressEntry> {
          XB_RETURN_IF_ERROR(b.Known({"line_no", "quantity", "to_bin"}));
          warehouse_flow::ProgressEntry e;
          XB_ASSIGN_OR_RETURN(e.line_no, b.LineNo("line_no"));
          XB_ASSIGN_OR_RETURN(e.quantity, b.NeedInt("quantity"));
          XB_ASSIGN_OR_RETURN(e.to_bin, b.Int("to_bin"));
          return e;
        };
        auto entry = parse();
        if (!entry.ok()) return WriteError(res, entry.status());
        bool replayed = false;
        auto task = svc.Progress(ContextOf(req, p), TaskId(*id), *entry, &replayed);
        changed(res, p, task, replayed);
      });
  const auto counting = [&svc, changed](bool recount) {
    return [&svc, changed, recount](HttpRequest& req, HttpResponse& res, const Principal& p) {
      auto id = PathId(req);
      if (!id.ok()) return WriteError(res, id.status());
      auto body = ParseBody(req);
      if (!body.ok()) return WriteError(res, body.status());
      const Body b(*body);
      Status known =
          recount ? b.Known({"line_no", "counted", "reason"}) : b.Known({"line_no", "counted"});
      if (!known.ok()) return WriteError(res, known);
      auto line = b.LineNo("line_no");
      if (!line.ok()) return WriteError(res, line.status());
      auto counted = b.NeedInt("counted");
      if (!counted.ok()) return WriteError(res, counted.status());
      auto reason = b.Text("reason");
      if (!reason.ok()) return WriteError(res, reason.status());
      const auto ctx = ContextOf(req, p);
      bool replayed = false;
      auto task =
          recount ? svc.Recount(ctx, TaskId(*id), *line, *counted, reason->value_or(""), &replayed)
                  : svc.Count(ctx, TaskId(*id), *line, *counted, &replayed);
      changed(res, p, task, replayed);
    };
  };
  add("POST", tasks + "/{id}/counts", counting(false));
  add("POST", tasks + "/{id}/recounts", counting(true));
  // Stock found in a bin that is not on the count sheet: a new line, counted at once.
  add("POST", tasks + "/{id}/found",
      [&svc, changed](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        const Body b(*body);
        const auto parse = [&]() -> Result<warehouse_flow::FoundEntry> {
          XB_RETURN_IF_ERROR(b.Known({"bin_id", "sku_id", "lot_id", "owner", "counted"}));
          warehouse_flow::FoundEntry e;
          XB_ASSIGN_OR_RETURN(e.bin_id, b.NeedInt("bin_id"));
          XB_ASSIGN_OR_RETURN(e.sku_id, b.NeedInt("sku_id"));
          XB_ASSIGN_OR_RETURN(auto lot, b.Int("lot_id"));
          e.lot_id = inventory::LotId(lot.value_or(0));
          XB_ASSIGN_OR_RETURN(auto owner, b.Text("owner"));
          if (owner) e.owner = *owner;
          XB_ASSIGN_OR_RETURN(e.counted, b.NeedInt("counted"));
          return e;
        };
        auto entry = parse();
        if (!entry.ok()) return WriteError(res, entry.status());
        bool replayed = false;
        auto task = svc.CountFound(ContextOf(req, p), TaskId(*id), *entry, &replayed);
        changed(res, p, task, replayed);
      });
  add("POST", tasks + "/{id}/close",
      [&svc](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto body = OptionalBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        const Body b(*body);
        if (Status st = b.Known({"complete"}); !st.ok()) return WriteError(res, st);
        auto complete = b.Bool("complete");
        if (!complete.ok()) return WriteError(res, complete.status());
        bool replayed = false;
        auto view =
            svc.Close(ContextOf(req, p), TaskId(*id), {complete->value_or(false)}, &replayed);
        if (!view.ok()) return WriteError(res, view.status());
        MarkReplayed(res, replayed);
        WriteJson(res, 200, warehouse_flow::TaskJson(view->task, AudienceOf(p), view->variances));
      });
  add("POST", tasks + "/{id}/cancel",
      [&svc, changed](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        bool replayed = false;
        auto task = svc.Cancel(ContextOf(req, p), TaskId(*id), &replayed);
        changed(res, p, task, replayed);
      });

  // --- parcels ---------------------------------------------------------------------------------
  const std::string parcels = "/api/v1/parcels";
  add("GET", parcels, [&svc](HttpRequest& req, HttpResponse& res, const Principal& p) {
    const auto parse = [&]() -> Result<warehouse::ParcelQuery> {
      XB_RETURN_IF_ERROR(
          KnownParams(req, {"warehouse_id", "order_ref", "state", "limit", "offset"}));
      warehouse::ParcelQuery q;
      XB_ASSIGN_OR_RETURN(q.warehouse_id, IntParam(req, "warehouse_id"));
      q.order_ref = Param(req, "order_ref");
      XB_ASSIGN_OR_RETURN(q.state, EnumParam<warehouse::ParcelState>(req, "state"));
      XB_ASSIGN_OR_RETURN(auto limit, IntParam(req, "limit"));
      XB_ASSIGN_OR_RETURN(auto offset, IntParam(req, "offset"));
      q.limit = limit.value_or(50);
      q.offset = offset.value_or(0);
      return q;
    };
    auto q = parse();
    if (!q.ok()) return WriteError(res, q.status());
    auto page = svc.ListParcels(p, *q);
    if (!page.ok()) return WriteError(res, page.status());
    json items = json::array();
    for (const auto& x : page->first) items.push_back(warehouse_flow::ParcelJson(x));
    WriteJson(res, 200, PageJson(std::move(items), page->second, q->limit, q->offset));
  });
  add("POST", parcels, [&svc](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.status());
    auto draft = ParsePack(*body);
    if (!draft.ok()) return WriteError(res, draft.status());
    bool replayed = false;
    auto parcel = svc.Pack(ContextOf(req, p), *draft, &replayed);
    if (!parcel.ok()) return WriteError(res, parcel.status());
    MarkReplayed(res, replayed);
    res.headers.emplace_back("Location", "/api/v1/parcels/" + std::to_string(parcel->id.value()));
    WriteJson(res, 201, warehouse_flow::ParcelJson(*parcel));
  });
  add("GET", parcels + "/{id}", [&svc](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return WriteError(res, id.status());
    auto parcel = svc.GetParcel(p, warehouse::ParcelId(*id));
    if (!parcel.ok()) return WriteError(res, parcel.status());
    WriteJson(res, 200, warehouse_flow::ParcelJson(*parcel));
  });
  add("POST", parcels + "/{id}/ship",
      [&svc](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        const Body b(*body);
        const auto parse = [&]() -> Result<warehouse_flow::ShipDraft> {
          XB_RETURN_IF_ERROR(b.Known({"carrier_id", "waybill_no"}));
          warehouse_flow::ShipDraft d;
          XB_ASSIGN_OR_RETURN(d.carrier_id, b.NeedInt("carrier_id"));
          XB_ASSIGN_OR_RETURN(auto waybill, b.Text("waybill_no"));
          d.waybill_no = waybill.value_or("");
          return d;
        };
        auto draft = parse();
        if (!draft.ok()) return WriteError(res, draft.status());
        bool replayed = false;
        auto parcel = svc.Ship(ContextOf(req, p), warehouse::ParcelId(*id), *draft, &replayed);
        if (!parcel.ok()) return WriteError(res, parcel.status());
        MarkReplayed(res, replayed);
        WriteJson(res, 200, warehouse_flow::ParcelJson(*parcel));
      });

  // --- scanner terminals -----------------------------------------------------------------------
  // Both answer once the writer's transaction is durable, without holding an I/O thread.
  add("POST", "/api/v1/devices/{device_id}/events",
      [&terminal](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        auto event = ParseDeviceEvent(*body, req.params["device_id"]);
        if (!event.ok()) return WriteError(res, event.status());
        res.defer = [&terminal, ctx = DeviceContextOf(req, p), event = *event](Responder reply) {
          terminal.HandleAsync(ctx, event,
                               [reply = std::move(reply)](Result<warehouse_flow::DeviceAnswer> a) {
                                 HttpResponse out;
                                 if (!a.ok()) {
                                   WriteError(out, a.status());
                                 } else {
                                   WriteAnswer(out, *a);
                                 }
                                 reply(std::move(out));
                               });
        };
      });
  add("POST", "/api/v1/devices/{device_id}/events/batch",
      [&terminal](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        const Body b(*body);
        if (Status st = b.Known({"events"}); !st.ok()) return WriteError(res, st);
        auto list = b.Array("events");
        if (!list.ok()) return WriteError(res, list.status());
        if ((*list)->size() > kMaxBatch) {
          return WriteError(res, InvalidArgument("events: at most " + std::to_string(kMaxBatch) +
                                                     " events per batch",
                                                 "events"));
        }
        const std::string& device = req.params["device_id"];
        // Items that are no event are answered in place; the others go to the terminal.
        std::vector<warehouse::DeviceEvent> events;
        std::vector<std::string> malformed((*list)->size());
        std::vector<std::size_t> slot;
        for (std::size_t i = 0; i < (*list)->size(); ++i) {
          auto e = ParseDeviceEvent((**list)[i], device, "events[" + std::to_string(i) + "].");
          if (!e.ok()) {
            malformed[i] = ItemError(e.status());
            continue;
          }
          slot.push_back(i);
          events.push_back(std::move(e).value());
        }
        // Runs once: what it holds moves on into the answer's callback.
        res.defer = [&terminal, ctx = DeviceContextOf(req, p), events = std::move(events),
                     malformed = std::move(malformed),
                     slot = std::move(slot)](Responder reply) mutable {
          terminal.HandleBatchAsync(
              ctx, std::move(events),
              // Called on the terminal's writer thread: the answer is written with appends only.
              [reply = std::move(reply), malformed = std::move(malformed),
               slot = std::move(slot)](Result<std::vector<warehouse_flow::DeviceAnswer>> answers) {
                HttpResponse out;
                if (!answers.ok()) {
                  WriteError(out, answers.status());
                  return reply(std::move(out));
                }
                std::string& text = out.body;
                std::size_t size = 16;
                for (const auto& a : *answers) size += a.body.size() + 48;
                for (const auto& m : malformed) size += m.size() + 48;
                text.reserve(size);
                text += "{\"results\":[";
                std::size_t k = 0;
                for (std::size_t i = 0; i < malformed.size(); ++i) {
                  if (i > 0) text += ',';
                  if (k < slot.size() && slot[k] == i) {
                    const auto& a = (*answers)[k++];
                    text += "{\"http_status\":";
                    text += std::to_string(a.status);
                    text += a.replayed ? ",\"replayed\":true,\"answer\":"
                                       : ",\"replayed\":false,\"answer\":";
                    text += a.body;
                    text += '}';
                  } else {
                    text += "{\"http_status\":400,\"replayed\":false,\"answer\":";
                    text += malformed[i];
                    text += '}';
                  }
                }
                text += "]}";
                out.status = 200;
                out.content_type = "application/json";
                reply(std::move(out));
              });
        };
      });

  add("GET", "/api/v1/gs1/parse", [](HttpRequest& req, HttpResponse& res, const Principal&) {
    if (Status st = KnownParams(req, {"code"}); !st.ok()) return WriteError(res, st);
    auto code = Param(req, "code");
    if (!code || code->empty())
      return WriteError(res, InvalidArgument("code: is required", "code"));
    auto scan = warehouse::ParseGs1(*code, Date::OfTimestamp(SystemClock().Now()));
    if (!scan.ok()) {
      std::string message = scan.status().message();
      if (message.rfind("barcode: ", 0) == 0) message = "code: " + message.substr(9);
      return WriteError(res, InvalidArgument(message, "code"));
    }
    WriteJson(res, 200, warehouse_flow::ScanJson(*scan));
  });
}

}  // namespace xb::http
