#include "adapters/sql/customs_stores.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <utility>

#include "adapters/json_text/json_text.h"
#include "core/record_field.h"

namespace xb::sql {

using customs::AccountEntry;
using customs::BookBalance;
using customs::Declaration;
using customs::DeclarationId;
using customs::DeclarationState;
using customs::PositiveListLine;
using customs::QuotaEntry;
using customs::Receipt;
using customs::Return;
using customs::ReturnId;
using customs::RuleRow;
using nlohmann::json;

namespace {

// --- values in and out -----------------------------------------------------------------------

Value DayOf(std::optional<Date> d) { return d ? Value(std::int64_t{d->days()}) : Value(); }
Value MicrosOf(std::optional<Timestamp> t) { return t ? Value(t->micros()) : Value(); }
template <class T>
Value OrNull(const std::optional<T>& v) {
  return v ? Value(static_cast<std::int64_t>(*v)) : Value();
}

Date AsDate(const std::optional<std::string>& cell) {
  return Date::FromDays(static_cast<std::int32_t>(AsInt(cell)));
}
std::optional<Date> AsOptDate(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  return AsDate(cell);
}
Timestamp AsTime(const std::optional<std::string>& cell) {
  return Timestamp::FromMicros(AsInt(cell));
}
std::optional<Timestamp> AsOptTime(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  return AsTime(cell);
}

template <class E>
Value EnumText(E e) {
  return std::string(EnumName(e));
}
template <class E>
E AsEnum(const std::optional<std::string>& cell, E fallback) {
  return cell ? EnumFromName<E>(*cell).value_or(fallback) : fallback;
}

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

std::vector<Value> Concat(std::vector<Value> a, std::initializer_list<Value> more) {
  for (const auto& v : more) a.push_back(v);
  return a;
}

// --- documents as JSON -----------------------------------------------------------------------

// Documents are written as JSON text straight into one buffer (json_text.h: byte for byte what
// nlohmann's dump() prints, keys added in byte order), without a json tree: declarations are
// written on the order-intake hot path. They are read back with nlohmann.
using json_text::Object;

void IdentityText(std::string& out, const customs::Identity& i) {
  Object o(out);
  o.Text("id_number", i.id_number);
  o.Text("id_type", i.id_type);
  o.Text("name", i.name);
}

void LinesText(std::string& out, const std::vector<customs::DocLine>& lines) {
  out += '[';
  for (std::size_t n = 0; n < lines.size(); ++n) {
    if (n > 0) out += ',';
    const auto& l = lines[n];
    Object o(out);
    o.Text("hs_code", l.hs_code);
    o.Int("legal_quantity_milli", l.legal_quantity_milli);
    o.Text("legal_unit", l.legal_unit);
    o.Text("name", l.name);
    o.Int("price_fen", l.price_fen);
    o.Int("quantity", l.quantity);
    o.Text("sku_code", l.sku_code);
  }
  out += ']';
}

customs::Identity IdentityOf(const json& j) {
  customs::Identity i;
  i.name = j.value("name", "");
  i.id_type = j.value("id_type", "");
  i.id_number = j.value("id_number", "");
  return i;
}

std::vector<customs::DocLine> LinesOf(const json& a) {
  std::vector<customs::DocLine> out;
  if (!a.is_array()) return out;
  out.reserve(a.size());
  for (const auto& j : a) {
    customs::DocLine l;
    l.sku_code = j.value("sku_code", "");
    l.hs_code = j.value("hs_code", "");
    l.name = j.value("name", "");
    l.quantity = j.value("quantity", std::int64_t{0});
    l.legal_quantity_milli = j.value("legal_quantity_milli", std::int64_t{0});
    l.legal_unit = j.value("legal_unit", "");
    l.price_fen = j.value("price_fen", std::int64_t{0});
    out.push_back(std::move(l));
  }
  return out;
}

std::string OrderDocText(const customs::OrderDoc& d) {
  std::string out;
  out.reserve(320 + d.lines.size() * 200);
  {
    Object o(out);
    IdentityText(o.Key("buyer"), d.buyer);
    o.Text("buyer_phone", d.buyer_phone);
    o.Int("discount_fen", d.discount_fen);
    o.Int("freight_fen", d.freight_fen);
    o.Int("goods_fen", d.goods_fen);
    o.Int("insurance_fen", d.insurance_fen);
    LinesText(o.Key("lines"), d.lines);
    o.Text("order_no", d.order_no);
    o.Int("paid_fen", d.paid_fen);
    o.Int("tax_fen", d.tax_fen);
  }
  return out;
}
customs::OrderDoc OrderDocOf(const json& j) {
  customs::OrderDoc d;
  d.order_no = j.value("order_no", "");
  if (j.contains("buyer")) d.buyer = IdentityOf(j["buyer"]);
  d.buyer_phone = j.value("buyer_phone", "");
  if (j.contains("lines")) d.lines = LinesOf(j["lines"]);
  d.goods_fen = j.value("goods_fen", std::int64_t{0});
  d.freight_fen = j.value("freight_fen", std::int64_t{0});
  d.insurance_fen = j.value("insurance_fen", std::int64_t{0});
  d.discount_fen = j.value("discount_fen", std::int64_t{0});
  d.tax_fen = j.value("tax_fen", std::int64_t{0});
  d.paid_fen = j.value("paid_fen", std::int64_t{0});
  return d;
}

std::string PaymentDocText(const customs::PaymentDoc& d) {
  std::string out;
  out.reserve(192);
  {
    Object o(out);
    o.Int("amount_fen", d.amount_fen);
    o.Text("order_no", d.order_no);
    IdentityText(o.Key("payer"), d.payer);
    o.Text("payment_no", d.payment_no);
  }
  return out;
}
customs::PaymentDoc PaymentDocOf(const json& j) {
  customs::PaymentDoc d;
  d.order_no = j.value("order_no", "");
  d.payment_no = j.value("payment_no", "");
  if (j.contains("payer")) d.payer = IdentityOf(j["payer"]);
  d.amount_fen = j.value("amount_fen", std::int64_t{0});
  return d;
}

std::string WaybillDocText(const customs::WaybillDoc& d) {
  std::string out;
  out.reserve(160);
  {
    Object o(out);
    o.Text("consignee", d.consignee);
    o.Int("freight_fen", d.freight_fen);
    o.Text("order_no", d.order_no);
    o.Text("waybill_no", d.waybill_no);
    o.Int("weight_g", d.weight_g);
  }
  return out;
}
customs::WaybillDoc WaybillDocOf(const json& j) {
  customs::WaybillDoc d;
  d.waybill_no = j.value("waybill_no", "");
  d.order_no = j.value("order_no", "");
  d.consignee = j.value("consignee", "");
  d.weight_g = j.value("weight_g", std::int64_t{0});
  d.freight_fen = j.value("freight_fen", std::int64_t{0});
  return d;
}

std::string ListDocText(const customs::DeclarationListDoc& d) {
  std::string out;
  out.reserve(320 + d.lines.size() * 200);
  {
    Object o(out);
    IdentityText(o.Key("buyer"), d.buyer);
    o.Text("ems_no", d.ems_no);
    o.Int("goods_fen", d.goods_fen);
    LinesText(o.Key("lines"), d.lines);
    o.Text("list_no", d.list_no);
    o.Text("order_no", d.order_no);
    o.Int("tax_fen", d.tax_fen);
    o.Text("trade_mode", d.trade_mode);
    o.Text("waybill_no", d.waybill_no);
  }
  return out;
}
customs::DeclarationListDoc ListDocOf(const json& j) {
  customs::DeclarationListDoc d;
  d.list_no = j.value("list_no", "");
  d.order_no = j.value("order_no", "");
  d.waybill_no = j.value("waybill_no", "");
  d.trade_mode = j.value("trade_mode", "");
  d.ems_no = j.value("ems_no", "");
  if (j.contains("buyer")) d.buyer = IdentityOf(j["buyer"]);
  if (j.contains("lines")) d.lines = LinesOf(j["lines"]);
  d.goods_fen = j.value("goods_fen", std::int64_t{0});
  d.tax_fen = j.value("tax_fen", std::int64_t{0});
  return d;
}

std::string ChecksText(const std::vector<customs::DocCheck>& checks) {
  std::string out;
  out.reserve(16 + checks.size() * 96);
  out += '[';
  for (std::size_t n = 0; n < checks.size(); ++n) {
    if (n > 0) out += ',';
    Object o(out);
    o.Text("check", checks[n].check);
    o.Text("detail", checks[n].detail);
    o.Bool("passed", checks[n].passed);
  }
  out += ']';
  return out;
}
std::vector<customs::DocCheck> ChecksOf(const json& a) {
  std::vector<customs::DocCheck> out;
  if (!a.is_array()) return out;
  for (const auto& j : a) {
    out.push_back({j.value("check", ""), j.value("passed", false), j.value("detail", "")});
  }
  return out;
}

json Parse(const std::optional<std::string>& cell) {
  if (!cell) return json::object();
  json j = json::parse(*cell, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? json::object() : j;
}

// --- rules -----------------------------------------------------------------------------------

constexpr std::string_view kRuleColumns =
    "id, tenant_id, kind, key, rate, amount_fen, quantity, unit, valid_from, valid_to, source";

RuleRow DecodeRule(const Row& r) {
  RuleRow row;
  row.id = customs::RuleId(AsInt(r[0]));
  row.tenant_id = TenantId(AsInt(r[1]));
  row.kind = AsEnum(r[2], customs::RuleKind::kVatRate);
  row.key = r[3].value_or("");
  if (r[4]) {
    auto rate = customs::Rate::Parse(*r[4]);
    if (rate.ok()) row.rate = *rate;
  }
  if (r[5]) row.amount_fen = AsInt(r[5]);
  if (r[6]) row.quantity = AsInt(r[6]);
  row.unit = r[7].value_or("");
  row.valid_from = AsDate(r[8]);
  row.valid_to = AsOptDate(r[9]);
  row.source = r[10].value_or("");
  return row;
}

constexpr std::string_view kPositiveColumns =
    "tenant_id, hs_code, description, valid_from, valid_to, source";

PositiveListLine DecodePositive(const Row& r) {
  PositiveListLine l;
  l.tenant_id = TenantId(AsInt(r[0]));
  l.hs_code = r[1].value_or("");
  l.description = r[2].value_or("");
  l.valid_from = AsDate(r[3]);
  l.valid_to = AsOptDate(r[4]);
  l.source = r[5].value_or("");
  return l;
}

Status PositiveLineExists(const PositiveListLine& l) {
  return AlreadyExists(
      "hs_code: positive-list line " + l.hs_code + " from " + l.valid_from.ToIso8601() + " exists",
      "hs_code");
}

// --- quota -----------------------------------------------------------------------------------

constexpr std::size_t kQuotaColumnCount = 10;
constexpr std::string_view kQuotaColumns =
    "id, tenant_id, id_type, id_number, year, amount_fen, kind, order_id, ref, at";

QuotaEntry DecodeQuota(const Row& r) {
  QuotaEntry e;
  e.id = AsInt(r[0]);
  e.tenant_id = TenantId(AsInt(r[1]));
  e.id_type = r[2].value_or("");
  e.id_number = r[3].value_or("");
  e.year = static_cast<int>(AsInt(r[4]));
  e.amount_fen = AsInt(r[5]);
  e.kind = AsEnum(r[6], customs::QuotaEntryKind::kOrder);
  e.order_id = AsInt(r[7]);
  e.ref = r[8].value_or("");
  e.at = AsTime(r[9]);
  return e;
}

// --- declarations ----------------------------------------------------------------------------

constexpr std::size_t kDeclarationColumnCount = 20;
constexpr std::string_view kDeclarationColumns =
    "id, tenant_id, order_id, shipment_ref, signing_key, state, list_no, order_doc, payment_doc, "
    "waybill_doc, list_doc, checks, reason, attempts, next_attempt_at, due_at, released_at, "
    "created_at, updated_at, version";

Timestamp DueAt(const Declaration& d) { return d.next_attempt_at.value_or(d.created_at); }

// "XB" + tenant + the id in 12 digits: unique within the tenant.
std::string DefaultListNo(TenantId tenant, std::int64_t id) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%012lld", static_cast<long long>(id));
  return "XB" + std::to_string(tenant.value()) + digits;
}

// Values in kDeclarationColumns' order.
void AppendDeclaration(std::vector<Value>& p, const Declaration& d) {
  p.emplace_back(d.id.value());
  p.emplace_back(d.tenant_id.value());
  p.emplace_back(d.order_id);
  p.emplace_back(d.shipment_ref);
  p.emplace_back(d.signing_key);
  p.push_back(EnumText(d.state));
  p.emplace_back(d.list.list_no);
  p.emplace_back(OrderDocText(d.order));
  p.emplace_back(PaymentDocText(d.payment));
  p.emplace_back(WaybillDocText(d.waybill));
  p.emplace_back(ListDocText(d.list));
  p.emplace_back(ChecksText(d.checks));
  p.emplace_back(d.reason);
  p.emplace_back(std::int64_t{d.attempts});
  p.push_back(MicrosOf(d.next_attempt_at));
  p.emplace_back(DueAt(d).micros());
  p.push_back(MicrosOf(d.released_at));
  p.emplace_back(d.created_at.micros());
  p.emplace_back(d.updated_at.micros());
  p.emplace_back(d.version);
}

Declaration DecodeDeclaration(const Row& r) {
  Declaration d;
  d.id = DeclarationId(AsInt(r[0]));
  d.tenant_id = TenantId(AsInt(r[1]));
  d.order_id = AsInt(r[2]);
  d.shipment_ref = r[3].value_or("");
  d.signing_key = r[4].value_or("");
  d.state = AsEnum(r[5], DeclarationState::kQueued);
  d.order = OrderDocOf(Parse(r[7]));
  d.payment = PaymentDocOf(Parse(r[8]));
  d.waybill = WaybillDocOf(Parse(r[9]));
  d.list = ListDocOf(Parse(r[10]));
  d.list.list_no = r[6].value_or("");
  d.checks = ChecksOf(Parse(r[11]));
  d.reason = r[12].value_or("");
  d.attempts = static_cast<int>(AsInt(r[13]));
  d.next_attempt_at = AsOptTime(r[14]);
  d.released_at = AsOptTime(r[16]);
  d.created_at = AsTime(r[17]);
  d.updated_at = AsTime(r[18]);
  d.version = AsInt(r[19]);
  return d;
}

// Declarations numbered here and written behind: only a concurrent writer numbering the same
// declaration makes their insert fail as taken.
Status TakenIdIsConflict(Status st) {
  if (st.code() == ErrorCode::kAlreadyExists) {
    return Conflict("a declaration id was taken meanwhile (retry)");
  }
  return st;
}

Status DeclarationChanged(DeclarationId id, std::int64_t version) {
  return Conflict("declaration " + std::to_string(id.value()) + " changed meanwhile (now version " +
                  std::to_string(version) + ")");
}

// --- receipts, returns, the account book -----------------------------------------------------

std::string ReturnLinesText(const std::vector<customs::ReturnLine>& lines) {
  json a = json::array();
  for (const auto& l : lines) {
    a.push_back({{"order_line_id", l.order_line_id},
                 {"quantity", l.quantity},
                 {"value_fen", l.value_fen},
                 {"tax_fen", l.tax_fen},
                 {"lot_number", l.lot_number},
                 {"expiry_date", l.expiry_date ? json(l.expiry_date->days()) : json(nullptr)},
                 {"outcome", l.outcome}});
  }
  return a.dump();
}
std::vector<customs::ReturnLine> ReturnLinesOf(const json& a) {
  std::vector<customs::ReturnLine> out;
  if (!a.is_array()) return out;
  for (const auto& j : a) {
    customs::ReturnLine l;
    l.order_line_id = j.value("order_line_id", std::int64_t{0});
    l.quantity = j.value("quantity", std::int64_t{0});
    l.value_fen = j.value("value_fen", std::int64_t{0});
    l.tax_fen = j.value("tax_fen", std::int64_t{0});
    l.lot_number = j.value("lot_number", "");
    if (j.contains("expiry_date") && j["expiry_date"].is_number_integer()) {
      l.expiry_date = Date::FromDays(j["expiry_date"].get<std::int32_t>());
    }
    l.outcome = j.value("outcome", "");
    out.push_back(std::move(l));
  }
  return out;
}

constexpr std::string_view kReturnColumns =
    "id, tenant_id, order_id, declaration_id, state, reason, lines, requested_at, received_at, "
    "apply_by, arrive_by, created_at, updated_at, version";

Return DecodeReturn(const Row& r) {
  Return x;
  x.id = ReturnId(AsInt(r[0]));
  x.tenant_id = TenantId(AsInt(r[1]));
  x.order_id = AsInt(r[2]);
  x.declaration_id = DeclarationId(AsInt(r[3]));
  x.state = AsEnum(r[4], customs::ReturnState::kRequested);
  x.reason = r[5].value_or("");
  x.lines = ReturnLinesOf(Parse(r[6]));
  x.requested_at = AsTime(r[7]);
  x.received_at = AsOptTime(r[8]);
  x.apply_by = AsDate(r[9]);
  x.arrive_by = AsDate(r[10]);
  x.created_at = AsTime(r[11]);
  x.updated_at = AsTime(r[12]);
  x.version = AsInt(r[13]);
  return x;
}

constexpr std::size_t kAccountColumnCount = 10;
constexpr std::string_view kAccountColumns =
    "id, tenant_id, ems_no, warehouse_id, sku_id, hs_code, kind, quantity, ref, at";

AccountEntry DecodeAccount(const Row& r) {
  AccountEntry e;
  e.id = AsInt(r[0]);
  e.tenant_id = TenantId(AsInt(r[1]));
  e.ems_no = r[2].value_or("");
  e.warehouse_id = AsInt(r[3]);
  e.sku_id = AsInt(r[4]);
  e.hs_code = r[5].value_or("");
  e.kind = AsEnum(r[6], customs::AccountEntryKind::kAdjustment);
  e.quantity = AsInt(r[7]);
  e.ref = r[8].value_or("");
  e.at = AsTime(r[9]);
  return e;
}

}  // namespace

SqlCustomsStore::SqlCustomsStore(Connection& c)
    : c_(c),
      quota_("INSERT INTO customs_quota_entry (" + std::string(kQuotaColumns) + ")",
             kQuotaColumnCount),
      account_("INSERT INTO customs_account_entry (" + std::string(kAccountColumns) + ")",
               kAccountColumnCount),
      declarations_("INSERT INTO customs_declaration (" + std::string(kDeclarationColumns) + ")",
                    kDeclarationColumnCount),
      quota_ids_("customs_quota_entry"),
      account_ids_("customs_account_entry") {}

Status SqlCustomsStore::Flush() {
  XB_RETURN_IF_ERROR(quota_.Flush(c_));
  XB_RETURN_IF_ERROR(account_.Flush(c_));
  return TakenIdIsConflict(declarations_.Flush(c_));
}

// --- rules -----------------------------------------------------------------------------------

Result<RuleRow> SqlCustomsStore::InsertRule(RuleRow row) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {row.tenant_id.value(),
                     EnumText(row.kind),
                     row.key,
                     row.rate ? Value(row.rate->ToString()) : Value(),
                     OrNull(row.amount_fen),
                     OrNull(row.quantity),
                     row.unit,
                     DayOf(row.valid_from),
                     DayOf(row.valid_to),
                     row.source};
  // A taken start inserts nothing (rather than failing, which would end a PostgreSQL
  // transaction).
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("INSERT INTO customs_rule (tenant_id, kind, key, rate, amount_fen, "
                               "quantity, unit, valid_from, valid_to, source) VALUES "
                               "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, kind, key, "
                               "valid_from) DO NOTHING RETURNING id",
                               p));
  if (rows.empty()) {
    return AlreadyExists(
        "valid_from: a rule of this kind and key already starts on " + row.valid_from.ToIso8601(),
        "valid_from");
  }
  row.id = customs::RuleId(AsInt(rows[0][0]));
  return row;
}

Result<std::vector<RuleRow>> SqlCustomsStore::ListRules(TenantId tenant) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kRuleColumns) +
                                              " FROM customs_rule WHERE tenant_id IN (0, ?) "
                                              "ORDER BY id",
                                          p));
  std::vector<RuleRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeRule(r));
  return out;
}

Status SqlCustomsStore::InsertPositiveList(std::span<const PositiveListLine> lines) {
  XB_RETURN_IF_ERROR(Flush());
  std::set<std::tuple<std::int64_t, std::string, std::int32_t>> seen;
  for (const auto& l : lines) {
    if (!seen.insert({l.tenant_id.value(), l.hs_code, l.valid_from.days()}).second) {
      return PositiveLineExists(l);
    }
  }
  if (lines.empty()) return Status::Ok();
  // All of it or nothing, whatever the caller does with its transaction afterwards. Taken keys
  // insert nothing (rather than failing, which would end a PostgreSQL transaction); a short count
  // then undoes the rest.
  XB_RETURN_IF_ERROR(c_.Execute("SAVEPOINT xb_positive_list", {}).status());
  std::int64_t inserted = 0;
  Status st = Status::Ok();
  std::size_t done = 0;
  while (st.ok() && done < lines.size()) {
    std::size_t n = PendingRows::kBatch;
    if (lines.size() - done < n) {
      n = 1;
      while (n * 2 <= lines.size() - done) n *= 2;
    }
    std::vector<Value> p;
    p.reserve(n * 6);
    for (std::size_t i = done; i < done + n; ++i) {
      const auto& l = lines[i];
      p.emplace_back(l.tenant_id.value());
      p.emplace_back(l.hs_code);
      p.emplace_back(l.description);
      p.push_back(DayOf(l.valid_from));
      p.push_back(DayOf(l.valid_to));
      p.emplace_back(l.source);
    }
    auto n_rows = c_.Execute("INSERT INTO customs_positive_list (" + std::string(kPositiveColumns) +
                                 ") VALUES " + RowPlaceholders(n, 6) +
                                 " ON CONFLICT (tenant_id, hs_code, valid_from) DO NOTHING",
                             p);
    if (!n_rows.ok()) {
      st = n_rows.status();
    } else {
      inserted += *n_rows;
    }
    done += n;
  }
  if (st.ok() && inserted != static_cast<std::int64_t>(lines.size())) {
    (void)c_.Execute("ROLLBACK TO SAVEPOINT xb_positive_list", {});
    // Name the first line that was there already.
    for (const auto& l : lines) {
      const Value k[] = {l.tenant_id.value(), l.hs_code, DayOf(l.valid_from)};
      auto found = c_.Query(
          "SELECT 1 FROM customs_positive_list WHERE tenant_id = ? AND hs_code = ? AND "
          "valid_from = ?",
          k);
      if (found.ok() && !found->empty()) {
        st = PositiveLineExists(l);
        break;
      }
    }
    if (st.ok()) st = AlreadyExists("hs_code: a positive-list line exists", "hs_code");
  } else if (!st.ok()) {
    (void)c_.Execute("ROLLBACK TO SAVEPOINT xb_positive_list", {});
  }
  auto released = c_.Execute("RELEASE SAVEPOINT xb_positive_list", {});
  if (st.ok() && !released.ok()) st = released.status();
  return st;
}

Result<std::vector<PositiveListLine>> SqlCustomsStore::ListPositiveList(TenantId tenant) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kPositiveColumns) +
                                              " FROM customs_positive_list WHERE tenant_id IN "
                                              "(0, ?) ORDER BY hs_code, valid_from, tenant_id",
                                          p));
  std::vector<PositiveListLine> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodePositive(r));
  return out;
}

// --- quota -----------------------------------------------------------------------------------

Status SqlCustomsStore::AppendQuota(std::span<QuotaEntry> entries) {
  // Ids increasing in the order given; the rows are written at commit (or the next read).
  auto& p = quota_.values();
  for (auto& e : entries) {
    XB_ASSIGN_OR_RETURN(e.id, quota_ids_.Next(c_));
    p.emplace_back(e.id);
    p.emplace_back(e.tenant_id.value());
    p.emplace_back(e.id_type);
    p.emplace_back(e.id_number);
    p.emplace_back(std::int64_t{e.year});
    p.emplace_back(e.amount_fen);
    p.push_back(EnumText(e.kind));
    p.emplace_back(e.order_id);
    p.emplace_back(e.ref);
    p.emplace_back(e.at.micros());
  }
  return quota_.FlushFull(c_);
}

Result<std::int64_t> SqlCustomsStore::QuotaUsed(TenantId tenant, std::string_view id_type,
                                                std::string_view id_number, int year) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value(), std::string(id_type), std::string(id_number),
                     std::int64_t{year}};
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT COALESCE(SUM(amount_fen), 0) FROM customs_quota_entry "
                               "WHERE tenant_id = ? AND id_type = ? AND id_number = ? AND "
                               "year = ?",
                               p));
  return AsInt(rows.at(0)[0]);
}

Result<std::vector<QuotaEntry>> SqlCustomsStore::ListQuota(TenantId tenant,
                                                           std::string_view id_type,
                                                           std::string_view id_number, int year) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value(), std::string(id_type), std::string(id_number),
                     std::int64_t{year}};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kQuotaColumns) +
                                              " FROM customs_quota_entry WHERE tenant_id = ? AND "
                                              "id_type = ? AND id_number = ? AND year = ? "
                                              "ORDER BY id",
                                          p));
  std::vector<QuotaEntry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeQuota(r));
  return out;
}

Result<std::vector<customs::CustomsStore::QuotaTotal>> SqlCustomsStore::QuotaTotals(int from_year) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {std::int64_t{from_year}};
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT tenant_id, id_type, id_number, year, SUM(amount_fen) FROM "
                               "customs_quota_entry WHERE year >= ? GROUP BY tenant_id, id_type, "
                               "id_number, year ORDER BY tenant_id, id_type, id_number, year",
                               p));
  std::vector<QuotaTotal> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back(QuotaTotal{TenantId(AsInt(r[0])), r[1].value_or(""), r[2].value_or(""),
                             static_cast<int>(AsInt(r[3])), AsInt(r[4])});
  }
  return out;
}

// --- declarations ----------------------------------------------------------------------------

Result<Declaration> SqlCustomsStore::InsertDeclaration(Declaration d) {
  // Ids continue after the highest, counted once per transaction (SQLite's writer is alone; on
  // PostgreSQL a concurrent writer that took the same id fails the insert with kConflict).
  const bool numbered_here = !d.id.assigned();
  if (numbered_here) {
    if (next_declaration_id_ == 0) {
      XB_ASSIGN_OR_RETURN(auto rows,
                          c_.Query("SELECT COALESCE(MAX(id), 0) FROM customs_declaration", {}));
      next_declaration_id_ = AsInt(rows.at(0)[0]) + 1;
    }
    d.id = DeclarationId(next_declaration_id_++);
  } else if (next_declaration_id_ != 0) {
    next_declaration_id_ = std::max(next_declaration_id_, d.id.value() + 1);
  }
  const bool generated_list_no = d.list.list_no.empty();
  if (generated_list_no) d.list.list_no = DefaultListNo(d.tenant_id, d.id.value());
  if (d.version == 0) d.version = 1;
  // Numbered here, it cannot collide (but with a concurrent writer, caught at commit): the row is
  // written at commit (or the next read), with others in one statement.
  if (numbered_here && generated_list_no) {
    AppendDeclaration(declarations_.values(), d);
    XB_RETURN_IF_ERROR(TakenIdIsConflict(declarations_.FlushFull(c_)));
    return d;
  }
  XB_RETURN_IF_ERROR(Flush());
  std::vector<Value> p;
  p.reserve(kDeclarationColumnCount);
  AppendDeclaration(p, d);
  // A taken list number inserts nothing (rather than failing, which would end a PostgreSQL
  // transaction); a taken id fails.
  static const std::string kInsert = "INSERT INTO customs_declaration (" +
                                     std::string(kDeclarationColumns) + ") VALUES " +
                                     RowPlaceholders(1, kDeclarationColumnCount) +
                                     " ON CONFLICT (tenant_id, list_no) DO NOTHING RETURNING id";
  auto rows = c_.Query(kInsert, p);
  if (!rows.ok()) {
    if (rows.status().code() == ErrorCode::kAlreadyExists) {
      if (!numbered_here) {
        return AlreadyExists("id: declaration " + std::to_string(d.id.value()) + " exists", "id");
      }
      return Conflict("declaration id " + std::to_string(d.id.value()) +
                      " was taken meanwhile (retry)");
    }
    return rows.status();
  }
  if (rows->empty()) {
    return AlreadyExists("list_no: declaration " + d.list.list_no + " exists", "list_no");
  }
  return d;
}

Status SqlCustomsStore::UpdateDeclaration(Declaration& d) {
  XB_RETURN_IF_ERROR(Flush());
  // Existence and version are checked first: a failed statement would end a PostgreSQL
  // transaction. The version condition on the update still catches a concurrent writer.
  const Value k[] = {d.tenant_id.value(), d.id.value()};
  XB_ASSIGN_OR_RETURN(auto cur, c_.Query("SELECT version, list_no FROM customs_declaration WHERE "
                                         "tenant_id = ? AND id = ?",
                                         k));
  if (cur.empty()) return NotFound("no declaration with id " + std::to_string(d.id.value()));
  if (AsInt(cur[0][0]) != d.version) return DeclarationChanged(d.id, AsInt(cur[0][0]));
  // The list number is the declaration's identity at customs: it never changes.
  d.list.list_no = cur[0][1].value_or("");
  const Value p[] = {d.order_id,
                     d.shipment_ref,
                     d.signing_key,
                     EnumText(d.state),
                     OrderDocText(d.order),
                     PaymentDocText(d.payment),
                     WaybillDocText(d.waybill),
                     ListDocText(d.list),
                     ChecksText(d.checks),
                     d.reason,
                     std::int64_t{d.attempts},
                     MicrosOf(d.next_attempt_at),
                     DueAt(d).micros(),
                     MicrosOf(d.released_at),
                     d.updated_at.micros(),
                     d.version + 1,
                     d.tenant_id.value(),
                     d.id.value(),
                     d.version};
  XB_ASSIGN_OR_RETURN(
      std::int64_t n,
      c_.Execute("UPDATE customs_declaration SET order_id = ?, shipment_ref = ?, signing_key = ?, "
                 "state = ?, order_doc = ?, payment_doc = ?, waybill_doc = ?, list_doc = ?, "
                 "checks = ?, reason = ?, attempts = ?, next_attempt_at = ?, due_at = ?, "
                 "released_at = ?, updated_at = ?, version = ? WHERE tenant_id = ? AND id = ? AND "
                 "version = ?",
                 p));
  if (n != 1) return DeclarationChanged(d.id, d.version + 1);
  ++d.version;
  return Status::Ok();
}

Result<Declaration> SqlCustomsStore::GetDeclaration(TenantId tenant, DeclarationId id) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT " + std::string(kDeclarationColumns) +
                                   " FROM customs_declaration WHERE tenant_id = ? AND id = ?",
                               p));
  if (rows.empty()) return NotFound("no declaration with id " + std::to_string(id.value()));
  return DecodeDeclaration(rows[0]);
}

Result<std::optional<Declaration>> SqlCustomsStore::FindDeclarationByListNo(
    TenantId tenant, std::string_view list_no) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value(), std::string(list_no)};
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT " + std::string(kDeclarationColumns) +
                                   " FROM customs_declaration WHERE tenant_id = ? AND list_no = ?",
                               p));
  if (rows.empty()) return std::optional<Declaration>();
  return std::optional<Declaration>(DecodeDeclaration(rows[0]));
}

Result<std::pair<std::vector<Declaration>, std::int64_t>> SqlCustomsStore::ListDeclarations(
    TenantId tenant, const customs::DeclarationQuery& q) {
  XB_RETURN_IF_ERROR(Flush());
  Where w;
  w.params.emplace_back(tenant.value());
  if (q.state) w.Add("state = ?", EnumText(*q.state));
  if (q.order_id) w.Add("order_id = ?", *q.order_id);
  if (!q.list_no.empty()) w.Add("list_no = ?", q.list_no);
  const std::string where = " FROM customs_declaration WHERE tenant_id = ?" + w.sql;
  XB_ASSIGN_OR_RETURN(auto count, c_.Query("SELECT COUNT(*)" + where, w.params));
  // The page's ids first, from an index where one answers the filters, then only their rows: no
  // index holds a tenant's declarations in id order when no filter narrows them.
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT " + std::string(kDeclarationColumns) +
                                   " FROM customs_declaration WHERE id IN (SELECT id" + where +
                                   " AND id > ? ORDER BY id LIMIT ?) ORDER BY id",
                               Concat(w.params, {q.after_id, std::int64_t{q.limit}})));
  std::vector<Declaration> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeDeclaration(r));
  return std::make_pair(std::move(out), AsInt(count.at(0)[0]));
}

Result<std::vector<std::string>> SqlCustomsStore::QueuedSigningKeys() {
  XB_RETURN_IF_ERROR(Flush());
  // One index look-up per key (the queue's index is by signing key), however long the queue.
  XB_ASSIGN_OR_RETURN(
      auto rows,
      c_.Query("WITH RECURSIVE k(sk) AS (SELECT MIN(signing_key) FROM customs_declaration WHERE "
               "state = 'queued' UNION ALL SELECT (SELECT MIN(signing_key) FROM "
               "customs_declaration WHERE state = 'queued' AND signing_key > k.sk) FROM k WHERE "
               "k.sk IS NOT NULL) SELECT sk FROM k WHERE sk IS NOT NULL",
               {}));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(std::move(r[0]).value_or(""));
  return out;
}

Result<std::vector<Declaration>> SqlCustomsStore::DueForSigningKey(Timestamp now,
                                                                   std::string_view signing_key,
                                                                   int limit) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {std::string(signing_key), now.micros(), std::int64_t{limit}};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kDeclarationColumns) +
                                              " FROM customs_declaration WHERE state = 'queued' "
                                              "AND signing_key = ? AND due_at <= ? ORDER BY "
                                              "due_at, id LIMIT ?",
                                          p));
  std::vector<Declaration> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeDeclaration(r));
  return out;
}

Result<std::vector<customs::QueueStats>> SqlCustomsStore::QueueBacklog(TenantId tenant) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value()};
  XB_ASSIGN_OR_RETURN(
      auto rows,
      c_.Query("SELECT signing_key, SUM(CASE WHEN state = 'queued' THEN 1 ELSE 0 END), "
               "SUM(CASE WHEN state = 'submitted' THEN 1 ELSE 0 END), "
               "MIN(CASE WHEN state = 'queued' THEN created_at END) FROM customs_declaration "
               "WHERE tenant_id = ? AND state IN ('queued', 'submitted') GROUP BY signing_key "
               "ORDER BY signing_key",
               p));
  std::vector<customs::QueueStats> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    customs::QueueStats s;
    s.signing_key = r[0].value_or("");
    s.queued = AsInt(r[1]);
    s.submitted = AsInt(r[2]);
    s.oldest_queued_at = AsOptTime(r[3]);
    out.push_back(std::move(s));
  }
  return out;
}

// --- receipts --------------------------------------------------------------------------------

Status SqlCustomsStore::InsertReceipt(TenantId tenant, DeclarationId id, const Receipt& receipt) {
  XB_RETURN_IF_ERROR(Flush());
  const Value k[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(
      auto found, c_.Query("SELECT 1 FROM customs_declaration WHERE tenant_id = ? AND id = ?", k));
  if (found.empty()) return NotFound("no declaration with id " + std::to_string(id.value()));
  const Value p[] = {tenant.value(),         id.value(),     receipt.receipt_id, receipt.list_no,
                     EnumText(receipt.kind), receipt.reason, receipt.at.micros()};
  // A repeated receipt inserts nothing (rather than failing, which would end a PostgreSQL
  // transaction).
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("INSERT INTO customs_receipt (tenant_id, declaration_id, "
                               "receipt_id, list_no, kind, reason, at) VALUES "
                               "(?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, receipt_id) DO "
                               "NOTHING RETURNING id",
                               p));
  if (rows.empty()) {
    return AlreadyExists("receipt_id: receipt " + receipt.receipt_id + " was already applied",
                         "receipt_id");
  }
  return Status::Ok();
}

Result<std::vector<Receipt>> SqlCustomsStore::ListReceipts(TenantId tenant, DeclarationId id) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT receipt_id, list_no, kind, reason, at FROM customs_receipt "
                               "WHERE tenant_id = ? AND declaration_id = ? ORDER BY id",
                               p));
  std::vector<Receipt> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    Receipt x;
    x.receipt_id = r[0].value_or("");
    x.list_no = r[1].value_or("");
    x.kind = AsEnum(r[2], customs::ReceiptKind::kAccepted);
    x.reason = r[3].value_or("");
    x.at = AsTime(r[4]);
    out.push_back(std::move(x));
  }
  return out;
}

Result<std::string> SqlCustomsStore::ReceiptCursor(std::string_view feed) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {std::string(feed)};
  XB_ASSIGN_OR_RETURN(
      auto rows, c_.Query("SELECT after_cursor FROM customs_receipt_cursor WHERE feed = ?", p));
  if (rows.empty()) return std::string();
  return std::move(rows[0][0]).value_or("");
}

Status SqlCustomsStore::SaveReceiptCursor(std::string_view feed, std::string_view cursor,
                                          Timestamp at) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {std::string(feed), std::string(cursor), at.micros()};
  return c_
      .Execute(
          "INSERT INTO customs_receipt_cursor (feed, after_cursor, updated_at) VALUES (?, ?, ?) "
          "ON CONFLICT (feed) DO UPDATE SET after_cursor = excluded.after_cursor, updated_at = "
          "excluded.updated_at",
          p)
      .status();
}

// --- returns ---------------------------------------------------------------------------------

Result<Return> SqlCustomsStore::InsertReturn(Return r) {
  XB_RETURN_IF_ERROR(Flush());
  if (r.version == 0) r.version = 1;
  const Value p[] = {r.tenant_id.value(),
                     r.order_id,
                     r.declaration_id.value(),
                     EnumText(r.state),
                     r.reason,
                     ReturnLinesText(r.lines),
                     r.requested_at.micros(),
                     MicrosOf(r.received_at),
                     DayOf(r.apply_by),
                     DayOf(r.arrive_by),
                     r.created_at.micros(),
                     r.updated_at.micros(),
                     r.version};
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("INSERT INTO customs_return (tenant_id, order_id, declaration_id, "
                               "state, reason, lines, requested_at, received_at, apply_by, "
                               "arrive_by, created_at, updated_at, version) VALUES "
                               "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                               p));
  r.id = ReturnId(AsInt(rows.at(0)[0]));
  return r;
}

Status SqlCustomsStore::UpdateReturn(Return& r) {
  XB_RETURN_IF_ERROR(Flush());
  const Value k[] = {r.tenant_id.value(), r.id.value()};
  XB_ASSIGN_OR_RETURN(
      auto cur, c_.Query("SELECT version FROM customs_return WHERE tenant_id = ? AND id = ?", k));
  if (cur.empty()) return NotFound("no return with id " + std::to_string(r.id.value()));
  auto changed = [&](std::int64_t version) {
    return Conflict("return " + std::to_string(r.id.value()) + " changed meanwhile (now version " +
                    std::to_string(version) + ")");
  };
  if (AsInt(cur[0][0]) != r.version) return changed(AsInt(cur[0][0]));
  const Value p[] = {r.order_id,
                     r.declaration_id.value(),
                     EnumText(r.state),
                     r.reason,
                     ReturnLinesText(r.lines),
                     r.requested_at.micros(),
                     MicrosOf(r.received_at),
                     DayOf(r.apply_by),
                     DayOf(r.arrive_by),
                     r.updated_at.micros(),
                     r.version + 1,
                     r.tenant_id.value(),
                     r.id.value(),
                     r.version};
  XB_ASSIGN_OR_RETURN(
      std::int64_t n,
      c_.Execute("UPDATE customs_return SET order_id = ?, declaration_id = ?, state = ?, "
                 "reason = ?, lines = ?, requested_at = ?, received_at = ?, apply_by = ?, "
                 "arrive_by = ?, updated_at = ?, version = ? WHERE tenant_id = ? AND id = ? AND "
                 "version = ?",
                 p));
  if (n != 1) return changed(r.version + 1);
  ++r.version;
  return Status::Ok();
}

Result<Return> SqlCustomsStore::GetReturn(TenantId tenant, ReturnId id) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kReturnColumns) +
                                              " FROM customs_return WHERE tenant_id = ? AND id = ?",
                                          p));
  if (rows.empty()) return NotFound("no return with id " + std::to_string(id.value()));
  return DecodeReturn(rows[0]);
}

Result<std::pair<std::vector<Return>, std::int64_t>> SqlCustomsStore::ListReturns(
    TenantId tenant, std::optional<std::int64_t> order_id, std::int64_t after_id, int limit) {
  XB_RETURN_IF_ERROR(Flush());
  Where w;
  w.params.emplace_back(tenant.value());
  if (order_id) w.Add("order_id = ?", *order_id);
  const std::string where = " FROM customs_return WHERE tenant_id = ?" + w.sql;
  XB_ASSIGN_OR_RETURN(auto count, c_.Query("SELECT COUNT(*)" + where, w.params));
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kReturnColumns) + where +
                                              " AND id > ? ORDER BY id LIMIT ?",
                                          Concat(w.params, {after_id, std::int64_t{limit}})));
  std::vector<Return> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeReturn(r));
  return std::make_pair(std::move(out), AsInt(count.at(0)[0]));
}

// --- the account book ------------------------------------------------------------------------

Status SqlCustomsStore::AppendAccountEntries(std::span<AccountEntry> entries) {
  // Ids increasing in the order given; the rows are written at commit (or the next read).
  auto& p = account_.values();
  for (auto& e : entries) {
    XB_ASSIGN_OR_RETURN(e.id, account_ids_.Next(c_));
    p.emplace_back(e.id);
    p.emplace_back(e.tenant_id.value());
    p.emplace_back(e.ems_no);
    p.emplace_back(e.warehouse_id);
    p.emplace_back(e.sku_id);
    p.emplace_back(e.hs_code);
    p.push_back(EnumText(e.kind));
    p.emplace_back(e.quantity);
    p.emplace_back(e.ref);
    p.emplace_back(e.at.micros());
  }
  return account_.FlushFull(c_);
}

Result<std::vector<BookBalance>> SqlCustomsStore::AccountBalances(TenantId tenant,
                                                                  std::string_view ems_no) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value(), std::string(ems_no)};
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT warehouse_id, sku_id, SUM(quantity) FROM "
                               "customs_account_entry WHERE tenant_id = ? AND ems_no = ? "
                               "GROUP BY warehouse_id, sku_id ORDER BY warehouse_id, sku_id",
                               p));
  std::vector<BookBalance> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(BookBalance{AsInt(r[0]), AsInt(r[1]), AsInt(r[2])});
  return out;
}

Result<std::pair<std::vector<AccountEntry>, std::int64_t>> SqlCustomsStore::ListAccountEntries(
    TenantId tenant, std::string_view ems_no, std::int64_t after_id, int limit) {
  XB_RETURN_IF_ERROR(Flush());
  const Value c[] = {tenant.value(), std::string(ems_no)};
  XB_ASSIGN_OR_RETURN(auto count, c_.Query("SELECT COUNT(*) FROM customs_account_entry WHERE "
                                           "tenant_id = ? AND ems_no = ?",
                                           c));
  const Value p[] = {tenant.value(), std::string(ems_no), after_id, std::int64_t{limit}};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kAccountColumns) +
                                              " FROM customs_account_entry WHERE tenant_id = ? "
                                              "AND ems_no = ? AND id > ? ORDER BY id LIMIT ?",
                                          p));
  std::vector<AccountEntry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeAccount(r));
  return std::make_pair(std::move(out), AsInt(count.at(0)[0]));
}

// --- goods-cap usage -------------------------------------------------------------------------

namespace {

constexpr std::string_view kGoodsCapColumns =
    "tenant_id, id_type, id_number, year, hs_prefix, amount_milli, kind, order_id, line_no, ref, "
    "at";

customs::GoodsCapEntry DecodeGoodsCap(const Row& r) {
  customs::GoodsCapEntry e;
  e.tenant_id = TenantId(AsInt(r[0]));
  e.id_type = r[1].value_or("");
  e.id_number = r[2].value_or("");
  e.year = static_cast<int>(AsInt(r[3]));
  e.hs_prefix = r[4].value_or("");
  e.amount_milli = AsInt(r[5]);
  e.kind = AsEnum(r[6], customs::GoodsCapEntryKind::kOrder);
  e.order_id = AsInt(r[7]);
  e.line_no = AsInt(r[8]);
  e.ref = r[9].value_or("");
  e.at = AsTime(r[10]);
  return e;
}

}  // namespace

Status SqlCustomsStore::AppendGoodsCapUsage(std::span<const customs::GoodsCapEntry> entries) {
  // Few rows (only lines of capped goods): one fixed statement each.
  static const std::string kInsert = "INSERT INTO customs_goods_cap_entry (" +
                                     std::string(kGoodsCapColumns) +
                                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  for (const auto& e : entries) {
    const Value p[] = {e.tenant_id.value(), e.id_type,      e.id_number,      std::int64_t{e.year},
                       e.hs_prefix,         e.amount_milli, EnumText(e.kind), e.order_id,
                       e.line_no,           e.ref,          e.at.micros()};
    XB_RETURN_IF_ERROR(c_.Execute(kInsert, p).status());
  }
  return Status::Ok();
}

Result<std::vector<customs::GoodsCapEntry>> SqlCustomsStore::ListGoodsCapUsage(
    TenantId tenant, std::string_view id_type, std::string_view id_number, int year) {
  const Value p[] = {tenant.value(), std::string(id_type), std::string(id_number),
                     std::int64_t{year}};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kGoodsCapColumns) +
                                              " FROM customs_goods_cap_entry WHERE tenant_id = ? "
                                              "AND id_type = ? AND id_number = ? AND year = ? "
                                              "ORDER BY id",
                                          p));
  std::vector<customs::GoodsCapEntry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeGoodsCap(r));
  return out;
}

Result<std::vector<customs::CustomsStore::GoodsCapTotal>> SqlCustomsStore::GoodsCapTotals(
    int from_year) {
  const Value p[] = {std::int64_t{from_year}};
  XB_ASSIGN_OR_RETURN(
      auto rows, c_.Query("SELECT tenant_id, id_type, id_number, year, hs_prefix, "
                          "SUM(amount_milli) FROM customs_goods_cap_entry WHERE year >= ? GROUP "
                          "BY tenant_id, id_type, id_number, year, hs_prefix ORDER BY tenant_id, "
                          "id_type, id_number, year, hs_prefix",
                          p));
  std::vector<GoodsCapTotal> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back(GoodsCapTotal{TenantId(AsInt(r[0])), r[1].value_or(""), r[2].value_or(""),
                                static_cast<int>(AsInt(r[3])), r[4].value_or(""), AsInt(r[5])});
  }
  return out;
}

}  // namespace xb::sql
