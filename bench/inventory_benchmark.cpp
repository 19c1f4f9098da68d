// The inventory hot paths on an SQLite file with the adapter's durability (WAL, the WAL
// fdatasynced before a commit is answered, decision 0008: it survives a power cut):
//   BM_EngineReserve     reservations through the reservation engine (in-process, group commit),
//                        many client threads, one hot SKU; with and without idempotency keys
//                        (keyed runs: XB_BENCH_KEYED_REQUESTS reservations, default 10,000);
//   BM_EngineReserveAsync the same through ReserveAsync, a few threads with many in flight;
//   BM_BaselineReserve   one SQL write transaction per reservation on the same store: read the
//                        pool's availability (balances and active reservations), save the
//                        reservation, commit;
//   BM_PostPicking       posting a 5,000-line picking (StockPosting + AddPicked + commit);
//   BM_LedgerPosting     posting a 100-movement document with 10^4 and 10^6 movements of history
//                        (set XB_BENCH_LEDGER_SIZES, e.g. "10000,1000000,10000000", for others);
//                        XB_BENCH_LEDGER_TRACE=MS prints each document of MS milliseconds or more
//                        with its phases (waiting for the write lock, posting, durable commit);
//   BM_LedgerPostingInterleaved the same sizes posted to in turn, one document each per round:
//                        the flatness ratio measured under the same conditions for every size.
// After the run a summary prints the ratios measured in this same run. The ctest smoke run only
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
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sqlite/sqlite_connection.h"
#include "adapters/storage/open_database.h"
#include "core/time.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/inventory/stock_posting.h"

namespace {

using namespace xb;
using inventory::LotId;
using inventory::Movement;
using inventory::MovementReason;
using inventory::Place;
using inventory::Reservation;
using inventory::ReservationId;
using inventory::ReservationState;
using inventory::StockState;
using inventory_flow::EngineOptions;
using inventory_flow::ReservationEngine;
using inventory_flow::ReserveRequest;
using inventory_flow::StockPosting;

constexpr std::int64_t kWarehouse = 1;
constexpr std::int64_t kHotSku = 1;
constexpr std::int64_t kBaselineSku = 2;

[[noreturn]] void Die(const Status& st) {
  std::fprintf(stderr, "xb_inventory_benchmark: %s\n", st.ToString().c_str());
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

// A temporary SQLite file, removed at exit.
struct SqliteFile {
  std::string path;
  std::unique_ptr<store::Database> db;
  explicit SqliteFile(const std::string& name)
      : path((std::filesystem::temp_directory_path() /
              ("xb_inventory_benchmark_" + name + "_" + std::to_string(getpid()) + ".db"))
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

TenantId AddTenant(store::Database& db, const std::string& code = "bench") {
  auto tx = Must(db.Begin(store::TxMode::kWrite));
  auto t = Must(tx->tenants().Insert({TenantId(), code, "Benchmark", true, SystemClock().Now()}));
  MustOk(tx->Commit());
  return t.id;
}

Movement Receipt(TenantId tenant, std::int64_t sku, LotId lot, std::int64_t bin, std::int64_t qty) {
  Movement m;
  m.tenant_id = tenant;
  m.sku_id = sku;
  m.lot_id = lot;
  m.to = Place{kWarehouse, bin, StockState::kAvailable};
  m.quantity = qty;
  m.reason = MovementReason::kReceipt;
  m.ref_type = "benchmark";
  m.at = SystemClock().Now();
  return m;
}

void PostNow(store::Database& db, std::vector<Movement>& movements) {
  auto tx = Must(db.Begin(store::TxMode::kWrite));
  MustOk(tx->inventory().Post(movements));
  MustOk(tx->Commit());
}

// ---- reservations: the engine and the baseline --------------------------------------------

struct ReserveFixture {
  SqliteFile file{"reserve"};
  SystemClock clock;
  TenantId tenant;
  TenantId keyed_tenant;  // reservations with client keys, kept apart from the others
  std::unique_ptr<ReservationEngine> engine;
  std::atomic<std::int64_t> next_key{0};
  std::atomic<std::int64_t> baseline_id{1'000'000'000'000};

  ReserveFixture() {
    tenant = AddTenant(*file.db);
    keyed_tenant = AddTenant(*file.db, "keyed");
    std::vector<Movement> stock{Receipt(tenant, kHotSku, LotId(), 1, 1'000'000'000),
                                Receipt(tenant, kBaselineSku, LotId(), 1, 1'000'000'000),
                                Receipt(keyed_tenant, kHotSku, LotId(), 1, 1'000'000'000)};
    PostNow(*file.db, stock);
    engine = std::make_unique<ReservationEngine>(*file.db, clock, EngineOptions{});
    MustOk(engine->Start());
  }
};

ReserveFixture& Reserving() {
  static ReserveFixture f;
  return f;
}

void EngineReserve(benchmark::State& state, bool with_key) {
  ReserveFixture& f = Reserving();
  ReserveRequest request;
  request.tenant_id = with_key ? f.keyed_tenant : f.tenant;
  request.warehouse_id = kWarehouse;
  request.sku_id = kHotSku;
  request.quantity = 1;
  request.order_ref = "flash-sale";
  for (auto _ : state) {
    if (with_key) request.client_key = "k" + std::to_string(f.next_key.fetch_add(1));
    auto answer = f.engine->Reserve(request);
    if (!answer.ok()) {
      state.SkipWithError(answer.status().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.SetLabel("sqlite WAL, synced before answer");
    const auto commit = f.engine->stats().commit;
    state.counters["rows_per_commit"] =
        static_cast<double>(commit.pieces) /
        static_cast<double>(std::max<std::int64_t>(commit.batches, 1));
  }
}

void BM_EngineReserve(benchmark::State& state) { EngineReserve(state, false); }
void BM_EngineReserveWithKey(benchmark::State& state) { EngineReserve(state, true); }
BENCHMARK(BM_EngineReserve)->Threads(64)->Threads(256)->Threads(1024)->UseRealTime();

// The same through ReserveAsync: a few client threads keep up to 1,024 reservations each in
// flight and are answered on the committer thread, as an asynchronous server would be.
void EngineReserveAsync(benchmark::State& state, bool with_key) {
  ReserveFixture& f = Reserving();
  constexpr std::ptrdiff_t kInFlight = 1024;
  std::counting_semaphore<kInFlight> slots(kInFlight);
  std::atomic<std::int64_t> failed{0};
  ReserveRequest request;
  request.tenant_id = with_key ? f.keyed_tenant : f.tenant;
  request.warehouse_id = kWarehouse;
  request.sku_id = kHotSku;
  request.quantity = 1;
  request.order_ref = "flash-sale";
  for (auto _ : state) {
    slots.acquire();
    if (with_key) request.client_key = "a" + std::to_string(f.next_key.fetch_add(1));
    f.engine->ReserveAsync(request, [&](Result<inventory_flow::ReserveAnswer> answer) {
      if (!answer.ok()) failed.fetch_add(1);
      slots.release();
    });
  }
  for (std::ptrdiff_t i = 0; i < kInFlight; ++i) slots.acquire();  // every answer is in
  if (failed.load() > 0) state.SkipWithError("a reservation failed");
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.SetLabel("sqlite WAL, synced before answer");
    const auto commit = f.engine->stats().commit;
    state.counters["rows_per_commit"] =
        static_cast<double>(commit.pieces) /
        static_cast<double>(std::max<std::int64_t>(commit.batches, 1));
  }
}
void BM_EngineReserveAsync(benchmark::State& state) { EngineReserveAsync(state, false); }
void BM_EngineReserveAsyncWithKey(benchmark::State& state) { EngineReserveAsync(state, true); }
BENCHMARK(BM_EngineReserveAsync)->Threads(1)->Threads(2)->UseRealTime();

// The same reservation as one SQL transaction of its own: what a request handler without the
// engine does. Availability = available on-hand of the pool − its active reservations (one unit
// each here, so their count).
void BM_BaselineReserve(benchmark::State& state) {
  ReserveFixture& f = Reserving();
  for (auto _ : state) {
    auto tx = Must(f.file.db->Begin(store::TxMode::kWrite));
    inventory::BalanceQuery bq;
    bq.warehouse_id = kWarehouse;
    bq.sku_id = kBaselineSku;
    bq.owner = std::string(inventory::kOwnStock);
    bq.state = StockState::kAvailable;
    auto balances = Must(tx->inventory().ListBalances(f.tenant, bq));
    std::int64_t on_hand = 0;
    for (const auto& b : balances.first) on_hand += b.on_hand;
    inventory::ReservationQuery rq;
    rq.warehouse_id = kWarehouse;
    rq.sku_id = kBaselineSku;
    rq.state = ReservationState::kActive;
    rq.limit = 1;
    const std::int64_t reserved = Must(tx->inventory().ListReservations(f.tenant, rq)).second;
    if (on_hand - reserved < 1) {
      state.SkipWithError("the baseline pool ran out");
      break;
    }
    Reservation r;
    r.id = ReservationId(f.baseline_id.fetch_add(1));
    r.tenant_id = f.tenant;
    r.warehouse_id = kWarehouse;
    r.sku_id = kBaselineSku;
    r.order_ref = "flash-sale";
    r.lines = {{LotId(), 1, 0}};
    r.created_at = f.clock.Now();
    r.updated_at = r.created_at;
    r.expires_at = Timestamp::FromMicros(r.created_at.micros() + 900'000'000);
    MustOk(tx->inventory().SaveReservations(std::span<const Reservation>(&r, 1)));
    MustOk(tx->Commit());
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) state.SetLabel("sqlite WAL, synced before answer");
}
BENCHMARK(BM_BaselineReserve)->Threads(1)->Threads(4)->UseRealTime();

// ---- a 5,000-line picking -------------------------------------------------------------------

constexpr std::int64_t kPickLines = 5000;
constexpr std::int64_t kStagingBin = 9999;

struct PickFixture {
  SqliteFile file{"pick"};
  SystemClock clock;
  TenantId tenant;
  std::vector<LotId> lots;  // by SKU - 1
  std::unique_ptr<ReservationEngine> engine;

  PickFixture() {
    tenant = AddTenant(*file.db);
    {
      auto tx = Must(file.db->Begin(store::TxMode::kWrite));
      for (std::int64_t sku = 1; sku <= kPickLines; ++sku) {
        inventory::Lot lot;
        lot.tenant_id = tenant;
        lot.sku_id = sku;
        lot.lot_number = "L" + std::to_string(sku);
        lot.expiry_date = Date::OfTimestamp(clock.Now()).AddDays(365);
        lot.created_at = clock.Now();
        lots.push_back(Must(tx->inventory().InsertLot(lot)).id);
      }
      MustOk(tx->Commit());
    }
    std::vector<Movement> stock;
    for (std::int64_t sku = 1; sku <= kPickLines; ++sku) {
      stock.push_back(
          Receipt(tenant, sku, lots[static_cast<std::size_t>(sku - 1)], 1 + sku % 200, 1'000'000));
    }
    PostNow(*file.db, stock);
    engine = std::make_unique<ReservationEngine>(*file.db, clock, EngineOptions{});
    MustOk(engine->Start());
  }

  // One reservation of 2 units per SKU, made by 64 client threads.
  std::vector<Reservation> ReserveOrder() {
    std::vector<Reservation> out(static_cast<std::size_t>(kPickLines));
    std::atomic<std::int64_t> next{1};
    std::vector<std::thread> clients;
    for (int t = 0; t < 64; ++t) {
      clients.emplace_back([&] {
        for (std::int64_t sku = next.fetch_add(1); sku <= kPickLines; sku = next.fetch_add(1)) {
          ReserveRequest request;
          request.tenant_id = tenant;
          request.warehouse_id = kWarehouse;
          request.sku_id = sku;
          request.quantity = 2;
          request.hold_for = std::chrono::seconds(0);
          out[static_cast<std::size_t>(sku - 1)] = Must(engine->Reserve(request)).reservation;
        }
      });
    }
    for (auto& c : clients) c.join();
    return out;
  }
};

void BM_PostPicking(benchmark::State& state) {
  static PickFixture f;
  double post_ms = 0;
  double commit_ms = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::vector<Reservation> order = f.ReserveOrder();
    std::vector<Movement> picks;
    picks.reserve(order.size());
    for (const Reservation& r : order) {
      Movement m;
      m.tenant_id = f.tenant;
      m.sku_id = r.sku_id;
      m.lot_id = r.lines.front().lot_id;
      m.from = Place{kWarehouse, 1 + r.sku_id % 200, StockState::kAvailable};
      m.to = Place{kWarehouse, kStagingBin, StockState::kPicked};
      m.quantity = r.lines.front().quantity;
      m.reason = MovementReason::kPick;
      m.ref_type = "reservation";
      m.ref_id = std::to_string(r.id.value());
      m.actor = "benchmark";
      m.at = f.clock.Now();
      picks.push_back(std::move(m));
    }
    state.ResumeTiming();

    const auto t0 = std::chrono::steady_clock::now();
    StockPosting posting(f.engine.get());
    auto tx = Must(f.file.db->Begin(store::TxMode::kWrite));
    MustOk(posting.Post(*tx, picks));
    const auto t1 = std::chrono::steady_clock::now();
    MustOk(tx->Commit());
    posting.Committed();
    const auto t2 = std::chrono::steady_clock::now();
    post_ms += std::chrono::duration<double, std::milli>(t1 - t0).count();
    commit_ms += std::chrono::duration<double, std::milli>(t2 - t1).count();
  }
  const auto n = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  state.counters["post_ms"] = post_ms / n;      // checks, engine and store writes
  state.counters["commit_ms"] = commit_ms / n;  // the durable commit
  state.SetItemsProcessed(state.iterations() * kPickLines);
  state.SetLabel("5000 lines, sqlite WAL, synced before answer");
}
BENCHMARK(BM_PostPicking)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- ledger posting against a growing history ------------------------------------------------

constexpr std::int64_t kLedgerSkus = 1000;
constexpr std::int64_t kLedgerBins = 10;
constexpr std::int64_t kDocumentLines = 100;
// A document that takes this long is counted as slow.
constexpr double kSlowDocumentMs = 50;

// Moves one unit of `sku` from bin `from` to the next bin.
Movement MoveOne(TenantId tenant, std::int64_t sku, std::int64_t from, Timestamp at) {
  Movement m;
  m.tenant_id = tenant;
  m.sku_id = sku;
  m.from = Place{kWarehouse, from, StockState::kAvailable};
  m.to = Place{kWarehouse, 1 + from % kLedgerBins, StockState::kAvailable};
  m.quantity = 1;
  m.reason = MovementReason::kMove;
  m.ref_type = "benchmark";
  m.at = at;
  return m;
}

struct LedgerFixture {
  std::unique_ptr<SqliteFile> file;
  TenantId tenant;
  std::int64_t step = 0;

  explicit LedgerFixture(std::int64_t history) {
    file = std::make_unique<SqliteFile>("ledger_" + std::to_string(history));
    tenant = AddTenant(*file->db);
    const Timestamp at = SystemClock().Now();
    std::vector<Movement> batch;
    for (std::int64_t sku = 1; sku <= kLedgerSkus; ++sku) {
      for (std::int64_t bin = 1; bin <= kLedgerBins; ++bin) {
        batch.push_back(Receipt(tenant, sku, LotId(), bin, 1'000'000'000));
      }
    }
    PostNow(*file->db, batch);
    // The history: the same moves NextMove makes, written in bulk by SQL in transactions of a
    // million rows straight into the ledger and its per-SKU look-up (as the background move
    // leaves them). The balances are not changed: every move takes one unit of 10^9.
    const std::int64_t moves = std::max<std::int64_t>(history - kLedgerSkus * kLedgerBins, 0);
    if (moves > 0) {
      auto c = Must(sqlite::OpenConnection(file->path));
      const std::int64_t first_id = kLedgerSkus * kLedgerBins + 1;
      for (std::int64_t begin = 0; begin < moves; begin += 1'000'000) {
        const std::int64_t end = std::min(moves, begin + 1'000'000);
        const std::string i = std::to_string(begin), e = std::to_string(end);
        const std::string skus = std::to_string(kLedgerSkus), bins = std::to_string(kLedgerBins);
        MustOk(c->Begin(true));
        MustOk(c->ExecScript(
            "WITH RECURSIVE n(i) AS (SELECT " + i +
            " UNION ALL SELECT i + 1 FROM n WHERE i + 1 < " + e +
            ") INSERT INTO inventory_movement (id, tenant_id, sku_id, lot_id, owner, "
            "from_warehouse_id, from_bin_id, from_state, to_warehouse_id, to_bin_id, to_state, "
            "quantity, reason, ref_type, ref_id, device, actor, note, at) SELECT " +
            std::to_string(first_id) + " + i, " + std::to_string(tenant.value()) + ", 1 + i % " +
            skus + ", 0, 'own', " + std::to_string(kWarehouse) + ", 1 + (i / " + skus + ") % " +
            bins + ", 'available', " + std::to_string(kWarehouse) + ", 1 + (1 + (i / " + skus +
            ") % " + bins + ") % " + bins +
            ", 'available', 1, 'move', 'benchmark', '', '', '', '', " +
            std::to_string(at.micros()) + " FROM n"));
        MustOk(
            c->ExecScript("INSERT INTO inventory_movement_by_sku (tenant_id, sku_id, id) "
                          "SELECT tenant_id, sku_id, id FROM inventory_movement WHERE id >= " +
                          std::to_string(first_id + begin) + " AND id < " +
                          std::to_string(first_id + end) + " ORDER BY tenant_id, sku_id, id"));
        MustOk(c->Commit());
      }
      step = moves;
    }
  }

  Movement NextMove(Timestamp at) {
    const std::int64_t n = step++;
    return MoveOne(tenant, 1 + n % kLedgerSkus, 1 + (n / kLedgerSkus) % kLedgerBins, at);
  }
};

std::vector<std::int64_t> LedgerSizes() {
  std::vector<std::int64_t> sizes{10'000, 1'000'000};
  if (const char* env = std::getenv("XB_BENCH_LEDGER_SIZES"); env != nullptr && *env != '\0') {
    sizes.clear();
    std::stringstream in(env);
    std::string item;
    while (std::getline(in, item, ',')) sizes.push_back(std::stoll(item));
  }
  return sizes;
}

// The ledgers of each size, built once and shared by the benchmarks that post to them.
LedgerFixture& LedgerOf(std::int64_t history) {
  static std::map<std::int64_t, std::unique_ptr<LedgerFixture>> fixtures;
  auto& f = fixtures[history];
  if (!f) f = std::make_unique<LedgerFixture>(history);
  return *f;
}

// Posts the next 100-line document to `f`; returns the wall and this thread's CPU milliseconds.
std::pair<double, double> PostDocument(LedgerFixture& f, std::vector<Movement>& document) {
  document.clear();
  const Timestamp at = SystemClock().Now();
  for (std::int64_t i = 0; i < kDocumentLines; ++i) document.push_back(f.NextMove(at));
  timespec c0{}, c1{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
  const auto t0 = std::chrono::steady_clock::now();
  StockPosting posting(nullptr);
  auto tx = Must(f.file->db->Begin(store::TxMode::kWrite));
  MustOk(posting.Post(*tx, document));
  MustOk(tx->Commit());
  posting.Committed();
  const auto t1 = std::chrono::steady_clock::now();
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
  const double cpu = static_cast<double>(c1.tv_sec - c0.tv_sec) * 1e3 +
                     static_cast<double>(c1.tv_nsec - c0.tv_nsec) / 1e6;
  return {std::chrono::duration<double, std::milli>(t1 - t0).count(), cpu};
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The sizes of XB_BENCH_LEDGER_SIZES posted to in turn, one document to each per iteration (the
// order alternating), so that every size sees the same minutes of a machine whose speed drifts:
// the ratio of the largest to the smallest is measured under the same conditions. Counters per
// size: ms_N (mean wall per document), median_ms_N, cpu_ms_N (this thread's CPU per document);
// ratio and median_ratio are the largest size's over the smallest's.
void BM_LedgerPostingInterleaved(benchmark::State& state) {
  std::vector<std::int64_t> sizes;
  for (std::int64_t size : LedgerSizes()) sizes.push_back(size);
  std::sort(sizes.begin(), sizes.end());
  std::vector<LedgerFixture*> fixtures;
  for (std::int64_t size : sizes) fixtures.push_back(&LedgerOf(size));
  std::vector<std::vector<double>> wall(sizes.size()), cpu(sizes.size());
  std::vector<Movement> document;
  std::int64_t round = 0;
  for (auto _ : state) {
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      const std::size_t i = round % 2 == 0 ? k : sizes.size() - 1 - k;
      const auto [ms, cpu_ms] = PostDocument(*fixtures[i], document);
      wall[i].push_back(ms);
      cpu[i].push_back(cpu_ms);
    }
    ++round;
  }
  const auto mean = [](const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return v.empty() ? 0 : sum / static_cast<double>(v.size());
  };
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const std::string n = std::to_string(sizes[i]);
    state.counters["ms_" + n] = mean(wall[i]);
    state.counters["median_ms_" + n] = Median(wall[i]);
    state.counters["cpu_ms_" + n] = mean(cpu[i]);
  }
  if (sizes.size() > 1 && mean(wall.front()) > 0) {
    state.counters["ratio"] = mean(wall.back()) / mean(wall.front());
    state.counters["median_ratio"] = Median(wall.back()) / Median(wall.front());
    state.counters["cpu_ratio"] = mean(cpu.back()) / mean(cpu.front());
  }
  state.SetItemsProcessed(state.iterations() * kDocumentLines *
                          static_cast<std::int64_t>(sizes.size()));
  state.SetLabel(
      "100-line documents to each history size in turn, sqlite WAL, synced before "
      "answer");
}

void BM_LedgerPosting(benchmark::State& state) {
  const std::int64_t history = state.range(0);
  LedgerFixture* f = &LedgerOf(history);
  std::vector<Movement> document;
  // XB_BENCH_LEDGER_TRACE=MS prints every document of MS milliseconds or more with its phases.
  const char* trace_env = std::getenv("XB_BENCH_LEDGER_TRACE");
  const double trace_ms = trace_env != nullptr ? std::atof(trace_env) : -1;
  const auto ms = [](auto a, auto b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  double post_ms = 0;
  double commit_ms = 0;
  double max_ms = 0;
  double max_begin_ms = 0;
  double max_post_ms = 0;
  double max_commit_ms = 0;
  std::int64_t slow = 0;
  std::int64_t index = 0;
  for (auto _ : state) {
    state.PauseTiming();
    document.clear();
    const Timestamp at = SystemClock().Now();
    for (std::int64_t i = 0; i < kDocumentLines; ++i) document.push_back(f->NextMove(at));
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    StockPosting posting(nullptr);
    auto tx = Must(f->file->db->Begin(store::TxMode::kWrite));
    const auto tb = std::chrono::steady_clock::now();
    MustOk(posting.Post(*tx, document));
    const auto t1 = std::chrono::steady_clock::now();
    MustOk(tx->Commit());
    posting.Committed();
    const auto t2 = std::chrono::steady_clock::now();
    post_ms += ms(t0, t1);
    commit_ms += ms(t1, t2);
    max_ms = std::max(max_ms, ms(t0, t2));
    max_begin_ms = std::max(max_begin_ms, ms(t0, tb));
    max_post_ms = std::max(max_post_ms, ms(tb, t1));
    max_commit_ms = std::max(max_commit_ms, ms(t1, t2));
    if (ms(t0, t2) >= kSlowDocumentMs) ++slow;
    if (trace_ms >= 0 && ms(t0, t2) >= trace_ms) {
      std::fprintf(stderr, "document %lld: %.1f ms (begin %.1f, post %.1f, commit %.1f)\n",
                   static_cast<long long>(index), ms(t0, t2), ms(t0, tb), ms(tb, t1), ms(t1, t2));
    }
    ++index;
  }
  const auto n = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  state.counters["post_ms"] = post_ms / n;
  state.counters["commit_ms"] = commit_ms / n;
  state.counters["max_ms"] = max_ms;  // the slowest document
  // The slowest of each phase: waiting for the write lock (Begin), posting, the durable commit.
  state.counters["max_begin_ms"] = max_begin_ms;
  state.counters["max_post_ms"] = max_post_ms;
  state.counters["max_commit_ms"] = max_commit_ms;
  state.counters["slow"] = static_cast<double>(slow);  // documents of kSlowDocumentMs or more
  state.SetItemsProcessed(state.iterations() * kDocumentLines);
  state.SetLabel(std::to_string(history) +
                 " movements of history, 100-line document, "
                 "sqlite WAL, synced before answer");
}

// ---- the summary ---------------------------------------------------------------------------

// Prints as the console reporter does and keeps what the summary needs.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const std::string name = run.benchmark_name();
      auto ips = run.counters.find("items_per_second");
      if (ips != run.counters.end()) per_second_[name] = ips->second.value;
      millis_[name] = run.GetAdjustedRealTime() * Scale(run.time_unit);
      if (name.rfind("BM_LedgerPostingInterleaved", 0) == 0) {
        for (const auto& [counter, value] : run.counters) interleaved_[counter] = value.value;
      }
    }
  }

  void PrintSummary() const {
    std::printf("\n== summary (same run; sqlite WAL, synced before answer) ==\n");
    const double engine = Best("BM_EngineReserve/");
    const double engine_key = Best("BM_EngineReserveWithKey/");
    const double engine_async = Best("BM_EngineReserveAsync/");
    const double engine_async_key = Best("BM_EngineReserveAsyncWithKey/");
    const double baseline = Best("BM_BaselineReserve/");
    if (engine > 0) std::printf("engine reservations/s (no key):    %12.0f\n", engine);
    if (engine_key > 0) std::printf("engine reservations/s (with key):  %12.0f\n", engine_key);
    if (engine_async > 0) std::printf("engine reservations/s (async):     %12.0f\n", engine_async);
    if (engine_async_key > 0) {
      std::printf("engine reservations/s (async, key): %11.0f\n", engine_async_key);
    }
    if (baseline > 0) {
      std::printf("baseline reservations/s (1 tx each): %10.0f\n", baseline);
      if (engine > 0)
        std::printf("ratio engine/baseline (no key):    %12.1fx\n", engine / baseline);
      if (engine_key > 0) {
        std::printf("ratio engine/baseline (with key):  %12.1fx\n", engine_key / baseline);
      }
      if (engine_async > 0) {
        std::printf("ratio engine/baseline (async):     %12.1fx\n", engine_async / baseline);
      }
      if (engine_async_key > 0) {
        std::printf("ratio engine/baseline (async, key): %11.1fx\n", engine_async_key / baseline);
      }
    }
    for (const auto& [name, ms] : millis_) {
      if (name.rfind("BM_PostPicking", 0) == 0) {
        std::printf("5,000-line picking:                %12.1f ms\n", ms);
      }
    }
    std::vector<std::pair<std::int64_t, double>> ledger;
    for (const auto& [name, ms] : millis_) {
      if (name.rfind("BM_LedgerPosting/", 0) != 0) continue;
      const std::string rest = name.substr(std::string("BM_LedgerPosting/").size());
      ledger.emplace_back(std::stoll(rest.substr(0, rest.find('/'))), ms);
    }
    std::sort(ledger.begin(), ledger.end());
    for (const auto& [history, ms] : ledger) {
      std::printf("100-line posting, %9lld movements of history: %8.3f ms (x%.2f of the first)\n",
                  static_cast<long long>(history), ms, ms / ledger.front().second);
    }
    if (!interleaved_.empty()) {
      std::printf("interleaved, each size in turn (mean / median / CPU per document):\n");
      const auto get = [&](const std::string& key) {
        auto it = interleaved_.find(key);
        return it == interleaved_.end() ? 0.0 : it->second;
      };
      for (std::int64_t size : LedgerSizes()) {
        const std::string n = std::to_string(size);
        std::printf("  %9lld movements of history: %8.3f / %8.3f / %8.3f ms\n",
                    static_cast<long long>(size), get("ms_" + n), get("median_ms_" + n),
                    get("cpu_ms_" + n));
      }
      if (interleaved_.count("ratio") != 0) {
        std::printf("  largest / smallest: x%.3f mean, x%.3f median, x%.3f CPU\n", get("ratio"),
                    get("median_ratio"), get("cpu_ratio"));
      }
    }
  }

 private:
  static double Scale(benchmark::TimeUnit unit) {
    switch (unit) {
      case benchmark::kNanosecond:
        return 1e-6;
      case benchmark::kMicrosecond:
        return 1e-3;
      case benchmark::kMillisecond:
        return 1.0;
      case benchmark::kSecond:
        return 1e3;
    }
    return 1.0;
  }
  double Best(const std::string& prefix) const {
    double best = 0;
    for (const auto& [name, v] : per_second_) {
      if (name.rfind(prefix, 0) == 0) best = std::max(best, v);
    }
    return best;
  }

  std::map<std::string, double> per_second_;
  std::map<std::string, double> millis_;
  std::map<std::string, double> interleaved_;
};

}  // namespace

int main(int argc, char** argv) {
  // Keyed runs make a fixed number of reservations (XB_BENCH_KEYED_REQUESTS, default 10,000):
  // the store checks every row's key, and that check costs more as the tenant's reservations
  // grow when its lookup does not use the key index.
  std::int64_t keyed = 10'000;
  if (const char* env = std::getenv("XB_BENCH_KEYED_REQUESTS"); env != nullptr && *env != '\0') {
    keyed = std::max<std::int64_t>(std::stoll(env), 256);
  }
  benchmark::RegisterBenchmark("BM_EngineReserveWithKey", BM_EngineReserveWithKey)
      ->Threads(256)
      ->Iterations(keyed / 256)
      ->UseRealTime();
  benchmark::RegisterBenchmark("BM_EngineReserveAsyncWithKey", BM_EngineReserveAsyncWithKey)
      ->Threads(2)
      ->Iterations(keyed / 2)
      ->UseRealTime();
  std::int64_t ledger_documents = 2'000;
  if (const char* env = std::getenv("XB_BENCH_LEDGER_DOCUMENTS"); env != nullptr && *env != '\0') {
    ledger_documents = std::max<std::int64_t>(std::stoll(env), 1);
  }
  for (std::int64_t size : LedgerSizes()) {
    // Enough documents (XB_BENCH_LEDGER_DOCUMENTS, default 2,000) that the SKU look-up's
    // periodic move (every 8,192 movements) is part of the average.
    benchmark::RegisterBenchmark("BM_LedgerPosting", BM_LedgerPosting)
        ->Arg(size)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(ledger_documents)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("BM_LedgerPostingInterleaved", BM_LedgerPostingInterleaved)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(ledger_documents)
      ->UseRealTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintSummary();
  benchmark::Shutdown();
  return 0;
}
