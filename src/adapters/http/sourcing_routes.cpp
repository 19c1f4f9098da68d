#include "adapters/http/sourcing_routes.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/crypto/key_crypto.h"
#include "adapters/http/handler_support.h"
#include "core/money.h"
#include "core/text.h"
#include "domain/suppliers/ahp.h"

namespace xb::http {
namespace {

using access::Principal;
using nlohmann::json;
using procurement::PurchaseOrderId;
using suppliers::TreeVersionId;

// --- enums, money, optional values ------------------------------------------------------------

template <class E>
std::string EnumName(E e) {
  return std::string(EnumChoices(e)[static_cast<std::size_t>(e)]);
}

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

std::string MoneyText(std::int64_t minor, std::string_view currency) {
  auto cur = Currency::Of(currency);
  return Money(minor, cur.ok() ? *cur : Currency::Cny()).ToDecimalString();
}

template <class T>
json OrNull(const std::optional<T>& v) {
  return v ? json(*v) : json();
}

std::string DirectionName(suppliers::Direction d) {
  return d == suppliers::Direction::kLowerIsBetter ? "lower_is_better" : "higher_is_better";
}

// --- reading request bodies --------------------------------------------------------------------

// Typed members of a JSON object. Messages name the member with `where` before it ("lines[2].");
// the error's field is `field` when set (members of nested objects), else the member.
class Reader {
 public:
  explicit Reader(const json& obj, std::string where = {}, std::string field = {})
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
  bool Present(const std::string& key) const { return obj_.contains(key); }
  Status Bad(const std::string& key, const std::string& what) const {
    return InvalidArgument(where_ + key + ": " + what, FieldOf(key));
  }
  Status Need(const std::string& key) const {
    return Has(key) ? Status::Ok() : Bad(key, "is required");
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
  Result<std::optional<double>> Number(const std::string& key) const {
    if (!Has(key)) return std::optional<double>();
    if (!obj_[key].is_number()) return Bad(key, "must be a number");
    const double d = obj_[key].get<double>();
    if (!std::isfinite(d)) return Bad(key, "must be a finite number");
    return std::optional<double>(d);
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
  // A money amount: decimal text ("12.50") or an integer; never a binary fraction.
  Result<std::optional<std::string>> Amount(const std::string& key) const {
    if (!Has(key)) return std::optional<std::string>();
    const json& v = obj_[key];
    if (v.is_string()) return std::optional<std::string>(v.get<std::string>());
    if (v.is_number_integer()) return std::optional<std::string>(v.dump());
    return Bad(key, "give the amount as decimal text like \"12.50\"");
  }
  template <class E>
  Result<std::optional<E>> Enum(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto text, Text(key));
    if (!text) return std::optional<E>();
    auto e = EnumFrom<E>(*text);
    if (!e) return Bad(key, "must be one of " + ChoicesText<E>());
    return std::optional<E>(*e);
  }
  const json& operator[](const std::string& key) const { return obj_[key]; }

 private:
  std::string FieldOf(const std::string& key) const { return field_.empty() ? key : field_; }

  const json& obj_;
  std::string where_;
  std::string field_;
};

// Request members that must be present.
#define XB_REQUIRED(lhs, reader, method, key)                                   \
  XB_RETURN_IF_ERROR((reader).Need(key));                                       \
  XB_ASSIGN_OR_RETURN(auto XB_CONCAT(xb_opt_, __LINE__), (reader).method(key)); \
  lhs = *XB_CONCAT(xb_opt_, __LINE__)

Result<std::optional<TreeVersionId>> TreeParam(const HttpRequest& req) {
  XB_ASSIGN_OR_RETURN(auto id, IntParam(req, "tree_id"));
  if (!id) return std::optional<TreeVersionId>();
  return std::optional<TreeVersionId>(TreeVersionId(*id));
}

Result<std::string> RequiredParam(const HttpRequest& req, const std::string& key) {
  auto v = Param(req, key);
  if (!v || v->empty()) return InvalidArgument(key + ": is required", key);
  return *v;
}

// The version of an optional body ({"version": N}); an empty body is fine.
Result<json> OptionalBody(const HttpRequest& req) {
  if (Trim(req.body).empty()) return json::object();
  return ParseBody(req);
}

sourcing::RequestContext ContextOf(const HttpRequest& req, const Principal& p) {
  sourcing::RequestContext ctx;
  ctx.principal = p;
  ctx.request_id = req.request_id;
  const auto key = Trim(req.Header("idempotency-key"));
  if (!key.empty()) {
    ctx.idempotency_key = std::string(key);
    ctx.request_hash = crypto::Sha256Hex(req.method + " " + req.path + "\n" + req.body);
  }
  return ctx;
}

// --- trees and matrices ------------------------------------------------------------------------

Result<suppliers::ComparisonMatrix> ParseMatrix(const json& body) {
  if (!body.contains("matrix") || !body["matrix"].is_array()) {
    return InvalidArgument("matrix: must be an array of rows", "matrix");
  }
  suppliers::ComparisonMatrix matrix;
  const json& rows = body["matrix"];
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].is_array()) {
      return InvalidArgument("matrix: row " + std::to_string(i + 1) + " is not an array", "matrix");
    }
    std::vector<double> values;
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      const json& cell = rows[i][j];
      const std::string where =
          "matrix: row " + std::to_string(i + 1) + ", column " + std::to_string(j + 1);
      if (cell.is_number()) {
        values.push_back(cell.get<double>());
      } else if (cell.is_string()) {
        auto v = suppliers::ParseJudgement(cell.get<std::string>());
        if (!v.ok()) return InvalidArgument(where + ": " + v.status().message(), "matrix");
        values.push_back(*v);
      } else {
        return InvalidArgument(where + ": must be a number or a fraction like \"1/3\"", "matrix");
      }
    }
    matrix.push_back(std::move(values));
  }
  return matrix;
}

Result<suppliers::RiTable> ParseRiTable(const json& body) {
  if (!body.contains("ri_table") || body["ri_table"].is_null()) return suppliers::RiTable::kSaaty;
  if (!body["ri_table"].is_string()) {
    return InvalidArgument("ri_table: must be saaty or alonso", "ri_table");
  }
  return suppliers::RiTableFromName(body["ri_table"].get<std::string>());
}

Result<suppliers::IndicatorTree> ParseIndicators(const json& body) {
  if (!body.contains("indicators") || !body["indicators"].is_array()) {
    return InvalidArgument("indicators: must be an array of first-level indicators", "indicators");
  }
  suppliers::IndicatorTree tree;
  const json& list = body["indicators"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "indicators[" + std::to_string(i) + "].";
    if (!list[i].is_object()) {
      return InvalidArgument(where.substr(0, where.size() - 1) + ": must be an object",
                             "indicators");
    }
    const Reader r(list[i], where, "indicators");
    XB_RETURN_IF_ERROR(r.Known({"code", "name", "weight", "children"}));
    suppliers::Indicator ind;
    XB_REQUIRED(ind.code, r, Text, "code");
    XB_ASSIGN_OR_RETURN(auto name, r.Text("name"));
    ind.name = name.value_or(ind.code);
    XB_ASSIGN_OR_RETURN(ind.weight, r.Number("weight"));
    if (!r.Has("children") || !r["children"].is_array()) {
      return r.Bad("children", "must be an array of second-level indicators");
    }
    const json& children = r["children"];
    for (std::size_t j = 0; j < children.size(); ++j) {
      const std::string cw = where + "children[" + std::to_string(j) + "].";
      if (!children[j].is_object()) {
        return InvalidArgument(cw.substr(0, cw.size() - 1) + ": must be an object", "indicators");
      }
      const Reader c(children[j], cw, "indicators");
      XB_RETURN_IF_ERROR(
          c.Known({"code", "name", "weight", "direction", "scale_min", "scale_max"}));
      suppliers::SubIndicator sub;
      XB_REQUIRED(sub.code, c, Text, "code");
      XB_ASSIGN_OR_RETURN(auto sub_name, c.Text("name"));
      sub.name = sub_name.value_or(sub.code);
      XB_ASSIGN_OR_RETURN(sub.weight, c.Number("weight"));
      XB_ASSIGN_OR_RETURN(auto direction, c.Text("direction"));
      if (direction && *direction == "lower_is_better") {
        sub.direction = suppliers::Direction::kLowerIsBetter;
      } else if (direction && *direction != "higher_is_better") {
        return c.Bad("direction", "must be higher_is_better or lower_is_better");
      }
      XB_ASSIGN_OR_RETURN(auto lo, c.Number("scale_min"));
      XB_ASSIGN_OR_RETURN(auto hi, c.Number("scale_max"));
      sub.scale_min = lo.value_or(0);
      sub.scale_max = hi.value_or(100);
      ind.children.push_back(std::move(sub));
    }
    tree.indicators.push_back(std::move(ind));
  }
  return tree;
}

json DisagreementsToJson(const std::vector<sourcing::NamedDisagreement>& list) {
  json out = json::array();
  for (const auto& d : list) {
    out.push_back({{"row", d.row},
                   {"column", d.column},
                   {"row_code", d.row_code},
                   {"column_code", d.column_code},
                   {"given", d.given},
                   {"implied", d.implied},
                   {"deviation", d.deviation}});
  }
  return out;
}

json AhpToJson(const sourcing::AhpOutcome& a) {
  const auto n = static_cast<int>(a.result.weights.size());
  return {{"criteria", a.criteria},
          {"weights", a.result.weights},
          {"lambda_max", a.result.lambda_max},
          {"ci", a.result.ci},
          {"cr", a.result.cr},
          {"ri_table", std::string(suppliers::RiTableName(a.result.ri_table))},
          {"ri", n >= 1 && n <= 15 ? suppliers::RandomIndex(a.result.ri_table, n) : 0.0},
          {"method", "eigenvector"},
          {"consistent", a.result.consistent},
          {"disagreements", DisagreementsToJson(a.disagreements)}};
}

json BandToJson(const suppliers::Band& b) {
  return {{"name", b.name}, {"min_score", b.min_score}, {"consequence", EnumName(b.consequence)}};
}

Result<std::vector<suppliers::Band>> ParseBands(const json& body) {
  XB_RETURN_IF_ERROR(Reader(body).Known({"bands"}));
  if (!body.contains("bands") || !body["bands"].is_array()) {
    return InvalidArgument("bands: must be an array of {name, min_score, consequence}", "bands");
  }
  std::vector<suppliers::Band> bands;
  for (std::size_t i = 0; i < body["bands"].size(); ++i) {
    const json& b = body["bands"][i];
    const std::string where = "bands[" + std::to_string(i) + "].";
    if (!b.is_object()) return InvalidArgument("bands: each band must be an object", "bands");
    const Reader r(b, where, "bands");
    XB_RETURN_IF_ERROR(r.Known({"name", "min_score", "consequence"}));
    suppliers::Band band;
    XB_REQUIRED(band.name, r, Text, "name");
    XB_REQUIRED(band.min_score, r, Number, "min_score");
    XB_ASSIGN_OR_RETURN(auto consequence, r.Enum<suppliers::Consequence>("consequence"));
    band.consequence = consequence.value_or(suppliers::Consequence::kNone);
    bands.push_back(std::move(band));
  }
  return bands;
}

// --- procurement bodies ------------------------------------------------------------------------

Result<std::map<procurement::TransportMode, std::int64_t>> ParseLeadTimes(const Reader& r) {
  std::map<procurement::TransportMode, std::int64_t> out;
  const json& v = r["lead_time_days"];
  if (!v.is_object()) return r.Bad("lead_time_days", "must be an object like {\"sea\": 35}");
  for (const auto& [mode, days] : v.items()) {
    auto m = EnumFrom<procurement::TransportMode>(mode);
    if (!m) {
      return r.Bad("lead_time_days", "'" + mode + "' is not a transport mode (" +
                                         ChoicesText<procurement::TransportMode>() + ")");
    }
    if (!days.is_number_integer()) {
      return r.Bad("lead_time_days", mode + " must be a whole number of days");
    }
    out[*m] = days.get<std::int64_t>();
  }
  return out;
}

Result<sourcing::OrderDraft> ParseOrder(const json& body) {
  const Reader r(body);
  XB_RETURN_IF_ERROR(r.Known({"code", "supplier_id", "warehouse_id", "transport_mode", "currency",
                              "order_date", "expected_date", "lines"}));
  sourcing::OrderDraft d;
  XB_REQUIRED(d.code, r, Text, "code");
  XB_REQUIRED(d.supplier_id, r, Int, "supplier_id");
  XB_REQUIRED(d.warehouse_id, r, Int, "warehouse_id");
  XB_REQUIRED(d.transport_mode, r, Enum<procurement::TransportMode>, "transport_mode");
  XB_REQUIRED(d.currency, r, Text, "currency");
  XB_ASSIGN_OR_RETURN(d.order_date, r.Day("order_date"));
  XB_ASSIGN_OR_RETURN(d.expected_date, r.Day("expected_date"));
  if (!r.Has("lines") || !r["lines"].is_array()) {
    return r.Bad("lines", "must be an array of {sku_id, quantity, unit_price?}");
  }
  for (std::size_t i = 0; i < r["lines"].size(); ++i) {
    const json& line = r["lines"][i];
    const std::string where = "lines[" + std::to_string(i) + "].";
    if (!line.is_object()) return InvalidArgument("lines: each line must be an object", "lines");
    const Reader l(line, where, "lines");
    XB_RETURN_IF_ERROR(l.Known({"sku_id", "quantity", "unit_price"}));
    sourcing::OrderLineDraft ld;
    XB_REQUIRED(ld.sku_id, l, Int, "sku_id");
    XB_REQUIRED(ld.quantity, l, Int, "quantity");
    XB_ASSIGN_OR_RETURN(ld.unit_price, l.Amount("unit_price"));
    d.lines.push_back(std::move(ld));
  }
  return d;
}

Result<sourcing::ReceiptDraft> ParseReceipt(const json& body) {
  const Reader r(body);
  XB_RETURN_IF_ERROR(r.Known({"received_on", "lines"}));
  sourcing::ReceiptDraft d;
  XB_ASSIGN_OR_RETURN(d.received_on, r.Day("received_on"));
  if (!r.Has("lines") || !r["lines"].is_array()) {
    return r.Bad("lines", "must be an array of {line_no, received_qty, accepted_qty, ...}");
  }
  for (std::size_t i = 0; i < r["lines"].size(); ++i) {
    const json& line = r["lines"][i];
    const std::string where = "lines[" + std::to_string(i) + "].";
    if (!line.is_object()) return InvalidArgument("lines: each line must be an object", "lines");
    const Reader l(line, where, "lines");
    XB_RETURN_IF_ERROR(
        l.Known({"line_no", "received_qty", "accepted_qty", "rejected_qty", "reason"}));
    procurement::ReceiptLine rl;
    std::int64_t line_no = 0;
    XB_REQUIRED(line_no, l, Int, "line_no");
    if (line_no < 1 || line_no > 10000) return l.Bad("line_no", "no such line");
    rl.line_no = static_cast<int>(line_no);
    XB_REQUIRED(rl.received_qty, l, Int, "received_qty");
    XB_ASSIGN_OR_RETURN(auto rejected, l.Int("rejected_qty"));
    XB_ASSIGN_OR_RETURN(auto accepted, l.Int("accepted_qty"));
    rl.rejected_qty = rejected.value_or(0);
    rl.accepted_qty = accepted.value_or(rl.received_qty - rl.rejected_qty);
    XB_ASSIGN_OR_RETURN(auto reason, l.Text("reason"));
    rl.reason = reason.value_or("");
    d.lines.push_back(std::move(rl));
  }
  return d;
}

json PageJson(json items, std::int64_t total, std::int64_t limit, std::int64_t offset) {
  return {{"items", std::move(items)}, {"total", total}, {"limit", limit}, {"offset", offset}};
}

Result<std::pair<std::int64_t, std::int64_t>> Paging(const HttpRequest& req) {
  XB_ASSIGN_OR_RETURN(auto limit, IntParam(req, "limit"));
  XB_ASSIGN_OR_RETURN(auto offset, IntParam(req, "offset"));
  return std::make_pair(limit.value_or(50), offset.value_or(0));
}

}  // namespace

// --- JSON forms ------------------------------------------------------------------------------

json TreeSummaryToJson(const suppliers::TreeVersion& t) {
  return {{"id", t.id.value()},
          {"name", t.name},
          {"version_no", t.version_no},
          {"status", EnumName(t.status)},
          {"version", t.version},
          {"created_by", t.created_by},
          {"created_at", t.created_at.ToIso8601()},
          {"activated_at", t.activated_at ? json(t.activated_at->ToIso8601()) : json()}};
}

json TreeToJson(const suppliers::TreeVersion& t) {
  json out = TreeSummaryToJson(t);
  json indicators = json::array();
  for (const auto& ind : t.tree.indicators) {
    json children = json::array();
    for (const auto& sub : ind.children) {
      children.push_back({{"code", sub.code},
                          {"name", sub.name},
                          {"weight", OrNull(sub.weight)},
                          {"direction", DirectionName(sub.direction)},
                          {"scale_min", sub.scale_min},
                          {"scale_max", sub.scale_max}});
    }
    indicators.push_back({{"code", ind.code},
                          {"name", ind.name},
                          {"weight", OrNull(ind.weight)},
                          {"children", std::move(children)}});
  }
  json judgements = json::array();
  for (const auto& j : t.judgements) {
    judgements.push_back({{"node", j.node},
                          {"matrix", j.matrix},
                          {"cr", j.cr},
                          {"lambda_max", j.lambda_max},
                          {"ri_table", std::string(suppliers::RiTableName(j.ri_table))}});
  }
  out["indicators"] = std::move(indicators);
  out["judgements"] = std::move(judgements);
  return out;
}

json ScorecardToJson(const sourcing::SupplierScorecard& c) {
  json breakdown = json::array();
  for (const auto& ind : c.card.breakdown) {
    json children = json::array();
    for (const auto& sub : ind.children) {
      json child = {{"code", sub.code},
                    {"weight", sub.weight},
                    {"score", sub.score},
                    {"normalised", sub.normalised},
                    {"contribution", sub.contribution},
                    {"source", nullptr},
                    {"evaluator", nullptr},
                    {"at", nullptr},
                    {"note", nullptr}};
      auto it = c.origins.find(sub.code);
      if (it != c.origins.end()) {
        child["source"] = EnumName(it->second.source);
        child["evaluator"] = it->second.evaluator;
        child["at"] = it->second.at.ToIso8601();
        child["note"] = OrNull(it->second.note);
      }
      children.push_back(std::move(child));
    }
    breakdown.push_back({{"code", ind.code},
                         {"weight", ind.weight},
                         {"subtotal", ind.subtotal},
                         {"contribution", ind.contribution},
                         {"children", std::move(children)}});
  }
  return {{"supplier_id", c.supplier_id},
          {"supplier_code", c.supplier_code},
          {"supplier_name", c.supplier_name},
          {"period", c.period},
          {"tree_id", c.tree_id.value()},
          {"total", OrNull(c.card.total)},
          {"band", c.band ? json(c.band->name) : json()},
          {"consequence", c.band ? json(EnumName(c.band->consequence)) : json()},
          {"rank", OrNull(c.rank)},
          {"breakdown", std::move(breakdown)},
          {"missing", c.card.missing}};
}

json ComputeOutcomeToJson(const sourcing::ComputeOutcome& o) {
  json computed = json::array();
  for (const auto& c : o.computed) {
    computed.push_back(
        {{"supplier_id", c.supplier_id}, {"indicator", c.indicator}, {"score", c.score}});
  }
  json missing = json::array();
  for (const auto& m : o.missing) {
    missing.push_back(
        {{"supplier_id", m.supplier_id}, {"indicator", m.indicator}, {"reason", m.reason}});
  }
  return {{"tree_id", o.tree_id.value()}, {"computed", computed}, {"missing", missing}};
}

json PriceToJson(const procurement::PriceListEntry& e) {
  json lead = json::object();
  for (const auto& [mode, days] : e.lead_time_days) lead[EnumName(mode)] = days;
  return {{"id", e.id.value()},
          {"supplier_id", e.supplier_id},
          {"sku_id", e.sku_id},
          {"currency", e.currency},
          {"unit_price", MoneyText(e.unit_price_minor, e.currency)},
          {"min_order_qty", e.min_order_qty},
          {"lead_time_days", lead},
          {"valid_from", e.valid_from.ToIso8601()},
          {"valid_to", e.valid_to ? json(e.valid_to->ToIso8601()) : json()},
          {"active", e.active},
          {"version", e.version},
          {"created_at", e.created_at.ToIso8601()},
          {"updated_at", e.updated_at.ToIso8601()}};
}

json OrderToJson(const procurement::PurchaseOrder& po) {
  json lines = json::array();
  for (const auto& l : po.lines) {
    lines.push_back(
        {{"line_no", l.line_no},
         {"sku_id", l.sku_id},
         {"quantity", l.quantity},
         {"unit_price", MoneyText(l.unit_price_minor, po.currency)},
         {"quoted_price",
          l.quoted_price_minor ? json(MoneyText(*l.quoted_price_minor, po.currency)) : json()},
         {"line_total", MoneyText(l.quantity * l.unit_price_minor, po.currency)},
         {"received_qty", l.received_qty},
         {"accepted_qty", l.accepted_qty},
         {"rejected_qty", l.rejected_qty}});
  }
  const auto& a = po.at_order;
  return {{"id", po.id.value()},
          {"code", po.code},
          {"supplier_id", po.supplier_id},
          {"warehouse_id", po.warehouse_id},
          {"transport_mode", EnumName(po.transport_mode)},
          {"currency", po.currency},
          {"status", EnumName(po.status)},
          {"order_date", po.order_date.ToIso8601()},
          {"expected_date", po.expected_date.ToIso8601()},
          {"lines", std::move(lines)},
          {"total", MoneyText(po.TotalMinor(), po.currency)},
          {"at_order",
           {{"score", OrNull(a.score)},
            {"band", a.band.empty() ? json() : json(a.band)},
            {"rank", OrNull(a.rank)},
            {"candidates", OrNull(a.candidates)},
            {"warned", a.warned}}},
          {"version", po.version},
          {"created_at", po.created_at.ToIso8601()},
          {"updated_at", po.updated_at.ToIso8601()}};
}

json ReceiptToJson(const procurement::GoodsReceipt& r) {
  json lines = json::array();
  for (const auto& l : r.lines) {
    lines.push_back({{"line_no", l.line_no},
                     {"received_qty", l.received_qty},
                     {"accepted_qty", l.accepted_qty},
                     {"rejected_qty", l.rejected_qty},
                     {"reason", l.reason}});
  }
  return {{"id", r.id.value()},
          {"purchase_order_id", r.purchase_order_id},
          {"received_on", r.received_on.ToIso8601()},
          {"lines", std::move(lines)},
          {"actor", r.actor},
          {"created_at", r.created_at.ToIso8601()}};
}

// --- routes ----------------------------------------------------------------------------------

void AddSourcingRoutes(Router& router, access::AccessService& access,
                       sourcing::EvaluationService& eval, sourcing::ProcurementService& proc) {
  const auto add = [&router, &access](const char* method, const std::string& pattern,
                                      AuthedHandler h) {
    router.Add(method, pattern, Authed(access, std::move(h)));
  };
  const std::string ev = "/api/v1/evaluation";

  // Indicator trees.
  add("GET", ev + "/trees", [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
    if (Status st = KnownParams(req, {}); !st.ok()) return WriteError(res, st);
    auto trees = eval.ListTrees(p);
    if (!trees.ok()) return WriteError(res, trees.status());
    json items = json::array();
    for (const auto& t : *trees) items.push_back(TreeSummaryToJson(t));
    const auto n = static_cast<std::int64_t>(items.size());
    WriteJson(res, 200, PageJson(std::move(items), n, n, 0));
  });
  add("POST", ev + "/trees", [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto body = OptionalBody(req);
    if (!body.ok()) return WriteError(res, body.status());
    const Reader r(*body);
    if (Status st = r.Known({"name", "from"}); !st.ok()) return WriteError(res, st);
    auto name = r.Text("name");
    if (!name.ok()) return WriteError(res, name.status());
    std::string from = "template";
    if (r.Has("from")) {
      if (r["from"].is_string()) {
        from = r["from"].get<std::string>();
      } else if (r["from"].is_number_integer()) {
        from = r["from"].dump();
      } else {
        return WriteError(res, r.Bad("from", "must be \"template\", \"active\" or a tree id"));
      }
    }
    auto tree = eval.CreateTree(ContextOf(req, p), name->value_or(""), from);
    if (!tree.ok()) return WriteError(res, tree.status());
    res.headers.emplace_back("Location",
                             "/api/v1/evaluation/trees/" + std::to_string(tree->id.value()));
    WriteJson(res, 201, TreeToJson(*tree));
  });
  add("GET", ev + "/trees/{id}", [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return WriteError(res, id.status());
    auto tree = eval.GetTree(p, TreeVersionId(*id));
    if (!tree.ok()) return WriteError(res, tree.status());
    WriteJson(res, 200, TreeToJson(*tree));
  });
  add("PUT", ev + "/trees/{id}", [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return WriteError(res, id.status());
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.status());
    const Reader r(*body);
    if (Status st = r.Known({"name", "indicators", "version"}); !st.ok()) {
      return WriteError(res, st);
    }
    auto name = r.Text("name");
    if (!name.ok()) return WriteError(res, name.status());
    auto version = r.Int("version");
    if (!version.ok()) return WriteError(res, version.status());
    auto tree = ParseIndicators(*body);
    if (!tree.ok()) return WriteError(res, tree.status());
    auto updated =
        eval.ReplaceTree(ContextOf(req, p), TreeVersionId(*id), *name, std::move(*tree), *version);
    if (!updated.ok()) return WriteError(res, updated.status());
    WriteJson(res, 200, TreeToJson(*updated));
  });
  add("POST", ev + "/trees/{id}/ahp",
      [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        const Reader r(*body);
        if (Status st = r.Known({"node", "matrix", "ri_table", "version"}); !st.ok()) {
          return WriteError(res, st);
        }
        sourcing::AhpRequest ahp;
        auto node = r.Text("node");
        if (!node.ok()) return WriteError(res, node.status());
        ahp.node = node->value_or("root");
        auto version = r.Int("version");
        if (!version.ok()) return WriteError(res, version.status());
        ahp.expected_version = *version;
        auto matrix = ParseMatrix(*body);
        if (!matrix.ok()) return WriteError(res, matrix.status());
        ahp.matrix = std::move(*matrix);
        auto table = ParseRiTable(*body);
        if (!table.ok()) return WriteError(res, table.status());
        ahp.ri_table = *table;
        sourcing::AhpOutcome refused;
        auto tree = eval.ApplyAhp(ContextOf(req, p), TreeVersionId(*id), ahp, &refused);
        if (!tree.ok()) {
          if (refused.criteria.empty()) return WriteError(res, tree.status());
          WriteError(res, tree.status());
          json out = json::parse(res.body);
          out["error"]["cr"] = refused.result.cr;
          out["error"]["lambda_max"] = refused.result.lambda_max;
          out["error"]["ri_table"] = std::string(suppliers::RiTableName(refused.result.ri_table));
          out["error"]["disagreements"] = DisagreementsToJson(refused.disagreements);
          return WriteJson(res, res.status, out);
        }
        WriteJson(res, 200, TreeToJson(*tree));
      });
  add("POST", ev + "/trees/{id}/activate",
      [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto tree = eval.Activate(ContextOf(req, p), TreeVersionId(*id));
        if (!tree.ok()) return WriteError(res, tree.status());
        WriteJson(res, 200, TreeToJson(*tree));
      });
  add("POST", ev + "/ahp", [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.status());
    const Reader r(*body);
    if (Status st = r.Known({"criteria", "matrix", "ri_table"}); !st.ok()) {
      return WriteError(res, st);
    }
    std::vector<std::string> criteria;
    if (r.Has("criteria")) {
      if (!r["criteria"].is_array()) {
        return WriteError(res, r.Bad("criteria", "must be an array of names"));
      }
      for (const auto& c : r["criteria"]) {
        if (!c.is_string()) return WriteError(res, r.Bad("criteria", "names must be strings"));
        criteria.push_back(c.get<std::string>());
      }
    }
    auto matrix = ParseMatrix(*body);
    if (!matrix.ok()) return WriteError(res, matrix.status());
    auto table = ParseRiTable(*body);
    if (!table.ok()) return WriteError(res, table.status());
    auto out = eval.PreviewAhp(p, std::move(criteria), *matrix, *table);
    if (!out.ok()) return WriteError(res, out.status());
    WriteJson(res, 200, AhpToJson(*out));
  });

  // Bands.
  add("GET", ev + "/bands", [&eval](HttpRequest&, HttpResponse& res, const Principal& p) {
    auto bands = eval.GetBands(p);
    if (!bands.ok()) return WriteError(res, bands.status());
    json items = json::array();
    for (const auto& b : *bands) items.push_back(BandToJson(b));
    WriteJson(res, 200, {{"bands", items}});
  });
  add("PUT", ev + "/bands", [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.status());
    auto bands = ParseBands(*body);
    if (!bands.ok()) return WriteError(res, bands.status());
    auto saved = eval.SetBands(ContextOf(req, p), std::move(*bands));
    if (!saved.ok()) return WriteError(res, saved.status());
    json items = json::array();
    for (const auto& b : *saved) items.push_back(BandToJson(b));
    WriteJson(res, 200, {{"bands", items}});
  });

  // Scores.
  add("PUT", ev + "/scores", [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.status());
    const Reader r(*body);
    if (Status st = r.Known({"supplier_id", "period", "tree_id", "scores", "note"}); !st.ok()) {
      return WriteError(res, st);
    }
    const auto parse = [&]() -> Result<sourcing::ScoreEntry> {
      sourcing::ScoreEntry e;
      XB_REQUIRED(e.supplier_id, r, Int, "supplier_id");
      XB_REQUIRED(e.period, r, Text, "period");
      XB_ASSIGN_OR_RETURN(auto tree, r.Int("tree_id"));
      if (tree) e.tree_id = TreeVersionId(*tree);
      XB_ASSIGN_OR_RETURN(e.note, r.Text("note"));
      if (!r.Has("scores") || !r["scores"].is_object()) {
        return r.Bad("scores", "must be an object of indicator code -> score");
      }
      for (const auto& [code, value] : r["scores"].items()) {
        if (!value.is_number() || !std::isfinite(value.get<double>())) {
          return InvalidArgument("scores: the score for '" + code + "' must be a number",
                                 "scores." + code);
        }
        e.scores[code] = value.get<double>();
      }
      return e;
    };
    auto entry = parse();
    if (!entry.ok()) return WriteError(res, entry.status());
    auto card = eval.EnterScores(ContextOf(req, p), *entry);
    if (!card.ok()) return WriteError(res, card.status());
    WriteJson(res, 200, ScorecardToJson(*card));
  });
  add("POST", ev + "/compute", [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.status());
    const Reader r(*body);
    if (Status st = r.Known({"period", "supplier_id"}); !st.ok()) return WriteError(res, st);
    if (Status st = r.Need("period"); !st.ok()) return WriteError(res, st);
    auto period = r.Text("period");
    if (!period.ok()) return WriteError(res, period.status());
    auto supplier = r.Int("supplier_id");
    if (!supplier.ok()) return WriteError(res, supplier.status());
    auto outcome = eval.Compute(ContextOf(req, p), **period, *supplier);
    if (!outcome.ok()) return WriteError(res, outcome.status());
    json out = ComputeOutcomeToJson(*outcome);
    out["period"] = **period;
    WriteJson(res, 200, out);
  });
  add("GET", ev + "/scorecards", [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
    const auto parse = [&]() -> Result<sourcing::ScorecardQuery> {
      XB_RETURN_IF_ERROR(KnownParams(req, {"period", "tree_id", "supplier_id", "limit", "offset"}));
      sourcing::ScorecardQuery q;
      XB_ASSIGN_OR_RETURN(q.period, RequiredParam(req, "period"));
      XB_ASSIGN_OR_RETURN(q.tree_id, TreeParam(req));
      XB_ASSIGN_OR_RETURN(q.supplier_id, IntParam(req, "supplier_id"));
      XB_ASSIGN_OR_RETURN(auto limit, IntParam(req, "limit"));
      XB_ASSIGN_OR_RETURN(auto offset, IntParam(req, "offset"));
      q.limit = limit.value_or(100);
      q.offset = offset.value_or(0);
      return q;
    };
    auto q = parse();
    if (!q.ok()) return WriteError(res, q.status());
    auto page = eval.Scorecards(p, *q);
    if (!page.ok()) return WriteError(res, page.status());
    json items = json::array();
    for (const auto& c : page->items) items.push_back(ScorecardToJson(c));
    json out = PageJson(std::move(items), page->total, page->limit, page->offset);
    out["period"] = q->period;
    out["tree_id"] = page->tree_id.value();
    WriteJson(res, 200, out);
  });
  add("GET", ev + "/suppliers/{id}/trend",
      [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        if (Status st = KnownParams(req, {"tree_id"}); !st.ok()) return WriteError(res, st);
        auto tree = TreeParam(req);
        if (!tree.ok()) return WriteError(res, tree.status());
        auto points = eval.Trend(p, *id, *tree);
        if (!points.ok()) return WriteError(res, points.status());
        json items = json::array();
        for (const auto& pt : *points) {
          items.push_back(
              {{"period", pt.period}, {"total", OrNull(pt.total)}, {"band", OrNull(pt.band)}});
        }
        WriteJson(res, 200, {{"supplier_id", *id}, {"items", items}});
      });
  add("GET", ev + "/ranking", [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
    if (Status st = KnownParams(req, {"period", "sku_id", "tree_id"}); !st.ok()) {
      return WriteError(res, st);
    }
    auto period = RequiredParam(req, "period");
    if (!period.ok()) return WriteError(res, period.status());
    auto sku = IntParam(req, "sku_id");
    if (!sku.ok()) return WriteError(res, sku.status());
    auto tree = TreeParam(req);
    if (!tree.ok()) return WriteError(res, tree.status());
    auto ranked = eval.Ranking(p, *period, *sku, *tree);
    if (!ranked.ok()) return WriteError(res, ranked.status());
    json items = json::array();
    for (const auto& r : *ranked) {
      items.push_back({{"supplier_id", r.supplier_id},
                       {"supplier_code", r.supplier_code},
                       {"total", OrNull(r.total)},
                       {"band", OrNull(r.band)},
                       {"weighted_rank", OrNull(r.weighted_rank)},
                       {"topsis_closeness", OrNull(r.topsis_closeness)},
                       {"topsis_rank", OrNull(r.topsis_rank)}});
    }
    WriteJson(res, 200, {{"period", *period}, {"sku_id", OrNull(*sku)}, {"items", items}});
  });
  add("GET", ev + "/risk", [&eval](HttpRequest& req, HttpResponse& res, const Principal& p) {
    if (Status st = KnownParams(req, {"from", "to"}); !st.ok()) return WriteError(res, st);
    auto from = DateParam(req, "from");
    if (!from.ok()) return WriteError(res, from.status());
    auto to = DateParam(req, "to");
    if (!to.ok()) return WriteError(res, to.status());
    auto risk = eval.Risk(p, *from, *to);
    if (!risk.ok()) return WriteError(res, risk.status());
    json categories = json::array();
    for (const auto& c : risk->categories) {
      json suppliers = json::array();
      for (const auto& s : c.suppliers) {
        suppliers.push_back({{"supplier_id", s.supplier_id},
                             {"supplier_code", s.supplier_code},
                             {"spend", MoneyText(s.spend_minor, c.currency)},
                             {"share", s.share}});
      }
      categories.push_back({{"category", c.category},
                            {"currency", c.currency},
                            {"spend", MoneyText(c.spend_minor, c.currency)},
                            {"hhi", c.hhi},
                            {"suppliers", suppliers}});
    }
    json single = json::array();
    for (const auto& s : risk->single_source_skus) {
      single.push_back({{"sku_id", s.sku_id},
                        {"sku_code", s.sku_code},
                        {"supplier_id", s.supplier_id},
                        {"supplier_code", s.supplier_code}});
    }
    WriteJson(res, 200,
              {{"from", risk->from.ToIso8601()},
               {"to", risk->to.ToIso8601()},
               {"categories", categories},
               {"single_source_skus", single}});
  });

  // Price lists.
  add("GET", "/api/v1/price-lists",
      [&proc](HttpRequest& req, HttpResponse& res, const Principal& p) {
        const auto parse = [&]() -> Result<procurement::PriceListQuery> {
          XB_RETURN_IF_ERROR(KnownParams(
              req, {"supplier_id", "sku_id", "valid_on", "include_inactive", "limit", "offset"}));
          procurement::PriceListQuery q;
          XB_ASSIGN_OR_RETURN(q.supplier_id, IntParam(req, "supplier_id"));
          XB_ASSIGN_OR_RETURN(q.sku_id, IntParam(req, "sku_id"));
          XB_ASSIGN_OR_RETURN(q.valid_on, DateParam(req, "valid_on"));
          const auto inactive = Param(req, "include_inactive");
          if (inactive && *inactive != "true" && *inactive != "false") {
            return InvalidArgument("include_inactive: must be true or false", "include_inactive");
          }
          q.include_inactive = inactive == "true";
          XB_ASSIGN_OR_RETURN(auto paging, Paging(req));
          q.limit = paging.first;
          q.offset = paging.second;
          return q;
        };
        auto q = parse();
        if (!q.ok()) return WriteError(res, q.status());
        auto page = proc.ListPrices(p, *q);
        if (!page.ok()) return WriteError(res, page.status());
        json items = json::array();
        for (const auto& e : page->first) items.push_back(PriceToJson(e));
        WriteJson(res, 200, PageJson(std::move(items), page->second, q->limit, q->offset));
      });
  add("POST", "/api/v1/price-lists",
      [&proc](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        const Reader r(*body);
        const auto parse = [&]() -> Result<sourcing::PriceDraft> {
          XB_RETURN_IF_ERROR(
              r.Known({"supplier_id", "sku_id", "currency", "unit_price", "min_order_qty",
                       "lead_time_days", "valid_from", "valid_to"}));
          sourcing::PriceDraft d;
          XB_REQUIRED(d.supplier_id, r, Int, "supplier_id");
          XB_REQUIRED(d.sku_id, r, Int, "sku_id");
          XB_REQUIRED(d.currency, r, Text, "currency");
          XB_REQUIRED(d.unit_price, r, Amount, "unit_price");
          XB_ASSIGN_OR_RETURN(auto moq, r.Int("min_order_qty"));
          d.min_order_qty = moq.value_or(1);
          XB_RETURN_IF_ERROR(r.Need("lead_time_days"));
          XB_ASSIGN_OR_RETURN(d.lead_time_days, ParseLeadTimes(r));
          XB_ASSIGN_OR_RETURN(d.valid_from, r.Day("valid_from"));
          XB_ASSIGN_OR_RETURN(d.valid_to, r.Day("valid_to"));
          return d;
        };
        auto draft = parse();
        if (!draft.ok()) return WriteError(res, draft.status());
        auto created = proc.CreatePrice(ContextOf(req, p), *draft);
        if (!created.ok()) return WriteError(res, created.status());
        if (created->replayed) res.headers.emplace_back("Idempotent-Replayed", "true");
        res.headers.emplace_back(
            "Location", "/api/v1/price-lists/" + std::to_string(created->record.id.value()));
        WriteJson(res, 201, PriceToJson(created->record));
      });
  add("GET", "/api/v1/price-lists/{id}",
      [&proc](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto e = proc.GetPrice(p, procurement::PriceListEntryId(*id));
        if (!e.ok()) return WriteError(res, e.status());
        WriteJson(res, 200, PriceToJson(*e));
      });
  add("PATCH", "/api/v1/price-lists/{id}",
      [&proc](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        const Reader r(*body);
        const auto parse = [&]() -> Result<sourcing::PricePatch> {
          XB_RETURN_IF_ERROR(r.Known(
              {"unit_price", "min_order_qty", "lead_time_days", "valid_to", "active", "version"}));
          sourcing::PricePatch patch;
          XB_ASSIGN_OR_RETURN(patch.unit_price, r.Amount("unit_price"));
          XB_ASSIGN_OR_RETURN(patch.min_order_qty, r.Int("min_order_qty"));
          if (r.Has("lead_time_days")) {
            XB_ASSIGN_OR_RETURN(patch.lead_time_days, ParseLeadTimes(r));
          }
          if (r.Present("valid_to")) {
            XB_ASSIGN_OR_RETURN(auto to, r.Day("valid_to"));
            patch.valid_to = to;
          }
          XB_ASSIGN_OR_RETURN(patch.active, r.Bool("active"));
          XB_ASSIGN_OR_RETURN(patch.expected_version, r.Int("version"));
          return patch;
        };
        auto patch = parse();
        if (!patch.ok()) return WriteError(res, patch.status());
        auto e = proc.UpdatePrice(ContextOf(req, p), procurement::PriceListEntryId(*id), *patch);
        if (!e.ok()) return WriteError(res, e.status());
        WriteJson(res, 200, PriceToJson(*e));
      });

  // Purchase orders.
  const std::string po = "/api/v1/purchase-orders";
  add("GET", po, [&proc](HttpRequest& req, HttpResponse& res, const Principal& p) {
    const auto parse = [&]() -> Result<procurement::PurchaseOrderQuery> {
      XB_RETURN_IF_ERROR(KnownParams(req, {"supplier_id", "warehouse_id", "status", "ordered_from",
                                           "ordered_to", "limit", "offset"}));
      procurement::PurchaseOrderQuery q;
      XB_ASSIGN_OR_RETURN(q.supplier_id, IntParam(req, "supplier_id"));
      XB_ASSIGN_OR_RETURN(q.warehouse_id, IntParam(req, "warehouse_id"));
      if (auto s = Param(req, "status")) {
        q.status = EnumFrom<procurement::PoStatus>(*s);
        if (!q.status) {
          return InvalidArgument("status: must be one of " + ChoicesText<procurement::PoStatus>(),
                                 "status");
        }
      }
      XB_ASSIGN_OR_RETURN(q.ordered_from, DateParam(req, "ordered_from"));
      XB_ASSIGN_OR_RETURN(q.ordered_to, DateParam(req, "ordered_to"));
      XB_ASSIGN_OR_RETURN(auto paging, Paging(req));
      q.limit = paging.first;
      q.offset = paging.second;
      return q;
    };
    auto q = parse();
    if (!q.ok()) return WriteError(res, q.status());
    auto page = proc.ListOrders(p, *q);
    if (!page.ok()) return WriteError(res, page.status());
    json items = json::array();
    for (const auto& o : page->first) items.push_back(OrderToJson(o));
    WriteJson(res, 200, PageJson(std::move(items), page->second, q->limit, q->offset));
  });
  add("POST", po, [&proc](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.status());
    auto draft = ParseOrder(*body);
    if (!draft.ok()) return WriteError(res, draft.status());
    auto placed = proc.CreateOrder(ContextOf(req, p), *draft);
    if (!placed.ok()) return WriteError(res, placed.status());
    if (placed->replayed) res.headers.emplace_back("Idempotent-Replayed", "true");
    res.headers.emplace_back("Location",
                             "/api/v1/purchase-orders/" + std::to_string(placed->order.id.value()));
    json out = OrderToJson(placed->order);
    out["warnings"] = placed->warnings;
    WriteJson(res, 201, out);
  });
  add("GET", po + "/{id}", [&proc](HttpRequest& req, HttpResponse& res, const Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return WriteError(res, id.status());
    auto order = proc.GetOrder(p, PurchaseOrderId(*id));
    if (!order.ok()) return WriteError(res, order.status());
    WriteJson(res, 200, OrderToJson(*order));
  });
  const auto transition = [&proc](bool confirm) {
    return [&proc, confirm](HttpRequest& req, HttpResponse& res, const Principal& p) {
      auto id = PathId(req);
      if (!id.ok()) return WriteError(res, id.status());
      auto body = OptionalBody(req);
      if (!body.ok()) return WriteError(res, body.status());
      const Reader r(*body);
      Status known = confirm ? r.Known({"version"}) : r.Known({"version", "reason"});
      if (!known.ok()) return WriteError(res, known);
      auto version = r.Int("version");
      if (!version.ok()) return WriteError(res, version.status());
      auto reason = r.Text("reason");
      if (!reason.ok()) return WriteError(res, reason.status());
      auto order = confirm
                       ? proc.Confirm(ContextOf(req, p), PurchaseOrderId(*id), *version)
                       : proc.Cancel(ContextOf(req, p), PurchaseOrderId(*id), *version, *reason);
      if (!order.ok()) return WriteError(res, order.status());
      WriteJson(res, 200, OrderToJson(*order));
    };
  };
  add("POST", po + "/{id}/confirm", transition(true));
  add("POST", po + "/{id}/cancel", transition(false));
  add("POST", po + "/{id}/receipts",
      [&proc](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto body = ParseBody(req);
        if (!body.ok()) return WriteError(res, body.status());
        auto draft = ParseReceipt(*body);
        if (!draft.ok()) return WriteError(res, draft.status());
        auto recorded = proc.RecordReceipt(ContextOf(req, p), PurchaseOrderId(*id), *draft);
        if (!recorded.ok()) return WriteError(res, recorded.status());
        WriteJson(res, 201,
                  {{"receipt", ReceiptToJson(recorded->receipt)},
                   {"purchase_order", OrderToJson(recorded->order)}});
      });
  add("GET", po + "/{id}/receipts",
      [&proc](HttpRequest& req, HttpResponse& res, const Principal& p) {
        auto id = PathId(req);
        if (!id.ok()) return WriteError(res, id.status());
        auto receipts = proc.ListReceipts(p, PurchaseOrderId(*id));
        if (!receipts.ok()) return WriteError(res, receipts.status());
        json items = json::array();
        for (const auto& r : *receipts) items.push_back(ReceiptToJson(r));
        const auto n = static_cast<std::int64_t>(items.size());
        WriteJson(res, 200, PageJson(std::move(items), n, n, 0));
      });
}

}  // namespace xb::http
