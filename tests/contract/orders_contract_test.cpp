// The orders store contract: orders with their lines and personal data, the channel's number as
// the idempotency key, optimistic updates, filtered newest-first listing, the timeline and the
// highest ids behave the same on every storage adapter, including thousands of orders written in
// one transaction as order intake does. Each test runs once per adapter; PostgreSQL runs only when
// XB_TEST_PG_URL names a server, and then each test works in a database of its own that is
// dropped afterwards.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <ostream>
#include <set>
#include <source_location>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/open_database.h"
#include "contract_support.h"
#include "flows/store/unit_of_work.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::contract {
namespace {

using orders::Mode;
using orders::Order;
using orders::OrderEvent;
using orders::OrderId;
using orders::OrderLine;
using orders::OrderQuery;
using orders::OrderState;
using store::Database;
using store::Transaction;
using store::TxMode;

constexpr std::int64_t kNow = 1'764'059'400'123'456;  // 2025-11-25T08:30:00.123456Z
constexpr std::int64_t kSecond = 1'000'000;

Timestamp At(std::int64_t seconds) { return Timestamp::FromMicros(kNow + seconds * kSecond); }

Date Day(int y, int m, int d) { return Must(Date::FromYmd(y, m, d)); }

// --- sample data ------------------------------------------------------------------------------

OrderLine Line(std::int64_t sku, std::int64_t qty, std::int64_t price_fen) {
  OrderLine l;
  l.sku_id = sku;
  l.sku_code = "SKU-" + std::to_string(sku);
  l.quantity = qty;
  l.unit_price_fen = price_fen;
  return l;
}

Order SampleOrder(TenantId tenant, std::string channel_no, std::int64_t channel = 1,
                  Date date = Day(2026, 11, 20)) {
  Order o;
  o.tenant_id = tenant;
  o.channel_id = channel;
  o.channel_order_no = std::move(channel_no);
  o.request_hash = "sha256:abc";
  o.order_date = date;
  o.state = OrderState::kAccepted;
  o.buyer = {"张三", "id_card", "110101199003071234", "13800138000"};
  o.address = {"张三", "13800138000", "浙江", "宁波", "北仑", "保税区 1 号", "315800"};
  o.payment = {"P1", "张三", "id_card", "110101199003071234", 22'820};
  OrderLine a = Line(5, 1, 20'000);
  a.discount_fen = 100;
  a.dutiable_fen = 20'900;
  a.tariff_fen = 0;
  a.consumption_tax_fen = 0;
  a.vat_fen = 1'820;
  a.mode = Mode::kBonded1210;
  a.warehouse_id = 3;
  a.reservation_id = 77;
  a.shipment_ref = "W3-1210";
  a.route_note = "bonded W3 (1210): 40 available, 2 days; chosen: speed first";
  OrderLine b = Line(6, 2, 500);
  b.mode = Mode::kBackorder;
  b.returned_quantity = 1;
  o.lines = {a, b};
  o.freight_fen = 1'000;
  o.insurance_fen = 0;
  o.discount_fen = 0;
  o.goods_fen = 20'900;
  o.tax_fen = 1'820;
  o.paid_fen = 22'820;
  o.customs_channel = "cbec";
  o.policy = "speed_first";
  o.created_at = At(0);
  o.updated_at = At(0);
  return o;
}

void ExpectSameOrder(const Order& got, const Order& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.tenant_id, want.tenant_id);
  EXPECT_EQ(got.channel_id, want.channel_id);
  EXPECT_EQ(got.channel_order_no, want.channel_order_no);
  EXPECT_EQ(got.request_hash, want.request_hash);
  EXPECT_EQ(got.order_date, want.order_date);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.buyer.name, want.buyer.name);
  EXPECT_EQ(got.buyer.id_type, want.buyer.id_type);
  EXPECT_EQ(got.buyer.id_number, want.buyer.id_number);
  EXPECT_EQ(got.buyer.phone, want.buyer.phone);
  EXPECT_EQ(got.address.consignee, want.address.consignee);
  EXPECT_EQ(got.address.phone, want.address.phone);
  EXPECT_EQ(got.address.province, want.address.province);
  EXPECT_EQ(got.address.city, want.address.city);
  EXPECT_EQ(got.address.district, want.address.district);
  EXPECT_EQ(got.address.street, want.address.street);
  EXPECT_EQ(got.address.postal_code, want.address.postal_code);
  EXPECT_EQ(got.payment.payment_no, want.payment.payment_no);
  EXPECT_EQ(got.payment.payer_name, want.payment.payer_name);
  EXPECT_EQ(got.payment.payer_id_type, want.payment.payer_id_type);
  EXPECT_EQ(got.payment.payer_id_number, want.payment.payer_id_number);
  EXPECT_EQ(got.payment.amount_fen, want.payment.amount_fen);
  EXPECT_EQ(got.freight_fen, want.freight_fen);
  EXPECT_EQ(got.insurance_fen, want.insurance_fen);
  EXPECT_EQ(got.discount_fen, want.discount_fen);
  EXPECT_EQ(got.goods_fen, want.goods_fen);
  EXPECT_EQ(got.tax_fen, want.tax_fen);
  EXPECT_EQ(got.paid_fen, want.paid_fen);
  EXPECT_EQ(got.customs_channel, want.customs_channel);
  EXPECT_EQ(got.policy, want.policy);
  EXPECT_EQ(got.reason, want.reason);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  EXPECT_EQ(got.version, want.version);
  ASSERT_EQ(got.lines.size(), want.lines.size());
  for (std::size_t i = 0; i < got.lines.size(); ++i) {
    const auto& a = got.lines[i];
    const auto& b = want.lines[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.line_no, b.line_no);
    EXPECT_EQ(a.sku_id, b.sku_id);
    EXPECT_EQ(a.sku_code, b.sku_code);
    EXPECT_EQ(a.quantity, b.quantity);
    EXPECT_EQ(a.unit_price_fen, b.unit_price_fen);
    EXPECT_EQ(a.discount_fen, b.discount_fen);
    EXPECT_EQ(a.dutiable_fen, b.dutiable_fen);
    EXPECT_EQ(a.tariff_fen, b.tariff_fen);
    EXPECT_EQ(a.consumption_tax_fen, b.consumption_tax_fen);
    EXPECT_EQ(a.vat_fen, b.vat_fen);
    EXPECT_EQ(a.mode, b.mode);
    EXPECT_EQ(a.warehouse_id, b.warehouse_id);
    EXPECT_EQ(a.reservation_id, b.reservation_id);
    EXPECT_EQ(a.shipment_ref, b.shipment_ref);
    EXPECT_EQ(a.route_note, b.route_note);
    EXPECT_EQ(a.returned_quantity, b.returned_quantity);
  }
}

std::vector<std::int64_t> IdsOf(const std::vector<Order>& orders) {
  std::vector<std::int64_t> out;
  for (const auto& o : orders) out.push_back(o.id.value());
  return out;
}

// --- the fixture ------------------------------------------------------------------------------

class OrdersContract : public ScratchDatabaseTest {
 protected:
  void SetUp() override {
    OpenScratch("xb_orders_");
    if (IsSkipped() || HasFatalFailure()) return;
    alpha_ = AddTenant("alpha");
    beta_ = AddTenant("beta");
  }

  TenantId AddTenant(const std::string& code) {
    auto tx = Write();
    access::Tenant t;
    t.code = code;
    t.name = "Tenant " + code;
    t.created_at = Timestamp::FromMicros(kNow);
    const auto stored = Must(tx->tenants().Insert(t));
    MustOk(tx->Commit());
    return stored.id;
  }

  Order AddOrder(Order o) {
    auto tx = Write();
    Order stored = Must(tx->orders().InsertOrder(std::move(o)));
    MustOk(tx->Commit());
    return stored;
  }

  TenantId alpha_;
  TenantId beta_;
};

// --- orders -----------------------------------------------------------------------------------

TEST_P(OrdersContract, AnOrderReadsBackWholeWithTheIdsTheStoreGave) {
  const Order stored = AddOrder(SampleOrder(alpha_, "TM-1001"));
  ASSERT_TRUE(stored.id.assigned());
  EXPECT_EQ(stored.version, 1);
  ASSERT_EQ(stored.lines.size(), 2U);
  EXPECT_GT(stored.lines[0].id, 0);
  EXPECT_GT(stored.lines[1].id, stored.lines[0].id);
  EXPECT_EQ(stored.lines[0].line_no, 1);
  EXPECT_EQ(stored.lines[1].line_no, 2);

  auto rd = Read();
  ExpectSameOrder(Must(rd->orders().GetOrder(alpha_, stored.id)), stored);
  const auto found = Must(rd->orders().FindByChannelNo(alpha_, 1, "TM-1001"));
  ASSERT_TRUE(found.has_value());
  ExpectSameOrder(*found, stored);
  EXPECT_FALSE(Must(rd->orders().FindByChannelNo(alpha_, 2, "TM-1001")));
  EXPECT_FALSE(Must(rd->orders().FindByChannelNo(beta_, 1, "TM-1001")));
  EXPECT_EQ(rd->orders().GetOrder(beta_, stored.id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(rd->orders().GetOrder(alpha_, OrderId(999'999)).status().code(), ErrorCode::kNotFound);
}

TEST_P(OrdersContract, IdsGivenByTheCallerAreKeptAndMaxIdsSpansTenants) {
  {
    auto rd = Read();
    EXPECT_EQ(Must(rd->orders().MaxIds()), std::make_pair(std::int64_t{0}, std::int64_t{0}));
  }
  Order given = SampleOrder(beta_, "JD-1");
  given.id = OrderId(1000);
  given.lines[0].id = 5000;
  given.lines[1].id = 5001;
  given.lines[0].line_no = 1;
  given.lines[1].line_no = 2;
  const Order stored = AddOrder(given);
  EXPECT_EQ(stored.id.value(), 1000);
  EXPECT_EQ(stored.lines[1].id, 5001);
  const Order next = AddOrder(SampleOrder(alpha_, "TM-1"));
  EXPECT_GT(next.id.value(), 1000);
  EXPECT_GT(next.lines[0].id, 5001);
  auto rd = Read();
  const auto [max_order, max_line] = Must(rd->orders().MaxIds());
  EXPECT_EQ(max_order, next.id.value());
  EXPECT_EQ(max_line, next.lines[1].id);
  ExpectSameOrder(Must(rd->orders().GetOrder(beta_, OrderId(1000))), stored);
}

TEST_P(OrdersContract, AChannelOrderNumberIsTakenOncePerTenantAndChannel) {
  const Order first = AddOrder(SampleOrder(alpha_, "TM-1001"));
  {
    auto tx = Write();
    Order again = SampleOrder(alpha_, "TM-1001");
    again.request_hash = "sha256:other";
    const auto st = tx->orders().InsertOrder(again).status();
    EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
    EXPECT_EQ(st.field(), "channel_order_no");
    // The transaction goes on (an intake batch must survive one duplicate).
    MustOk(tx->orders().InsertOrder(SampleOrder(alpha_, "TM-1001", 2)).status());
    MustOk(tx->orders().InsertOrder(SampleOrder(beta_, "TM-1001")).status());
    MustOk(tx->orders().InsertOrder(SampleOrder(alpha_, "TM-1002")).status());
    EXPECT_EQ(tx->orders().InsertOrder(SampleOrder(alpha_, "TM-1002")).status().code(),
              ErrorCode::kAlreadyExists);
    MustOk(tx->Commit());
  }
  auto rd = Read();
  EXPECT_EQ(Must(rd->orders().ListOrders(alpha_, {})).second, 3);
  EXPECT_EQ(Must(rd->orders().ListOrders(beta_, {})).second, 1);
  const auto kept = Must(rd->orders().FindByChannelNo(alpha_, 1, "TM-1001"));
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->request_hash, "sha256:abc");
  EXPECT_EQ(kept->id, first.id);
  EXPECT_EQ(kept->lines.size(), 2U);
}

TEST_P(OrdersContract, UpdatesAreOptimisticAndWriteTheLinesWhole) {
  const Order stored = AddOrder(SampleOrder(alpha_, "TM-7"));
  Order declared = stored;
  declared.state = OrderState::kDeclared;
  declared.channel_order_no = "CHANGED";
  declared.lines.pop_back();
  declared.lines[0].returned_quantity = 1;
  declared.lines[0].route_note = "re-routed";
  OrderLine extra = Line(9, 3, 1'000);
  extra.line_no = 3;
  declared.lines.push_back(extra);
  declared.reason = "";
  declared.updated_at = At(60);
  {
    auto tx = Write();
    MustOk(tx->orders().UpdateOrder(declared));
    MustOk(tx->Commit());
  }
  EXPECT_EQ(declared.version, 2);
  EXPECT_EQ(declared.channel_order_no, "TM-7");
  EXPECT_GT(declared.lines[1].id, stored.lines[1].id) << "a new line gets a new id";
  {
    auto rd = Read();
    ExpectSameOrder(Must(rd->orders().GetOrder(alpha_, stored.id)), declared);
  }
  Order stale = stored;
  stale.state = OrderState::kCancelled;
  {
    auto tx = Write();
    EXPECT_EQ(tx->orders().UpdateOrder(stale).code(), ErrorCode::kConflict);
    EXPECT_EQ(stale.version, 1);
    Order foreign = declared;
    foreign.tenant_id = beta_;
    EXPECT_EQ(tx->orders().UpdateOrder(foreign).code(), ErrorCode::kNotFound);
  }
  Order cancelled = declared;
  cancelled.state = OrderState::kCancelled;
  cancelled.reason = "buyer asked";
  {
    auto tx = Write();
    MustOk(tx->orders().UpdateOrder(cancelled));
    MustOk(tx->Commit());
  }
  auto rd = Read();
  const Order got = Must(rd->orders().GetOrder(alpha_, stored.id));
  EXPECT_EQ(got.state, OrderState::kCancelled);
  EXPECT_EQ(got.reason, "buyer asked");
  EXPECT_EQ(got.version, 3);
  EXPECT_EQ(got.lines.size(), 2U);
}

TEST_P(OrdersContract, ListOrdersFiltersNewestFirstAndPagesBelowTheLastId) {
  std::vector<Order> made;
  for (int i = 0; i < 6; ++i) {
    Order o = SampleOrder(alpha_, "TM-" + std::to_string(100 + i), i % 2 == 0 ? 1 : 2,
                          Day(2026, 11, 20 + i));
    if (i == 4) o.buyer.name = "李四";
    if (i >= 3) o.state = OrderState::kReleased;
    made.push_back(AddOrder(o));
  }
  AddOrder(SampleOrder(alpha_, "JD-9", 3));
  AddOrder(SampleOrder(beta_, "TM-100"));
  auto rd = Read();
  OrderQuery q;
  q.limit = 3;
  auto [page1, total] = Must(rd->orders().ListOrders(alpha_, q));
  EXPECT_EQ(total, 7);
  ASSERT_EQ(page1.size(), 3U);
  EXPECT_EQ(page1[0].channel_order_no, "JD-9");
  EXPECT_EQ(page1[1].id, made[5].id);
  EXPECT_EQ(page1[1].lines.size(), 2U) << "listed orders carry their lines";
  q.after_id = page1.back().id.value();
  auto [page2, total2] = Must(rd->orders().ListOrders(alpha_, q));
  EXPECT_EQ(total2, 7);
  EXPECT_EQ(IdsOf(page2), (std::vector<std::int64_t>{made[3].id.value(), made[2].id.value(),
                                                     made[1].id.value()}));
  for (const auto& o : page2) EXPECT_EQ(o.lines.size(), 2U);

  OrderQuery released;
  released.state = OrderState::kReleased;
  EXPECT_EQ(Must(rd->orders().ListOrders(alpha_, released)).second, 3);
  OrderQuery channel2;
  channel2.channel_id = 2;
  EXPECT_EQ(
      IdsOf(Must(rd->orders().ListOrders(alpha_, channel2)).first),
      (std::vector<std::int64_t>{made[5].id.value(), made[3].id.value(), made[1].id.value()}));
  OrderQuery by_no;
  by_no.channel_order_no = "TM-102";
  EXPECT_EQ(IdsOf(Must(rd->orders().ListOrders(alpha_, by_no)).first),
            (std::vector<std::int64_t>{made[2].id.value()}));
  OrderQuery dates;
  dates.from = Day(2026, 11, 21);
  dates.to = Day(2026, 11, 23);
  EXPECT_EQ(
      IdsOf(Must(rd->orders().ListOrders(alpha_, dates)).first),
      (std::vector<std::int64_t>{made[3].id.value(), made[2].id.value(), made[1].id.value()}));
  OrderQuery prefix;
  prefix.q = "TM-10";
  EXPECT_EQ(Must(rd->orders().ListOrders(alpha_, prefix)).second, 6);
  prefix.q = "tm-10";  // case matters, as it does for the channel
  EXPECT_EQ(Must(rd->orders().ListOrders(alpha_, prefix)).second, 0);
  OrderQuery name;
  name.q = "李";
  EXPECT_EQ(IdsOf(Must(rd->orders().ListOrders(alpha_, name)).first),
            (std::vector<std::int64_t>{made[4].id.value()}));
  name.q = "张三";
  EXPECT_EQ(Must(rd->orders().ListOrders(alpha_, name)).second, 6);
  OrderQuery both;
  both.state = OrderState::kReleased;
  both.channel_id = 1;
  both.q = "TM";
  EXPECT_EQ(IdsOf(Must(rd->orders().ListOrders(alpha_, both)).first),
            (std::vector<std::int64_t>{made[4].id.value()}));
}

TEST_P(OrdersContract, TheTimelineKeepsItsOrderPerOrder) {
  const Order a = AddOrder(SampleOrder(alpha_, "TM-1"));
  const Order b = AddOrder(SampleOrder(alpha_, "TM-2"));
  std::vector<OrderEvent> events;
  auto event = [&](const Order& o, std::int64_t at, std::string state, std::string detail) {
    OrderEvent e;
    e.tenant_id = o.tenant_id;
    e.order_id = o.id;
    e.at = At(at);
    e.state = std::move(state);
    e.detail = std::move(detail);
    events.push_back(std::move(e));
  };
  event(a, 0, "received", "");
  event(b, 0, "received", "");
  event(a, 1, "accepted", "tax 18.20; bonded W3 (1210)");
  event(a, 2, "note", "海关 customs: list XB1 queued");
  {
    auto tx = Write();
    MustOk(tx->orders().AppendEvents(events));
    MustOk(tx->Commit());
  }
  for (std::size_t i = 1; i < events.size(); ++i) EXPECT_GT(events[i].id, events[i - 1].id);
  {
    auto tx = Write();
    std::vector<OrderEvent> more{events[1]};
    more[0].state = "declared";
    more[0].at = At(5);
    MustOk(tx->orders().AppendEvents(more));
    MustOk(tx->Commit());
  }
  auto rd = Read();
  const auto of_a = Must(rd->orders().ListEvents(alpha_, a.id));
  ASSERT_EQ(of_a.size(), 3U);
  EXPECT_EQ(of_a[0].state, "received");
  EXPECT_EQ(of_a[1].state, "accepted");
  EXPECT_EQ(of_a[1].detail, "tax 18.20; bonded W3 (1210)");
  EXPECT_EQ(of_a[1].at, At(1));
  EXPECT_EQ(of_a[1].order_id, a.id);
  EXPECT_EQ(of_a[1].tenant_id, alpha_);
  EXPECT_EQ(of_a[2].detail, "海关 customs: list XB1 queued");
  EXPECT_EQ(of_a[2].id, events[3].id);
  const auto of_b = Must(rd->orders().ListEvents(alpha_, b.id));
  ASSERT_EQ(of_b.size(), 2U);
  EXPECT_EQ(of_b[1].state, "declared");
  EXPECT_TRUE(Must(rd->orders().ListEvents(beta_, a.id)).empty());
}

TEST_P(OrdersContract, ATransactionReadsItsOwnWritesAndARollbackLeavesNone) {
  {
    auto tx = Write();
    const Order stored = Must(tx->orders().InsertOrder(SampleOrder(alpha_, "TM-1")));
    OrderEvent e;
    e.tenant_id = alpha_;
    e.order_id = stored.id;
    e.at = At(0);
    e.state = "accepted";
    std::vector<OrderEvent> events{e};
    MustOk(tx->orders().AppendEvents(events));
    ExpectSameOrder(Must(tx->orders().GetOrder(alpha_, stored.id)), stored);
    EXPECT_EQ(Must(tx->orders().ListEvents(alpha_, stored.id)).size(), 1U);
    EXPECT_EQ(Must(tx->orders().ListOrders(alpha_, {})).first.at(0).lines.size(), 2U);
    EXPECT_EQ(Must(tx->orders().MaxIds()).second, stored.lines[1].id);
    // Updated in the same transaction: the lines are written whole once.
    Order changed = stored;
    changed.lines.pop_back();
    MustOk(tx->orders().UpdateOrder(changed));
    EXPECT_EQ(Must(tx->orders().GetOrder(alpha_, stored.id)).lines.size(), 1U);
  }  // rolled back
  auto rd = Read();
  EXPECT_EQ(Must(rd->orders().ListOrders(alpha_, {})).second, 0);
  EXPECT_EQ(Must(rd->orders().MaxIds()), std::make_pair(std::int64_t{0}, std::int64_t{0}));
  EXPECT_FALSE(Must(rd->orders().FindByChannelNo(alpha_, 1, "TM-1")));
}

TEST_P(OrdersContract, ThreeThousandOrdersInOneTransactionAsIntakeWritesThem) {
  // Ids assigned by the caller, as the intake engine does from MaxIds.
  constexpr int kOrders = 3000;
  std::int64_t next_line = 1;
  {
    auto tx = Write();
    std::vector<OrderEvent> events;
    for (int i = 0; i < kOrders; ++i) {
      Order o = SampleOrder(i % 3 == 0 ? beta_ : alpha_, "TM-" + std::to_string(i));
      o.id = OrderId(i + 1);
      for (auto& l : o.lines) l.id = next_line++;
      o.lines[0].line_no = 1;
      o.lines[1].line_no = 2;
      if (i == 1234) {
        // A duplicate in the middle of the batch is refused alone.
        Order dup = SampleOrder(alpha_, "TM-1");
        dup.id = OrderId(900'000);
        EXPECT_EQ(tx->orders().InsertOrder(dup).status().code(), ErrorCode::kAlreadyExists);
      }
      MustOk(tx->orders().InsertOrder(o).status());
      OrderEvent e;
      e.tenant_id = o.tenant_id;
      e.order_id = o.id;
      e.at = At(i);
      e.state = "accepted";
      events.push_back(e);
    }
    MustOk(tx->orders().AppendEvents(events));
    MustOk(tx->Commit());
  }
  auto rd = Read();
  EXPECT_EQ(Must(rd->orders().MaxIds()),
            std::make_pair(std::int64_t{kOrders}, std::int64_t{next_line - 1}));
  EXPECT_EQ(Must(rd->orders().ListOrders(alpha_, {})).second, 2000);
  EXPECT_EQ(Must(rd->orders().ListOrders(beta_, {})).second, 1000);
  const Order last = Must(rd->orders().GetOrder(alpha_, OrderId(kOrders - 1)));
  EXPECT_EQ(last.channel_order_no, "TM-" + std::to_string(kOrders - 2));
  EXPECT_EQ(last.lines.size(), 2U);
  EXPECT_EQ(Must(rd->orders().ListEvents(alpha_, OrderId(kOrders - 1))).size(), 1U);
}

TEST_P(OrdersContract, ConcurrentIntakeBatchesKeepEventNumbersGaplessAndOrdersDistinct) {
  // As group-committed intake writes: several orders and their business events per transaction,
  // from several writers at once.
  constexpr int kThreads = 4;
  constexpr int kBatches = 5;
  constexpr int kPerBatch = 20;
  std::mutex mu;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        Status st = Status::Ok();
        for (int attempt = 0; attempt < 20; ++attempt) {
          auto tx = db_->Begin(TxMode::kWrite);
          st = tx.ok() ? Status::Ok() : tx.status();
          for (int i = 0; st.ok() && i < kPerBatch; ++i) {
            const std::string no =
                "T" + std::to_string(t) + "-" + std::to_string(b) + "-" + std::to_string(i);
            auto order = (*tx)->orders().InsertOrder(SampleOrder(alpha_, no));
            st = order.status();
            if (!st.ok()) break;
            events::BusinessEvent e;
            e.tenant_id = alpha_;
            e.type = "order.accepted";
            e.entity = "order";
            e.entity_id = order->id.value();
            e.at = At(i);
            e.payload = "{}";
            st = (*tx)->events().Append(e).status();
          }
          if (st.ok()) st = (*tx)->Commit();
          if (st.code() != ErrorCode::kConflict && st.code() != ErrorCode::kUnavailable) break;
        }
        if (!st.ok()) {
          std::lock_guard lock(mu);
          errors.push_back(st.ToString());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(errors.empty()) << errors.front();
  constexpr int kTotal = kThreads * kBatches * kPerBatch;
  auto rd = Read();
  events::EventQuery all;
  all.limit = 10'000;
  const auto logged = Must(rd->events().List(alpha_, all));
  ASSERT_EQ(logged.size(), static_cast<std::size_t>(kTotal));
  std::set<std::int64_t> order_ids;
  for (std::size_t i = 0; i < logged.size(); ++i) {
    EXPECT_EQ(logged[i].seq, static_cast<std::int64_t>(i) + 1);
    order_ids.insert(logged[i].entity_id);
  }
  EXPECT_EQ(order_ids.size(), static_cast<std::size_t>(kTotal));
  EXPECT_EQ(Must(rd->orders().ListOrders(alpha_, {})).second, kTotal);
}

INSTANTIATE_TEST_SUITE_P(Adapters, OrdersContract,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::contract
