#include "adapters/sql/sourcing_stores.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/record_field.h"

namespace xb::sql {

using nlohmann::json;
using procurement::GoodsReceipt;
using procurement::PoLine;
using procurement::PriceListEntry;
using procurement::PurchaseOrder;
using procurement::ReceiptLine;
using procurement::TransportMode;
using suppliers::Band;
using suppliers::IndicatorScore;
using suppliers::TreeStatus;
using suppliers::TreeVersion;

namespace {

// --- values in and out -----------------------------------------------------------------------

// Doubles travel as the shortest decimal that reads back as the same double, so a score or a
// weight comes back bit for bit on SQLite (a TEXT column) and PostgreSQL (float8) alike.
std::string DoubleText(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

double AsDouble(const std::optional<std::string>& cell) {
  double v = 0;
  if (cell) std::from_chars(cell->data(), cell->data() + cell->size(), v);
  return v;
}

template <class I>
Value OptInt(const std::optional<I>& v) {
  return v ? Value(static_cast<std::int64_t>(*v)) : Value();
}

Value OptDouble(const std::optional<double>& v) { return v ? Value(DoubleText(*v)) : Value(); }

Value DayOf(Date d) { return std::int64_t{d.days()}; }

Date AsDate(const std::optional<std::string>& cell) {
  return Date::FromDays(static_cast<std::int32_t>(AsInt(cell)));
}

std::optional<Date> AsOptDate(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  return AsDate(cell);
}

template <class E>
Value EnumText(E e) {
  return std::string(EnumName(e));
}

template <class E>
E AsEnum(const std::optional<std::string>& cell, E fallback) {
  return cell ? EnumFromName<E>(*cell).value_or(fallback) : fallback;
}

int AsInt32(const std::optional<std::string>& cell) { return static_cast<int>(AsInt(cell)); }

// " AND a = ?" clauses with their parameters, built up filter by filter.
struct Where {
  std::string sql;
  std::vector<Value> params;
  void Add(std::string_view clause, Value v) {
    sql += " AND ";
    sql += clause;
    params.push_back(std::move(v));
  }
};

template <class T>
std::vector<Value> Concat(std::vector<Value> a, std::initializer_list<T> more) {
  for (const auto& v : more) a.emplace_back(v);
  return a;
}

// --- price list ------------------------------------------------------------------------------

constexpr TransportMode kModes[] = {TransportMode::kAir, TransportMode::kSea,
                                    TransportMode::kExpress, TransportMode::kRail,
                                    TransportMode::kRoad};

// The entry's columns after id and tenant_id, in table order; lead times one column per mode.
constexpr std::string_view kPriceColumns =
    "supplier_id, sku_id, currency, unit_price_minor, min_order_qty, lead_air_days, "
    "lead_sea_days, lead_express_days, lead_rail_days, lead_road_days, valid_from, valid_to, "
    "active, version, created_at, updated_at";

std::vector<Value> PriceValues(const PriceListEntry& e) {
  std::vector<Value> v{e.supplier_id, e.sku_id, e.currency, e.unit_price_minor, e.min_order_qty};
  for (const auto mode : kModes) {
    const auto it = e.lead_time_days.find(mode);
    v.push_back(it == e.lead_time_days.end() ? Value() : Value(it->second));
  }
  v.push_back(DayOf(e.valid_from));
  v.push_back(e.valid_to ? DayOf(*e.valid_to) : Value());
  v.emplace_back(e.active);
  v.emplace_back(e.version);
  v.emplace_back(e.created_at.micros());
  v.emplace_back(e.updated_at.micros());
  return v;
}

// Row: id, tenant_id, then kPriceColumns.
PriceListEntry DecodePrice(const Row& r) {
  PriceListEntry e;
  e.id = procurement::PriceListEntryId(AsInt(r[0]));
  e.tenant_id = TenantId(AsInt(r[1]));
  e.supplier_id = AsInt(r[2]);
  e.sku_id = AsInt(r[3]);
  e.currency = r[4].value_or("");
  e.unit_price_minor = AsInt(r[5]);
  e.min_order_qty = AsInt(r[6]);
  for (std::size_t i = 0; i < std::size(kModes); ++i) {
    if (r[7 + i]) e.lead_time_days[kModes[i]] = AsInt(r[7 + i]);
  }
  e.valid_from = AsDate(r[12]);
  e.valid_to = AsOptDate(r[13]);
  e.active = AsBool(r[14]);
  e.version = AsInt(r[15]);
  e.created_at = Timestamp::FromMicros(AsInt(r[16]));
  e.updated_at = Timestamp::FromMicros(AsInt(r[17]));
  return e;
}

// --- purchase orders -------------------------------------------------------------------------

constexpr std::string_view kOrderColumns =
    "code, supplier_id, warehouse_id, transport_mode, currency, status, order_date, "
    "expected_date, at_order_score, at_order_band, at_order_rank, at_order_candidates, "
    "at_order_warned, version, created_at, updated_at";

std::vector<Value> OrderValues(const PurchaseOrder& po) {
  return {po.code,
          po.supplier_id,
          po.warehouse_id,
          EnumText(po.transport_mode),
          po.currency,
          EnumText(po.status),
          DayOf(po.order_date),
          DayOf(po.expected_date),
          OptDouble(po.at_order.score),
          po.at_order.band,
          OptInt(po.at_order.rank),
          OptInt(po.at_order.candidates),
          po.at_order.warned,
          po.version,
          po.created_at.micros(),
          po.updated_at.micros()};
}

// Row: id, tenant_id, then kOrderColumns; the lines are read separately.
PurchaseOrder DecodeOrder(const Row& r) {
  PurchaseOrder po;
  po.id = procurement::PurchaseOrderId(AsInt(r[0]));
  po.tenant_id = TenantId(AsInt(r[1]));
  po.code = r[2].value_or("");
  po.supplier_id = AsInt(r[3]);
  po.warehouse_id = AsInt(r[4]);
  po.transport_mode = AsEnum(r[5], TransportMode::kSea);
  po.currency = r[6].value_or("");
  po.status = AsEnum(r[7], procurement::PoStatus::kDraft);
  po.order_date = AsDate(r[8]);
  po.expected_date = AsDate(r[9]);
  if (r[10]) po.at_order.score = AsDouble(r[10]);
  po.at_order.band = r[11].value_or("");
  if (r[12]) po.at_order.rank = AsInt32(r[12]);
  if (r[13]) po.at_order.candidates = AsInt32(r[13]);
  po.at_order.warned = AsBool(r[14]);
  po.version = AsInt(r[15]);
  po.created_at = Timestamp::FromMicros(AsInt(r[16]));
  po.updated_at = Timestamp::FromMicros(AsInt(r[17]));
  return po;
}

constexpr std::string_view kLineColumns =
    "purchase_order_id, line_no, sku_id, quantity, unit_price_minor, quoted_price_minor, "
    "received_qty, accepted_qty, rejected_qty";

PoLine DecodeLine(const Row& r) {
  PoLine l;
  l.line_no = AsInt32(r[1]);
  l.sku_id = AsInt(r[2]);
  l.quantity = AsInt(r[3]);
  l.unit_price_minor = AsInt(r[4]);
  if (r[5]) l.quoted_price_minor = AsInt(r[5]);
  l.received_qty = AsInt(r[6]);
  l.accepted_qty = AsInt(r[7]);
  l.rejected_qty = AsInt(r[8]);
  return l;
}

Status OrderCodeTaken(const std::string& code) {
  return AlreadyExists("code: purchase order '" + code + "' exists", "code");
}

// --- goods receipts --------------------------------------------------------------------------

ReceiptLine DecodeReceiptLine(const Row& r) {
  // Row: goods_receipt_id, line_no, received_qty, accepted_qty, rejected_qty, reason.
  ReceiptLine l;
  l.line_no = AsInt32(r[1]);
  l.received_qty = AsInt(r[2]);
  l.accepted_qty = AsInt(r[3]);
  l.rejected_qty = AsInt(r[4]);
  l.reason = r[5].value_or("");
  return l;
}

// --- indicator trees as JSON -----------------------------------------------------------------

// nlohmann writes doubles in their shortest exact form and reads them back with strtod, so the
// weights and judgements survive the text unchanged.
constexpr std::string_view kDirections[] = {"higher_is_better", "lower_is_better"};

json OptionalNumber(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::optional<double> AsOptionalNumber(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<double>();
}

std::string TreeJson(const suppliers::IndicatorTree& tree) {
  json indicators = json::array();
  for (const auto& ind : tree.indicators) {
    json children = json::array();
    for (const auto& sub : ind.children) {
      children.push_back({{"code", sub.code},
                          {"name", sub.name},
                          {"weight", OptionalNumber(sub.weight)},
                          {"direction", kDirections[static_cast<std::size_t>(sub.direction)]},
                          {"scale_min", sub.scale_min},
                          {"scale_max", sub.scale_max}});
    }
    indicators.push_back({{"code", ind.code},
                          {"name", ind.name},
                          {"weight", OptionalNumber(ind.weight)},
                          {"children", std::move(children)}});
  }
  return json{{"indicators", std::move(indicators)}}.dump();
}

suppliers::IndicatorTree TreeFromJson(const json& j) {
  suppliers::IndicatorTree tree;
  for (const auto& ji : j.at("indicators")) {
    suppliers::Indicator ind;
    ind.code = ji.at("code").get<std::string>();
    ind.name = ji.at("name").get<std::string>();
    ind.weight = AsOptionalNumber(ji.at("weight"));
    for (const auto& jc : ji.at("children")) {
      suppliers::SubIndicator sub;
      sub.code = jc.at("code").get<std::string>();
      sub.name = jc.at("name").get<std::string>();
      sub.weight = AsOptionalNumber(jc.at("weight"));
      sub.direction = jc.at("direction").get<std::string>() == kDirections[1]
                          ? suppliers::Direction::kLowerIsBetter
                          : suppliers::Direction::kHigherIsBetter;
      sub.scale_min = jc.at("scale_min").get<double>();
      sub.scale_max = jc.at("scale_max").get<double>();
      ind.children.push_back(std::move(sub));
    }
    tree.indicators.push_back(std::move(ind));
  }
  return tree;
}

std::string JudgementsJson(const std::vector<suppliers::NodeJudgements>& judgements) {
  json out = json::array();
  for (const auto& nj : judgements) {
    out.push_back({{"node", nj.node},
                   {"matrix", nj.matrix},
                   {"cr", nj.cr},
                   {"lambda_max", nj.lambda_max},
                   {"ri_table", suppliers::RiTableName(nj.ri_table)}});
  }
  return out.dump();
}

std::vector<suppliers::NodeJudgements> JudgementsFromJson(const json& j) {
  std::vector<suppliers::NodeJudgements> out;
  for (const auto& jn : j) {
    suppliers::NodeJudgements nj;
    nj.node = jn.at("node").get<std::string>();
    nj.matrix = jn.at("matrix").get<suppliers::ComparisonMatrix>();
    nj.cr = jn.at("cr").get<double>();
    nj.lambda_max = jn.at("lambda_max").get<double>();
    const auto table = suppliers::RiTableFromName(jn.at("ri_table").get<std::string>());
    nj.ri_table = table.ok() ? *table : suppliers::RiTable::kSaaty;
    out.push_back(std::move(nj));
  }
  return out;
}

constexpr std::string_view kTreeColumns =
    "name, version_no, status, tree, judgements, created_by, created_at, activated_at, version";

std::vector<Value> TreeValues(const TreeVersion& v) {
  return {v.name,
          std::int64_t{v.version_no},
          EnumText(v.status),
          TreeJson(v.tree),
          JudgementsJson(v.judgements),
          v.created_by,
          v.created_at.micros(),
          v.activated_at ? Value(v.activated_at->micros()) : Value(),
          v.version};
}

// Row: id, tenant_id, then kTreeColumns.
Result<TreeVersion> DecodeTree(const Row& r) {
  TreeVersion v;
  v.id = suppliers::TreeVersionId(AsInt(r[0]));
  v.tenant_id = TenantId(AsInt(r[1]));
  v.name = r[2].value_or("");
  v.version_no = AsInt32(r[3]);
  v.status = AsEnum(r[4], TreeStatus::kDraft);
  try {
    v.tree = TreeFromJson(json::parse(r[5].value_or("{}")));
    v.judgements = JudgementsFromJson(json::parse(r[6].value_or("[]")));
  } catch (const json::exception& e) {
    return Internal("tree version " + std::to_string(v.id.value()) +
                    ": stored tree is unreadable: " + e.what());
  }
  v.created_by = r[7].value_or("");
  v.created_at = Timestamp::FromMicros(AsInt(r[8]));
  if (r[9]) v.activated_at = Timestamp::FromMicros(AsInt(r[9]));
  v.version = AsInt(r[10]);
  return v;
}

}  // namespace

// --- price list ------------------------------------------------------------------------------

Result<PriceListEntry> SqlProcurementStore::InsertPrice(PriceListEntry entry) {
  std::vector<Value> p{entry.tenant_id.value()};
  for (auto& v : PriceValues(entry)) p.push_back(std::move(v));
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("INSERT INTO procurement_price_list (tenant_id, " +
                                              std::string(kPriceColumns) +
                                              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                              "?, ?, ?, ?, ?) RETURNING id",
                                          p));
  entry.id = procurement::PriceListEntryId(AsInt(rows.at(0)[0]));
  return entry;
}

Result<PriceListEntry> SqlProcurementStore::GetPrice(TenantId tenant,
                                                     procurement::PriceListEntryId id) {
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, tenant_id, " + std::string(kPriceColumns) +
                                              " FROM procurement_price_list WHERE tenant_id = ? "
                                              "AND id = ?",
                                          p));
  if (rows.empty()) return NotFound("no price list entry with id " + std::to_string(id.value()));
  return DecodePrice(rows[0]);
}

Status SqlProcurementStore::UpdatePrice(const PriceListEntry& entry,
                                        std::int64_t expected_version) {
  // Everything but the creation time is rewritten.
  auto values = PriceValues(entry);
  values.erase(values.end() - 2);
  for (auto v : {entry.tenant_id.value(), entry.id.value(), expected_version}) {
    values.emplace_back(v);
  }
  XB_ASSIGN_OR_RETURN(
      std::int64_t n,
      c_.Execute("UPDATE procurement_price_list SET supplier_id = ?, sku_id = ?, currency = ?, "
                 "unit_price_minor = ?, min_order_qty = ?, lead_air_days = ?, lead_sea_days = ?, "
                 "lead_express_days = ?, lead_rail_days = ?, lead_road_days = ?, valid_from = ?, "
                 "valid_to = ?, active = ?, version = ?, updated_at = ? "
                 "WHERE tenant_id = ? AND id = ? AND version = ?",
                 values));
  if (n == 1) return Status::Ok();
  XB_ASSIGN_OR_RETURN(PriceListEntry current, GetPrice(entry.tenant_id, entry.id));
  return Conflict("price list entry " + std::to_string(entry.id.value()) +
                  " changed meanwhile (now version " + std::to_string(current.version) + ")");
}

Result<std::pair<std::vector<PriceListEntry>, std::int64_t>> SqlProcurementStore::ListPrices(
    TenantId tenant, const procurement::PriceListQuery& q) {
  Where w;
  w.params.emplace_back(tenant.value());
  if (!q.include_inactive) w.Add("active = ?", true);
  if (q.supplier_id) w.Add("supplier_id = ?", *q.supplier_id);
  if (q.sku_id) w.Add("sku_id = ?", *q.sku_id);
  if (q.valid_on) {
    w.Add("valid_from <= ?", DayOf(*q.valid_on));
    w.Add("(valid_to IS NULL OR valid_to >= ?)", DayOf(*q.valid_on));
  }
  const std::string where = " FROM procurement_price_list WHERE tenant_id = ?" + w.sql;
  XB_ASSIGN_OR_RETURN(auto count, c_.Query("SELECT COUNT(*)" + where, w.params));
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, tenant_id, " + std::string(kPriceColumns) +
                                              where + " ORDER BY id LIMIT ? OFFSET ?",
                                          Concat(w.params, {q.limit, q.offset})));
  std::vector<PriceListEntry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodePrice(r));
  return std::make_pair(std::move(out), AsInt(count.at(0)[0]));
}

// --- purchase orders -------------------------------------------------------------------------

Result<PurchaseOrder> SqlProcurementStore::InsertOrder(PurchaseOrder po) {
  std::vector<Value> p{po.tenant_id.value()};
  for (auto& v : OrderValues(po)) p.push_back(std::move(v));
  auto rows =
      c_.Query("INSERT INTO procurement_purchase_order (tenant_id, " + std::string(kOrderColumns) +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "RETURNING id",
               p);
  if (!rows.ok()) {
    if (rows.status().code() == ErrorCode::kAlreadyExists) return OrderCodeTaken(po.code);
    return rows.status();
  }
  po.id = procurement::PurchaseOrderId(AsInt(rows->at(0)[0]));
  XB_RETURN_IF_ERROR(InsertLines(po));
  std::sort(po.lines.begin(), po.lines.end(),
            [](const PoLine& a, const PoLine& b) { return a.line_no < b.line_no; });
  return po;
}

Status SqlProcurementStore::InsertLines(const PurchaseOrder& po) {
  for (const auto& l : po.lines) {
    const Value p[] = {
        po.tenant_id.value(), po.id.value(),      std::int64_t{l.line_no},      l.sku_id,
        l.quantity,           l.unit_price_minor, OptInt(l.quoted_price_minor), l.received_qty,
        l.accepted_qty,       l.rejected_qty};
    auto n = c_.Execute("INSERT INTO procurement_po_line (tenant_id, " + std::string(kLineColumns) +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        p);
    if (!n.ok()) {
      if (n.status().code() == ErrorCode::kAlreadyExists) {
        return InvalidArgument("lines: line " + std::to_string(l.line_no) + " appears twice",
                               "lines");
      }
      return n.status();
    }
  }
  return Status::Ok();
}

Result<PurchaseOrder> SqlProcurementStore::GetOrder(TenantId tenant,
                                                    procurement::PurchaseOrderId id) {
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, tenant_id, " + std::string(kOrderColumns) +
                                              " FROM procurement_purchase_order WHERE "
                                              "tenant_id = ? AND id = ?",
                                          p));
  if (rows.empty()) return NotFound("no purchase order with id " + std::to_string(id.value()));
  PurchaseOrder po = DecodeOrder(rows[0]);
  XB_ASSIGN_OR_RETURN(auto lines, c_.Query("SELECT " + std::string(kLineColumns) +
                                               " FROM procurement_po_line WHERE tenant_id = ? "
                                               "AND purchase_order_id = ? ORDER BY line_no",
                                           p));
  for (const auto& r : lines) po.lines.push_back(DecodeLine(r));
  return po;
}

Status SqlProcurementStore::UpdateOrder(const PurchaseOrder& po, std::int64_t expected_version) {
  // The header first: it carries the version that makes the whole save optimistic.
  auto values = OrderValues(po);
  values.erase(values.end() - 2);  // created_at stays
  for (auto v : {po.tenant_id.value(), po.id.value(), expected_version}) values.emplace_back(v);
  auto n = c_.Execute(
      "UPDATE procurement_purchase_order SET code = ?, supplier_id = ?, warehouse_id = ?, "
      "transport_mode = ?, currency = ?, status = ?, order_date = ?, expected_date = ?, "
      "at_order_score = ?, at_order_band = ?, at_order_rank = ?, at_order_candidates = ?, "
      "at_order_warned = ?, version = ?, updated_at = ? "
      "WHERE tenant_id = ? AND id = ? AND version = ?",
      values);
  if (!n.ok()) {
    if (n.status().code() == ErrorCode::kAlreadyExists) return OrderCodeTaken(po.code);
    return n.status();
  }
  if (*n != 1) {
    XB_ASSIGN_OR_RETURN(PurchaseOrder current, GetOrder(po.tenant_id, po.id));
    return Conflict("purchase order " + std::to_string(po.id.value()) +
                    " changed meanwhile (now version " + std::to_string(current.version) + ")");
  }
  const Value key[] = {po.tenant_id.value(), po.id.value()};
  XB_ASSIGN_OR_RETURN(
      std::int64_t removed,
      c_.Execute("DELETE FROM procurement_po_line WHERE tenant_id = ? AND purchase_order_id = ?",
                 key));
  (void)removed;
  return InsertLines(po);
}

Result<std::pair<std::vector<PurchaseOrder>, std::int64_t>> SqlProcurementStore::ListOrders(
    TenantId tenant, const procurement::PurchaseOrderQuery& q) {
  Where w;
  w.params.emplace_back(tenant.value());
  if (q.supplier_id) w.Add("supplier_id = ?", *q.supplier_id);
  if (q.warehouse_id) w.Add("warehouse_id = ?", *q.warehouse_id);
  if (q.status) w.Add("status = ?", EnumText(*q.status));
  if (q.ordered_from) w.Add("order_date >= ?", DayOf(*q.ordered_from));
  if (q.ordered_to) w.Add("order_date <= ?", DayOf(*q.ordered_to));
  const std::string where = " FROM procurement_purchase_order WHERE tenant_id = ?" + w.sql;
  // Newest first: by order date, then by id, both descending.
  const std::string page = where + " ORDER BY order_date DESC, id DESC LIMIT ? OFFSET ?";
  const auto page_params = Concat(w.params, {q.limit, q.offset});
  XB_ASSIGN_OR_RETURN(auto count, c_.Query("SELECT COUNT(*)" + where, w.params));
  XB_ASSIGN_OR_RETURN(
      auto rows,
      c_.Query("SELECT id, tenant_id, " + std::string(kOrderColumns) + page, page_params));
  std::vector<PurchaseOrder> out;
  out.reserve(rows.size());
  std::map<std::int64_t, std::size_t> index;
  for (const auto& r : rows) {
    index[AsInt(r[0])] = out.size();
    out.push_back(DecodeOrder(r));
  }
  if (!out.empty()) {
    // The lines of the same page of orders, in one statement.
    std::vector<Value> lp{tenant.value()};
    lp.insert(lp.end(), page_params.begin(), page_params.end());
    XB_ASSIGN_OR_RETURN(auto lines,
                        c_.Query("SELECT " + std::string(kLineColumns) +
                                     " FROM procurement_po_line WHERE tenant_id = ? AND "
                                     "purchase_order_id IN (SELECT id" +
                                     page + ") ORDER BY purchase_order_id, line_no",
                                 lp));
    for (const auto& r : lines) {
      const auto it = index.find(AsInt(r[0]));
      if (it != index.end()) out[it->second].lines.push_back(DecodeLine(r));
    }
  }
  return std::make_pair(std::move(out), AsInt(count.at(0)[0]));
}

// --- goods receipts --------------------------------------------------------------------------

Result<GoodsReceipt> SqlProcurementStore::InsertReceipt(GoodsReceipt receipt) {
  const Value key[] = {receipt.tenant_id.value(), receipt.purchase_order_id};
  XB_ASSIGN_OR_RETURN(auto found, c_.Query("SELECT id FROM procurement_purchase_order WHERE "
                                           "tenant_id = ? AND id = ?",
                                           key));
  if (found.empty()) {
    return NotFound("no purchase order with id " + std::to_string(receipt.purchase_order_id));
  }
  const Value p[] = {receipt.tenant_id.value(), receipt.purchase_order_id,
                     DayOf(receipt.received_on), receipt.actor, receipt.created_at.micros()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("INSERT INTO procurement_goods_receipt (tenant_id, "
                                          "purchase_order_id, received_on, actor, created_at) "
                                          "VALUES (?, ?, ?, ?, ?) RETURNING id",
                                          p));
  receipt.id = procurement::GoodsReceiptId(AsInt(rows.at(0)[0]));
  for (const auto& l : receipt.lines) {
    const Value lp[] = {receipt.tenant_id.value(),
                        receipt.id.value(),
                        std::int64_t{l.line_no},
                        l.received_qty,
                        l.accepted_qty,
                        l.rejected_qty,
                        l.reason};
    auto n = c_.Execute(
        "INSERT INTO procurement_receipt_line (tenant_id, goods_receipt_id, line_no, "
        "received_qty, accepted_qty, rejected_qty, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
        lp);
    if (!n.ok()) {
      if (n.status().code() == ErrorCode::kAlreadyExists) {
        return InvalidArgument("lines: line " + std::to_string(l.line_no) + " appears twice",
                               "lines");
      }
      return n.status();
    }
  }
  std::sort(receipt.lines.begin(), receipt.lines.end(),
            [](const ReceiptLine& a, const ReceiptLine& b) { return a.line_no < b.line_no; });
  return receipt;
}

Result<std::vector<GoodsReceipt>> SqlProcurementStore::ListReceipts(
    TenantId tenant, std::optional<std::int64_t> order_id, std::optional<std::int64_t> supplier_id,
    std::optional<Date> from, std::optional<Date> to) {
  Where w;
  w.params.emplace_back(tenant.value());
  std::string from_sql = " FROM procurement_goods_receipt r";
  if (supplier_id) {
    from_sql +=
        " JOIN procurement_purchase_order o ON o.tenant_id = r.tenant_id AND "
        "o.id = r.purchase_order_id";
    w.Add("o.supplier_id = ?", *supplier_id);
  }
  if (order_id) w.Add("r.purchase_order_id = ?", *order_id);
  if (from) w.Add("r.received_on >= ?", DayOf(*from));
  if (to) w.Add("r.received_on <= ?", DayOf(*to));
  const std::string where = " WHERE r.tenant_id = ?" + w.sql;
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT r.id, r.purchase_order_id, r.received_on, "
                                          "r.actor, r.created_at" +
                                              from_sql + where + " ORDER BY r.received_on, r.id",
                                          w.params));
  std::vector<GoodsReceipt> out;
  out.reserve(rows.size());
  std::map<std::int64_t, std::size_t> index;
  for (const auto& r : rows) {
    GoodsReceipt g;
    g.id = procurement::GoodsReceiptId(AsInt(r[0]));
    g.tenant_id = tenant;
    g.purchase_order_id = AsInt(r[1]);
    g.received_on = AsDate(r[2]);
    g.actor = r[3].value_or("");
    g.created_at = Timestamp::FromMicros(AsInt(r[4]));
    index[g.id.value()] = out.size();
    out.push_back(std::move(g));
  }
  if (!out.empty()) {
    // The lines of the same receipts, in one statement.
    std::vector<Value> lp{tenant.value()};
    lp.insert(lp.end(), w.params.begin(), w.params.end());
    XB_ASSIGN_OR_RETURN(
        auto lines,
        c_.Query("SELECT l.goods_receipt_id, l.line_no, l.received_qty, l.accepted_qty, "
                 "l.rejected_qty, l.reason FROM procurement_receipt_line l WHERE "
                 "l.tenant_id = ? AND l.goods_receipt_id IN (SELECT r.id" +
                     from_sql + where + ") ORDER BY l.goods_receipt_id, l.line_no",
                 lp));
    for (const auto& r : lines) {
      const auto it = index.find(AsInt(r[0]));
      if (it != index.end()) out[it->second].lines.push_back(DecodeReceiptLine(r));
    }
  }
  return out;
}

// --- indicator tree versions -----------------------------------------------------------------

Status SqlEvaluationStore::CheckUnique(const TreeVersion& v) {
  const Value p[] = {v.tenant_id.value(), v.id.value(), std::int64_t{v.version_no}};
  XB_ASSIGN_OR_RETURN(auto same_no, c_.Query("SELECT id FROM suppliers_tree_version WHERE "
                                             "tenant_id = ? AND id <> ? AND version_no = ?",
                                             p));
  if (!same_no.empty()) {
    return AlreadyExists("tree version number " + std::to_string(v.version_no) + " exists",
                         "version_no");
  }
  if (v.status == TreeStatus::kActive) {
    const Value a[] = {v.tenant_id.value(), v.id.value(), EnumText(TreeStatus::kActive)};
    XB_ASSIGN_OR_RETURN(auto active, c_.Query("SELECT id FROM suppliers_tree_version WHERE "
                                              "tenant_id = ? AND id <> ? AND status = ?",
                                              a));
    if (!active.empty()) {
      return AlreadyExists("tree version " + std::to_string(AsInt(active[0][0])) +
                           " is active; retire it before activating another");
    }
  }
  return Status::Ok();
}

Result<TreeVersion> SqlEvaluationStore::InsertTree(TreeVersion version) {
  version.id = suppliers::TreeVersionId(0);
  XB_RETURN_IF_ERROR(CheckUnique(version));
  std::vector<Value> p{version.tenant_id.value()};
  for (auto& v : TreeValues(version)) p.push_back(std::move(v));
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("INSERT INTO suppliers_tree_version (tenant_id, " +
                                              std::string(kTreeColumns) +
                                              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                              "RETURNING id",
                                          p));
  version.id = suppliers::TreeVersionId(AsInt(rows.at(0)[0]));
  return version;
}

Result<TreeVersion> SqlEvaluationStore::GetTree(TenantId tenant, suppliers::TreeVersionId id) {
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, tenant_id, " + std::string(kTreeColumns) +
                                              " FROM suppliers_tree_version WHERE tenant_id = ? "
                                              "AND id = ?",
                                          p));
  if (rows.empty()) return NotFound("no tree version with id " + std::to_string(id.value()));
  return DecodeTree(rows[0]);
}

Status SqlEvaluationStore::UpdateTree(const TreeVersion& version, std::int64_t expected_version) {
  // Missing, stale, then colliding: the same order of refusals as the memory store.
  const Value key[] = {version.tenant_id.value(), version.id.value()};
  XB_ASSIGN_OR_RETURN(auto current, c_.Query("SELECT version FROM suppliers_tree_version WHERE "
                                             "tenant_id = ? AND id = ?",
                                             key));
  if (current.empty()) {
    return NotFound("no tree version with id " + std::to_string(version.id.value()));
  }
  const auto stale = [&](std::int64_t now) {
    return Conflict("tree version " + std::to_string(version.id.value()) +
                    " changed meanwhile (now version " + std::to_string(now) + ")");
  };
  if (AsInt(current[0][0]) != expected_version) return stale(AsInt(current[0][0]));
  XB_RETURN_IF_ERROR(CheckUnique(version));
  // The author and creation time stay as they were.
  const Value p[] = {version.name,
                     std::int64_t{version.version_no},
                     EnumText(version.status),
                     TreeJson(version.tree),
                     JudgementsJson(version.judgements),
                     version.activated_at ? Value(version.activated_at->micros()) : Value(),
                     version.version,
                     version.tenant_id.value(),
                     version.id.value(),
                     expected_version};
  XB_ASSIGN_OR_RETURN(
      std::int64_t n,
      c_.Execute("UPDATE suppliers_tree_version SET name = ?, version_no = ?, status = ?, "
                 "tree = ?, judgements = ?, activated_at = ?, version = ? WHERE tenant_id = ? "
                 "AND id = ? AND version = ?",
                 p));
  if (n == 1) return Status::Ok();
  XB_ASSIGN_OR_RETURN(TreeVersion now, GetTree(version.tenant_id, version.id));
  return stale(now.version);
}

Result<std::vector<TreeVersion>> SqlEvaluationStore::ListTrees(TenantId tenant) {
  const Value p[] = {tenant.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, tenant_id, " + std::string(kTreeColumns) +
                                              " FROM suppliers_tree_version WHERE tenant_id = ? "
                                              "ORDER BY version_no, id",
                                          p));
  std::vector<TreeVersion> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    XB_ASSIGN_OR_RETURN(TreeVersion v, DecodeTree(r));
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::optional<TreeVersion>> SqlEvaluationStore::ActiveTree(TenantId tenant) {
  const Value p[] = {tenant.value(), EnumText(TreeStatus::kActive)};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, tenant_id, " + std::string(kTreeColumns) +
                                              " FROM suppliers_tree_version WHERE tenant_id = ? "
                                              "AND status = ?",
                                          p));
  if (rows.empty()) return std::optional<TreeVersion>();
  XB_ASSIGN_OR_RETURN(TreeVersion v, DecodeTree(rows[0]));
  return std::optional<TreeVersion>(std::move(v));
}

// --- scores ----------------------------------------------------------------------------------

Status SqlEvaluationStore::UpsertScore(const IndicatorScore& s) {
  const Value key[] = {s.tenant_id.value(), s.tree_version_id.value()};
  XB_ASSIGN_OR_RETURN(auto tree, c_.Query("SELECT id FROM suppliers_tree_version WHERE "
                                          "tenant_id = ? AND id = ?",
                                          key));
  if (tree.empty()) {
    return NotFound("no tree version with id " + std::to_string(s.tree_version_id.value()));
  }
  const Value p[] = {s.tenant_id.value(),
                     s.tree_version_id.value(),
                     s.supplier_id,
                     s.period,
                     s.indicator,
                     DoubleText(s.score),
                     EnumText(s.source),
                     s.evaluator,
                     s.note ? Value(*s.note) : Value(),
                     s.at.micros()};
  XB_ASSIGN_OR_RETURN(
      std::int64_t n,
      c_.Execute("INSERT INTO suppliers_indicator_score (tenant_id, tree_version_id, supplier_id, "
                 "period, indicator, score, source, evaluator, note, at) VALUES "
                 "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, tree_version_id, "
                 "supplier_id, period, indicator) DO UPDATE SET score = excluded.score, "
                 "source = excluded.source, evaluator = excluded.evaluator, "
                 "note = excluded.note, at = excluded.at",
                 p));
  (void)n;
  return Status::Ok();
}

Result<std::vector<IndicatorScore>> SqlEvaluationStore::ListScores(
    TenantId tenant, suppliers::TreeVersionId tree, std::optional<std::int64_t> supplier_id,
    std::optional<std::string> period) {
  Where w;
  w.params = {tenant.value(), tree.value()};
  if (supplier_id) w.Add("supplier_id = ?", *supplier_id);
  if (period) w.Add("period = ?", *period);
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT supplier_id, period, indicator, score, source, evaluator, "
                               "note, at FROM suppliers_indicator_score WHERE tenant_id = ? AND "
                               "tree_version_id = ?" +
                                   w.sql + " ORDER BY supplier_id, period, indicator",
                               w.params));
  std::vector<IndicatorScore> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    IndicatorScore s;
    s.tenant_id = tenant;
    s.tree_version_id = tree;
    s.supplier_id = AsInt(r[0]);
    s.period = r[1].value_or("");
    s.indicator = r[2].value_or("");
    s.score = AsDouble(r[3]);
    s.source = AsEnum(r[4], suppliers::ScoreSource::kEntered);
    s.evaluator = r[5].value_or("");
    s.note = r[6];
    s.at = Timestamp::FromMicros(AsInt(r[7]));
    out.push_back(std::move(s));
  }
  return out;
}

// --- bands -----------------------------------------------------------------------------------

Result<std::vector<Band>> SqlEvaluationStore::GetBands(TenantId tenant) {
  const Value p[] = {tenant.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT name, min_score, consequence FROM "
                                          "suppliers_band WHERE tenant_id = ? ORDER BY band_no",
                                          p));
  if (rows.empty()) return suppliers::DefaultBands();
  std::vector<Band> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back({r[0].value_or(""), AsDouble(r[1]), AsEnum(r[2], suppliers::Consequence::kNone)});
  }
  return out;
}

Status SqlEvaluationStore::SetBands(TenantId tenant, const std::vector<Band>& bands) {
  const Value p[] = {tenant.value()};
  XB_ASSIGN_OR_RETURN(std::int64_t removed,
                      c_.Execute("DELETE FROM suppliers_band WHERE tenant_id = ?", p));
  (void)removed;
  std::int64_t band_no = 0;
  for (const auto& b : bands) {
    const Value row[] = {tenant.value(), ++band_no, b.name, DoubleText(b.min_score),
                         EnumText(b.consequence)};
    auto n = c_.Execute(
        "INSERT INTO suppliers_band (tenant_id, band_no, name, min_score, consequence) "
        "VALUES (?, ?, ?, ?, ?)",
        row);
    if (!n.ok()) return n.status();
  }
  return Status::Ok();
}

}  // namespace xb::sql
