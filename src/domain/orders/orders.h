// Consumer orders: the record, its state machine, validation, and routing of each line to a
// fulfillment mode and warehouse. Customs rules (limits, tax, documents) live in the customs
// module; the intake flow (flows/orders) brings the two together.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"

namespace xb::orders {

struct OrderTag {};
using OrderId = Id<OrderTag>;

// received -> accepted -> declared -> released -> shipped -> delivered; inspection_hold between
// declared and released; cancelled from received/accepted/declared; rejected (customs or checks
// after acceptance); returned after release/shipped/delivered.
enum class OrderState {
  kReceived,
  kAccepted,
  kDeclared,
  kInspectionHold,
  kReleased,
  kShipped,
  kDelivered,
  kCancelled,
  kRejected,
  kReturned,
};
std::span<const std::string_view> EnumChoices(OrderState);
// kFailedPrecondition naming both states when the move is not allowed.
Status CheckTransition(OrderState from, OrderState to);

// Fulfillment mode of a line (customs trade mode codes).
enum class Mode { kBonded1210, kDirectMail9610, kBackorder };
std::span<const std::string_view> EnumChoices(Mode);  // "1210", "9610", "backorder"

struct Consumer {
  std::string name;
  std::string id_type = "id_card";
  std::string id_number;  // personal data: masked in every view
  std::string phone;      // personal data: masked in every view
};

struct Address {
  std::string consignee;
  std::string phone;  // masked in views
  std::string province, city, district, street;
  std::string postal_code;
};

struct Payment {
  std::string payment_no;  // the payment company's transaction id
  std::string payer_name;
  std::string payer_id_type = "id_card";
  std::string payer_id_number;  // masked in views
  std::int64_t amount_fen = 0;
};

struct OrderLine {
  std::int64_t id = 0;       // assigned by the store, unique per tenant
  std::int64_t line_no = 0;  // 1, 2, ... within the order
  std::int64_t sku_id = 0;
  std::string sku_code;
  std::int64_t quantity = 0;
  std::int64_t unit_price_fen = 0;
  std::int64_t discount_fen = 0;  // line discount
  // Decided at acceptance:
  std::int64_t dutiable_fen = 0;  // price − discount + share of freight and insurance and
                                  // order discount
  std::int64_t tariff_fen = 0, consumption_tax_fen = 0, vat_fen = 0;
  Mode mode = Mode::kBackorder;
  std::int64_t warehouse_id = 0;
  std::int64_t reservation_id = 0;
  std::string shipment_ref;  // lines of one (warehouse, mode) share it: "W3-1210"
  std::string route_note;    // why this warehouse and mode
  std::int64_t returned_quantity = 0;
};

struct Order {
  OrderId id;
  TenantId tenant_id;
  std::int64_t channel_id = 0;
  std::string channel_order_no;
  std::string request_hash;  // hash of the accepted request: a retry with another body is refused
  Date order_date;           // the rules of this date judge the order
  OrderState state = OrderState::kReceived;
  Consumer buyer;
  Address address;
  Payment payment;
  std::vector<OrderLine> lines;
  std::int64_t freight_fen = 0, insurance_fen = 0, discount_fen = 0;
  std::int64_t goods_fen = 0;   // sum of line price − line discount
  std::int64_t tax_fen = 0;     // total tax owed (from the tax engine)
  std::int64_t paid_fen = 0;    // what the consumer paid, as the platform declares it
  std::string customs_channel;  // "cbec" / "cbec_full_rate"
  std::string policy;           // routing policy used: "speed_first" / "cost_first"
  std::string reason;           // last rejection or cancel reason
  Timestamp created_at, updated_at;
  std::int64_t version = 0;

  std::int64_t DutiableFen() const;  // goods + freight + insurance − order discount
};

// Shape and sign rules: required fields, at least one line, positive quantities, non-negative
// amounts, no duplicate SKU lines, identity present. Names the field ("lines[2].quantity").
Status Validate(const Order& order);

// paid = goods + freight − discount + tax (insurance counts in goods value for customs when
// declared separately: goods + freight + insurance − discount + tax). kFailedPrecondition
// "paid_amount" with the four numbers.
Status CheckPaidEquation(const Order& order);

// One timeline entry.
struct OrderEvent {
  std::int64_t id = 0;
  TenantId tenant_id;
  OrderId order_id;
  Timestamp at;
  std::string state;  // the state entered, or "note"
  std::string detail;
};

// Routing -----------------------------------------------------------------------------------

enum class RoutingPolicy { kSpeedFirst, kCostFirst };
std::span<const std::string_view> EnumChoices(RoutingPolicy);  // "speed_first", "cost_first"

// A place a line could ship from, with what it offers now.
struct RouteCandidate {
  std::int64_t warehouse_id = 0;
  std::string warehouse_code;
  Mode mode = Mode::kBonded1210;   // bonded warehouse -> 1210; overseas -> 9610
  std::int64_t available = 0;      // reservable units with enough remaining shelf life
  std::int64_t delivery_days = 0;  // expected days to the consumer
  std::int64_t unit_cost_fen = 0;  // handling + freight estimate per unit
};

struct LineNeed {
  std::int64_t line_no = 0;
  std::int64_t sku_id = 0;
  std::int64_t quantity = 0;
  std::vector<RouteCandidate> candidates;
};

struct LineRoute {
  std::int64_t line_no = 0;
  Mode mode = Mode::kBackorder;
  std::int64_t warehouse_id = 0;
  std::string shipment_ref;
  std::string note;  // "bonded W3 (1210): 40 available, 2 days; chosen: speed first"
};

// Per line: bonded stocking from a bonded warehouse that can cover the whole line, else direct
// mail from an overseas warehouse, else backorder; among candidates of the same mode the policy
// orders by delivery days then cost (speed first) or cost then days (cost first), ties by
// warehouse id. A line is never split. Lines of one warehouse and mode share a shipment_ref.
std::vector<LineRoute> Route(std::span<const LineNeed> needs, RoutingPolicy policy);

// Storage -------------------------------------------------------------------------------------

struct OrderQuery {
  std::optional<OrderState> state;
  std::optional<std::int64_t> channel_id;
  std::string channel_order_no;
  std::optional<Date> from, to;  // order_date, inclusive
  std::string q;                 // channel order number prefix or buyer name
  std::int64_t after_id = 0;     // keyset paging, newest first when 0
  int limit = 50;
};

class OrdersStore {
 public:
  virtual ~OrdersStore() = default;
  // Assigns the order id and line ids unless already assigned (the intake engine assigns them
  // in memory). kAlreadyExists on (tenant, channel, channel_order_no).
  virtual Result<Order> InsertOrder(Order order) = 0;
  // Writes the order and its lines whole; optimistic on version (kConflict), bumps it.
  virtual Status UpdateOrder(Order& order) = 0;
  virtual Result<Order> GetOrder(TenantId tenant, OrderId id) = 0;
  virtual Result<std::optional<Order>> FindByChannelNo(TenantId tenant, std::int64_t channel_id,
                                                       std::string_view channel_order_no) = 0;
  virtual Result<std::pair<std::vector<Order>, std::int64_t>> ListOrders(
      TenantId tenant, const OrderQuery& query) = 0;
  virtual Status AppendEvents(std::span<OrderEvent> events) = 0;
  virtual Result<std::vector<OrderEvent>> ListEvents(TenantId tenant, OrderId id) = 0;
  // Start-up: the highest order id and line id used, across tenants.
  virtual Result<std::pair<std::int64_t, std::int64_t>> MaxIds() = 0;
};

}  // namespace xb::orders
