#include "adapters/http/orders_json.h"

#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "adapters/csv/csv.h"
#include "adapters/json_text/json_text.h"
#include "core/text.h"

namespace xb::http {
namespace {

using nlohmann::json;

json TimeOrNull(const std::optional<Timestamp>& t) { return t ? json(t->ToIso8601()) : json(); }
json DateOrNull(const std::optional<Date>& d) { return d ? json(d->ToIso8601()) : json(); }
std::string Fen(std::int64_t fen) { return customs::FenToString(fen); }

// Typed members of a JSON object. Messages and error fields name the member with its path
// ("buyer.id_number", "lines[1].quantity").
class Body {
 public:
  explicit Body(const json& obj, std::string where = {}) : obj_(obj), where_(std::move(where)) {}

  Status Known(std::initializer_list<std::string_view> names) const {
    for (const auto& [key, value] : obj_.items()) {
      bool known = false;
      for (const auto n : names) known = known || n == key;
      if (!known) {
        return InvalidArgument("unknown field '" + where_ + key + "'", where_ + key);
      }
    }
    return Status::Ok();
  }
  bool Has(const std::string& key) const { return obj_.contains(key) && !obj_[key].is_null(); }
  std::string Path(const std::string& key) const { return where_ + key; }
  Status Bad(const std::string& key, const std::string& what) const {
    return InvalidArgument(Path(key) + ": " + what, Path(key));
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
  Result<std::optional<std::string>> Text(const std::string& key) const {
    if (!Has(key)) return std::optional<std::string>();
    if (!obj_[key].is_string()) return Bad(key, "must be a string");
    return std::optional<std::string>(obj_[key].get<std::string>());
  }
  Result<std::string> TextOr(const std::string& key, const std::string& fallback = {}) const {
    XB_ASSIGN_OR_RETURN(auto v, Text(key));
    return v ? *v : fallback;
  }
  Result<std::string> NeedText(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto v, Text(key));
    if (!v || Trim(*v).empty()) return Bad(key, "is required");
    return *v;
  }
  Result<std::optional<Date>> Day(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto text, Text(key));
    if (!text) return std::optional<Date>();
    auto d = Date::ParseIso8601(*text);
    if (!d.ok()) return Bad(key, "must be a date like 2026-11-25");
    return std::optional<Date>(*d);
  }
  Result<Date> NeedDay(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto d, Day(key));
    if (!d) return Bad(key, "is required");
    return *d;
  }
  Result<std::optional<Timestamp>> Time(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto text, Text(key));
    if (!text) return std::optional<Timestamp>();
    auto t = Timestamp::ParseIso8601(*text);
    if (!t.ok()) return Bad(key, "must be a time like 2026-11-25T08:30:00Z");
    return std::optional<Timestamp>(*t);
  }
  // Money: a decimal string "425.00" (CNY).
  Result<std::optional<std::int64_t>> Money(const std::string& key) const {
    if (!Has(key)) return std::optional<std::int64_t>();
    if (!obj_[key].is_string()) return Bad(key, "must be a decimal string like \"425.00\"");
    auto fen = customs::ParseFen(obj_[key].get<std::string>());
    if (!fen.ok()) return Bad(key, "must be a decimal string like \"425.00\"");
    return std::optional<std::int64_t>(*fen);
  }
  Result<std::int64_t> MoneyOr(const std::string& key, std::int64_t fallback) const {
    XB_ASSIGN_OR_RETURN(auto v, Money(key));
    return v.value_or(fallback);
  }
  Result<std::int64_t> NeedMoney(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto v, Money(key));
    if (!v) return Bad(key, "is required");
    return *v;
  }
  // A rate: a decimal string "0.13" (a JSON number is taken by its text too).
  Result<std::optional<customs::Rate>> RateOf(const std::string& key) const {
    if (!Has(key)) return std::optional<customs::Rate>();
    const json& v = obj_[key];
    std::string text;
    if (v.is_string()) {
      text = v.get<std::string>();
    } else if (v.is_number()) {
      text = v.dump();
    } else {
      return Bad(key, "must be a decimal string like \"0.13\"");
    }
    auto rate = customs::Rate::Parse(text);
    if (!rate.ok()) return Bad(key, "must be a decimal string like \"0.13\"");
    return std::optional<customs::Rate>(*rate);
  }
  template <class E>
  Result<std::optional<E>> Enum(const std::string& key) const {
    XB_ASSIGN_OR_RETURN(auto text, Text(key));
    if (!text) return std::optional<E>();
    auto e = EnumOfText<E>(*text);
    if (!e) return Bad(key, "must be one of " + EnumChoicesText<E>());
    return std::optional<E>(*e);
  }
  Result<const json*> Object(const std::string& key) const {
    if (!Has(key) || !obj_[key].is_object()) return Bad(key, "must be an object");
    return &obj_[key];
  }
  Result<const json*> Array(const std::string& key) const {
    if (!Has(key) || !obj_[key].is_array()) return Bad(key, "must be an array");
    return &obj_[key];
  }

 private:
  const json& obj_;
  std::string where_;
};

Status NeedObject(const json& v, const std::string& path) {
  if (!v.is_object()) return InvalidArgument(path + ": must be an object", path);
  return Status::Ok();
}

json MaskedIdentity(const customs::Identity& id) {
  return {{"name", id.name},
          {"id_type", id.id_type},
          {"id_number", customs::MaskIdNumber(id.id_number)}};
}

json DocLineToJson(const customs::DocLine& l) {
  return {{"sku_code", l.sku_code},
          {"hs_code", l.hs_code},
          {"name", l.name},
          {"quantity", l.quantity},
          {"legal_quantity", FormatMilli(l.legal_quantity_milli)},
          {"legal_unit", l.legal_unit},
          {"price", Fen(l.price_fen)}};
}

json DocLinesToJson(const std::vector<customs::DocLine>& lines) {
  json out = json::array();
  for (const auto& l : lines) out.push_back(DocLineToJson(l));
  return out;
}

json CheckToJson(const customs::DocCheck& c) {
  return {{"check", c.check}, {"passed", c.passed}, {"detail", c.detail}};
}

// Legal quantity: a JSON number or decimal string with up to three decimals, in thousandths.
Result<std::int64_t> LegalQuantityMilli(const json& v, const std::string& path) {
  const Status bad =
      InvalidArgument(path + ": must be a number with at most 3 decimals, like 20 or 0.5", path);
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > 1'000'000'000'000ULL) return bad;
    const auto n = v.get<std::int64_t>();
    if (n < -1'000'000'000'000 || n > 1'000'000'000'000) return bad;
    return n * 1000;
  }
  if (v.is_number_float()) {
    const double scaled = v.get<double>() * 1000.0;
    if (!std::isfinite(scaled) || std::fabs(scaled) > 1e15) return bad;
    const double rounded = std::round(scaled);
    if (std::fabs(scaled - rounded) > 1e-6) return bad;
    return static_cast<std::int64_t>(rounded);
  }
  if (v.is_string()) {
    auto milli = ParseMilli(v.get<std::string>());
    if (!milli) return bad;
    return *milli;
  }
  return bad;
}

}  // namespace

// --- orders ----------------------------------------------------------------------------------

Result<orders_flow::OrderRequest> OrderRequestFromJson(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(
      b.Known({"channel_id", "channel_order_no", "order_date", "policy", "buyer", "address",
               "payment", "lines", "freight", "insurance", "discount", "tax", "paid"}));
  orders_flow::OrderRequest o;
  XB_ASSIGN_OR_RETURN(o.channel_id, b.NeedInt("channel_id"));
  XB_ASSIGN_OR_RETURN(o.channel_order_no, b.NeedText("channel_order_no"));
  XB_ASSIGN_OR_RETURN(o.order_date, b.NeedDay("order_date"));
  XB_ASSIGN_OR_RETURN(auto policy, b.Enum<orders::RoutingPolicy>("policy"));
  if (policy) o.policy = EnumText(*policy);

  XB_ASSIGN_OR_RETURN(const json* buyer_json, b.Object("buyer"));
  const Body buyer(*buyer_json, "buyer.");
  XB_RETURN_IF_ERROR(buyer.Known({"name", "id_type", "id_number", "phone"}));
  XB_ASSIGN_OR_RETURN(o.buyer.name, buyer.NeedText("name"));
  XB_ASSIGN_OR_RETURN(o.buyer.id_type, buyer.TextOr("id_type", "id_card"));
  XB_ASSIGN_OR_RETURN(o.buyer.id_number, buyer.NeedText("id_number"));
  XB_ASSIGN_OR_RETURN(o.buyer.phone, buyer.TextOr("phone"));

  XB_ASSIGN_OR_RETURN(const json* address_json, b.Object("address"));
  const Body address(*address_json, "address.");
  XB_RETURN_IF_ERROR(address.Known(
      {"consignee", "phone", "province", "city", "district", "street", "postal_code"}));
  XB_ASSIGN_OR_RETURN(o.address.consignee, address.NeedText("consignee"));
  XB_ASSIGN_OR_RETURN(o.address.phone, address.TextOr("phone"));
  XB_ASSIGN_OR_RETURN(o.address.province, address.TextOr("province"));
  XB_ASSIGN_OR_RETURN(o.address.city, address.TextOr("city"));
  XB_ASSIGN_OR_RETURN(o.address.district, address.TextOr("district"));
  XB_ASSIGN_OR_RETURN(o.address.street, address.TextOr("street"));
  XB_ASSIGN_OR_RETURN(o.address.postal_code, address.TextOr("postal_code"));

  XB_ASSIGN_OR_RETURN(const json* payment_json, b.Object("payment"));
  const Body payment(*payment_json, "payment.");
  XB_RETURN_IF_ERROR(
      payment.Known({"payment_no", "payer_name", "payer_id_type", "payer_id_number", "amount"}));
  XB_ASSIGN_OR_RETURN(o.payment.payment_no, payment.NeedText("payment_no"));
  XB_ASSIGN_OR_RETURN(o.payment.payer_name, payment.NeedText("payer_name"));
  XB_ASSIGN_OR_RETURN(o.payment.payer_id_type, payment.TextOr("payer_id_type", "id_card"));
  XB_ASSIGN_OR_RETURN(o.payment.payer_id_number, payment.NeedText("payer_id_number"));
  XB_ASSIGN_OR_RETURN(o.payment.amount_fen, payment.NeedMoney("amount"));

  XB_ASSIGN_OR_RETURN(const json* lines, b.Array("lines"));
  if (lines->empty()) return b.Bad("lines", "needs at least one line");
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const std::string where = "lines[" + std::to_string(i) + "]";
    XB_RETURN_IF_ERROR(NeedObject((*lines)[i], where));
    const Body lb((*lines)[i], where + ".");
    XB_RETURN_IF_ERROR(lb.Known({"sku_id", "quantity", "unit_price", "discount"}));
    orders_flow::OrderRequest::Line line;
    XB_ASSIGN_OR_RETURN(line.sku_id, lb.NeedInt("sku_id"));
    XB_ASSIGN_OR_RETURN(line.quantity, lb.NeedInt("quantity"));
    XB_ASSIGN_OR_RETURN(line.unit_price_fen, lb.NeedMoney("unit_price"));
    XB_ASSIGN_OR_RETURN(line.discount_fen, lb.MoneyOr("discount", 0));
    o.lines.push_back(line);
  }
  XB_ASSIGN_OR_RETURN(o.freight_fen, b.MoneyOr("freight", 0));
  XB_ASSIGN_OR_RETURN(o.insurance_fen, b.MoneyOr("insurance", 0));
  XB_ASSIGN_OR_RETURN(o.discount_fen, b.MoneyOr("discount", 0));
  XB_ASSIGN_OR_RETURN(o.tax_fen, b.NeedMoney("tax"));
  XB_ASSIGN_OR_RETURN(o.paid_fen, b.NeedMoney("paid"));
  return o;
}

namespace {

// The SAX side of OrderRequestFromText: fills the request while nlohmann's lexer reads the body;
// stops (returns false) at anything OrderRequestFromJson would refuse or that it would read in a
// way this reader does not repeat (null, a repeated member), so the caller can take the slow
// path, which names the problem.
class OrderRequestSax final : public nlohmann::json_sax<json> {
 public:
  explicit OrderRequestSax(orders_flow::OrderRequest& request) : r_(request) {}

  bool null() override { return false; }
  bool boolean(bool /*value*/) override { return false; }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return false; }
  bool binary(binary_t& /*value*/) override { return false; }
  bool number_unsigned(number_unsigned_t value) override {
    return value <= static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max()) &&
           number_integer(static_cast<std::int64_t>(value));
  }
  bool number_integer(number_integer_t value) override {
    switch (at_) {
      case kTop:
        if (key_ == "channel_id") return Take(kTop, 0) && Set(r_.channel_id, value);
        return false;
      case kLine:
        if (key_ == "sku_id") return Take(kLine, 0) && Set(r_.lines.back().sku_id, value);
        if (key_ == "quantity") return Take(kLine, 1) && Set(r_.lines.back().quantity, value);
        return false;
      default:
        return false;
    }
  }
  bool string(string_t& value) override {
    switch (at_) {
      case kTop:
        if (key_ == "channel_order_no") return Take(kTop, 1) && Need(value, r_.channel_order_no);
        if (key_ == "order_date") {
          auto d = Date::ParseIso8601(value);
          return Take(kTop, 2) && d.ok() && Set(r_.order_date, *d);
        }
        if (key_ == "policy") {
          auto policy = EnumOfText<orders::RoutingPolicy>(value);
          return Take(kTop, 3) && policy && Set(r_.policy, EnumText(*policy));
        }
        if (key_ == "freight") return Take(kTop, 8) && Money(value, r_.freight_fen);
        if (key_ == "insurance") return Take(kTop, 9) && Money(value, r_.insurance_fen);
        if (key_ == "discount") return Take(kTop, 10) && Money(value, r_.discount_fen);
        if (key_ == "tax") return Take(kTop, 11) && Money(value, r_.tax_fen);
        if (key_ == "paid") return Take(kTop, 12) && Money(value, r_.paid_fen);
        return false;
      case kBuyer:
        if (key_ == "name") return Take(kBuyer, 0) && Need(value, r_.buyer.name);
        if (key_ == "id_type") return Take(kBuyer, 1) && Set(r_.buyer.id_type, std::move(value));
        if (key_ == "id_number") return Take(kBuyer, 2) && Need(value, r_.buyer.id_number);
        if (key_ == "phone") return Take(kBuyer, 3) && Set(r_.buyer.phone, std::move(value));
        return false;
      case kAddress: {
        orders::Address& a = r_.address;
        if (key_ == "consignee") return Take(kAddress, 0) && Need(value, a.consignee);
        if (key_ == "phone") return Take(kAddress, 1) && Set(a.phone, std::move(value));
        if (key_ == "province") return Take(kAddress, 2) && Set(a.province, std::move(value));
        if (key_ == "city") return Take(kAddress, 3) && Set(a.city, std::move(value));
        if (key_ == "district") return Take(kAddress, 4) && Set(a.district, std::move(value));
        if (key_ == "street") return Take(kAddress, 5) && Set(a.street, std::move(value));
        if (key_ == "postal_code") return Take(kAddress, 6) && Set(a.postal_code, std::move(value));
        return false;
      }
      case kPayment: {
        orders::Payment& pay = r_.payment;
        if (key_ == "payment_no") return Take(kPayment, 0) && Need(value, pay.payment_no);
        if (key_ == "payer_name") return Take(kPayment, 1) && Need(value, pay.payer_name);
        if (key_ == "payer_id_type") {
          return Take(kPayment, 2) && Set(pay.payer_id_type, std::move(value));
        }
        if (key_ == "payer_id_number") return Take(kPayment, 3) && Need(value, pay.payer_id_number);
        if (key_ == "amount") return Take(kPayment, 4) && Money(value, pay.amount_fen);
        return false;
      }
      case kLine:
        if (key_ == "unit_price") {
          return Take(kLine, 2) && Money(value, r_.lines.back().unit_price_fen);
        }
        if (key_ == "discount") return Take(kLine, 3) && Money(value, r_.lines.back().discount_fen);
        return false;
      default:
        return false;
    }
  }
  bool start_object(std::size_t /*elements*/) override {
    switch (at_) {
      case kNone:
        at_ = kTop;
        return true;
      case kTop:
        if (key_ == "buyer") return Take(kTop, 4) && Set(at_, kBuyer);
        if (key_ == "address") return Take(kTop, 5) && Set(at_, kAddress);
        if (key_ == "payment") return Take(kTop, 6) && Set(at_, kPayment);
        return false;
      case kLines:
        r_.lines.emplace_back();
        seen_[kLine] = 0;
        at_ = kLine;
        return true;
      default:
        return false;
    }
  }
  bool end_object() override {
    switch (at_) {
      case kTop:  // channel_id, channel_order_no, order_date, buyer .. lines, tax, paid
        at_ = kDone;
        return Has(kTop, 0b1100011110111);
      case kBuyer:  // name, id_number
        if (!Has(kBuyer, 0b0101)) return false;
        if (!Has(kBuyer, 0b0010)) r_.buyer.id_type = "id_card";
        at_ = kTop;
        return true;
      case kAddress:  // consignee
        at_ = kTop;
        return Has(kAddress, 0b1);
      case kPayment:  // payment_no, payer_name, payer_id_number, amount
        if (!Has(kPayment, 0b11011)) return false;
        if (!Has(kPayment, 0b00100)) r_.payment.payer_id_type = "id_card";
        at_ = kTop;
        return true;
      case kLine:  // sku_id, quantity, unit_price
        at_ = kLines;
        return Has(kLine, 0b0111);
      default:
        return false;
    }
  }
  bool start_array(std::size_t /*elements*/) override {
    if (at_ != kTop || key_ != "lines" || !Take(kTop, 7)) return false;
    at_ = kLines;
    return true;
  }
  bool end_array() override {
    if (at_ != kLines || r_.lines.empty()) return false;
    at_ = kTop;
    return true;
  }
  bool key(string_t& name) override {
    key_ = name;
    return true;
  }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& /*ex*/) override {
    return false;
  }

  bool done() const { return at_ == kDone; }

 private:
  enum Where { kNone, kTop, kBuyer, kAddress, kPayment, kLines, kLine, kDone, kWhereCount };

  // Marks member `bit` of the current object as read; false when it was read already.
  bool Take(Where where, int bit) {
    const auto mask = std::uint32_t{1} << bit;
    if ((seen_[where] & mask) != 0) return false;
    seen_[where] |= mask;
    return true;
  }
  bool Has(Where where, std::uint32_t mask) const { return (seen_[where] & mask) == mask; }
  template <class T, class V>
  static bool Set(T& slot, V&& value) {
    slot = std::forward<V>(value);
    return true;
  }
  static bool Need(std::string& value, std::string& slot) {
    if (Trim(value).empty()) return false;
    slot = std::move(value);
    return true;
  }
  static bool Money(const std::string& value, std::int64_t& slot) {
    auto fen = customs::ParseFen(value);
    if (!fen.ok()) return false;
    slot = *fen;
    return true;
  }

  orders_flow::OrderRequest& r_;
  Where at_ = kNone;
  std::string key_;
  std::uint32_t seen_[kWhereCount] = {};
};

}  // namespace

std::optional<orders_flow::OrderRequest> OrderRequestFromText(std::string_view text) {
  orders_flow::OrderRequest request;
  OrderRequestSax sax(request);
  if (text.empty() || !json::sax_parse(text.begin(), text.end(), &sax) || !sax.done()) {
    return std::nullopt;
  }
  return request;
}

json OrderToJson(const orders::Order& o) {
  json lines = json::array();
  for (const auto& l : o.lines) {
    lines.push_back({{"id", l.id},
                     {"line_no", l.line_no},
                     {"sku_id", l.sku_id},
                     {"sku_code", l.sku_code},
                     {"quantity", l.quantity},
                     {"unit_price", Fen(l.unit_price_fen)},
                     {"discount", Fen(l.discount_fen)},
                     {"dutiable", Fen(l.dutiable_fen)},
                     {"tariff", Fen(l.tariff_fen)},
                     {"consumption_tax", Fen(l.consumption_tax_fen)},
                     {"vat", Fen(l.vat_fen)},
                     {"tax", Fen(l.tariff_fen + l.consumption_tax_fen + l.vat_fen)},
                     {"mode", EnumText(l.mode)},
                     {"warehouse_id", l.warehouse_id == 0 ? json() : json(l.warehouse_id)},
                     {"reservation_id", l.reservation_id == 0 ? json() : json(l.reservation_id)},
                     {"shipment_ref", l.shipment_ref},
                     {"route_note", l.route_note},
                     {"returned_quantity", l.returned_quantity}});
  }
  return {{"id", o.id.value()},
          {"channel_id", o.channel_id},
          {"channel_order_no", o.channel_order_no},
          {"order_date", o.order_date.ToIso8601()},
          {"state", EnumText(o.state)},
          {"policy", o.policy},
          {"customs_channel", o.customs_channel},
          {"buyer",
           {{"name", o.buyer.name},
            {"id_type", o.buyer.id_type},
            {"id_number", customs::MaskIdNumber(o.buyer.id_number)},
            {"phone", customs::MaskPhone(o.buyer.phone)}}},
          {"address",
           {{"consignee", o.address.consignee},
            {"phone", customs::MaskPhone(o.address.phone)},
            {"province", o.address.province},
            {"city", o.address.city},
            {"district", o.address.district},
            {"street", o.address.street},
            {"postal_code", o.address.postal_code}}},
          {"payment",
           {{"payment_no", o.payment.payment_no},
            {"payer_name", o.payment.payer_name},
            {"payer_id_type", o.payment.payer_id_type},
            {"payer_id_number", customs::MaskIdNumber(o.payment.payer_id_number)},
            {"amount", Fen(o.payment.amount_fen)}}},
          {"lines", std::move(lines)},
          {"goods", Fen(o.goods_fen)},
          {"freight", Fen(o.freight_fen)},
          {"insurance", Fen(o.insurance_fen)},
          {"discount", Fen(o.discount_fen)},
          {"dutiable", Fen(o.DutiableFen())},
          {"tax", Fen(o.tax_fen)},
          {"paid", Fen(o.paid_fen)},
          {"reason", o.reason},
          {"created_at", o.created_at.ToIso8601()},
          {"updated_at", o.updated_at.ToIso8601()},
          {"version", o.version}};
}

namespace {

// A money amount as the API writes it: decimal text ("425.00").
void Money(json_text::Object& o, std::string_view key, std::int64_t fen) { o.Text(key, Fen(fen)); }
// An id, null when 0.
void IdOrNull(json_text::Object& o, std::string_view key, std::int64_t id) {
  if (id == 0) {
    o.Null(key);
  } else {
    o.Int(key, id);
  }
}

}  // namespace

void AppendOrderJson(const orders::Order& o, std::string& out) {
  json_text::Object order(out);
  {
    json_text::Object a(order.Key("address"));
    a.Text("city", o.address.city);
    a.Text("consignee", o.address.consignee);
    a.Text("district", o.address.district);
    a.Text("phone", customs::MaskPhone(o.address.phone));
    a.Text("postal_code", o.address.postal_code);
    a.Text("province", o.address.province);
    a.Text("street", o.address.street);
  }
  {
    json_text::Object b(order.Key("buyer"));
    b.Text("id_number", customs::MaskIdNumber(o.buyer.id_number));
    b.Text("id_type", o.buyer.id_type);
    b.Text("name", o.buyer.name);
    b.Text("phone", customs::MaskPhone(o.buyer.phone));
  }
  order.Int("channel_id", o.channel_id);
  order.Text("channel_order_no", o.channel_order_no);
  order.Text("created_at", o.created_at.ToIso8601());
  order.Text("customs_channel", o.customs_channel);
  Money(order, "discount", o.discount_fen);
  Money(order, "dutiable", o.DutiableFen());
  Money(order, "freight", o.freight_fen);
  Money(order, "goods", o.goods_fen);
  order.Int("id", o.id.value());
  Money(order, "insurance", o.insurance_fen);
  {
    std::string& lines = order.Key("lines");
    lines += '[';
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
      const orders::OrderLine& l = o.lines[i];
      if (i > 0) lines += ',';
      json_text::Object line(lines);
      Money(line, "consumption_tax", l.consumption_tax_fen);
      Money(line, "discount", l.discount_fen);
      Money(line, "dutiable", l.dutiable_fen);
      line.Int("id", l.id);
      line.Int("line_no", l.line_no);
      line.Text("mode", EnumChoices(l.mode)[static_cast<std::size_t>(l.mode)]);
      line.Int("quantity", l.quantity);
      IdOrNull(line, "reservation_id", l.reservation_id);
      line.Int("returned_quantity", l.returned_quantity);
      line.Text("route_note", l.route_note);
      line.Text("shipment_ref", l.shipment_ref);
      line.Text("sku_code", l.sku_code);
      line.Int("sku_id", l.sku_id);
      Money(line, "tariff", l.tariff_fen);
      Money(line, "tax", l.tariff_fen + l.consumption_tax_fen + l.vat_fen);
      Money(line, "unit_price", l.unit_price_fen);
      Money(line, "vat", l.vat_fen);
      IdOrNull(line, "warehouse_id", l.warehouse_id);
    }
    lines += ']';
  }
  order.Text("order_date", o.order_date.ToIso8601());
  Money(order, "paid", o.paid_fen);
  {
    json_text::Object p(order.Key("payment"));
    p.Text("amount", Fen(o.payment.amount_fen));
    p.Text("payer_id_number", customs::MaskIdNumber(o.payment.payer_id_number));
    p.Text("payer_id_type", o.payment.payer_id_type);
    p.Text("payer_name", o.payment.payer_name);
    p.Text("payment_no", o.payment.payment_no);
  }
  order.Text("policy", o.policy);
  order.Text("reason", o.reason);
  order.Text("state", EnumChoices(o.state)[static_cast<std::size_t>(o.state)]);
  Money(order, "tax", o.tax_fen);
  order.Text("updated_at", o.updated_at.ToIso8601());
  order.Int("version", o.version);
}

json OrderEventToJson(const orders::OrderEvent& e) {
  return {{"id", e.id},
          {"order_id", e.order_id.value()},
          {"at", e.at.ToIso8601()},
          {"state", e.state},
          {"detail", e.detail}};
}

namespace {
// Columns of the order CSV: order-level first, then the line's.
constexpr std::string_view kOrderColumns[] = {
    "channel_id",   "channel_order_no", "order_date",      "policy",
    "buyer_name",   "buyer_id_type",    "buyer_id_number", "buyer_phone",
    "consignee",    "address_phone",    "province",        "city",
    "district",     "street",           "postal_code",     "payment_no",
    "payer_name",   "payer_id_type",    "payer_id_number", "payment_amount",
    "freight",      "insurance",        "discount",        "tax",
    "paid",         "sku_id",           "quantity",        "unit_price",
    "line_discount"};
constexpr std::size_t kFirstLineColumn = 25;  // sku_id
// Columns whose cells must be decimal strings, and integers.
bool IsMoneyColumn(std::string_view c) {
  return c == "payment_amount" || c == "freight" || c == "insurance" || c == "discount" ||
         c == "tax" || c == "paid" || c == "unit_price" || c == "line_discount";
}
bool IsIntColumn(std::string_view c) {
  return c == "channel_id" || c == "sku_id" || c == "quantity";
}
}  // namespace

std::span<const std::string_view> OrderCsvColumns() { return kOrderColumns; }

Result<std::vector<OrderCsvGroup>> OrderBodiesFromCsv(std::string_view text,
                                                      std::vector<CsvRowError>& errors) {
  XB_ASSIGN_OR_RETURN(csv::Table table, csv::Parse(text));
  std::map<std::string, std::size_t> col;  // column name -> index in the file
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    const std::string name(Trim(table.header[i]));
    bool known = false;
    for (const auto c : kOrderColumns) known = known || c == name;
    if (!known) {
      errors.push_back({1, name, "unknown column (columns: channel_id, channel_order_no, ...)"});
    } else if (!col.emplace(name, i).second) {
      errors.push_back({1, name, "the column appears twice"});
    }
  }
  for (const auto c :
       {"channel_id", "channel_order_no", "order_date", "buyer_name", "buyer_id_number",
        "consignee", "payment_no", "payer_name", "payer_id_number", "payment_amount", "tax", "paid",
        "sku_id", "quantity", "unit_price"}) {
    if (col.count(c) == 0) errors.push_back({1, c, "required column missing"});
  }
  if (!errors.empty()) return std::vector<OrderCsvGroup>();

  std::vector<OrderCsvGroup> groups;
  std::map<std::string, std::size_t> group_of;           // channel_order_no -> groups index
  std::map<std::string, std::vector<std::string>> head;  // order-level cells of the first row
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const std::int64_t line = table.lines[r];
    const auto cell = [&](std::string_view name) -> std::string {
      auto it = col.find(std::string(name));
      return it == col.end() ? std::string() : std::string(Trim(row[it->second]));
    };
    bool row_ok = true;
    for (const auto& [name, index] : col) {
      const std::string value(Trim(row[index]));
      if (value.empty()) continue;
      if (IsMoneyColumn(name) && !customs::ParseFen(value).ok()) {
        errors.push_back({line, name, "must be a decimal amount like 425.00"});
        row_ok = false;
      } else if (IsIntColumn(name) && !ParseInt64(value)) {
        errors.push_back({line, name, "must be an integer"});
        row_ok = false;
      }
    }
    const std::string no = cell("channel_order_no");
    if (no.empty()) {
      errors.push_back({line, "channel_order_no", "is required"});
      continue;
    }
    if (!row_ok) continue;
    std::vector<std::string> order_cells;
    for (std::size_t c = 0; c < kFirstLineColumn; ++c)
      order_cells.push_back(cell(kOrderColumns[c]));
    auto [it, fresh] = group_of.emplace(no, groups.size());
    if (fresh) {
      head[no] = order_cells;
      const auto text_or_null = [&](std::string_view name) {
        const std::string v = cell(name);
        return v.empty() ? json() : json(v);
      };
      const auto int_or_null = [&](std::string_view name) {
        const auto v = ParseInt64(cell(name));
        return v ? json(*v) : json();
      };
      json body = {{"channel_id", int_or_null("channel_id")},
                   {"channel_order_no", no},
                   {"order_date", text_or_null("order_date")},
                   {"buyer",
                    {{"name", text_or_null("buyer_name")},
                     {"id_type", text_or_null("buyer_id_type")},
                     {"id_number", text_or_null("buyer_id_number")},
                     {"phone", text_or_null("buyer_phone")}}},
                   {"address",
                    {{"consignee", text_or_null("consignee")},
                     {"phone", text_or_null("address_phone")},
                     {"province", text_or_null("province")},
                     {"city", text_or_null("city")},
                     {"district", text_or_null("district")},
                     {"street", text_or_null("street")},
                     {"postal_code", text_or_null("postal_code")}}},
                   {"payment",
                    {{"payment_no", text_or_null("payment_no")},
                     {"payer_name", text_or_null("payer_name")},
                     {"payer_id_type", text_or_null("payer_id_type")},
                     {"payer_id_number", text_or_null("payer_id_number")},
                     {"amount", text_or_null("payment_amount")}}},
                   {"lines", json::array()},
                   {"tax", text_or_null("tax")},
                   {"paid", text_or_null("paid")}};
      for (const auto name : {"policy", "freight", "insurance", "discount"}) {
        if (!cell(name).empty()) body[name] = cell(name);
      }
      groups.push_back({line, no, std::move(body)});
    } else {
      const auto& first = head[no];
      for (std::size_t c = 0; c < kFirstLineColumn; ++c) {
        if (order_cells[c] != first[c]) {
          errors.push_back({line, std::string(kOrderColumns[c]),
                            "differs from the first row of order " + no + " (line " +
                                std::to_string(groups[it->second].first_line) + ")"});
          row_ok = false;
        }
      }
      if (!row_ok) continue;
    }
    json order_line = {
        {"sku_id", ParseInt64(cell("sku_id")) ? json(*ParseInt64(cell("sku_id"))) : json()},
        {"quantity", ParseInt64(cell("quantity")) ? json(*ParseInt64(cell("quantity"))) : json()},
        {"unit_price", cell("unit_price").empty() ? json() : json(cell("unit_price"))}};
    if (!cell("line_discount").empty()) order_line["discount"] = cell("line_discount");
    groups[it->second].body["lines"].push_back(std::move(order_line));
  }
  // Drop nulls so the bodies read as a client would send them.
  for (auto& g : groups) {
    for (auto obj : {&g.body, &g.body["buyer"], &g.body["address"], &g.body["payment"]}) {
      for (auto i = obj->begin(); i != obj->end();) {
        i = i->is_null() ? obj->erase(i) : std::next(i);
      }
    }
    for (auto& l : g.body["lines"]) {
      for (auto i = l.begin(); i != l.end();) i = i->is_null() ? l.erase(i) : std::next(i);
    }
  }
  return groups;
}

// --- tax -------------------------------------------------------------------------------------

Result<customs::TaxInput> TaxInputFromJson(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known({"date", "annual_used", "freight", "insurance", "discount", "lines"}));
  customs::TaxInput in;
  XB_ASSIGN_OR_RETURN(in.date, b.NeedDay("date"));
  XB_ASSIGN_OR_RETURN(in.annual_used_fen, b.MoneyOr("annual_used", 0));
  XB_ASSIGN_OR_RETURN(in.freight_fen, b.MoneyOr("freight", 0));
  XB_ASSIGN_OR_RETURN(in.insurance_fen, b.MoneyOr("insurance", 0));
  XB_ASSIGN_OR_RETURN(in.discount_fen, b.MoneyOr("discount", 0));
  XB_ASSIGN_OR_RETURN(const json* lines, b.Array("lines"));
  if (lines->empty()) return b.Bad("lines", "needs at least one line");
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const std::string where = "lines[" + std::to_string(i) + "]";
    XB_RETURN_IF_ERROR(NeedObject((*lines)[i], where));
    const Body lb((*lines)[i], where + ".");
    XB_RETURN_IF_ERROR(
        lb.Known({"ref", "value", "quantity", "legal_quantity", "legal_unit", "hs_code", "vat_rate",
                  "vat_class", "consumption_tax", "tariff_rate"}));
    customs::TaxLineInput l;
    XB_ASSIGN_OR_RETURN(l.ref, lb.TextOr("ref", std::to_string(i + 1)));
    XB_ASSIGN_OR_RETURN(l.value_fen, lb.NeedMoney("value"));
    XB_ASSIGN_OR_RETURN(auto qty, lb.Int("quantity"));
    l.quantity = qty.value_or(1);
    if (lb.Has("legal_quantity")) {
      XB_ASSIGN_OR_RETURN(l.legal_quantity_milli, LegalQuantityMilli((*lines)[i]["legal_quantity"],
                                                                     lb.Path("legal_quantity")));
    }
    XB_ASSIGN_OR_RETURN(l.legal_unit, lb.TextOr("legal_unit"));
    XB_ASSIGN_OR_RETURN(l.hs_code, lb.TextOr("hs_code"));
    XB_ASSIGN_OR_RETURN(l.vat_rate, lb.RateOf("vat_rate"));
    XB_ASSIGN_OR_RETURN(l.vat_class, lb.TextOr("vat_class"));
    XB_ASSIGN_OR_RETURN(l.tariff_rate, lb.RateOf("tariff_rate"));
    XB_ASSIGN_OR_RETURN(auto ct, lb.TextOr("consumption_tax", "none"));
    if (ct == "none") {
      l.consumption_tax = customs::ConsumptionTaxMode::kNone;
    } else if (ct == "high_end_cosmetics") {
      l.consumption_tax = customs::ConsumptionTaxMode::kHighEndCosmetics;
    } else {
      auto rate = customs::Rate::Parse(ct);
      if (!rate.ok()) {
        return lb.Bad("consumption_tax", "must be none, high_end_cosmetics or a rate like 0.15");
      }
      l.consumption_tax = customs::ConsumptionTaxMode::kExplicit;
      l.consumption_tax_rate = *rate;
    }
    if (l.hs_code.empty() && !l.vat_rate && l.vat_class.empty()) {
      return lb.Bad("vat_rate", "is required when the line has no hs_code");
    }
    in.lines.push_back(std::move(l));
  }
  return in;
}

json TaxQuoteToJson(const customs::TaxQuote& q) {
  json lines = json::array();
  for (const auto& l : q.lines) {
    json rules = json::array();
    for (const auto& r : l.rules_used) rules.push_back(r.value());
    lines.push_back({{"ref", l.ref},
                     {"dutiable", Fen(l.dutiable_fen)},
                     {"tariff_rate", l.tariff_rate.ToString()},
                     {"vat_rate", l.vat_rate.ToString()},
                     {"consumption_tax_rate", l.consumption_tax_rate.ToString()},
                     {"tariff", Fen(l.tariff_fen)},
                     {"consumption_tax", Fen(l.consumption_tax_fen)},
                     {"vat", Fen(l.vat_fen)},
                     {"total", Fen(l.total_fen)},
                     {"unit_price", l.unit_price},
                     {"rules_used", std::move(rules)},
                     {"notes", l.notes}});
  }
  json violations = json::array();
  for (const auto& v : q.violations) violations.push_back(ViolationToJson(v));
  json order_rules = json::array();
  for (const auto& r : q.rules_used) order_rules.push_back(r.value());
  return {{"channel", EnumText(q.channel)},
          {"tax_share", q.tax_share.ToString()},
          {"lines", std::move(lines)},
          {"dutiable", Fen(q.dutiable_fen)},
          {"tariff", Fen(q.tariff_fen)},
          {"consumption_tax", Fen(q.consumption_tax_fen)},
          {"vat", Fen(q.vat_fen)},
          {"total_tax", Fen(q.total_fen)},
          {"reasons", q.reasons},
          {"violations", std::move(violations)},
          {"rules_used", std::move(order_rules)}};
}

json ViolationToJson(const customs::Violation& v) {
  return {{"rule", v.rule}, {"message", v.message}};
}

json OrderTaxToJson(const orders_flow::OrderTax& tax) {
  json out = TaxQuoteToJson(tax.quote);
  out["annual_used_before"] = Fen(tax.annual_used_before);
  json rules = json::array();
  for (const auto& r : tax.rules) rules.push_back(RuleToJson(r));
  out["rules"] = std::move(rules);
  return out;
}

// --- rules -----------------------------------------------------------------------------------

Result<customs::RuleRow> RuleFromJson(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known(
      {"kind", "key", "rate", "amount", "quantity", "unit", "valid_from", "valid_to", "source"}));
  customs::RuleRow r;
  XB_ASSIGN_OR_RETURN(auto kind, b.Enum<customs::RuleKind>("kind"));
  if (!kind) return b.Bad("kind", "is required");
  r.kind = *kind;
  XB_ASSIGN_OR_RETURN(r.key, b.TextOr("key"));
  XB_ASSIGN_OR_RETURN(r.rate, b.RateOf("rate"));
  XB_ASSIGN_OR_RETURN(r.amount_fen, b.Money("amount"));
  XB_ASSIGN_OR_RETURN(r.quantity, b.Int("quantity"));
  XB_ASSIGN_OR_RETURN(r.unit, b.TextOr("unit"));
  XB_ASSIGN_OR_RETURN(r.valid_from, b.NeedDay("valid_from"));
  XB_ASSIGN_OR_RETURN(r.valid_to, b.Day("valid_to"));
  XB_ASSIGN_OR_RETURN(r.source, b.NeedText("source"));
  return r;
}

json RuleToJson(const customs::RuleRow& r) {
  return {{"id", r.id.value()},
          {"scope", r.tenant_id.value() == 0 ? "platform" : "tenant"},
          {"kind", EnumText(r.kind)},
          {"key", r.key},
          {"rate", r.rate ? json(r.rate->ToString()) : json()},
          {"amount", r.amount_fen ? json(Fen(*r.amount_fen)) : json()},
          {"quantity", r.quantity ? json(*r.quantity) : json()},
          {"unit", r.unit},
          {"valid_from", r.valid_from.ToIso8601()},
          {"valid_to", DateOrNull(r.valid_to)},
          {"source", r.source}};
}

json PositiveListLineToJson(const customs::PositiveListLine& l) {
  return {{"hs_code", l.hs_code},
          {"scope", l.tenant_id.value() == 0 ? "platform" : "tenant"},
          {"description", l.description},
          {"valid_from", l.valid_from.ToIso8601()},
          {"valid_to", DateOrNull(l.valid_to)},
          {"source", l.source}};
}

// --- quota -----------------------------------------------------------------------------------

Result<customs_flow::QuotaLookup> QuotaLookupFromJson(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known({"id_type", "id_number", "year"}));
  customs_flow::QuotaLookup q;
  XB_ASSIGN_OR_RETURN(q.id_type, b.TextOr("id_type", "id_card"));
  XB_ASSIGN_OR_RETURN(q.id_number, b.NeedText("id_number"));
  XB_ASSIGN_OR_RETURN(auto year, b.NeedInt("year"));
  if (year < 2000 || year > 9999) return b.Bad("year", "must be a year like 2026");
  q.year = static_cast<int>(year);
  return q;
}

json QuotaEntryToJson(const customs::QuotaEntry& e) {
  return {{"id", e.id},
          {"id_type", e.id_type},
          {"id_number", customs::MaskIdNumber(e.id_number)},
          {"year", e.year},
          {"amount", Fen(e.amount_fen)},
          {"kind", EnumText(e.kind)},
          {"order_id", e.order_id == 0 ? json() : json(e.order_id)},
          {"ref", e.ref},
          {"at", e.at.ToIso8601()}};
}

json QuotaViewToJson(const customs_flow::QuotaView& v) {
  json entries = json::array();
  for (const auto& e : v.entries) entries.push_back(QuotaEntryToJson(e));
  // The service masks the number already; masking a masked number keeps it masked.
  return {{"id_type", v.id_type},
          {"id_number", customs::MaskIdNumber(v.id_number_masked)},
          {"year", v.year},
          {"used", Fen(v.used_fen)},
          {"limit", Fen(v.limit_fen)},
          {"remaining", Fen(v.remaining_fen)},
          {"entries", std::move(entries)}};
}

// --- declarations and receipts ---------------------------------------------------------------

json DeclarationSummaryToJson(const customs::Declaration& d) {
  return {{"id", d.id.value()},
          {"order_id", d.order_id},
          {"list_no", d.list.list_no},
          {"shipment_ref", d.shipment_ref},
          {"trade_mode", d.list.trade_mode},
          {"ems_no", d.list.ems_no},
          {"signing_key", d.signing_key},
          {"state", EnumText(d.state)},
          {"reason", d.reason},
          {"attempts", d.attempts},
          {"next_attempt_at", TimeOrNull(d.next_attempt_at)},
          {"released_at", TimeOrNull(d.released_at)},
          {"checks_passed", customs::AllPassed(d.checks)},
          {"created_at", d.created_at.ToIso8601()},
          {"updated_at", d.updated_at.ToIso8601()},
          {"version", d.version}};
}

json DeclarationToJson(const customs::Declaration& d, std::span<const customs::Receipt> receipts) {
  json out = DeclarationSummaryToJson(d);
  out["order"] = {{"order_no", d.order.order_no},
                  {"buyer", MaskedIdentity(d.order.buyer)},
                  {"buyer_phone", customs::MaskPhone(d.order.buyer_phone)},
                  {"lines", DocLinesToJson(d.order.lines)},
                  {"goods", Fen(d.order.goods_fen)},
                  {"freight", Fen(d.order.freight_fen)},
                  {"insurance", Fen(d.order.insurance_fen)},
                  {"discount", Fen(d.order.discount_fen)},
                  {"tax", Fen(d.order.tax_fen)},
                  {"paid", Fen(d.order.paid_fen)}};
  out["payment"] = {{"order_no", d.payment.order_no},
                    {"payment_no", d.payment.payment_no},
                    {"payer", MaskedIdentity(d.payment.payer)},
                    {"amount", Fen(d.payment.amount_fen)}};
  out["waybill"] = {{"waybill_no", d.waybill.waybill_no},
                    {"order_no", d.waybill.order_no},
                    {"consignee", d.waybill.consignee},
                    {"weight_g", d.waybill.weight_g},
                    {"freight", Fen(d.waybill.freight_fen)}};
  out["list"] = {{"list_no", d.list.list_no},
                 {"order_no", d.list.order_no},
                 {"waybill_no", d.list.waybill_no},
                 {"trade_mode", d.list.trade_mode},
                 {"ems_no", d.list.ems_no},
                 {"buyer", MaskedIdentity(d.list.buyer)},
                 {"lines", DocLinesToJson(d.list.lines)},
                 {"goods", Fen(d.list.goods_fen)},
                 {"tax", Fen(d.list.tax_fen)}};
  json checks = json::array();
  for (const auto& c : d.checks) checks.push_back(CheckToJson(c));
  out["checks"] = std::move(checks);
  json rs = json::array();
  for (const auto& r : receipts) rs.push_back(ReceiptToJson(r));
  out["receipts"] = std::move(rs);
  return out;
}

Result<customs::Receipt> ReceiptFromJson(const json& body, Timestamp now) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known({"receipt_id", "list_no", "kind", "reason", "at"}));
  customs::Receipt r;
  XB_ASSIGN_OR_RETURN(r.receipt_id, b.NeedText("receipt_id"));
  XB_ASSIGN_OR_RETURN(r.list_no, b.NeedText("list_no"));
  XB_ASSIGN_OR_RETURN(auto kind, b.Enum<customs::ReceiptKind>("kind"));
  if (!kind) return b.Bad("kind", "is required");
  r.kind = *kind;
  XB_ASSIGN_OR_RETURN(r.reason, b.TextOr("reason"));
  XB_ASSIGN_OR_RETURN(auto at, b.Time("at"));
  r.at = at.value_or(now);
  return r;
}

json ReceiptToJson(const customs::Receipt& r) {
  return {{"receipt_id", r.receipt_id},
          {"list_no", r.list_no},
          {"kind", EnumText(r.kind)},
          {"reason", r.reason},
          {"at", r.at.ToIso8601()}};
}

json QueueViewToJson(const customs_flow::QueueView& v) {
  json keys = json::array();
  for (const auto& k : v.keys) {
    keys.push_back({{"signing_key", k.signing_key},
                    {"queued", k.queued},
                    {"submitted", k.submitted},
                    {"oldest_queued_at", TimeOrNull(k.oldest_queued_at)},
                    {"rate_per_s", k.rate_per_s}});
  }
  return {{"keys", std::move(keys)},
          {"submitted_total", v.submitted_total},
          {"receipts_total", v.receipts_total},
          {"submitter_running", v.submitter_running}};
}

// --- returns ---------------------------------------------------------------------------------

Result<customs_flow::ReturnDraft> ReturnDraftFromJson(const json& body, std::int64_t order_id) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known({"reason", "lines"}));
  customs_flow::ReturnDraft r;
  r.order_id = order_id;
  XB_ASSIGN_OR_RETURN(r.reason, b.NeedText("reason"));
  XB_ASSIGN_OR_RETURN(const json* lines, b.Array("lines"));
  if (lines->empty()) return b.Bad("lines", "needs at least one line");
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const std::string where = "lines[" + std::to_string(i) + "]";
    XB_RETURN_IF_ERROR(NeedObject((*lines)[i], where));
    const Body lb((*lines)[i], where + ".");
    XB_RETURN_IF_ERROR(lb.Known({"line_no", "quantity"}));
    customs_flow::ReturnLineDraft l;
    XB_ASSIGN_OR_RETURN(l.line_no, lb.NeedInt("line_no"));
    XB_ASSIGN_OR_RETURN(l.quantity, lb.NeedInt("quantity"));
    if (l.line_no < 1) return lb.Bad("line_no", "must be a line number of the order");
    if (l.quantity < 1) return lb.Bad("quantity", "must be positive");
    r.lines.push_back(l);
  }
  return r;
}

Result<customs_flow::ReceiveDraft> ReceiveDraftFromJson(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known({"lines"}));
  XB_ASSIGN_OR_RETURN(const json* lines, b.Array("lines"));
  if (lines->empty()) return b.Bad("lines", "needs at least one line");
  customs_flow::ReceiveDraft out;
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const std::string where = "lines[" + std::to_string(i) + "]";
    XB_RETURN_IF_ERROR(NeedObject((*lines)[i], where));
    const Body lb((*lines)[i], where + ".");
    XB_RETURN_IF_ERROR(lb.Known({"line_no", "lot_number", "expiry_date", "bin_id"}));
    customs_flow::ReturnArrival l;
    XB_ASSIGN_OR_RETURN(l.line_no, lb.NeedInt("line_no"));
    XB_ASSIGN_OR_RETURN(l.lot_number, lb.TextOr("lot_number"));
    XB_ASSIGN_OR_RETURN(l.expiry_date, lb.Day("expiry_date"));
    XB_ASSIGN_OR_RETURN(l.bin_id, lb.NeedInt("bin_id"));
    out.lines.push_back(std::move(l));
  }
  return out;
}

json ReturnToJson(const customs::Return& r) {
  json lines = json::array();
  for (const auto& l : r.lines) {
    lines.push_back({{"order_line_id", l.order_line_id},
                     {"quantity", l.quantity},
                     {"value", Fen(l.value_fen)},
                     {"tax", Fen(l.tax_fen)},
                     {"lot_number", l.lot_number},
                     {"expiry_date", DateOrNull(l.expiry_date)},
                     {"outcome", l.outcome}});
  }
  return {{"id", r.id.value()},
          {"order_id", r.order_id},
          {"declaration_id", r.declaration_id.value()},
          {"state", EnumText(r.state)},
          {"reason", r.reason},
          {"lines", std::move(lines)},
          {"requested_at", r.requested_at.ToIso8601()},
          {"received_at", TimeOrNull(r.received_at)},
          {"apply_by", r.apply_by.ToIso8601()},
          {"arrive_by", r.arrive_by.ToIso8601()},
          {"created_at", r.created_at.ToIso8601()},
          {"updated_at", r.updated_at.ToIso8601()},
          {"version", r.version}};
}

// --- bonded account book ---------------------------------------------------------------------

Result<customs_flow::InboundDraft> InboundDraftFromJson(const json& body) {
  const Body b(body);
  XB_RETURN_IF_ERROR(b.Known({"warehouse_id", "sku_id", "kind", "quantity", "ref"}));
  customs_flow::InboundDraft e;
  XB_ASSIGN_OR_RETURN(e.warehouse_id, b.NeedInt("warehouse_id"));
  XB_ASSIGN_OR_RETURN(e.sku_id, b.NeedInt("sku_id"));
  XB_ASSIGN_OR_RETURN(auto kind, b.Enum<customs::AccountEntryKind>("kind"));
  if (!kind) return b.Bad("kind", "is required");
  e.kind = *kind;
  XB_ASSIGN_OR_RETURN(e.quantity, b.NeedInt("quantity"));
  XB_ASSIGN_OR_RETURN(e.ref, b.TextOr("ref"));
  return e;
}

json AccountEntryToJson(const customs::AccountEntry& e) {
  return {{"id", e.id},
          {"ems_no", e.ems_no},
          {"warehouse_id", e.warehouse_id},
          {"sku_id", e.sku_id},
          {"hs_code", e.hs_code},
          {"kind", EnumText(e.kind)},
          {"quantity", e.quantity},
          {"ref", e.ref},
          {"at", e.at.ToIso8601()}};
}

json ReconciliationToJson(const customs_flow::Reconciliation& r) {
  const auto balances = [](const std::vector<customs::BookBalance>& list) {
    json out = json::array();
    for (const auto& b : list) {
      out.push_back(
          {{"warehouse_id", b.warehouse_id}, {"sku_id", b.sku_id}, {"quantity", b.quantity}});
    }
    return out;
  };
  json discrepancies = json::array();
  for (const auto& d : r.discrepancies) {
    discrepancies.push_back({{"warehouse_id", d.warehouse_id},
                             {"sku_id", d.sku_id},
                             {"book_quantity", d.book_quantity},
                             {"ledger_quantity", d.ledger_quantity},
                             {"awaiting_shipment", d.awaiting_shipment},
                             {"difference", d.difference}});
  }
  return {{"ems_no", r.ems_no},
          {"warehouse_ids", r.warehouse_ids},
          {"book", balances(r.book)},
          {"ledger", balances(r.ledger)},
          {"awaiting_shipment", balances(r.awaiting_shipment)},
          {"discrepancies", std::move(discrepancies)},
          {"agrees", r.discrepancies.empty()},
          {"at", r.at.ToIso8601()}};
}

// --- errors ----------------------------------------------------------------------------------

json ErrorToJson(const Status& st) {
  json err = {{"code", std::string(ErrorCodeName(st.code()))}, {"message", st.message()}};
  if (!st.field().empty()) {
    err["field"] = st.field();
    if (st.code() == ErrorCode::kFailedPrecondition) err["rule"] = st.field();
  }
  return {{"error", std::move(err)}};
}

json ErrorToJson(const Status& st, std::span<const std::pair<std::string, std::string>> details) {
  json out = ErrorToJson(st);
  if (!details.empty()) {
    json numbers = json::object();
    for (const auto& [name, value] : details) numbers[name] = value;
    out["error"]["details"] = std::move(numbers);
  }
  return out;
}

}  // namespace xb::http
