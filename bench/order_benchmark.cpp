// Order intake in process on an SQLite file with the adapter's durability (WAL, the WAL
// fdatasynced before a commit is answered, decision 0008: it survives a power cut):
//   BM_OrderIntake    orders through OrderIntake::Submit: validate, tax, quota, route, reserve
//                     (reservation engine, group commit), persist order + lines + timeline + quota
//                     entry + queued declaration + event (group commit); a few client threads keep
//                     128 or 1,024 orders each in flight. Every order has its own channel order
//                     number and buyer identity. Counters: p50/p99 latency from submit to answer.
//                     The argument is the number of orders each client thread keeps in flight.
//   BM_BaselineOrder  the same order as one plain write transaction of its own: look up the
//                     channel order number, the identity's quota, the SKU and the pool's
//                     availability, then write the reservation, order, timeline, quota entry,
//                     declaration and event, commit (the rule book and checks in memory as well).
// After the run a summary prints the ratio measured in this same run. The ctest smoke run only
// checks that everything runs; it asserts no timings.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <vector>

#include "adapters/storage/open_database.h"
#include "core/time.h"
#include "domain/customs/testing/public_rules.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/orders/declaration_builder.h"
#include "flows/orders/order_intake.h"

namespace {

using namespace xb;
using orders_flow::OrderIntake;
using orders_flow::OrderRequest;

[[noreturn]] void Die(const Status& st) {
  std::fprintf(stderr, "xb_order_benchmark: %s\n", st.ToString().c_str());
  std::exit(1);
}
template <class T>
T Must(Result<T> r) {
  if (!r.ok()) Die(r.status());
  return std::move(r).value();
}
void MustOk(const Status& st) {
  if (!st.ok()) Die(st);
}

struct SqliteFile {
  std::string path;
  std::unique_ptr<store::Database> db;
  explicit SqliteFile(const std::string& name)
      : path((std::filesystem::temp_directory_path() /
              ("xb_order_benchmark_" + name + "_" + std::to_string(getpid()) + ".db"))
                 .string()),
        db(Must(storage::OpenDatabase("sqlite:" + path))) {}
  ~SqliteFile() {
    db.reset();
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
  }
  SqliteFile(const SqliteFile&) = delete;
  SqliteFile& operator=(const SqliteFile&) = delete;
};

// A distinct resident identity card number for every n (birth date and sequence from n), with
// its GB 11643 check character.
std::string Identity(std::int64_t n) {
  const Date birth = Date::FromDays(static_cast<std::int32_t>(-7300 + (n / 900) % 18000));
  const std::string ymd = birth.ToIso8601();
  std::string body = "110101" + ymd.substr(0, 4) + ymd.substr(5, 2) + ymd.substr(8, 2) +
                     std::to_string(100 + n % 900);
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return body + kCheck[sum % 11];
}

// A tenant with the public rules, one SKU on the positive list, a bonded warehouse with stock
// and a channel.
struct Shop {
  TenantId tenant;
  std::int64_t sku = 0, warehouse = 0, channel = 0;

  explicit Shop(store::Database& db) {
    auto tx = Must(db.Begin(store::TxMode::kWrite));
    tenant =
        Must(tx->tenants().Insert({TenantId(), "bench", "Benchmark", true, SystemClock().Now()}))
            .id;
    if (Must(tx->customs().ListRules(TenantId(0))).empty()) {
      for (auto row : customs::public_rules::PublicRuleRows()) {
        row.id = customs::RuleId();
        MustOk(tx->customs().InsertRule(row).status());
      }
    }
    if (Must(tx->customs().ListPositiveList(TenantId(0))).empty()) {
      MustOk(tx->customs().InsertPositiveList(customs::public_rules::PublicPositiveList()));
    }
    catalog::Sku s;
    s.tenant_id = tenant;
    s.code = "MILK-800";
    s.name = "Infant formula 800 g";
    s.hs_code = "19011010";
    s.legal_unit = catalog::LegalUnit::kKilogram;
    s.legal_quantity = Milli{800};
    s.weight_g = 900;
    s.positive_list = true;
    s.origin_country = "NZ";
    sku = Must(tx->skus().Insert(s)).id.value();
    partners::Warehouse w;
    w.tenant_id = tenant;
    w.code = "BW-NB";
    w.name = "Ningbo bonded";
    w.kind = partners::WarehouseKind::kBonded;
    w.country = "CN";
    w.account_book_no = "T3105W000001";
    warehouse = Must(tx->warehouses().Insert(w)).id.value();
    partners::Channel c;
    c.tenant_id = tenant;
    c.code = "TMALL";
    c.name = "Tmall Global";
    channel = Must(tx->channels().Insert(c)).id.value();
    inventory::Movement m;
    m.tenant_id = tenant;
    m.sku_id = sku;
    m.to = inventory::Place{warehouse, 1, inventory::StockState::kAvailable};
    m.quantity = 1'000'000'000;
    m.reason = inventory::MovementReason::kReceipt;
    m.ref_type = "benchmark";
    m.at = SystemClock().Now();
    MustOk(tx->inventory().Post(std::span<inventory::Movement>(&m, 1)));
    MustOk(tx->Commit());
  }

  // Order n: one line of 200.00, tax 18.20 (9.1%), paid 218.20, its own number and buyer.
  OrderRequest Request(const std::string& prefix, std::int64_t n) const {
    OrderRequest r;
    r.channel_id = channel;
    r.channel_order_no = prefix + std::to_string(n);
    r.order_date = Date::OfTimestamp(SystemClock().Now());
    const std::string id = Identity(n);
    r.buyer = {"Zhang San", "id_card", id, "13800138000"};
    r.address = {"Zhang San", "13800138000", "Zhejiang", "Ningbo", "Beilun", "1 Harbour Rd", ""};
    r.lines.push_back({sku, 1, 20000, 0});
    r.tax_fen = 1820;
    r.paid_fen = 21820;
    r.payment = {"PAY" + std::to_string(n), "Zhang San", "id_card", id, r.paid_fen};
    return r;
  }
};

// ---- through the intake ---------------------------------------------------------------------

struct IntakeFixture {
  SqliteFile file{"intake"};
  SystemClock clock;
  Shop shop{*file.db};
  std::unique_ptr<inventory_flow::ReservationEngine> engine;
  std::unique_ptr<orders_flow::QuotaBook> quota;
  std::unique_ptr<orders_flow::RuleCache> rules;
  std::unique_ptr<OrderIntake> intake;
  std::atomic<std::int64_t> next{0};

  IntakeFixture() {
    engine = std::make_unique<inventory_flow::ReservationEngine>(*file.db, clock);
    MustOk(engine->Start());
    quota = std::make_unique<orders_flow::QuotaBook>();
    rules = std::make_unique<orders_flow::RuleCache>(*file.db);
    intake = std::make_unique<OrderIntake>(*file.db, clock, *engine, *quota, *rules);
    MustOk(intake->Start());
  }
  ~IntakeFixture() {
    intake->Stop();
    engine->Stop();
  }
};

IntakeFixture& Intake() {
  static IntakeFixture f;
  return f;
}

void BM_OrderIntake(benchmark::State& state) {
  IntakeFixture& f = Intake();
  constexpr std::ptrdiff_t kMaxInFlight = 1024;
  const std::ptrdiff_t in_flight = state.range(0);
  std::counting_semaphore<kMaxInFlight> slots(in_flight);
  std::atomic<std::int64_t> failed{0};
  std::mutex mu;
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  for (auto _ : state) {
    slots.acquire();
    const auto start = std::chrono::steady_clock::now();
    f.intake->Submit(
        f.shop.tenant, "bench", f.shop.Request("B", f.next.fetch_add(1)),
        [&, start](Result<orders_flow::IntakeAnswer> answer, const auto&... /*details*/) {
          const double ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
          if (!answer.ok() || answer->order.lines[0].reservation_id == 0) {
            failed.fetch_add(1);
          }
          {
            std::lock_guard lock(mu);
            latencies.push_back(ms);
          }
          slots.release();
        });
  }
  for (std::ptrdiff_t i = 0; i < in_flight; ++i) slots.acquire();  // every answer is in
  if (failed.load() > 0) state.SkipWithError("an order was refused or not reserved");
  state.SetItemsProcessed(state.iterations());
  std::sort(latencies.begin(), latencies.end());
  if (!latencies.empty()) {
    state.counters["p50_ms"] = latencies[latencies.size() / 2];
    state.counters["p99_ms"] = latencies[latencies.size() * 99 / 100];
  }
  if (state.thread_index() == 0) {
    state.SetLabel("sqlite WAL, synced before answer");
    const auto commit = f.intake->stats().commit;
    state.counters["orders_per_commit"] =
        static_cast<double>(commit.pieces) /
        static_cast<double>(std::max<std::int64_t>(commit.batches, 1));
  }
}
// Orders in flight per client thread: 128 (as many as wrk's connections) and 1,024.
BENCHMARK(BM_OrderIntake)->Arg(128)->Arg(1024)->Threads(1)->Threads(2)->UseRealTime();

// ---- one plain transaction per order --------------------------------------------------------

struct BaselineFixture {
  SqliteFile file{"baseline"};
  SystemClock clock;
  Shop shop{*file.db};
  customs::RuleBook book = Must(orders_flow::LoadRuleBook(*file.db, shop.tenant));
  std::atomic<std::int64_t> next{0};
  std::atomic<std::int64_t> reservation_id{1};
};

BaselineFixture& Baseline() {
  static BaselineFixture f;
  return f;
}

Status BaselineOne(BaselineFixture& f, const OrderRequest& r) {
  const Timestamp now = f.clock.Now();
  XB_ASSIGN_OR_RETURN(auto tx, f.file.db->Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(
      auto existing, tx->orders().FindByChannelNo(f.shop.tenant, r.channel_id, r.channel_order_no));
  if (existing) return AlreadyExists("duplicate");
  const int year = r.order_date.year();
  XB_ASSIGN_OR_RETURN(auto used,
                      tx->customs().QuotaUsed(f.shop.tenant, "id_card", r.buyer.id_number, year));
  XB_ASSIGN_OR_RETURN(auto sku, tx->skus().Get(f.shop.tenant, f.shop.sku));
  const orders_flow::SkuFacts facts = orders_flow::FactsOf(sku);
  orders::Order o;
  o.tenant_id = f.shop.tenant;
  o.channel_id = r.channel_id;
  o.channel_order_no = r.channel_order_no;
  o.request_hash = orders_flow::RequestHash(r);
  o.order_date = r.order_date;
  o.buyer = r.buyer;
  o.address = r.address;
  o.payment = r.payment;
  o.tax_fen = r.tax_fen;
  o.paid_fen = r.paid_fen;
  o.policy = "speed_first";
  orders::OrderLine line;
  line.line_no = 1;
  line.sku_id = f.shop.sku;
  line.sku_code = sku.code;
  line.quantity = 1;
  line.unit_price_fen = r.lines[0].unit_price_fen;
  o.lines.push_back(line);
  XB_RETURN_IF_ERROR(orders::Validate(o));
  XB_ASSIGN_OR_RETURN(auto input, orders_flow::TaxInputOf(
                                      o, std::span<const orders_flow::SkuFacts>(&facts, 1), used));
  XB_ASSIGN_OR_RETURN(auto quote, customs::QuoteTax(input, f.book));
  if (quote.channel == customs::Channel::kGeneralTrade || quote.total_fen != o.tax_fen) {
    return FailedPrecondition("refused");
  }
  o.goods_fen = line.unit_price_fen;
  XB_RETURN_IF_ERROR(orders::CheckPaidEquation(o));
  XB_RETURN_IF_ERROR(customs::CheckAnnual(used, quote.dutiable_fen, 2'600'000));
  // Availability of the pool: on hand less active reservations.
  inventory::BalanceQuery bq;
  bq.warehouse_id = f.shop.warehouse;
  bq.sku_id = f.shop.sku;
  bq.owner = std::string(inventory::kOwnStock);
  bq.state = inventory::StockState::kAvailable;
  XB_ASSIGN_OR_RETURN(auto balances, tx->inventory().ListBalances(f.shop.tenant, bq));
  std::int64_t on_hand = 0;
  for (const auto& b : balances.first) on_hand += b.on_hand;
  inventory::ReservationQuery rq;
  rq.warehouse_id = f.shop.warehouse;
  rq.sku_id = f.shop.sku;
  rq.state = inventory::ReservationState::kActive;
  rq.limit = 1;
  XB_ASSIGN_OR_RETURN(auto reserved, tx->inventory().ListReservations(f.shop.tenant, rq));
  if (on_hand - reserved.second < 1) return FailedPrecondition("insufficient stock");
  inventory::Reservation res;
  res.id = inventory::ReservationId(f.reservation_id.fetch_add(1));
  res.tenant_id = f.shop.tenant;
  res.warehouse_id = f.shop.warehouse;
  res.sku_id = f.shop.sku;
  res.order_ref = r.channel_order_no;
  res.lines = {{inventory::LotId(), 1, 0}};
  res.created_at = now;
  res.updated_at = now;
  XB_RETURN_IF_ERROR(
      tx->inventory().SaveReservations(std::span<const inventory::Reservation>(&res, 1)));
  o.lines[0].mode = orders::Mode::kBonded1210;
  o.lines[0].warehouse_id = f.shop.warehouse;
  o.lines[0].shipment_ref = "W" + std::to_string(f.shop.warehouse) + "-1210";
  o.lines[0].reservation_id = res.id.value();
  o.lines[0].vat_fen = quote.vat_fen;
  o.state = orders::OrderState::kAccepted;
  o.created_at = now;
  o.updated_at = now;
  XB_ASSIGN_OR_RETURN(o, tx->orders().InsertOrder(o));
  std::vector<orders::OrderEvent> events(2);
  for (auto& e : events) {
    e.tenant_id = f.shop.tenant;
    e.order_id = o.id;
    e.at = now;
  }
  events[0].state = "received";
  events[1].state = "accepted";
  XB_RETURN_IF_ERROR(tx->orders().AppendEvents(events));
  customs::QuotaEntry q;
  q.tenant_id = f.shop.tenant;
  q.id_type = "id_card";
  q.id_number = r.buyer.id_number;
  q.year = year;
  q.amount_fen = quote.dutiable_fen;
  q.order_id = o.id.value();
  q.ref = "order:" + std::to_string(o.id.value());
  q.at = now;
  XB_RETURN_IF_ERROR(tx->customs().AppendQuota(std::span<customs::QuotaEntry>(&q, 1)));
  const auto shipments = orders_flow::ShipmentsOf(o);
  orders_flow::DeclarationInput in;
  in.order = &o;
  in.shipment = &shipments[0];
  in.all_shipments = shipments;
  in.skus = std::span<const orders_flow::SkuFacts>(&facts, 1);
  in.ems_no = "T3105W000001";
  in.now = now;
  XB_ASSIGN_OR_RETURN(auto declaration, orders_flow::BuildDeclaration(in));
  XB_RETURN_IF_ERROR(tx->customs().InsertDeclaration(std::move(declaration)).status());
  events::BusinessEvent ev;
  ev.tenant_id = f.shop.tenant;
  ev.type = "order.accepted";
  ev.entity = "order";
  ev.entity_id = o.id.value();
  ev.actor = "bench";
  ev.at = now;
  ev.payload = "{}";
  XB_RETURN_IF_ERROR(tx->events().Append(std::move(ev)).status());
  return tx->Commit();
}

void BM_BaselineOrder(benchmark::State& state) {
  BaselineFixture& f = Baseline();
  for (auto _ : state) {
    Status st = BaselineOne(f, f.shop.Request("P", f.next.fetch_add(1)));
    if (!st.ok() && st.code() != ErrorCode::kConflict) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) state.SetLabel("sqlite WAL, synced before answer");
}
BENCHMARK(BM_BaselineOrder)->Threads(1)->Threads(4)->UseRealTime();

// ---- the summary ---------------------------------------------------------------------------

class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      auto ips = run.counters.find("items_per_second");
      if (ips != run.counters.end()) per_second_[run.benchmark_name()] = ips->second.value;
    }
  }
  void PrintSummary() const {
    std::printf("\n== summary (same run; sqlite WAL, synced before answer) ==\n");
    const double intake = Best("BM_OrderIntake/");
    const double baseline = Best("BM_BaselineOrder/");
    if (intake > 0) std::printf("order intake orders/s:             %12.0f\n", intake);
    if (baseline > 0) std::printf("baseline orders/s (1 tx each):     %12.0f\n", baseline);
    if (intake > 0 && baseline > 0) {
      std::printf("ratio intake/baseline:             %12.1fx\n", intake / baseline);
    }
  }

 private:
  double Best(const std::string& prefix) const {
    double best = 0;
    for (const auto& [name, v] : per_second_) {
      if (name.rfind(prefix, 0) == 0) best = std::max(best, v);
    }
    return best;
  }
  std::map<std::string, double> per_second_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintSummary();
  benchmark::Shutdown();
  return 0;
}
