#include "domain/customs/documents.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <tuple>
#include <vector>

#include "core/text.h"

namespace xb::customs {
namespace {

constexpr std::array<std::string_view, 8> kDeclarationStates = {
    "queued",          "submitted", "accepted",  "released",
    "inspection_hold", "rejected",  "cancelled", "returned",
};
constexpr std::array<std::string_view, 6> kReceiptKinds = {
    "accepted", "rejected", "released", "inspection_hold", "cancelled", "returned",
};

std::string_view NameOf(DeclarationState s) {
  return kDeclarationStates[static_cast<std::size_t>(s)];
}
std::string_view NameOf(ReceiptKind k) { return kReceiptKinds[static_cast<std::size_t>(k)]; }

std::string MaskKeeping(std::string_view text, std::size_t head, std::size_t tail) {
  std::string out(text);
  for (std::size_t i = head; i + tail < out.size(); ++i) out[i] = '*';
  return out;
}

// GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits, weights 2^(17-i) mod 11.
char ResidentIdCheck(std::string_view first17) {
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                   3, 7, 9,  10, 5, 8, 4, 2};
  static constexpr std::string_view kChecks = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kChecks[static_cast<std::size_t>(sum % 11)];
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// The pieces of a check's text, appended to one buffer (a hot path: every accepted order's
// declaration is matched).
struct AsFen {
  std::int64_t fen;
};
struct AsCount {
  std::int64_t n;
};
void Put(std::string& out, std::string_view text) { out += text; }
void Put(std::string& out, AsFen money) { AppendFen(money.fen, out); }
void Put(std::string& out, AsCount count) {
  std::array<char, 24> buf{};
  const auto end = std::to_chars(buf.data(), buf.data() + buf.size(), count.n).ptr;
  out.append(buf.data(), end);
}
// "name id_type masked-number".
void Put(std::string& out, const Identity& id) {
  out += id.name;
  out += ' ';
  out += id.id_type;
  out += ' ';
  out += MaskIdNumber(id.id_number);
}
template <class... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  out.reserve(160);
  (Put(out, parts), ...);
  return out;
}

DocCheck Check(std::string name, bool passed, std::string detail) {
  return DocCheck{std::move(name), passed, std::move(detail)};
}

// A line as customs compares it between order and list: (sku_code, hs_code) and its sums.
struct LineSum {
  std::string_view sku_code;
  std::string_view hs_code;
  std::int64_t quantity = 0;
  std::int64_t price_fen = 0;
  bool SameKey(const LineSum& o) const { return sku_code == o.sku_code && hs_code == o.hs_code; }
  bool operator<(const LineSum& o) const {
    return std::tie(sku_code, hs_code) < std::tie(o.sku_code, o.hs_code);
  }
};
// One entry per key, in key order.
std::vector<LineSum> SumLines(const std::vector<DocLine>& lines) {
  std::vector<LineSum> out;
  out.reserve(lines.size());
  for (const DocLine& l : lines) {
    const LineSum key{l.sku_code, l.hs_code};
    auto it =
        std::find_if(out.begin(), out.end(), [&](const LineSum& s) { return s.SameKey(key); });
    if (it == out.end()) it = out.insert(out.end(), key);
    it->quantity += l.quantity;
    it->price_fen += l.price_fen;
  }
  std::sort(out.begin(), out.end());
  return out;
}
const LineSum* FindLine(const std::vector<LineSum>& sums, const LineSum& key) {
  for (const LineSum& s : sums) {
    if (s.SameKey(key)) return &s;
  }
  return nullptr;
}

std::string LineLabel(const LineSum& key) {
  return Cat("SKU ", key.sku_code, " (HS ", key.hs_code, ")");
}

DocCheck ListLinesMatchOrder(const OrderDoc& order, const DeclarationListDoc& list) {
  std::int64_t order_sum = 0;
  for (const DocLine& l : order.lines) order_sum += l.price_fen;
  if (order_sum != order.goods_fen) {
    return Check("list_lines_match_order", false,
                 Cat("order lines add up to ", AsFen{order_sum}, " but the order's goods value is ",
                     AsFen{order.goods_fen}));
  }
  if (list.goods_fen != order.goods_fen) {
    return Check("list_lines_match_order", false,
                 Cat("list goods value ", AsFen{list.goods_fen}, " != order goods value ",
                     AsFen{order.goods_fen}));
  }
  if (list.tax_fen != order.tax_fen) {
    return Check("list_lines_match_order", false,
                 Cat("list tax ", AsFen{list.tax_fen}, " != order tax ", AsFen{order.tax_fen}));
  }
  const auto a = SumLines(order.lines);
  const auto b = SumLines(list.lines);
  for (const LineSum& sum : a) {
    const LineSum* other = FindLine(b, sum);
    if (other == nullptr) {
      return Check("list_lines_match_order", false,
                   Cat(LineLabel(sum), " is on the order but not on the list"));
    }
    if (other->quantity != sum.quantity || other->price_fen != sum.price_fen) {
      return Check(
          "list_lines_match_order", false,
          Cat(LineLabel(sum), ": order ", AsCount{sum.quantity}, " for ", AsFen{sum.price_fen},
              ", list ", AsCount{other->quantity}, " for ", AsFen{other->price_fen}));
    }
  }
  for (const LineSum& sum : b) {
    if (FindLine(a, sum) == nullptr) {
      return Check("list_lines_match_order", false,
                   Cat(LineLabel(sum), " is on the list but not on the order"));
    }
  }
  for (const DocLine& l : list.lines) {
    if (l.legal_quantity_milli <= 0 || l.legal_unit.empty()) {
      return Check("list_lines_match_order", false,
                   Cat("list line SKU ", l.sku_code, " has no legal quantity and unit"));
    }
  }
  if (!(list.buyer == order.buyer)) {
    return Check("list_lines_match_order", false,
                 Cat("list buyer ", list.buyer, " != order buyer ", order.buyer));
  }
  return Check("list_lines_match_order", true,
               Cat(AsCount{static_cast<std::int64_t>(order.lines.size())}, " order line(s) = ",
                   AsCount{static_cast<std::int64_t>(list.lines.size())}, " list line(s), goods ",
                   AsFen{order.goods_fen}, ", tax ", AsFen{order.tax_fen}, ", same buyer"));
}

}  // namespace

std::span<const std::string_view> EnumChoices(DeclarationState) { return kDeclarationStates; }
std::span<const std::string_view> EnumChoices(ReceiptKind) { return kReceiptKinds; }

std::string MaskIdNumber(std::string_view number) {
  if (number.size() >= 12) return MaskKeeping(number, 3, 4);
  return MaskKeeping(number, 0, std::min<std::size_t>(2, number.size() / 2));
}

std::string MaskPhone(std::string_view phone) {
  if (phone.size() >= 8) return MaskKeeping(phone, 3, 4);
  return MaskKeeping(phone, 0, std::min<std::size_t>(2, phone.size() / 2));
}

Status ValidateIdentity(const Identity& identity) {
  if (Trim(identity.name).empty() || identity.name.size() > 100 || !IsCleanUtf8(identity.name)) {
    return InvalidArgument("name: is required (1..100 characters)", "name");
  }
  const std::string& type = identity.id_type;
  if (type.empty() || type.size() > 32 || !std::all_of(type.begin(), type.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || c == '_';
      })) {
    return InvalidArgument("id_type: \"id_card\", \"passport\" or another lower-case type name",
                           "id_type");
  }
  const std::string& n = identity.id_number;
  // The number itself never appears in a message: it is personal data.
  if (type == "id_card") {
    if (n.size() != 18) {
      return InvalidArgument("id_number: a resident identity card number has 18 characters, got " +
                                 std::to_string(n.size()),
                             "id_number");
    }
    if (!IsAllDigits(std::string_view(n).substr(0, 17))) {
      return InvalidArgument("id_number: the first 17 characters must be digits", "id_number");
    }
    const auto year = ParseInt64(std::string_view(n).substr(6, 4));
    const auto month = ParseInt64(std::string_view(n).substr(10, 2));
    const auto day = ParseInt64(std::string_view(n).substr(12, 2));
    if (!year || !month || !day ||
        !Date::FromYmd(static_cast<int>(*year), static_cast<int>(*month), static_cast<int>(*day))
             .ok() ||
        *year < 1900) {
      return InvalidArgument("id_number: characters 7-14 are not a valid birth date", "id_number");
    }
    const char expected = ResidentIdCheck(std::string_view(n).substr(0, 17));
    if (n[17] != expected) {
      return InvalidArgument(
          "id_number: the check character (ISO 7064 MOD 11-2, GB 11643) does not match",
          "id_number");
    }
    return Status::Ok();
  }
  if (n.size() < 5 || n.size() > 32 || !std::all_of(n.begin(), n.end(), IsAsciiAlnum)) {
    return InvalidArgument("id_number: 5 to 32 letters or digits", "id_number");
  }
  return Status::Ok();
}

std::vector<DocCheck> MatchThreeDocuments(const OrderDoc* order, const PaymentDoc* payment,
                                          const WaybillDoc* waybill,
                                          const DeclarationListDoc* list) {
  std::vector<DocCheck> checks;
  checks.reserve(7);
  std::string missing;
  const auto note_missing = [&](const void* doc, std::string_view name) {
    if (doc == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(name);
  };
  note_missing(order, "order");
  note_missing(payment, "payment");
  note_missing(waybill, "waybill");
  note_missing(list, "list");
  checks.push_back(missing.empty()
                       ? Check("present", true, "order, payment, waybill and list present")
                       : Check("present", false, "missing: " + missing));

  // same_order: every record names the order's number.
  if (order == nullptr) {
    checks.push_back(Check("same_order", false, "no order record"));
  } else {
    std::string detail = Cat("order ", order->order_no);
    bool same = !order->order_no.empty();
    const auto compare = [&](const void* doc, std::string_view name, std::string_view no) {
      if (doc == nullptr) return;
      Put(detail, "; ");
      Put(detail, name);
      Put(detail, " ");
      Put(detail, no);
      if (no != order->order_no) same = false;
    };
    compare(payment, "payment", payment ? std::string_view(payment->order_no) : "");
    compare(waybill, "waybill", waybill ? std::string_view(waybill->order_no) : "");
    compare(list, "list", list ? std::string_view(list->order_no) : "");
    if (payment == nullptr || waybill == nullptr || list == nullptr) same = false;
    checks.push_back(Check("same_order", same, std::move(detail)));
  }

  if (waybill == nullptr || list == nullptr) {
    checks.push_back(Check("waybill_matches_list", false, "waybill or list absent"));
  } else {
    const bool same = !waybill->waybill_no.empty() && waybill->waybill_no == list->waybill_no;
    checks.push_back(
        Check("waybill_matches_list", same,
              Cat("waybill ", waybill->waybill_no, "; list names waybill ", list->waybill_no)));
  }

  if (order == nullptr || payment == nullptr) {
    checks.push_back(Check("buyer_is_payer", false, "order or payment absent"));
  } else {
    const bool same = order->buyer == payment->payer;
    checks.push_back(
        Check("buyer_is_payer", same,
              Cat("buyer ", order->buyer, same ? " = " : " != ", "payer ", payment->payer)));
  }

  if (order == nullptr) {
    checks.push_back(Check("paid_equation", false, "no order record"));
  } else {
    const std::int64_t expected = order->goods_fen + order->freight_fen + order->insurance_fen -
                                  order->discount_fen + order->tax_fen;
    checks.push_back(Check(
        "paid_equation", expected == order->paid_fen,
        Cat("goods ", AsFen{order->goods_fen}, " + freight ", AsFen{order->freight_fen},
            " + insurance ", AsFen{order->insurance_fen}, " - discount ",
            AsFen{order->discount_fen}, " + tax ", AsFen{order->tax_fen}, " = ", AsFen{expected},
            expected == order->paid_fen ? " = " : " != ", "paid ", AsFen{order->paid_fen})));
  }

  if (order == nullptr || payment == nullptr) {
    checks.push_back(Check("payment_amount", false, "order or payment absent"));
  } else {
    const bool same = payment->amount_fen == order->paid_fen;
    checks.push_back(
        Check("payment_amount", same,
              Cat("payment ", payment->payment_no, " amount ", AsFen{payment->amount_fen},
                  same ? " = " : " != ", "order paid ", AsFen{order->paid_fen})));
  }

  if (order == nullptr || list == nullptr) {
    checks.push_back(Check("list_lines_match_order", false, "order or list absent"));
  } else {
    checks.push_back(ListLinesMatchOrder(*order, *list));
  }
  return checks;
}

bool AllPassed(std::span<const DocCheck> checks) {
  return !checks.empty() &&
         std::all_of(checks.begin(), checks.end(), [](const DocCheck& c) { return c.passed; });
}

Result<DeclarationState> ApplyReceipt(DeclarationState from, ReceiptKind kind) {
  using S = DeclarationState;
  const auto refuse = [&]() -> Result<DeclarationState> {
    return FailedPrecondition("a " + std::string(NameOf(kind)) + " receipt cannot apply to a " +
                                  std::string(NameOf(from)) + " declaration",
                              "kind");
  };
  const auto in = [&](std::initializer_list<S> states) {
    return std::find(states.begin(), states.end(), from) != states.end();
  };
  switch (kind) {
    case ReceiptKind::kAccepted:
      if (in({S::kQueued, S::kSubmitted})) return S::kAccepted;
      // A late acceptance after customs already moved on changes nothing.
      if (in({S::kAccepted, S::kReleased, S::kInspectionHold})) return from;
      return refuse();
    case ReceiptKind::kReleased:
      if (in({S::kQueued, S::kSubmitted, S::kAccepted, S::kInspectionHold, S::kReleased})) {
        return S::kReleased;
      }
      return refuse();
    case ReceiptKind::kInspectionHold:
      if (in({S::kQueued, S::kSubmitted, S::kAccepted, S::kInspectionHold})) {
        return S::kInspectionHold;
      }
      return refuse();
    case ReceiptKind::kRejected:
      if (in({S::kQueued, S::kSubmitted, S::kAccepted, S::kInspectionHold, S::kRejected})) {
        return S::kRejected;
      }
      return refuse();
    case ReceiptKind::kCancelled:
      if (in({S::kQueued, S::kSubmitted, S::kAccepted, S::kCancelled})) return S::kCancelled;
      return refuse();
    case ReceiptKind::kReturned:
      if (in({S::kReleased, S::kReturned})) return S::kReturned;
      return refuse();
  }
  return refuse();
}

}  // namespace xb::customs
