// The warehouse hot paths on an SQLite file with the adapter's durability (WAL,
// the WAL fdatasynced before a commit is answered, decision 0008):
//   BM_ClosePickWave     closing a 5,000-line wave pick with `complete`: every line's movement in
//                        one posting, the task, its event, one commit;
//   BM_TerminalBatch     device confirms through TerminalService::HandleBatch, 1,000 per batch
//                        (receipts of one unit each: one ledger row per event);
//   BM_TerminalSingle    device confirms one per call from many threads, through group commit.
// The ctest smoke run only checks that everything runs; it asserts no timings.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/storage/open_database.h"
#include "domain/catalog/sku.h"
#include "domain/partners/partners.h"
#include "flows/warehouse/terminal_service.h"
#include "flows/warehouse/warehouse_service.h"

namespace {

using namespace xb;
using warehouse_flow::RequestContext;

[[noreturn]] void Die(const Status& st) {
  std::fprintf(stderr, "xb_warehouse_benchmark: %s\n", st.ToString().c_str());
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

constexpr const char* kGtin = "09501101020917";

// A temporary SQLite file with a tenant, a warehouse (receiving, storage and staging bins) and a
// SKU without lots; removed at exit.
struct Floor {
  std::string path;
  std::unique_ptr<store::Database> db;
  SystemClock clock;
  std::int64_t warehouse = 0;
  std::int64_t rcv = 0;
  std::int64_t a1 = 0;
  std::int64_t stg = 0;
  std::int64_t sku = 0;

  explicit Floor(const std::string& name)
      : path((std::filesystem::temp_directory_path() /
              ("xb_warehouse_benchmark_" + name + "_" + std::to_string(getpid()) + ".db"))
                 .string()),
        db(Must(storage::OpenDatabase("sqlite:" + path))) {
    auto tx = Must(db->Begin(store::TxMode::kWrite));
    Must(tx->tenants().Insert({TenantId(), "bench", "Bench", true, clock.Now()}));
    partners::Warehouse w;
    w.tenant_id = TenantId(1);
    w.code = "WH";
    w.name = "Warehouse";
    w.country = "DE";
    w.version = 1;
    warehouse = Must(tx->warehouses().Insert(w)).id.value();
    const auto bin = [&](const char* code, partners::BinKind kind) {
      partners::Bin b;
      b.tenant_id = TenantId(1);
      b.code = code;
      b.name = code;
      b.warehouse_id = warehouse;
      b.kind = kind;
      b.version = 1;
      return Must(tx->bins().Insert(b)).id.value();
    };
    rcv = bin("RCV", partners::BinKind::kReceiving);
    a1 = bin("A-01", partners::BinKind::kStorage);
    stg = bin("STG", partners::BinKind::kShipping);
    catalog::Sku s;
    s.tenant_id = TenantId(1);
    s.code = "BOTTLE";
    s.name = "Bottle";
    s.gtin = kGtin;
    s.hs_code = "39241000";
    s.origin_country = "DE";
    s.version = 1;
    sku = Must(tx->skus().Insert(s)).id.value();
    MustOk(tx->Commit());
  }
  ~Floor() {
    db.reset();
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
  }
  static RequestContext Ctx() {
    return {{TenantId(1), access::ApiKeyId(1), access::Role::kAdmin, "bench"}, "bench", ""};
  }
};

warehouse::DeviceEvent Confirm(const std::string& device, const std::string& key,
                               std::int64_t task) {
  warehouse::DeviceEvent e;
  e.device_id = device;
  e.event_key = key;
  e.type = warehouse::DeviceEventType::kConfirm;
  e.task_id = task;
  e.line_no = 1;
  e.quantity = 1;
  e.barcode = "(01)";
  e.barcode += kGtin;
  return e;
}

std::int64_t ReceiveTask(warehouse_flow::WarehouseService& svc, const Floor& f, std::int64_t qty) {
  warehouse_flow::ReceiveDraft d;
  d.warehouse_id = f.warehouse;
  d.receiving_bin_id = f.rcv;
  d.asn_ref = std::to_string(qty);
  d.asn_ref.insert(0, "ASN-");
  d.asn_lines = {{f.sku, qty}};
  return Must(svc.CreateReceive(Floor::Ctx(), d)).id.value();
}

// NOLINTNEXTLINE(readability-identifier-naming): Google Benchmark's naming
void BM_ClosePickWave(benchmark::State& state) {
  constexpr int kLines = 5000;
  Floor f("pick");
  warehouse_flow::WarehouseService svc(*f.db, f.clock, nullptr);
  std::int64_t next_reservation = 0;
  for (auto _ : state) {
    state.PauseTiming();
    // 5,000 units in 5,000 storage places (lots), each reserved by its own order.
    std::vector<std::int64_t> ids;
    {
      auto tx = Must(f.db->Begin(store::TxMode::kWrite));
      std::vector<inventory::Movement> in;
      std::vector<inventory::Reservation> rs;
      for (int i = 0; i < kLines; ++i) {
        inventory::Lot lot;
        lot.tenant_id = TenantId(1);
        lot.sku_id = f.sku;
        char number[32];
        std::snprintf(number, sizeof number, "L%lld",
                      static_cast<long long>(next_reservation) + static_cast<long long>(i));
        lot.lot_number = number;
        const auto stored = Must(tx->inventory().InsertLot(lot));
        inventory::Movement m;
        m.tenant_id = TenantId(1);
        m.sku_id = f.sku;
        m.lot_id = stored.id;
        m.to = inventory::Place{f.warehouse, f.a1, inventory::StockState::kAvailable};
        m.quantity = 1;
        m.reason = inventory::MovementReason::kReceipt;
        m.at = f.clock.Now();
        in.push_back(m);
        inventory::Reservation r;
        r.id = inventory::ReservationId(next_reservation + i + 1);
        r.tenant_id = TenantId(1);
        r.warehouse_id = f.warehouse;
        r.sku_id = f.sku;
        r.order_ref = std::to_string(r.id.value());
        r.order_ref.insert(0, "SO-");
        r.lines = {{stored.id, 1, 0}};
        r.created_at = f.clock.Now();
        r.updated_at = r.created_at;
        rs.push_back(r);
        ids.push_back(r.id.value());
      }
      next_reservation += kLines;
      MustOk(tx->inventory().Post(in));
      MustOk(tx->inventory().SaveReservations(rs));
      MustOk(tx->Commit());
    }
    const auto wave = Must(svc.CreatePick(Floor::Ctx(), {f.warehouse, f.stg, ids}));
    state.ResumeTiming();
    const auto closed = Must(svc.Close(Floor::Ctx(), wave.id, {true}));
    benchmark::DoNotOptimize(closed);
  }
  state.counters["lines"] = kLines;
}
BENCHMARK(BM_ClosePickWave)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

// NOLINTNEXTLINE(readability-identifier-naming): Google Benchmark's naming
void BM_TerminalBatch(benchmark::State& state) {
  const auto batch = static_cast<int>(state.range(0));
  Floor f("batch");
  warehouse_flow::WarehouseService svc(*f.db, f.clock, nullptr);
  warehouse_flow::TerminalService term(*f.db, svc);
  const std::int64_t task = ReceiveTask(svc, f, 1'000'000'000);
  std::int64_t n = 0;
  std::int64_t rows = 0;
  for (auto _ : state) {
    std::vector<warehouse::DeviceEvent> events;
    events.reserve(static_cast<std::size_t>(batch));
    for (int i = 0; i < batch; ++i) events.push_back(Confirm("HT-1", std::to_string(++n), task));
    const auto answers = Must(term.HandleBatch(Floor::Ctx(), std::move(events)));
    for (const auto& a : answers) {
      if (a.status != 200) Die(Internal("refused: " + a.body));
    }
    rows += batch;
  }
  state.counters["ledger_rows_per_s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}
// XB_BENCH_TERMINAL_ITERATIONS fixes the batches per run (for instruction counts under callgrind:
// the first batch also prepares the statements, so compare runs of 1 and N batches).
BENCHMARK(BM_TerminalBatch)
    ->Arg(1000)
    ->Arg(5000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Apply([](benchmark::internal::Benchmark* b) {
      if (const char* n = std::getenv("XB_BENCH_TERMINAL_ITERATIONS"); n != nullptr) {
        b->Iterations(std::strtoll(n, nullptr, 10));
      }
    });

struct SingleFixture {
  std::unique_ptr<Floor> floor;
  std::unique_ptr<warehouse_flow::WarehouseService> svc;
  std::unique_ptr<warehouse_flow::TerminalService> term;
  std::int64_t task = 0;
  std::atomic<std::int64_t> next{0};
};
SingleFixture* single = nullptr;

// NOLINTNEXTLINE(readability-identifier-naming): Google Benchmark's naming
void BM_TerminalSingle(benchmark::State& state) {
  if (state.thread_index() == 0) {
    single = new SingleFixture;
    single->floor = std::make_unique<Floor>("single");
    single->svc = std::make_unique<warehouse_flow::WarehouseService>(*single->floor->db,
                                                                     single->floor->clock, nullptr);
    single->term =
        std::make_unique<warehouse_flow::TerminalService>(*single->floor->db, *single->svc);
    single->task = ReceiveTask(*single->svc, *single->floor, 1'000'000'000);
  }
  // Thread 0 builds the fixture before the loop; the loop starts and ends with a barrier of all
  // threads, so the others use it only in between.
  std::string device = std::to_string(state.thread_index());
  device.insert(0, "HT-");
  for (auto _ : state) {
    const auto key = std::to_string(single->next.fetch_add(1));
    const auto a = Must(single->term->Handle(Floor::Ctx(), Confirm(device, key, single->task)));
    if (a.status != 200) Die(Internal("refused: " + a.body));
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    delete single;
    single = nullptr;
  }
}
BENCHMARK(BM_TerminalSingle)->Threads(64)->Threads(256)->UseRealTime();

}  // namespace
