#include "adapters/http/inventory_routes.h"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/crypto/key_crypto.h"
#include "adapters/csv/csv.h"
#include "adapters/http/handler_support.h"
#include "core/record.h"
#include "core/text.h"

namespace xb::http {
namespace {

using access::Principal;
using inventory::StockState;
using inventory_flow::RequestContext;
using nlohmann::json;

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;

template <class E>
std::string EnumName(E e) {
  return std::string(inventory::EnumChoices(e)[static_cast<std::size_t>(e)]);
}

template <class E>
std::optional<E> EnumFrom(std::string_view name) {
  const auto choices = inventory::EnumChoices(E{});
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <class E>
std::string ChoicesText() {
  std::string out;
  for (const auto c : inventory::EnumChoices(E{})) {
    out += (out.empty() ? "" : ", ") + std::string(c);
  }
  return out;
}

json DateOrNull(const std::optional<Date>& d) { return d ? json(d->ToIso8601()) : json(); }

Timestamp StartOf(Date d) { return Timestamp::FromMicros(std::int64_t{d.days()} * kMicrosPerDay); }

// --- query parameters ----------------------------------------------------------------------

// A point in time: RFC 3339, or a date, which stands for the start of that day (UTC), or with
// `end_of_day` for its end (the start of the next day).
Result<std::optional<Timestamp>> TimeParam(const HttpRequest& req, const std::string& key,
                                           bool end_of_day) {
  auto text = Param(req, key);
  if (!text) return std::optional<Timestamp>();
  if (auto d = Date::ParseIso8601(*text); d.ok()) {
    return std::optional<Timestamp>(StartOf(end_of_day ? d->AddDays(1) : *d));
  }
  auto t = Timestamp::ParseIso8601(*text);
  if (!t.ok()) {
    return InvalidArgument(key + ": must be a time like 2026-11-25T08:30:00Z or a date", key);
  }
  return std::optional<Timestamp>(*t);
}

Result<std::optional<bool>> BoolParam(const HttpRequest& req, const std::string& key) {
  auto text = Param(req, key);
  if (!text) return std::optional<bool>();
  if (*text == "true" || *text == "1") return std::optional<bool>(true);
  if (*text == "false" || *text == "0") return std::optional<bool>(false);
  return InvalidArgument(key + ": must be true or false", key);
}

template <class E>
Result<std::optional<E>> EnumParam(const HttpRequest& req, const std::string& key) {
  auto text = Param(req, key);
  if (!text) return std::optional<E>();
  auto e = EnumFrom<E>(*text);
  if (!e) return InvalidArgument(key + ": must be one of " + ChoicesText<E>(), key);
  return std::optional<E>(*e);
}

Result<std::pair<std::int64_t, std::int64_t>> Paging(const HttpRequest& req) {
  XB_ASSIGN_OR_RETURN(auto limit, IntParam(req, "limit"));
  XB_ASSIGN_OR_RETURN(auto offset, IntParam(req, "offset"));
  return std::make_pair(limit.value_or(50), offset.value_or(0));
}

json PageJson(json items, std::int64_t total, std::int64_t limit, std::int64_t offset) {
  return {{"items", std::move(items)}, {"total", total}, {"limit", limit}, {"offset", offset}};
}

// The balance filters shared by /stock and /stock/as-of.
Result<inventory::BalanceQuery> ParseBalanceQuery(const HttpRequest& req) {
  inventory::BalanceQuery q;
  XB_ASSIGN_OR_RETURN(q.warehouse_id, IntParam(req, "warehouse_id"));
  XB_ASSIGN_OR_RETURN(q.bin_id, IntParam(req, "bin_id"));
  XB_ASSIGN_OR_RETURN(q.sku_id, IntParam(req, "sku_id"));
  XB_ASSIGN_OR_RETURN(auto lot, IntParam(req, "lot_id"));
  if (lot) q.lot_id = inventory::LotId(*lot);
  q.owner = Param(req, "owner");
  XB_ASSIGN_OR_RETURN(q.state, EnumParam<StockState>(req, "state"));
  XB_ASSIGN_OR_RETURN(q.expires_before, DateParam(req, "expires_before"));
  XB_ASSIGN_OR_RETURN(q.expires_after, DateParam(req, "expires_after"));
  XB_ASSIGN_OR_RETURN(auto zero, BoolParam(req, "include_zero"));
  q.include_zero = zero.value_or(false);
  XB_ASSIGN_OR_RETURN(auto paging, Paging(req));
  q.limit = paging.first;
  q.offset = paging.second;
  return q;
}

// --- CSV exports -----------------------------------------------------------------------------

// `format=csv` asks for every row matching the filters as CSV; `format=json` or none for the JSON
// page.
Result<bool> CsvWanted(const HttpRequest& req) {
  const auto format = Param(req, "format");
  if (!format || *format == "json") return false;
  if (*format == "csv") return true;
  return InvalidArgument("format: must be json or csv", "format");
}

// A CSV answer (RFC 4180, CRLF line ends): a header row of the JSON field names, then one row per
// item. Numbers are written as they are; text goes through csv::Cell (quoted where needed, guarded
// against spreadsheet formulas); an absent value is an empty cell.
class CsvOut {
 public:
  explicit CsvOut(std::span<const std::string_view> header,
                  std::initializer_list<std::string_view> more = {}) {
    for (const auto name : header) Text(name);
    for (const auto name : more) Text(name);
    End();
  }
  CsvOut& Num(std::int64_t v) {
    Sep();
    body_ += std::to_string(v);
    return *this;
  }
  CsvOut& Num(const std::optional<std::int64_t>& v) {
    Sep();
    if (v) body_ += std::to_string(*v);
    return *this;
  }
  CsvOut& Text(std::string_view v) {
    Sep();
    body_ += csv::Cell(v);
    return *this;
  }
  CsvOut& Day(const std::optional<Date>& d) { return Text(d ? d->ToIso8601() : std::string()); }
  void End() {
    body_ += "\r\n";
    first_ = true;
  }
  void Send(HttpResponse& res, const std::string& filename) {
    res.status = 200;
    res.content_type = "text/csv; charset=utf-8";
    res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    res.body = std::move(body_);
  }

 private:
  void Sep() {
    if (!first_) body_ += ',';
    first_ = false;
  }
  std::string body_;
  bool first_ = true;
};

constexpr std::array<std::string_view, 9> kBalanceColumns{
    "warehouse_id", "bin_id", "sku_id", "lot_id", "lot_number",
    "expiry_date",  "owner",  "state",  "on_hand"};

void BalanceCells(CsvOut& out, const inventory::Balance& b) {
  out.Num(b.key.warehouse_id)
      .Num(b.key.bin_id)
      .Num(b.key.sku_id)
      .Num(b.key.lot_id.value())
      .Text(b.lot_number)
      .Day(b.expiry_date)
      .Text(b.key.owner)
      .Text(EnumName(b.key.state))
      .Num(b.on_hand);
}

void SendBalances(HttpResponse& res, const std::vector<inventory::Balance>& balances,
                  const std::string& filename) {
  CsvOut out(kBalanceColumns);
  for (const auto& b : balances) {
    BalanceCells(out, b);
    out.End();
  }
  out.Send(res, filename);
}

constexpr std::array<std::string_view, 18> kMovementColumns{
    "id",          "at",         "sku_id",          "lot_id",    "owner",    "from_warehouse_id",
    "from_bin_id", "from_state", "to_warehouse_id", "to_bin_id", "to_state", "quantity",
    "reason",      "ref_type",   "ref_id",          "device",    "actor",    "note"};

constexpr std::array<std::string_view, 11> kSummaryColumns{
    "warehouse_id", "sku_id", "owner",   "on_hand",    "reserved", "available",
    "held",         "picked", "inbound", "in_transit", "projected"};

void MovementCells(CsvOut& out, const inventory::Movement& m) {
  out.Num(m.id).Text(m.at.ToIso8601()).Num(m.sku_id).Num(m.lot_id.value()).Text(m.owner);
  for (const auto& place : {m.from, m.to}) {
    if (place) {
      out.Num(place->warehouse_id).Num(place->bin_id).Text(EnumName(place->state));
    } else {
      out.Text("").Text("").Text("");
    }
  }
  out.Num(m.quantity)
      .Text(EnumName(m.reason))
      .Text(m.ref_type)
      .Text(m.ref_id)
      .Text(m.device)
      .Text(m.actor)
      .Text(m.note);
}

// --- request bodies --------------------------------------------------------------------------

// Typed members of a JSON object body; messages and error fields name the member.
class Body {
 public:
  explicit Body(const json& obj) : obj_(obj) {}

  Status Known(std::initializer_list<std::string_view> names) const {
    for (const auto& [key, value] : obj_.items()) {
      bool known = false;
      for (const auto n : names) known = known || n == key;
      if (!known) return InvalidArgument("unknown field '" + key + "'", key);
    }
    return Status::Ok();
  }
  bool Has(const std::string& key) const { return obj_.contains(key) && !obj_[key].is_null(); }
  Result<std::optional<std::int64_t>> Int(const std::string& key) const {
    if (!Has(key)) return std::optional<std::int64_t>();
    const json& v = obj_[key];
    if (!v.is_number_integer() ||
        (v.is_number_unsigned() &&
         v.get<std::uint64_t>() >
             static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))) {
      return InvalidArgument(key + ": must be an integer", key);
    }
    return std::optional<std::int64_t>(v.get<std::int64_t>());
  }
  Result<std::int64_t> NeedInt(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto v, Int(key));
    if (!v) return InvalidArgument(key + ": is required", key);
    return *v;
  }
  Result<std::optional<std::string>> Text(const std::string& key) const {
    if (!Has(key)) return std::optional<std::string>();
    if (!obj_[key].is_string()) return InvalidArgument(key + ": must be a string", key);
    return std::optional<std::string>(obj_[key].get<std::string>());
  }
  Result<std::optional<Date>> Day(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto text, Text(key));
    if (!text) return std::optional<Date>();
    auto d = Date::ParseIso8601(*text);
    if (!d.ok()) return InvalidArgument(key + ": must be a date like 2026-11-25", key);
    return std::optional<Date>(*d);
  }
  Result<std::optional<StockState>> State(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto text, Text(key));
    if (!text) return std::optional<StockState>();
    auto e = EnumFrom<StockState>(*text);
    if (!e) return InvalidArgument(key + ": must be one of " + ChoicesText<StockState>(), key);
    return std::optional<StockState>(*e);
  }

 private:
  const json& obj_;
};

RequestContext ContextOf(const HttpRequest& req, const Principal& p) {
  RequestContext ctx;
  ctx.principal = p;
  ctx.request_id = req.request_id;
  const auto key = Trim(req.Header("idempotency-key"));
  if (!key.empty()) {
    ctx.idempotency_key = std::string(key);
    ctx.request_hash = crypto::Sha256Hex(req.method + " " + req.path + "\n" + req.body);
  }
  return ctx;
}

// The place, SKU, lot and owner every manual change names.
struct PlaceFields {
  std::int64_t warehouse_id = 0;
  std::int64_t bin_id = 0;
  std::int64_t sku_id = 0;
  std::int64_t lot_id = 0;
  std::string owner{inventory::kOwnStock};
  std::string note;
};

Result<PlaceFields> ParsePlace(const Body& b) {
  PlaceFields f;
  XB_ASSIGN_OR_RETURN(f.warehouse_id, b.NeedInt("warehouse_id"));
  XB_ASSIGN_OR_RETURN(f.bin_id, b.NeedInt("bin_id"));
  XB_ASSIGN_OR_RETURN(f.sku_id, b.NeedInt("sku_id"));
  XB_ASSIGN_OR_RETURN(auto lot, b.Int("lot_id"));
  f.lot_id = lot.value_or(0);
  XB_ASSIGN_OR_RETURN(auto owner, b.Text("owner"));
  if (owner) f.owner = *owner;
  XB_ASSIGN_OR_RETURN(auto note, b.Text("note"));
  f.note = note.value_or("");
  return f;
}

Result<inventory_flow::AdjustmentDraft> ParseAdjustment(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known({"warehouse_id", "bin_id", "sku_id", "lot_id", "owner", "state",
                              "quantity", "reason_code", "note"}));
  XB_ASSIGN_OR_RETURN(auto place, ParsePlace(b));
  inventory_flow::AdjustmentDraft d;
  d.warehouse_id = place.warehouse_id;
  d.bin_id = place.bin_id;
  d.sku_id = place.sku_id;
  d.lot_id = place.lot_id;
  d.owner = place.owner;
  d.note = place.note;
  XB_ASSIGN_OR_RETURN(auto state, b.State("state"));
  d.state = state.value_or(StockState::kAvailable);
  XB_ASSIGN_OR_RETURN(d.quantity, b.NeedInt("quantity"));
  XB_ASSIGN_OR_RETURN(auto reason, b.Text("reason_code"));
  d.reason_code = reason.value_or("");
  return d;
}

Result<inventory_flow::HoldDraft> ParseHold(const json& body, const std::string& state_field) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known(
      {"warehouse_id", "bin_id", "sku_id", "lot_id", "owner", "quantity", state_field, "note"}));
  XB_ASSIGN_OR_RETURN(auto place, ParsePlace(b));
  inventory_flow::HoldDraft d;
  d.warehouse_id = place.warehouse_id;
  d.bin_id = place.bin_id;
  d.sku_id = place.sku_id;
  d.lot_id = place.lot_id;
  d.owner = place.owner;
  d.note = place.note;
  XB_ASSIGN_OR_RETURN(d.quantity, b.NeedInt("quantity"));
  XB_ASSIGN_OR_RETURN(auto state, b.State(state_field));
  if (!state) return InvalidArgument(state_field + ": is required", state_field);
  d.state = *state;
  return d;
}

Result<inventory_flow::LotDraft> ParseLot(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known({"sku_id", "lot_number", "production_date", "expiry_date"}));
  inventory_flow::LotDraft d;
  XB_ASSIGN_OR_RETURN(d.sku_id, b.NeedInt("sku_id"));
  XB_ASSIGN_OR_RETURN(auto number, b.Text("lot_number"));
  d.lot_number = number.value_or("");
  XB_ASSIGN_OR_RETURN(d.production_date, b.Day("production_date"));
  XB_ASSIGN_OR_RETURN(d.expiry_date, b.Day("expiry_date"));
  return d;
}

Result<inventory_flow::ReserveDraft> ParseReserve(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known({"warehouse_id", "sku_id", "owner", "quantity", "order_ref",
                              "channel_id", "min_remaining_days", "hold_seconds"}));
  inventory_flow::ReserveDraft d;
  XB_ASSIGN_OR_RETURN(d.warehouse_id, b.NeedInt("warehouse_id"));
  XB_ASSIGN_OR_RETURN(d.sku_id, b.NeedInt("sku_id"));
  XB_ASSIGN_OR_RETURN(auto owner, b.Text("owner"));
  if (owner) d.owner = *owner;
  XB_ASSIGN_OR_RETURN(d.quantity, b.NeedInt("quantity"));
  XB_ASSIGN_OR_RETURN(auto order, b.Text("order_ref"));
  d.order_ref = order.value_or("");
  XB_ASSIGN_OR_RETURN(d.channel_id, b.Int("channel_id"));
  XB_ASSIGN_OR_RETURN(d.min_remaining_days, b.Int("min_remaining_days"));
  XB_ASSIGN_OR_RETURN(d.hold_seconds, b.Int("hold_seconds"));
  return d;
}

}  // namespace

// --- JSON forms ------------------------------------------------------------------------------

json BalanceToJson(const inventory::Balance& b) {
  return {{"warehouse_id", b.key.warehouse_id},
          {"bin_id", b.key.bin_id},
          {"sku_id", b.key.sku_id},
          {"lot_id", b.key.lot_id.value()},
          {"lot_number", b.lot_number.empty() ? json() : json(b.lot_number)},
          {"expiry_date", DateOrNull(b.expiry_date)},
          {"owner", b.key.owner},
          {"state", EnumName(b.key.state)},
          {"on_hand", b.on_hand}};
}

json SummaryToJson(const inventory_flow::StockSummary& s) {
  return {{"warehouse_id", s.warehouse_id},
          {"sku_id", s.sku_id},
          {"owner", s.owner},
          {"on_hand", s.on_hand},
          {"reserved", s.reserved},
          {"available", s.available},
          {"held", s.held},
          {"picked", s.picked},
          {"inbound", s.inbound},
          {"in_transit", s.in_transit},
          {"projected", s.projected}};
}

namespace {
json PlaceToJson(const std::optional<inventory::Place>& p) {
  if (!p) return nullptr;
  return {{"warehouse_id", p->warehouse_id}, {"bin_id", p->bin_id}, {"state", EnumName(p->state)}};
}
}  // namespace

json MovementToJson(const inventory::Movement& m) {
  return {{"id", m.id},
          {"sku_id", m.sku_id},
          {"lot_id", m.lot_id.value()},
          {"owner", m.owner},
          {"from", PlaceToJson(m.from)},
          {"to", PlaceToJson(m.to)},
          {"quantity", m.quantity},
          {"reason", EnumName(m.reason)},
          {"ref_type", m.ref_type},
          {"ref_id", m.ref_id},
          {"device", m.device},
          {"actor", m.actor},
          {"note", m.note},
          {"at", m.at.ToIso8601()}};
}

json CardToJson(const inventory_flow::StockCard& card) {
  json items = json::array();
  for (const auto& line : card.items) {
    json j = MovementToJson(line.movement);
    j["signed_quantity"] = line.signed_quantity;
    j["running_balance"] = line.running_balance;
    items.push_back(std::move(j));
  }
  return {{"sku_id", card.sku_id},
          {"opening_balance", card.opening_balance},
          {"items", std::move(items)},
          {"next_after_id", card.next_after_id ? json(*card.next_after_id) : json()}};
}

json LotToJson(const inventory::Lot& lot) {
  return {{"id", lot.id.value()},
          {"sku_id", lot.sku_id},
          {"lot_number", lot.lot_number},
          {"production_date", DateOrNull(lot.production_date)},
          {"expiry_date", DateOrNull(lot.expiry_date)},
          {"created_at", lot.created_at.ToIso8601()}};
}

json ReservationToJson(const inventory::Reservation& r) {
  json lines = json::array();
  for (const auto& l : r.lines) {
    lines.push_back({{"lot_id", l.lot_id.value()}, {"quantity", l.quantity}, {"picked", l.picked}});
  }
  return {{"id", r.id.value()},
          {"warehouse_id", r.warehouse_id},
          {"sku_id", r.sku_id},
          {"owner", r.owner},
          {"order_ref", r.order_ref},
          {"quantity", r.Quantity()},
          {"picked", r.Picked()},
          // What a count loss or scrap took from it that no other lot could make up: the order
          // asked for quantity + short_quantity.
          {"short_quantity", r.short_quantity},
          {"lines", std::move(lines)},
          {"state", EnumName(r.state)},
          {"expires_at", r.expires_at ? json(r.expires_at->ToIso8601()) : json()},
          {"created_at", r.created_at.ToIso8601()},
          {"updated_at", r.updated_at.ToIso8601()}};
}

json EngineStatsToJson(const inventory_flow::EngineStats& s) {
  return {{"reserved", s.reserved},
          {"refused", s.refused},
          {"released", s.released},
          {"lapsed", s.lapsed},
          {"active", s.active},
          {"commit",
           {{"batches", s.commit.batches},
            {"pieces", s.commit.pieces},
            {"retried_alone", s.commit.retried_alone},
            {"queued", s.commit.queued}}}};
}

// --- routes ----------------------------------------------------------------------------------

void AddInventoryRoutes(Router& router, access::AccessService& access,
                        inventory_flow::StockService& stock) {
  const auto add = [&router, &access](const char* method, const std::string& pattern,
                                      AuthedHandler h) {
    router.Add(method, pattern, Authed(access, std::move(h)));
  };
  const std::string v1 = "/api/v1";

  // Stock.
  add("GET", v1 + "/stock", [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
    const auto parse = [&]() -> Result<inventory::BalanceQuery> {
      XB_RETURN_IF_ERROR(KnownParams(
          req, {"warehouse_id", "bin_id", "sku_id", "lot_id", "owner", "state", "expires_before",
                "expires_after", "include_zero", "limit", "offset", "format"}));
      return ParseBalanceQuery(req);
    };
    auto q = parse();
    if (!q.ok()) return WriteError(res, q.status());
    auto csv = CsvWanted(req);
    if (!csv.ok()) return WriteError(res, csv.status());
    if (*csv) {
      auto all = stock.ExportBalances(p, *q);
      if (!all.ok()) return WriteError(res, all.status());
      return SendBalances(res, *all, "stock.csv");
    }
    auto page = stock.ListBalances(p, *q);
    if (!page.ok()) return WriteError(res, page.status());
    json items = json::array();
    for (const auto& b : page->first) items.push_back(BalanceToJson(b));
    WriteJson(res, 200, PageJson(std::move(items), page->second, q->limit, q->offset));
  });
  add("GET", v1 + "/stock/summary",
      [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
        const auto parse = [&]() -> Result<inventory_flow::SummaryQuery> {
          XB_RETURN_IF_ERROR(
              KnownParams(req, {"warehouse_id", "sku_id", "owner", "limit", "offset", "format"}));
          inventory_flow::SummaryQuery q;
          XB_ASSIGN_OR_RETURN(q.warehouse_id, IntParam(req, "warehouse_id"));
          XB_ASSIGN_OR_RETURN(q.sku_id, IntParam(req, "sku_id"));
          q.owner = Param(req, "owner");
          XB_ASSIGN_OR_RETURN(auto paging, Paging(req));
          q.limit = paging.first;
          q.offset = paging.second;
          return q;
        };
        auto q = parse();
        if (!q.ok()) return WriteError(res, q.status());
        auto csv = CsvWanted(req);
        if (!csv.ok()) return WriteError(res, csv.status());
        if (*csv) {
          auto all = stock.ExportSummary(p, *q);
          if (!all.ok()) return WriteError(res, all.status());
          CsvOut out(kSummaryColumns);
          for (const auto& s : *all) {
            out.Num(s.warehouse_id)
                .Num(s.sku_id)
                .Text(s.owner)
                .Num(s.on_hand)
                .Num(s.reserved)
                .Num(s.available)
                .Num(s.held)
                .Num(s.picked)
                .Num(s.inbound)
                .Num(s.in_transit)
                .Num(s.projected);
            out.End();
          }
          return out.Send(res, "stock-summary.csv");
        }
        auto page = stock.Summary(p, *q);
        if (!page.ok()) return WriteError(res, page.status());
        json items = json::array();
        for (const auto& s : page->first) items.push_back(SummaryToJson(s));
        WriteJson(res, 200, PageJson(std::move(items), page->second, q->limit, q->offset));
      });
  add("GET", v1 + "/stock/as-of",
      [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
        std::optional<Timestamp> at;
        const auto parse = [&]() -> Result<inventory::BalanceQuery> {
          XB_RETURN_IF_ERROR(KnownParams(req, {"at", "warehouse_id", "bin_id", "sku_id", "lot_id",
                                               "owner", "state", "expires_before", "expires_after",
                                               "include_zero", "limit", "offset", "format"}));
          // A date means the end of that day.
          XB_ASSIGN_OR_RETURN(at, TimeParam(req, "at", true));
          if (!at) return InvalidArgument("at: is required", "at");
          return ParseBalanceQuery(req);
        };
        auto q = parse();
        if (!q.ok()) return WriteError(res, q.status());
        auto csv = CsvWanted(req);
        if (!csv.ok()) return WriteError(res, csv.status());
        if (*csv) {
          auto all = stock.ExportAsOf(p, *q, *at);
          if (!all.ok()) return WriteError(res, all.status());
          return SendBalances(res, *all, "stock-as-of.csv");
        }
        auto page = stock.AsOf(p, *q, *at);
        if (!page.ok()) return WriteError(res, page.status());
        json items = json::array();
        for (const auto& b : page->first) items.push_back(BalanceToJson(b));
        json out = PageJson(std::move(items), page->second, q->limit, q->offset);
        out["at"] = at->ToIso8601();
        WriteJson(res, 200, out);
      });
  add("GET", v1 + "/stock/expiring",
      [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
        const auto parse = [&]() -> Result<inventory_flow::ExpiringQuery> {
          XB_RETURN_IF_ERROR(KnownParams(
              req, {"warehouse_id", "sku_id", "owner", "days", "limit", "offset", "format"}));
          inventory_flow::ExpiringQuery q;
          XB_ASSIGN_OR_RETURN(q.warehouse_id, IntParam(req, "warehouse_id"));
          XB_ASSIGN_OR_RETURN(q.sku_id, IntParam(req, "sku_id"));
          q.owner = Param(req, "owner");
          XB_ASSIGN_OR_RETURN(auto days, IntParam(req, "days"));
          q.days = days.value_or(30);
          XB_ASSIGN_OR_RETURN(auto paging, Paging(req));
          q.limit = paging.first;
          q.offset = paging.second;
          return q;
        };
        auto q = parse();
        if (!q.ok()) return WriteError(res, q.status());
        auto csv = CsvWanted(req);
        if (!csv.ok()) return WriteError(res, csv.status());
        if (*csv) {
          auto all = stock.ExportExpiring(p, *q);
          if (!all.ok()) return WriteError(res, all.status());
          CsvOut out(kBalanceColumns, {"days_left", "status"});
          for (const auto& line : all->items) {
            BalanceCells(out, line.balance);
            out.Num(line.days_left).Text(line.expired ? "expired" : "near_expiry");
            out.End();
          }
          return out.Send(res, "stock-expiring.csv");
        }
        auto report = stock.Expiring(p, *q);
        if (!report.ok()) return WriteError(res, report.status());
        json items = json::array();
        for (const auto& line : report->items) {
          json j = BalanceToJson(line.balance);
          j["days_left"] = line.days_left;
          j["status"] = line.expired ? "expired" : "near_expiry";
          items.push_back(std::move(j));
        }
        json out = PageJson(std::move(items), report->total, q->limit, q->offset);
        out["today"] = report->today.ToIso8601();
        out["days"] = q->days;
        WriteJson(res, 200, out);
      });
  add("GET", v1 + "/skus/{id}/stock-card",
      [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
        const auto parse = [&]() -> Result<inventory_flow::StockCardQuery> {
          XB_ASSIGN_OR_RETURN(auto id, PathId(req));
          XB_RETURN_IF_ERROR(KnownParams(
              req, {"warehouse_id", "owner", "from", "to", "after_id", "limit", "format"}));
          inventory_flow::StockCardQuery q;
          q.sku_id = id;
          XB_ASSIGN_OR_RETURN(q.warehouse_id, IntParam(req, "warehouse_id"));
          q.owner = Param(req, "owner");
          XB_ASSIGN_OR_RETURN(q.from, TimeParam(req, "from", false));
          XB_ASSIGN_OR_RETURN(q.to, TimeParam(req, "to", true));
          XB_ASSIGN_OR_RETURN(auto after, IntParam(req, "after_id"));
          q.after_id = after.value_or(0);
          XB_ASSIGN_OR_RETURN(auto limit, IntParam(req, "limit"));
          q.limit = limit.value_or(100);
          return q;
        };
        auto q = parse();
        if (!q.ok()) return WriteError(res, q.status());
        auto csv = CsvWanted(req);
        if (!csv.ok()) return WriteError(res, csv.status());
        if (*csv) {
          // The opening balance is the running balance before the first row; it is also sent as
          // the X-Opening-Balance header, for a window without movements.
          auto all = stock.ExportCard(p, *q);
          if (!all.ok()) return WriteError(res, all.status());
          CsvOut out(kMovementColumns, {"signed_quantity", "running_balance"});
          for (const auto& line : all->items) {
            MovementCells(out, line.movement);
            out.Num(line.signed_quantity).Num(line.running_balance);
            out.End();
          }
          res.headers.emplace_back("X-Opening-Balance", std::to_string(all->opening_balance));
          return out.Send(res, "stock-card-" + std::to_string(q->sku_id) + ".csv");
        }
        auto card = stock.Card(p, *q);
        if (!card.ok()) return WriteError(res, card.status());
        WriteJson(res, 200, CardToJson(*card));
      });
  add("GET", v1 + "/movements", [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
    const auto parse = [&]() -> Result<inventory::MovementQuery> {
      XB_RETURN_IF_ERROR(KnownParams(req, {"sku_id", "warehouse_id", "lot_id", "owner", "ref_type",
                                           "ref_id", "from", "to", "after_id", "limit", "format"}));
      inventory::MovementQuery q;
      XB_ASSIGN_OR_RETURN(q.sku_id, IntParam(req, "sku_id"));
      XB_ASSIGN_OR_RETURN(q.warehouse_id, IntParam(req, "warehouse_id"));
      XB_ASSIGN_OR_RETURN(auto lot, IntParam(req, "lot_id"));
      if (lot) q.lot_id = inventory::LotId(*lot);
      q.owner = Param(req, "owner");
      q.ref_type = Param(req, "ref_type");
      q.ref_id = Param(req, "ref_id");
      XB_ASSIGN_OR_RETURN(q.from, TimeParam(req, "from", false));
      XB_ASSIGN_OR_RETURN(q.to, TimeParam(req, "to", true));
      XB_ASSIGN_OR_RETURN(auto after, IntParam(req, "after_id"));
      q.after_id = after.value_or(0);
      XB_ASSIGN_OR_RETURN(auto limit, IntParam(req, "limit"));
      q.limit = limit.value_or(100);
      return q;
    };
    auto q = parse();
    if (!q.ok()) return WriteError(res, q.status());
    auto csv = CsvWanted(req);
    if (!csv.ok()) return WriteError(res, csv.status());
    if (*csv) {
      auto all = stock.ExportMovements(p, *q);
      if (!all.ok()) return WriteError(res, all.status());
      CsvOut out(kMovementColumns);
      for (const auto& m : *all) {
        MovementCells(out, m);
        out.End();
      }
      return out.Send(res, "movements.csv");
    }
    auto list = stock.Movements(p, *q);
    if (!list.ok()) return WriteError(res, list.status());
    json items = json::array();
    for (const auto& m : *list) items.push_back(MovementToJson(m));
    const bool full = static_cast<std::int64_t>(list->size()) == q->limit;
    WriteJson(res, 200,
              {{"items", std::move(items)},
               {"next_after_id", full && !list->empty() ? json(list->back().id) : json()}});
  });

  // Manual changes: each answers the movement it posted.
  const auto post_movement = [&add](const std::string& pattern, auto call) {
    add("POST", pattern, [call](HttpRequest& req, HttpResponse& res, const Principal& p) {
      auto body = ParseBody(req);
      if (!body.ok()) return WriteError(res, body.status());
      auto posted = call(ContextOf(req, p), *body);
      if (!posted.ok()) return WriteError(res, posted.status());
      if (posted->replayed) res.headers.emplace_back("Idempotent-Replayed", "true");
      WriteJson(res, 201, MovementToJson(posted->record));
    });
  };
  post_movement(v1 + "/adjustments",
                [&stock](const RequestContext& ctx,
                         const json& body) -> Result<inventory_flow::Created<inventory::Movement>> {
                  XB_ASSIGN_OR_RETURN(auto draft, ParseAdjustment(body));
                  return stock.Adjust(ctx, draft);
                });
  post_movement(v1 + "/stock/hold",
                [&stock](const RequestContext& ctx,
                         const json& body) -> Result<inventory_flow::Created<inventory::Movement>> {
                  XB_ASSIGN_OR_RETURN(auto draft, ParseHold(body, "state"));
                  return stock.Hold(ctx, draft);
                });
  post_movement(v1 + "/stock/release",
                [&stock](const RequestContext& ctx,
                         const json& body) -> Result<inventory_flow::Created<inventory::Movement>> {
                  XB_ASSIGN_OR_RETURN(auto draft, ParseHold(body, "from_state"));
                  return stock.Release(ctx, draft);
                });

  // Lots.
  add("GET", v1 + "/lots", [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
    const auto parse = [&]() -> Result<inventory::LotQuery> {
      XB_RETURN_IF_ERROR(
          KnownParams(req, {"sku_id", "lot_number", "expires_before", "limit", "offset"}));
      inventory::LotQuery q;
      XB_ASSIGN_OR_RETURN(q.sku_id, IntParam(req, "sku_id"));
      q.lot_number = Param(req, "lot_number");
      XB_ASSIGN_OR_RETURN(q.expires_before, DateParam(req, "expires_before"));
      XB_ASSIGN_OR_RETURN(auto paging, Paging(req));
      q.limit = paging.first;
      q.offset = paging.second;
      return q;
    };
    auto q = parse();
    if (!q.ok()) return WriteError(res, q.status());
    auto page = stock.ListLots(p, *q);
    if (!page.ok()) return WriteError(res, page.status());
    json items = json::array();
    for (const auto& lot : page->first) items.push_back(LotToJson(lot));
    WriteJson(res, 200, PageJson(std::move(items), page->second, q->limit, q->offset));
  });
  add("POST", v1 + "/lots", [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.status());
    auto draft = ParseLot(*body);
    if (!draft.ok()) return WriteError(res, draft.status());
    auto created = stock.CreateLot(ContextOf(req, p), *draft);
    if (!created.ok()) return WriteError(res, created.status());
    if (created->replayed) res.headers.emplace_back("Idempotent-Replayed", "true");
    res.headers.emplace_back("Location",
                             "/api/v1/lots/" + std::to_string(created->record.id.value()));
    WriteJson(res, 201, LotToJson(created->record));
  });
  add("GET", v1 + "/lots/{id}", [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return WriteError(res, id.status());
    auto lot = stock.GetLot(p, inventory::LotId(*id));
    if (!lot.ok()) return WriteError(res, lot.status());
    WriteJson(res, 200, LotToJson(*lot));
  });

  // Reservations.
  add("POST", v1 + "/reservations",
      [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        auto draft = ParseReserve(*body);
        if (!draft.ok()) return WriteError(res, draft.status());
        // The answer waits for the group commit without holding an I/O thread.
        res.defer = [&stock, ctx = ContextOf(req, p), draft = *draft](Responder reply) {
          stock.ReserveAsync(
              ctx, draft, [reply = std::move(reply)](Result<inventory_flow::ReserveAnswer> answer) {
                HttpResponse out;
                if (!answer.ok()) {
                  WriteError(out, answer.status());
                } else {
                  if (answer->replayed) out.headers.emplace_back("Idempotent-Replayed", "true");
                  out.headers.emplace_back(
                      "Location",
                      "/api/v1/reservations/" + std::to_string(answer->reservation.id.value()));
                  WriteJson(out, answer->replayed ? 200 : 201,
                            ReservationToJson(answer->reservation));
                }
                reply(std::move(out));
              });
        };
      });
  add("GET", v1 + "/reservations",
      [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
        const auto parse = [&]() -> Result<inventory::ReservationQuery> {
          XB_RETURN_IF_ERROR(KnownParams(
              req, {"warehouse_id", "sku_id", "order_ref", "state", "limit", "offset"}));
          inventory::ReservationQuery q;
          XB_ASSIGN_OR_RETURN(q.warehouse_id, IntParam(req, "warehouse_id"));
          XB_ASSIGN_OR_RETURN(q.sku_id, IntParam(req, "sku_id"));
          q.order_ref = Param(req, "order_ref");
          XB_ASSIGN_OR_RETURN(q.state, EnumParam<inventory::ReservationState>(req, "state"));
          XB_ASSIGN_OR_RETURN(auto paging, Paging(req));
          q.limit = paging.first;
          q.offset = paging.second;
          return q;
        };
        auto q = parse();
        if (!q.ok()) return WriteError(res, q.status());
        auto page = stock.ListReservations(p, *q);
        if (!page.ok()) return WriteError(res, page.status());
        json items = json::array();
        for (const auto& r : page->first) items.push_back(ReservationToJson(r));
        WriteJson(res, 200, PageJson(std::move(items), page->second, q->limit, q->offset));
      });
  add("GET", v1 + "/reservations/{id}",
      [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto r = stock.GetReservation(p, inventory::ReservationId(*id));
        if (!r.ok()) return WriteError(res, r.status());
        WriteJson(res, 200, ReservationToJson(*r));
      });
  const auto change = [&stock](bool release) {
    return [&stock, release](HttpRequest& req, HttpResponse& res, const Principal& p) {
      auto id = PathId(req);
      if (!id.ok()) return WriteError(res, id.status());
      if (!Trim(req.body).empty()) {
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        if (Status st = Body(*body).Known({}); !st.ok()) return WriteError(res, st);
      }
      const auto ctx = ContextOf(req, p);
      const inventory::ReservationId rid(*id);
      auto r = release ? stock.ReleaseReservation(ctx, rid) : stock.ConfirmReservation(ctx, rid);
      if (!r.ok()) return WriteError(res, r.status());
      WriteJson(res, 200, ReservationToJson(*r));
    };
  };
  add("POST", v1 + "/reservations/{id}/release", change(true));
  add("POST", v1 + "/reservations/{id}/confirm", change(false));
  add("GET", v1 + "/inventory/engine",
      [&stock](HttpRequest& req, HttpResponse& res, const Principal& p) {
        if (Status st = KnownParams(req, {}); !st.ok()) return WriteError(res, st);
        auto stats = stock.Engine(p);
        if (!stats.ok()) return WriteError(res, stats.status());
        WriteJson(res, 200, EngineStatsToJson(*stats));
      });
}

}  // namespace xb::http
