// Order intake: the hot path that turns a platform's order into an accepted, routed, reserved
// and durably recorded order with its customs declarations queued — or refuses it, changing
// nothing, with the rule named.
//
// Per order, in memory: shape and identity checks; catalog facts of each SKU (cached per tenant);
// the tax quote with the rules of the order's date (general trade is refused); the positive list;
// buyer = payer; the paid equation and the declared tax; the annual quota (QuotaBook, reserved in
// memory); routing (bonded 1210 first, then overseas 9610, else backorder, by policy). Then each
// routed line is reserved through ReservationEngine::ReserveAsync (created confirmed: no lapse;
// client key "order:<order id>:<line no>"), and the order, its lines, timeline, quota entry,
// declaration rows (one per shipment, state queued: the durable outbound queue) and the
// "order.accepted" business event are written by group commit, one transaction per batch. The
// caller is answered once that is durable. Any failure after reservations releases them (on a
// background thread) and undoes the quota. At Start, reservations left by a crash between their
// write and their order's write (key "order:..." and no order row) are released.
//
// Idempotent on (tenant, channel_id, channel_order_no): a retry with the same body (request
// hash) gets the first answer with `replayed`; another body gets kAlreadyExists
// "duplicate channel order number" (field "channel_order_no"). A retry that arrives while the
// first is in flight waits for it.
//
// Refusals by a customs or order rule are kFailedPrecondition whose field() is the rule's code:
// "general_trade" (single_limit / annual_limit reasons in the message), "annual_limit",
// "positive_list", "goods_cap", "buyer_is_payer", "paid_amount", "tax_amount", "documents". Bad
// input is kInvalidArgument naming the field ("lines[1].sku_id" for an unknown SKU). Personal
// data never appears in messages, logs or events.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/customs/tax.h"
#include "domain/orders/orders.h"
#include "flows/inventory/group_commit.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/orders/declaration_builder.h"
#include "flows/orders/goods_cap_book.h"
#include "flows/orders/quota_book.h"
#include "flows/orders/rule_cache.h"
#include "flows/store/unit_of_work.h"

namespace xb::orders_flow {

// An order as the platform sends it.
struct OrderRequest {
  std::int64_t channel_id = 0;
  std::string channel_order_no;
  Date order_date;
  std::string policy;  // "speed_first" / "cost_first"; empty: IntakeOptions::default_policy
  orders::Consumer buyer;
  orders::Address address;
  orders::Payment payment;
  struct Line {
    std::int64_t sku_id = 0;
    std::int64_t quantity = 0;
    std::int64_t unit_price_fen = 0;
    std::int64_t discount_fen = 0;
  };
  std::vector<Line> lines;
  std::int64_t freight_fen = 0, insurance_fen = 0, discount_fen = 0;
  std::int64_t tax_fen = 0;   // the tax the platform charged the consumer
  std::int64_t paid_fen = 0;  // what the consumer paid
};

// The stable hash of a request (hex), stored as Order::request_hash.
std::string RequestHash(const OrderRequest& request);

struct ModeCost {
  std::int64_t delivery_days = 0;
  std::int64_t unit_cost_fen = 0;
};

struct IntakeOptions {
  orders::RoutingPolicy default_policy = orders::RoutingPolicy::kSpeedFirst;
  // Signing key of each tenant's declarations; tenants not named use "default".
  std::map<std::int64_t, std::string> signing_keys;
  ModeCost bonded{2, 300};        // 1210: 2 days, 3.00 per unit
  ModeCost direct_mail{9, 2500};  // 9610: 9 days, 25.00 per unit
  inventory_flow::GroupCommitOptions commit;
  // A SKU's catalog facts are read once and again when older than `catalog_ttl`; a tenant's
  // warehouses and channels when older than `places_ttl` (or at once, at most every 100 ms, on
  // an unknown channel).
  std::chrono::seconds catalog_ttl{30};
  std::chrono::milliseconds places_ttl{2000};
  // Goods-specific yearly caps (goods_cap rows): loaded at Start, reserved per order; share it
  // with the receipt and return services so that their restores reach it.
  std::shared_ptr<GoodsCapBook> goods_caps = std::make_shared<GoodsCapBook>();
};

struct IntakeAnswer {
  orders::Order order;
  bool replayed = false;
};

// The numbers behind a refusal by a rule, by name, as text (money as decimal strings: {"limit",
// "5000.00"}, {"amount", "5200.00"}); empty for every other answer. Never identity numbers or
// phones.
using RefusalDetails = std::vector<std::pair<std::string, std::string>>;

struct IntakeStats {
  std::int64_t accepted = 0;
  std::int64_t refused = 0;
  std::int64_t replayed = 0;
  std::int64_t in_flight = 0;
  inventory_flow::GroupCommitStats commit;
};

class OrderIntake {
 public:
  // `engine` must be started before Start(); `quota` is loaded by Start().
  OrderIntake(store::Database& db, const Clock& clock, inventory_flow::ReservationEngine& engine,
              QuotaBook& quota, RuleCache& rules, IntakeOptions options = {});
  ~OrderIntake();
  OrderIntake(const OrderIntake&) = delete;
  OrderIntake& operator=(const OrderIntake&) = delete;

  // Loads the quota book (this year and the last), the next order and line ids, releases
  // reservations a crash left without their order, and starts the committer.
  Status Start();
  // Finishes what is in flight, then stops.
  void Stop();

  // Called once with the answer: on the caller's thread when known at once (bad input, a
  // refusal, a replay of a stored order), else on a committer or engine thread. Must be quick
  // and must not wait for the intake or the reservation engine. `details` go with a refusal.
  using Done = std::function<void(Result<IntakeAnswer> answer, const RefusalDetails& details)>;
  void Submit(TenantId tenant, std::string actor, OrderRequest request, Done done);
  // Submit and wait (tests, CSV import, demo data).
  Result<IntakeAnswer> SubmitAndWait(TenantId tenant, std::string actor, OrderRequest request);

  // Cancels an order in received / accepted / declared: releases its reservations, restores
  // the quota (negative entry), cancels its declarations not yet answered by customs, records
  // the timeline and the "order.cancelled" event. kFailedPrecondition naming the state
  // otherwise; kNotFound for another tenant's or an unknown order. Waits for its writes.
  Result<orders::Order> Cancel(TenantId tenant, orders::OrderId id, std::string actor,
                               std::string reason);
  // Cancel on the intake's own thread (cancels one after another); `done` is called there with
  // the answer, or at once when the intake is not running.
  using CancelDone = std::function<void(Result<orders::Order>)>;
  void CancelAsync(TenantId tenant, orders::OrderId id, std::string actor, std::string reason,
                   CancelDone done);

  IntakeStats stats() const;

 private:
  struct Pending;
  struct TenantCatalog;
  void Begin(std::shared_ptr<Pending> p);
  Status Check(Pending& p);
  void ReserveLines(std::shared_ptr<Pending> p);
  void Persist(std::shared_ptr<Pending> p);
  void Finish(std::shared_ptr<Pending> p, Result<IntakeAnswer> answer);
  void Fail(std::shared_ptr<Pending> p, Status status);
  void Undo(Pending& p);
  Result<IntakeAnswer> ReplayStored(TenantId tenant, const OrderRequest& request,
                                    const std::string& hash);
  Result<std::shared_ptr<const TenantCatalog>> CatalogOf(TenantId tenant, bool missed);
  // The SKU's facts (cached), nullopt when the tenant has no such SKU.
  Result<std::optional<SkuFacts>> SkuOf(TenantId tenant, std::int64_t sku_id, Timestamp now);
  Status ReleaseOrphans();
  void ReleaseLater(TenantId tenant, const std::vector<std::int64_t>& reservation_ids);
  void ReleaseLoop();
  void CancelLoop();
  std::string SigningKey(TenantId tenant) const;

  store::Database& db_;
  const Clock& clock_;
  inventory_flow::ReservationEngine& engine_;
  QuotaBook& quota_;
  RuleCache& rules_;
  IntakeOptions options_;
  std::unique_ptr<inventory_flow::GroupCommitter> committer_;
  std::atomic<bool> running_{false};
  std::atomic<std::int64_t> next_order_id_{1};
  std::atomic<std::int64_t> next_line_id_{1};

  // In-flight (tenant, channel, channel order no): waiters retried when the first is answered.
  std::mutex flight_mu_;
  std::unordered_map<std::string, std::vector<std::function<void()>>> in_flight_;
  std::condition_variable drained_cv_;  // in_flight_count_ reached 0
  // Keys accepted lately -> (request hash, order id): replays and duplicates decided without a
  // store read for the common case; the oldest are forgotten first (the store still knows).
  std::unordered_map<std::string, std::pair<std::string, std::int64_t>> recent_;
  std::deque<std::string> recent_order_;

  std::mutex catalog_mu_;
  std::unordered_map<std::int64_t, std::shared_ptr<const TenantCatalog>> catalogs_;
  struct CachedSku {
    SkuFacts facts;
    Timestamp read_at;
  };
  std::unordered_map<std::int64_t, std::unordered_map<std::int64_t, CachedSku>> skus_;

  // Reservations to release after a failure, by a thread of their own.
  std::mutex release_mu_;
  std::condition_variable release_cv_;
  std::deque<std::pair<TenantId, std::int64_t>> to_release_;
  bool release_stop_ = false;
  std::thread releaser_;

  // Cancels waiting for the canceller thread.
  std::mutex cancel_mu_;
  std::condition_variable cancel_cv_;
  std::deque<std::function<void()>> cancels_;
  bool cancel_stop_ = false;
  std::thread canceller_;

  std::atomic<std::int64_t> accepted_{0}, refused_{0}, replayed_{0}, in_flight_count_{0};
};

}  // namespace xb::orders_flow
