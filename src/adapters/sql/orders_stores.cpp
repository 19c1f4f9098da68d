#include "adapters/sql/orders_stores.h"

#include <algorithm>
#include <map>
#include <utility>

#include "core/record_field.h"

namespace xb::sql {

using orders::Order;
using orders::OrderEvent;
using orders::OrderId;
using orders::OrderLine;

namespace {

Date AsDate(const std::optional<std::string>& cell) {
  return Date::FromDays(static_cast<std::int32_t>(AsInt(cell)));
}
Timestamp AsTime(const std::optional<std::string>& cell) {
  return Timestamp::FromMicros(AsInt(cell));
}

template <class E>
Value EnumText(E e) {
  return std::string(EnumName(e));
}
template <class E>
E AsEnum(const std::optional<std::string>& cell, E fallback) {
  return cell ? EnumFromName<E>(*cell).value_or(fallback) : fallback;
}

constexpr std::size_t kBatch = PendingRows::kBatch;

// Characters (not bytes) of UTF-8 text, as SQL's substr counts them.
std::int64_t CharCount(std::string_view text) {
  std::int64_t n = 0;
  for (const char ch : text) {
    if ((static_cast<unsigned char>(ch) & 0xC0U) != 0x80U) ++n;
  }
  return n;
}

// --- orders ----------------------------------------------------------------------------------

constexpr std::size_t kOrderColumnCount = 35;
constexpr std::string_view kOrderColumns =
    "id, tenant_id, channel_id, channel_order_no, request_hash, order_date, state, buyer_name, "
    "buyer_id_type, buyer_id_number, buyer_phone, consignee, consignee_phone, province, city, "
    "district, street, postal_code, payment_no, payer_name, payer_id_type, payer_id_number, "
    "payment_fen, freight_fen, insurance_fen, discount_fen, goods_fen, tax_fen, paid_fen, "
    "customs_channel, policy, reason, created_at, updated_at, version";

// The columns after id, tenant_id, channel_id and channel_order_no, in kOrderColumns' order.
void AppendOrderBody(std::vector<Value>& p, const Order& o) {
  p.emplace_back(o.request_hash);
  p.emplace_back(std::int64_t{o.order_date.days()});
  p.push_back(EnumText(o.state));
  p.emplace_back(o.buyer.name);
  p.emplace_back(o.buyer.id_type);
  p.emplace_back(o.buyer.id_number);
  p.emplace_back(o.buyer.phone);
  p.emplace_back(o.address.consignee);
  p.emplace_back(o.address.phone);
  p.emplace_back(o.address.province);
  p.emplace_back(o.address.city);
  p.emplace_back(o.address.district);
  p.emplace_back(o.address.street);
  p.emplace_back(o.address.postal_code);
  p.emplace_back(o.payment.payment_no);
  p.emplace_back(o.payment.payer_name);
  p.emplace_back(o.payment.payer_id_type);
  p.emplace_back(o.payment.payer_id_number);
  p.emplace_back(o.payment.amount_fen);
  p.emplace_back(o.freight_fen);
  p.emplace_back(o.insurance_fen);
  p.emplace_back(o.discount_fen);
  p.emplace_back(o.goods_fen);
  p.emplace_back(o.tax_fen);
  p.emplace_back(o.paid_fen);
  p.emplace_back(o.customs_channel);
  p.emplace_back(o.policy);
  p.emplace_back(o.reason);
  p.emplace_back(o.created_at.micros());
  p.emplace_back(o.updated_at.micros());
  p.emplace_back(o.version);
}

Order DecodeOrder(const Row& r) {
  Order o;
  o.id = OrderId(AsInt(r[0]));
  o.tenant_id = TenantId(AsInt(r[1]));
  o.channel_id = AsInt(r[2]);
  o.channel_order_no = r[3].value_or("");
  o.request_hash = r[4].value_or("");
  o.order_date = AsDate(r[5]);
  o.state = AsEnum(r[6], orders::OrderState::kReceived);
  o.buyer.name = r[7].value_or("");
  o.buyer.id_type = r[8].value_or("");
  o.buyer.id_number = r[9].value_or("");
  o.buyer.phone = r[10].value_or("");
  o.address.consignee = r[11].value_or("");
  o.address.phone = r[12].value_or("");
  o.address.province = r[13].value_or("");
  o.address.city = r[14].value_or("");
  o.address.district = r[15].value_or("");
  o.address.street = r[16].value_or("");
  o.address.postal_code = r[17].value_or("");
  o.payment.payment_no = r[18].value_or("");
  o.payment.payer_name = r[19].value_or("");
  o.payment.payer_id_type = r[20].value_or("");
  o.payment.payer_id_number = r[21].value_or("");
  o.payment.amount_fen = AsInt(r[22]);
  o.freight_fen = AsInt(r[23]);
  o.insurance_fen = AsInt(r[24]);
  o.discount_fen = AsInt(r[25]);
  o.goods_fen = AsInt(r[26]);
  o.tax_fen = AsInt(r[27]);
  o.paid_fen = AsInt(r[28]);
  o.customs_channel = r[29].value_or("");
  o.policy = r[30].value_or("");
  o.reason = r[31].value_or("");
  o.created_at = AsTime(r[32]);
  o.updated_at = AsTime(r[33]);
  o.version = AsInt(r[34]);
  return o;
}

constexpr std::size_t kLineColumnCount = 19;
constexpr std::string_view kLineColumns =
    "id, tenant_id, order_id, line_no, sku_id, sku_code, quantity, unit_price_fen, discount_fen, "
    "dutiable_fen, tariff_fen, consumption_tax_fen, vat_fen, mode, warehouse_id, reservation_id, "
    "shipment_ref, route_note, returned_quantity";

void AppendLine(std::vector<Value>& p, const Order& o, const OrderLine& l) {
  p.emplace_back(l.id);
  p.emplace_back(o.tenant_id.value());
  p.emplace_back(o.id.value());
  p.emplace_back(l.line_no);
  p.emplace_back(l.sku_id);
  p.emplace_back(l.sku_code);
  p.emplace_back(l.quantity);
  p.emplace_back(l.unit_price_fen);
  p.emplace_back(l.discount_fen);
  p.emplace_back(l.dutiable_fen);
  p.emplace_back(l.tariff_fen);
  p.emplace_back(l.consumption_tax_fen);
  p.emplace_back(l.vat_fen);
  p.push_back(EnumText(l.mode));
  p.emplace_back(l.warehouse_id);
  p.emplace_back(l.reservation_id);
  p.emplace_back(l.shipment_ref);
  p.emplace_back(l.route_note);
  p.emplace_back(l.returned_quantity);
}

// Row: order_id, then kLineColumns but id... as selected by kLineSelect.
constexpr std::string_view kLineSelect =
    "order_id, id, line_no, sku_id, sku_code, quantity, unit_price_fen, discount_fen, "
    "dutiable_fen, tariff_fen, consumption_tax_fen, vat_fen, mode, warehouse_id, reservation_id, "
    "shipment_ref, route_note, returned_quantity";

OrderLine DecodeLine(const Row& r) {
  OrderLine l;
  l.id = AsInt(r[1]);
  l.line_no = AsInt(r[2]);
  l.sku_id = AsInt(r[3]);
  l.sku_code = r[4].value_or("");
  l.quantity = AsInt(r[5]);
  l.unit_price_fen = AsInt(r[6]);
  l.discount_fen = AsInt(r[7]);
  l.dutiable_fen = AsInt(r[8]);
  l.tariff_fen = AsInt(r[9]);
  l.consumption_tax_fen = AsInt(r[10]);
  l.vat_fen = AsInt(r[11]);
  l.mode = AsEnum(r[12], orders::Mode::kBackorder);
  l.warehouse_id = AsInt(r[13]);
  l.reservation_id = AsInt(r[14]);
  l.shipment_ref = r[15].value_or("");
  l.route_note = r[16].value_or("");
  l.returned_quantity = AsInt(r[17]);
  return l;
}

Status OrderChanged(OrderId id, std::int64_t version) {
  return Conflict("order " + std::to_string(id.value()) + " changed meanwhile (now version " +
                  std::to_string(version) + ")");
}

}  // namespace

SqlOrdersStore::SqlOrdersStore(Connection& c)
    : c_(c),
      lines_("INSERT INTO orders_line (" + std::string(kLineColumns) + ")", kLineColumnCount),
      events_("INSERT INTO orders_event (id, tenant_id, order_id, at, state, detail)", 6),
      event_ids_("orders_event") {}

Status SqlOrdersStore::Flush() {
  XB_RETURN_IF_ERROR(lines_.Flush(c_));
  return events_.Flush(c_);
}

// Line ids continue after the highest, counted once per transaction.
Status SqlOrdersStore::NumberLines(Order& order) {
  std::int64_t line_no = 0;
  for (auto& line : order.lines) {
    if (line.line_no == 0) line.line_no = line_no + 1;
    line_no = line.line_no;
    if (line.id != 0) {
      if (next_line_id_ != 0) next_line_id_ = std::max(next_line_id_, line.id + 1);
      continue;
    }
    if (next_line_id_ == 0) {
      XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT COALESCE(MAX(id), 0) FROM orders_line", {}));
      next_line_id_ = AsInt(rows.at(0)[0]) + 1;
    }
    line.id = next_line_id_++;
  }
  return Status::Ok();
}

Status SqlOrdersStore::InsertLines(const Order& order) {
  auto& p = lines_.values();
  for (const auto& l : order.lines) AppendLine(p, order, l);
  return lines_.FlushFull(c_);
}

Result<Order> SqlOrdersStore::InsertOrder(Order order) {
  // Ids continue after the highest, counted once per transaction (SQLite's writer is alone; on
  // PostgreSQL a concurrent writer that took the same id fails the insert with kConflict).
  const bool numbered_here = !order.id.assigned();
  if (numbered_here) {
    if (next_order_id_ == 0) {
      XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT COALESCE(MAX(id), 0) FROM orders_order", {}));
      next_order_id_ = AsInt(rows.at(0)[0]) + 1;
    }
    order.id = OrderId(next_order_id_++);
  } else if (next_order_id_ != 0) {
    next_order_id_ = std::max(next_order_id_, order.id.value() + 1);
  }
  XB_RETURN_IF_ERROR(NumberLines(order));
  if (order.version == 0) order.version = 1;
  std::vector<Value> p;
  p.reserve(kOrderColumnCount);
  p.emplace_back(order.id.value());
  p.emplace_back(order.tenant_id.value());
  p.emplace_back(order.channel_id);
  p.emplace_back(order.channel_order_no);
  AppendOrderBody(p, order);
  // A taken channel order number inserts nothing (rather than failing, which would end a
  // PostgreSQL transaction and with it a whole batch of orders); a taken id fails.
  static const std::string kInsert =
      "INSERT INTO orders_order (" + std::string(kOrderColumns) + ") VALUES " +
      RowPlaceholders(1, kOrderColumnCount) +
      " ON CONFLICT (tenant_id, channel_id, channel_order_no) DO NOTHING";
  auto inserted = c_.Execute(kInsert, p);
  if (!inserted.ok()) {
    if (inserted.status().code() == ErrorCode::kAlreadyExists) {
      if (!numbered_here) {
        return AlreadyExists("id: order " + std::to_string(order.id.value()) + " exists", "id");
      }
      return Conflict("order id " + std::to_string(order.id.value()) +
                      " was taken meanwhile (retry)");
    }
    return inserted.status();
  }
  if (*inserted == 0) {
    return AlreadyExists("channel_order_no: duplicate channel order number " +
                             order.channel_order_no + " of channel " +
                             std::to_string(order.channel_id),
                         "channel_order_no");
  }
  XB_RETURN_IF_ERROR(InsertLines(order));
  return order;
}

Status SqlOrdersStore::UpdateOrder(Order& order) {
  XB_RETURN_IF_ERROR(Flush());
  // Existence and version are checked first: a failed statement would end a PostgreSQL
  // transaction. The version condition on the update still catches a concurrent writer.
  const Value k[] = {order.tenant_id.value(), order.id.value()};
  XB_ASSIGN_OR_RETURN(auto cur, c_.Query("SELECT version, channel_id, channel_order_no FROM "
                                         "orders_order WHERE tenant_id = ? AND id = ?",
                                         k));
  if (cur.empty()) return NotFound("no order with id " + std::to_string(order.id.value()));
  if (AsInt(cur[0][0]) != order.version) return OrderChanged(order.id, AsInt(cur[0][0]));
  // The channel's key is the order's identity: it never changes.
  order.channel_id = AsInt(cur[0][1]);
  order.channel_order_no = cur[0][2].value_or("");
  XB_RETURN_IF_ERROR(NumberLines(order));
  const std::int64_t expected = order.version;
  ++order.version;
  std::vector<Value> p;
  p.reserve(kOrderColumnCount);
  AppendOrderBody(p, order);
  p.emplace_back(order.tenant_id.value());
  p.emplace_back(order.id.value());
  p.emplace_back(expected);
  auto n = c_.Execute(
      "UPDATE orders_order SET request_hash = ?, order_date = ?, state = ?, buyer_name = ?, "
      "buyer_id_type = ?, buyer_id_number = ?, buyer_phone = ?, consignee = ?, "
      "consignee_phone = ?, province = ?, city = ?, district = ?, street = ?, postal_code = ?, "
      "payment_no = ?, payer_name = ?, payer_id_type = ?, payer_id_number = ?, payment_fen = ?, "
      "freight_fen = ?, insurance_fen = ?, discount_fen = ?, goods_fen = ?, tax_fen = ?, "
      "paid_fen = ?, customs_channel = ?, policy = ?, reason = ?, created_at = ?, updated_at = ?, "
      "version = ? WHERE tenant_id = ? AND id = ? AND version = ?",
      p);
  if (!n.ok() || *n != 1) {
    order.version = expected;
    return n.ok() ? OrderChanged(order.id, expected + 1) : n.status();
  }
  // The lines are written whole.
  const Value d[] = {order.tenant_id.value(), order.id.value()};
  XB_RETURN_IF_ERROR(
      c_.Execute("DELETE FROM orders_line WHERE tenant_id = ? AND order_id = ?", d).status());
  return InsertLines(order);
}

Result<std::vector<Order>> SqlOrdersStore::WithLines(std::vector<Order> found) {
  if (found.empty()) return found;
  // The lines of up to kBatch orders per statement; the id list is padded with its last id to a
  // power of two so that few statement texts are prepared.
  std::map<std::int64_t, Order*> by_id;
  for (auto& o : found) by_id[o.id.value()] = &o;
  std::vector<std::int64_t> ids;
  ids.reserve(by_id.size());
  for (const auto& [id, o] : by_id) ids.push_back(id);
  std::size_t done = 0;
  while (done < ids.size()) {
    std::size_t n = std::min(kBatch, ids.size() - done);
    std::size_t padded = 1;
    while (padded < n) padded *= 2;
    std::vector<Value> p;
    p.reserve(padded + 1);
    p.emplace_back(found.front().tenant_id.value());
    for (std::size_t i = 0; i < padded; ++i) p.emplace_back(ids[done + std::min(i, n - 1)]);
    const std::string in = PlaceholderList(padded);
    XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kLineSelect) +
                                                " FROM orders_line WHERE tenant_id = ? AND "
                                                "order_id IN (" +
                                                in + ") ORDER BY order_id, line_no",
                                            p));
    for (const auto& r : rows) {
      auto it = by_id.find(AsInt(r[0]));
      if (it != by_id.end()) it->second->lines.push_back(DecodeLine(r));
    }
    done += n;
  }
  return found;
}

Result<Order> SqlOrdersStore::GetOrder(TenantId tenant, OrderId id) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kOrderColumns) +
                                              " FROM orders_order WHERE tenant_id = ? AND id = ?",
                                          p));
  if (rows.empty()) return NotFound("no order with id " + std::to_string(id.value()));
  std::vector<Order> one{DecodeOrder(rows[0])};
  XB_ASSIGN_OR_RETURN(one, WithLines(std::move(one)));
  return std::move(one.front());
}

Result<std::optional<Order>> SqlOrdersStore::FindByChannelNo(TenantId tenant,
                                                             std::int64_t channel_id,
                                                             std::string_view channel_order_no) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value(), channel_id, std::string(channel_order_no)};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kOrderColumns) +
                                              " FROM orders_order WHERE tenant_id = ? AND "
                                              "channel_id = ? AND channel_order_no = ?",
                                          p));
  if (rows.empty()) return std::optional<Order>();
  std::vector<Order> one{DecodeOrder(rows[0])};
  XB_ASSIGN_OR_RETURN(one, WithLines(std::move(one)));
  return std::optional<Order>(std::move(one.front()));
}

Result<std::pair<std::vector<Order>, std::int64_t>> SqlOrdersStore::ListOrders(
    TenantId tenant, const orders::OrderQuery& q) {
  XB_RETURN_IF_ERROR(Flush());
  std::string where = " FROM orders_order WHERE tenant_id = ?";
  std::vector<Value> p{tenant.value()};
  if (q.state) {
    where += " AND state = ?";
    p.push_back(EnumText(*q.state));
  }
  if (q.channel_id) {
    where += " AND channel_id = ?";
    p.emplace_back(*q.channel_id);
  }
  if (!q.channel_order_no.empty()) {
    where += " AND channel_order_no = ?";
    p.emplace_back(q.channel_order_no);
  }
  if (q.from) {
    where += " AND order_date >= ?";
    p.emplace_back(std::int64_t{q.from->days()});
  }
  if (q.to) {
    where += " AND order_date <= ?";
    p.emplace_back(std::int64_t{q.to->days()});
  }
  if (!q.q.empty()) {
    // A prefix of the channel's number or of the buyer's name (substr, not LIKE: LIKE ignores
    // case in SQLite and not in PostgreSQL).
    const std::int64_t chars = CharCount(q.q);
    where += " AND (substr(channel_order_no, 1, ?) = ? OR substr(buyer_name, 1, ?) = ?)";
    p.emplace_back(chars);
    p.emplace_back(q.q);
    p.emplace_back(chars);
    p.emplace_back(q.q);
  }
  XB_ASSIGN_OR_RETURN(auto count, c_.Query("SELECT COUNT(*)" + where, p));
  // Newest first; after_id > 0 continues below that id. The page's ids are chosen first, from an
  // index where one answers the filters (as the count did), and only their rows are read: the
  // tenant's rows are not in id order in any index when no filter narrows them.
  if (q.after_id > 0) {
    where += " AND id < ?";
    p.emplace_back(q.after_id);
  }
  p.emplace_back(std::int64_t{q.limit});
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kOrderColumns) +
                                              " FROM orders_order WHERE id IN (SELECT id" + where +
                                              " ORDER BY id DESC LIMIT ?) ORDER BY id DESC",
                                          p));
  std::vector<Order> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeOrder(r));
  XB_ASSIGN_OR_RETURN(out, WithLines(std::move(out)));
  return std::make_pair(std::move(out), AsInt(count.at(0)[0]));
}

Status SqlOrdersStore::AppendEvents(std::span<OrderEvent> events) {
  // Ids increasing in the order given; the rows are written at commit (or the next read).
  auto& p = events_.values();
  for (auto& e : events) {
    XB_ASSIGN_OR_RETURN(e.id, event_ids_.Next(c_));
    p.emplace_back(e.id);
    p.emplace_back(e.tenant_id.value());
    p.emplace_back(e.order_id.value());
    p.emplace_back(e.at.micros());
    p.emplace_back(e.state);
    p.emplace_back(e.detail);
  }
  return events_.FlushFull(c_);
}

Result<std::vector<OrderEvent>> SqlOrdersStore::ListEvents(TenantId tenant, OrderId id) {
  XB_RETURN_IF_ERROR(Flush());
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, at, state, detail FROM orders_event WHERE "
                                          "tenant_id = ? AND order_id = ? ORDER BY id",
                                          p));
  std::vector<OrderEvent> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    OrderEvent e;
    e.id = AsInt(r[0]);
    e.tenant_id = tenant;
    e.order_id = id;
    e.at = AsTime(r[1]);
    e.state = r[2].value_or("");
    e.detail = r[3].value_or("");
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::pair<std::int64_t, std::int64_t>> SqlOrdersStore::MaxIds() {
  XB_RETURN_IF_ERROR(Flush());
  XB_ASSIGN_OR_RETURN(auto o, c_.Query("SELECT COALESCE(MAX(id), 0) FROM orders_order", {}));
  XB_ASSIGN_OR_RETURN(auto l, c_.Query("SELECT COALESCE(MAX(id), 0) FROM orders_line", {}));
  return std::make_pair(AsInt(o.at(0)[0]), AsInt(l.at(0)[0]));
}

}  // namespace xb::sql
