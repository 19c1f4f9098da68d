#include "adapters/customs_gateway/ceb_json.h"

#include <nlohmann/json.hpp>

#include "domain/customs/rules.h"

namespace xb::customs_gateway {

using nlohmann::json;

namespace {

// Thousandths as the shortest decimal text: 20000 -> "20", 20500 -> "20.5", 1 -> "0.001".
std::string MilliToString(std::int64_t milli) {
  const bool negative = milli < 0;
  const std::uint64_t abs = negative ? std::uint64_t{0} - static_cast<std::uint64_t>(milli)
                                     : static_cast<std::uint64_t>(milli);
  std::string out = negative ? "-" : "";
  out += std::to_string(abs / 1000);
  std::uint64_t frac = abs % 1000;
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 3 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

// "20", "20.5", "0.001": non-negative, at most 3 decimals.
bool ParseMilli(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  std::int64_t whole = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] != '.'; ++i) {
    if (text[i] < '0' || text[i] > '9' || whole > 1'000'000'000'000) return false;
    whole = whole * 10 + (text[i] - '0');
  }
  if (i == 0) return false;
  std::int64_t frac = 0;
  std::size_t places = 0;
  if (i < text.size()) {
    ++i;
    if (i == text.size()) return false;
    for (; i < text.size(); ++i, ++places) {
      if (text[i] < '0' || text[i] > '9' || places == 3) return false;
      frac = frac * 10 + (text[i] - '0');
    }
  }
  for (; places < 3; ++places) frac *= 10;
  out = whole * 1000 + frac;
  return true;
}

// Reads fields of one JSON object, remembering the first problem with its field path.
class Reader {
 public:
  Reader(const json& object, std::string path, Status* error)
      : object_(object), path_(std::move(path)), error_(error) {
    if (error_->ok() && !object_.is_object()) Fail("", "must be an object");
  }

  std::string Text(const char* name) {
    const json* v = Get(name);
    if (v == nullptr) return {};
    if (!v->is_string()) {
      Fail(name, "must be a string");
      return {};
    }
    return v->get<std::string>();
  }
  // A required text that must not be empty.
  std::string RequiredText(const char* name) {
    std::string s = Text(name);
    if (error_->ok() && s.empty()) Fail(name, "is required");
    return s;
  }
  std::int64_t Fen(const char* name) {
    const json* v = Get(name);
    if (v == nullptr) return 0;
    if (!v->is_string()) {
      Fail(name, "must be a decimal string such as \"425.00\"");
      return 0;
    }
    auto fen = customs::ParseFen(v->get<std::string>());
    if (!fen.ok()) {
      Fail(name, "must be a decimal string such as \"425.00\"");
      return 0;
    }
    return *fen;
  }
  std::int64_t Milli(const char* name) {
    const json* v = Get(name);
    if (v == nullptr) return 0;
    std::int64_t out = 0;
    if (!v->is_string() || !ParseMilli(v->get<std::string>(), out)) {
      Fail(name, "must be a decimal string with at most 3 decimals");
      return 0;
    }
    return out;
  }
  std::int64_t Int(const char* name) {
    const json* v = Get(name);
    if (v == nullptr) return 0;
    if (!v->is_number_integer()) {
      Fail(name, "must be an integer");
      return 0;
    }
    return v->get<std::int64_t>();
  }
  const json* Object(const char* name) {
    const json* v = Get(name);
    if (v != nullptr && !v->is_object()) {
      Fail(name, "must be an object");
      return nullptr;
    }
    return v;
  }
  const json* Array(const char* name) {
    const json* v = Get(name);
    if (v != nullptr && !v->is_array()) {
      Fail(name, "must be an array");
      return nullptr;
    }
    return v;
  }
  std::string Path(const char* name) const { return path_.empty() ? name : path_ + "." + name; }
  bool ok() const { return error_->ok(); }

 private:
  const json* Get(const char* name) {
    if (!error_->ok()) return nullptr;
    const auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) {
      Fail(name, "is required");
      return nullptr;
    }
    return &*it;
  }
  void Fail(const char* name, const std::string& what) {
    if (!error_->ok()) return;
    const std::string field = *name == '\0' ? path_ : Path(name);
    *error_ = InvalidArgument(field + ": " + what, field);
  }

  const json& object_;
  std::string path_;
  Status* error_;
};

json IdentityJson(const customs::Identity& identity) {
  return {
      {"name", identity.name}, {"id_type", identity.id_type}, {"id_number", identity.id_number}};
}

customs::Identity ReadIdentity(Reader& parent, const char* name, Status* error) {
  customs::Identity identity;
  const json* obj = parent.Object(name);
  if (obj == nullptr) return identity;
  Reader r(*obj, parent.Path(name), error);
  identity.name = r.RequiredText("name");
  identity.id_type = r.RequiredText("id_type");
  identity.id_number = r.RequiredText("id_number");
  return identity;
}

json LinesJson(const std::vector<customs::DocLine>& lines) {
  json out = json::array();
  for (const auto& l : lines) {
    out.push_back({{"sku_code", l.sku_code},
                   {"hs_code", l.hs_code},
                   {"name", l.name},
                   {"quantity", l.quantity},
                   {"legal_quantity", MilliToString(l.legal_quantity_milli)},
                   {"legal_unit", l.legal_unit},
                   {"price", customs::FenToString(l.price_fen)}});
  }
  return out;
}

std::vector<customs::DocLine> ReadLines(Reader& parent, const char* name, Status* error) {
  std::vector<customs::DocLine> lines;
  const json* arr = parent.Array(name);
  if (arr == nullptr) return lines;
  for (std::size_t i = 0; i < arr->size() && error->ok(); ++i) {
    Reader r((*arr)[i], parent.Path(name) + "[" + std::to_string(i) + "]", error);
    customs::DocLine l;
    l.sku_code = r.Text("sku_code");
    l.hs_code = r.RequiredText("hs_code");
    l.name = r.Text("name");
    l.quantity = r.Int("quantity");
    l.legal_quantity_milli = r.Milli("legal_quantity");
    l.legal_unit = r.Text("legal_unit");
    l.price_fen = r.Fen("price");
    lines.push_back(std::move(l));
  }
  return lines;
}

json ToJson(const CebDeclaration& m) {
  const auto& o = m.order;
  const auto& p = m.payment;
  const auto& w = m.waybill;
  const auto& l = m.list;
  return {
      {"signing_key", m.signing_key},
      {"list_no", l.list_no},
      {"order",
       {{"order_no", o.order_no},
        {"buyer", IdentityJson(o.buyer)},
        {"buyer_phone", o.buyer_phone},
        {"lines", LinesJson(o.lines)},
        {"goods", customs::FenToString(o.goods_fen)},
        {"freight", customs::FenToString(o.freight_fen)},
        {"insurance", customs::FenToString(o.insurance_fen)},
        {"discount", customs::FenToString(o.discount_fen)},
        {"tax", customs::FenToString(o.tax_fen)},
        {"paid", customs::FenToString(o.paid_fen)}}},
      {"payment",
       {{"order_no", p.order_no},
        {"payment_no", p.payment_no},
        {"payer", IdentityJson(p.payer)},
        {"amount", customs::FenToString(p.amount_fen)}}},
      {"waybill",
       {{"waybill_no", w.waybill_no},
        {"order_no", w.order_no},
        {"consignee", w.consignee},
        {"weight_g", w.weight_g},
        {"freight", customs::FenToString(w.freight_fen)}}},
      {"list",
       {{"list_no", l.list_no},
        {"order_no", l.order_no},
        {"waybill_no", l.waybill_no},
        {"trade_mode", l.trade_mode},
        {"ems_no", l.ems_no},
        {"buyer", IdentityJson(l.buyer)},
        {"lines", LinesJson(l.lines)},
        {"goods", customs::FenToString(l.goods_fen)},
        {"tax", customs::FenToString(l.tax_fen)}}},
  };
}

Result<json> ParseObject(std::string_view text) {
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("body: not valid JSON");
  if (!doc.is_object()) return InvalidArgument("body: must be a JSON object");
  return doc;
}

json ReceiptJson(const CebReceipt& r) {
  const auto kinds = customs::EnumChoices(customs::ReceiptKind{});
  return {{"seq", r.seq},
          {"receipt_id", r.receipt.receipt_id},
          {"list_no", r.receipt.list_no},
          {"kind", std::string(kinds[static_cast<std::size_t>(r.receipt.kind)])},
          {"reason", r.receipt.reason},
          {"at", r.receipt.at.ToIso8601()}};
}

CebReceipt ReadReceipt(const json& value, const std::string& path, Status* error) {
  CebReceipt out;
  Reader r(value, path, error);
  out.seq = r.Int("seq");
  out.receipt.receipt_id = r.RequiredText("receipt_id");
  out.receipt.list_no = r.RequiredText("list_no");
  const std::string kind = r.RequiredText("kind");
  if (error->ok()) {
    const auto kinds = customs::EnumChoices(customs::ReceiptKind{});
    bool found = false;
    for (std::size_t i = 0; i < kinds.size(); ++i) {
      if (kinds[i] == kind) {
        out.receipt.kind = static_cast<customs::ReceiptKind>(i);
        found = true;
      }
    }
    if (!found) *error = InvalidArgument(r.Path("kind") + ": unknown kind '" + kind + "'", "kind");
  }
  const auto it = value.is_object() ? value.find("reason") : value.end();
  if (error->ok() && it != value.end() && it->is_string()) {
    out.receipt.reason = it->get<std::string>();
  }
  const std::string at = r.RequiredText("at");
  if (error->ok()) {
    auto ts = Timestamp::ParseIso8601(at);
    if (!ts.ok()) {
      *error = InvalidArgument(r.Path("at") + ": not an ISO 8601 time", "at");
    } else {
      out.receipt.at = *ts;
    }
  }
  return out;
}

}  // namespace

CebDeclaration FromDeclaration(const customs::Declaration& declaration) {
  return {declaration.signing_key, declaration.order, declaration.payment, declaration.waybill,
          declaration.list};
}

std::string DeclarationToJson(const CebDeclaration& message) { return ToJson(message).dump(); }

Result<CebDeclaration> DeclarationFromJson(std::string_view text) {
  XB_ASSIGN_OR_RETURN(json doc, ParseObject(text));
  Status error = Status::Ok();
  CebDeclaration m;
  Reader top(doc, "", &error);
  m.signing_key = top.RequiredText("signing_key");
  const std::string list_no = top.RequiredText("list_no");

  if (const json* obj = top.Object("order"); obj != nullptr) {
    Reader r(*obj, "order", &error);
    auto& o = m.order;
    o.order_no = r.RequiredText("order_no");
    o.buyer = ReadIdentity(r, "buyer", &error);
    o.buyer_phone = r.Text("buyer_phone");
    o.lines = ReadLines(r, "lines", &error);
    o.goods_fen = r.Fen("goods");
    o.freight_fen = r.Fen("freight");
    o.insurance_fen = r.Fen("insurance");
    o.discount_fen = r.Fen("discount");
    o.tax_fen = r.Fen("tax");
    o.paid_fen = r.Fen("paid");
  }
  if (const json* obj = top.Object("payment"); obj != nullptr) {
    Reader r(*obj, "payment", &error);
    auto& p = m.payment;
    p.order_no = r.RequiredText("order_no");
    p.payment_no = r.RequiredText("payment_no");
    p.payer = ReadIdentity(r, "payer", &error);
    p.amount_fen = r.Fen("amount");
  }
  if (const json* obj = top.Object("waybill"); obj != nullptr) {
    Reader r(*obj, "waybill", &error);
    auto& w = m.waybill;
    w.waybill_no = r.RequiredText("waybill_no");
    w.order_no = r.RequiredText("order_no");
    w.consignee = r.Text("consignee");
    w.weight_g = r.Int("weight_g");
    w.freight_fen = r.Fen("freight");
  }
  if (const json* obj = top.Object("list"); obj != nullptr) {
    Reader r(*obj, "list", &error);
    auto& l = m.list;
    l.list_no = r.RequiredText("list_no");
    l.order_no = r.RequiredText("order_no");
    l.waybill_no = r.RequiredText("waybill_no");
    l.trade_mode = r.RequiredText("trade_mode");
    l.ems_no = r.Text("ems_no");
    l.buyer = ReadIdentity(r, "buyer", &error);
    l.lines = ReadLines(r, "lines", &error);
    l.goods_fen = r.Fen("goods");
    l.tax_fen = r.Fen("tax");
  }
  if (!error.ok()) return error;
  if (m.list.list_no != list_no) {
    return InvalidArgument(
        "list_no: '" + list_no + "' differs from list.list_no '" + m.list.list_no + "'", "list_no");
  }
  return m;
}

std::string ReceiptToJson(const CebReceipt& receipt) { return ReceiptJson(receipt).dump(); }

Result<CebReceipt> ReceiptFromJson(std::string_view text) {
  XB_ASSIGN_OR_RETURN(json doc, ParseObject(text));
  Status error = Status::Ok();
  CebReceipt out = ReadReceipt(doc, "", &error);
  if (!error.ok()) return error;
  return out;
}

std::string ReceiptPageToJson(const CebReceiptPage& page) {
  json receipts = json::array();
  for (const auto& r : page.receipts) receipts.push_back(ReceiptJson(r));
  return json{{"receipts", std::move(receipts)}, {"next", page.next}}.dump();
}

Result<CebReceiptPage> ReceiptPageFromJson(std::string_view text) {
  XB_ASSIGN_OR_RETURN(json doc, ParseObject(text));
  Status error = Status::Ok();
  CebReceiptPage page;
  Reader top(doc, "", &error);
  page.next = top.Int("next");
  if (const json* arr = top.Array("receipts"); arr != nullptr) {
    for (std::size_t i = 0; i < arr->size() && error.ok(); ++i) {
      page.receipts.push_back(
          ReadReceipt((*arr)[i], "receipts[" + std::to_string(i) + "]", &error));
    }
  }
  if (!error.ok()) return error;
  return page;
}

std::string AcceptedToJson(std::string_view message_id) {
  return json{{"message_id", std::string(message_id)}}.dump();
}

Result<std::string> AcceptedFromJson(std::string_view text) {
  XB_ASSIGN_OR_RETURN(json doc, ParseObject(text));
  Status error = Status::Ok();
  Reader top(doc, "", &error);
  std::string id = top.RequiredText("message_id");
  if (!error.ok()) return error;
  return id;
}

std::string ErrorToJson(std::string_view message) {
  return json{{"error", std::string(message)}}.dump();
}

std::string ErrorFromJson(std::string_view text) {
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (!doc.is_discarded() && doc.is_object()) {
    const auto it = doc.find("error");
    if (it != doc.end() && it->is_string()) return it->get<std::string>();
    // The HTTP server's own refusals: {"error":{"code","message"}}.
    if (it != doc.end() && it->is_object() && it->contains("message") &&
        (*it)["message"].is_string()) {
      return (*it)["message"].get<std::string>();
    }
  }
  return std::string(text.substr(0, 200));
}

}  // namespace xb::customs_gateway
