#include "domain/orders/orders.h"

#include <set>
#include <string>
#include <string_view>

#include "domain/orders/fen_text.h"

namespace xb::orders {
namespace {

constexpr std::string_view kStates[] = {"received", "accepted", "declared",  "inspection_hold",
                                        "released", "shipped",  "delivered", "cancelled",
                                        "rejected", "returned"};
constexpr std::string_view kModes[] = {"1210", "9610", "backorder"};
constexpr std::string_view kPolicies[] = {"speed_first", "cost_first"};

std::string_view Name(OrderState s) { return kStates[static_cast<std::size_t>(s)]; }

// The field names are text only on failure (Validate runs for every order).
Status Required(const std::string& value, std::string_view field, std::size_t max = 200) {
  if (value.empty())
    return InvalidArgument(std::string(field) + ": is required", std::string(field));
  if (value.size() > max) {
    return InvalidArgument(std::string(field) + ": at most " + std::to_string(max) + " characters",
                           std::string(field));
  }
  return Status::Ok();
}

Status NotNegative(std::int64_t value, std::string_view field) {
  if (value < 0) {
    return InvalidArgument(std::string(field) + ": must not be negative", std::string(field));
  }
  return Status::Ok();
}

// Amounts are bounded so that sums of every line and order amount stay far inside int64.
constexpr std::int64_t kMaxAmountFen = 1'000'000'000'000;  // 10 billion yuan
constexpr std::int64_t kMaxQuantity = 1'000'000;
constexpr std::size_t kMaxLines = 200;

Status Amount(std::int64_t value, std::string_view field) {
  XB_RETURN_IF_ERROR(NotNegative(value, field));
  if (value > kMaxAmountFen) {
    return InvalidArgument(std::string(field) + ": is too large", std::string(field));
  }
  return Status::Ok();
}

}  // namespace

std::span<const std::string_view> EnumChoices(OrderState) { return kStates; }
std::span<const std::string_view> EnumChoices(Mode) { return kModes; }
std::span<const std::string_view> EnumChoices(RoutingPolicy) { return kPolicies; }

Status CheckTransition(OrderState from, OrderState to) {
  using S = OrderState;
  bool allowed = false;
  switch (from) {
    case S::kReceived:
      allowed = to == S::kAccepted || to == S::kRejected || to == S::kCancelled;
      break;
    case S::kAccepted:
      // Receipts may skip a step (a lost "accepted" receipt): released or held straight away.
      allowed = to == S::kDeclared || to == S::kInspectionHold || to == S::kReleased ||
                to == S::kRejected || to == S::kCancelled;
      break;
    case S::kDeclared:
      allowed = to == S::kInspectionHold || to == S::kReleased || to == S::kRejected ||
                to == S::kCancelled;
      break;
    case S::kInspectionHold:
      allowed = to == S::kReleased || to == S::kRejected;
      break;
    case S::kReleased:
      allowed = to == S::kShipped || to == S::kReturned;
      break;
    case S::kShipped:
      allowed = to == S::kDelivered || to == S::kReturned;
      break;
    case S::kDelivered:
      allowed = to == S::kReturned;
      break;
    case S::kCancelled:
    case S::kRejected:
    case S::kReturned:
      break;
  }
  if (allowed) return Status::Ok();
  return FailedPrecondition(
      "state: an order cannot go from " + std::string(Name(from)) + " to " + std::string(Name(to)),
      "state");
}

std::int64_t Order::DutiableFen() const {
  std::int64_t goods = 0;
  for (const auto& l : lines) goods += l.quantity * l.unit_price_fen - l.discount_fen;
  return goods + freight_fen + insurance_fen - discount_fen;
}

Status Validate(const Order& order) {
  if (order.channel_id <= 0) return InvalidArgument("channel_id: is required", "channel_id");
  XB_RETURN_IF_ERROR(Required(order.channel_order_no, "channel_order_no", 64));
  if (order.order_date == Date()) {
    return InvalidArgument("order_date: is required", "order_date");
  }
  XB_RETURN_IF_ERROR(Required(order.buyer.name, "buyer.name", 100));
  XB_RETURN_IF_ERROR(Required(order.buyer.id_type, "buyer.id_type", 32));
  XB_RETURN_IF_ERROR(Required(order.buyer.id_number, "buyer.id_number", 32));
  XB_RETURN_IF_ERROR(Required(order.buyer.phone, "buyer.phone", 32));
  XB_RETURN_IF_ERROR(Required(order.address.consignee, "address.consignee", 100));
  XB_RETURN_IF_ERROR(Required(order.address.phone, "address.phone", 32));
  XB_RETURN_IF_ERROR(Required(order.address.province, "address.province", 64));
  XB_RETURN_IF_ERROR(Required(order.address.city, "address.city", 64));
  XB_RETURN_IF_ERROR(Required(order.address.street, "address.street", 200));
  if (order.address.district.size() > 64) {
    return InvalidArgument("address.district: at most 64 characters", "address.district");
  }
  if (order.address.postal_code.size() > 16) {
    return InvalidArgument("address.postal_code: at most 16 characters", "address.postal_code");
  }
  XB_RETURN_IF_ERROR(Required(order.payment.payment_no, "payment.payment_no", 64));
  XB_RETURN_IF_ERROR(Required(order.payment.payer_name, "payment.payer_name", 100));
  XB_RETURN_IF_ERROR(Required(order.payment.payer_id_type, "payment.payer_id_type", 32));
  XB_RETURN_IF_ERROR(Required(order.payment.payer_id_number, "payment.payer_id_number", 32));
  XB_RETURN_IF_ERROR(Amount(order.payment.amount_fen, "payment.amount"));
  XB_RETURN_IF_ERROR(Amount(order.freight_fen, "freight"));
  XB_RETURN_IF_ERROR(Amount(order.insurance_fen, "insurance"));
  XB_RETURN_IF_ERROR(Amount(order.discount_fen, "discount"));
  XB_RETURN_IF_ERROR(Amount(order.tax_fen, "tax"));
  XB_RETURN_IF_ERROR(Amount(order.paid_fen, "paid"));
  if (order.lines.empty()) return InvalidArgument("lines: at least one line", "lines");
  if (order.lines.size() > kMaxLines) {
    return InvalidArgument("lines: at most " + std::to_string(kMaxLines) + " lines", "lines");
  }
  std::set<std::int64_t> skus;
  std::int64_t goods = 0;
  for (std::size_t i = 0; i < order.lines.size(); ++i) {
    const OrderLine& l = order.lines[i];
    const std::string at = "lines[" + std::to_string(i) + "].";
    if (l.sku_id <= 0) return InvalidArgument(at + "sku_id: is required", at + "sku_id");
    if (l.quantity <= 0) {
      return InvalidArgument(at + "quantity: must be greater than 0", at + "quantity");
    }
    if (l.quantity > kMaxQuantity) {
      return InvalidArgument(at + "quantity: at most " + std::to_string(kMaxQuantity),
                             at + "quantity");
    }
    if (Status st = Amount(l.unit_price_fen, "unit_price"); !st.ok()) {
      return Amount(l.unit_price_fen, at + "unit_price");
    }
    if (Status st = Amount(l.discount_fen, "discount"); !st.ok()) {
      return Amount(l.discount_fen, at + "discount");
    }
    if (l.unit_price_fen > kMaxAmountFen / l.quantity) {
      return InvalidArgument(at + "unit_price: the line total is too large", at + "unit_price");
    }
    const std::int64_t total = l.quantity * l.unit_price_fen;
    if (l.discount_fen > total) {
      return InvalidArgument(at + "discount: " + FenText(l.discount_fen) +
                                 " is more than the line total " + FenText(total),
                             at + "discount");
    }
    if (!skus.insert(l.sku_id).second) {
      return InvalidArgument(
          at + "sku_id: SKU " + std::to_string(l.sku_id) + " is on another line already",
          at + "sku_id");
    }
    goods += total - l.discount_fen;
    if (goods > kMaxAmountFen)
      return InvalidArgument("lines: the goods total is too large", "lines");
  }
  if (order.discount_fen > goods + order.freight_fen + order.insurance_fen) {
    return InvalidArgument("discount: " + FenText(order.discount_fen) +
                               " is more than goods, freight and insurance together",
                           "discount");
  }
  if (!order.policy.empty()) {
    bool known = false;
    for (auto p : kPolicies) known = known || p == order.policy;
    if (!known) {
      return InvalidArgument("policy: must be speed_first or cost_first", "policy");
    }
  }
  return Status::Ok();
}

Status CheckPaidEquation(const Order& order) {
  std::int64_t goods = 0;
  for (const auto& l : order.lines) goods += l.quantity * l.unit_price_fen - l.discount_fen;
  const std::int64_t expected =
      goods + order.freight_fen + order.insurance_fen - order.discount_fen + order.tax_fen;
  if (order.paid_fen != expected) {
    return FailedPrecondition("paid_amount: paid " + FenText(order.paid_fen) + " is not goods " +
                                  FenText(goods) + " + freight " + FenText(order.freight_fen) +
                                  " + insurance " + FenText(order.insurance_fen) + " - discount " +
                                  FenText(order.discount_fen) + " + tax " + FenText(order.tax_fen) +
                                  " = " + FenText(expected),
                              "paid_amount");
  }
  if (order.payment.amount_fen != order.paid_fen) {
    return FailedPrecondition("paid_amount: the payment record's amount " +
                                  FenText(order.payment.amount_fen) + " is not the paid amount " +
                                  FenText(order.paid_fen),
                              "paid_amount");
  }
  return Status::Ok();
}

}  // namespace xb::orders
