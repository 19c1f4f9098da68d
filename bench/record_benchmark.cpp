// In-process costs behind `GET /api/v1/skus/{id}`, each reported as items/s: rendering a SKU as
// JSON, a point read through the store on SQLite and (as the baseline without SQL) in memory, and
// authenticating a cached API key. Together with bench/http_bench.sh they show where a request's
// time goes. The ctest smoke run only checks that every benchmark runs; it asserts no timings.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "adapters/crypto/key_crypto.h"
#include "adapters/http/api.h"
#include "adapters/http/json_records.h"
#include "adapters/storage/open_database.h"
#include "core/time.h"
#include "flows/access/access_service.h"
#include "flows/demo/demo_data.h"
#include "flows/masterdata/master_data_service.h"

namespace {

using namespace xb;

constexpr std::int64_t kSkus = 2000;

[[noreturn]] void Die(const Status& st) {
  std::fprintf(stderr, "xb_record_benchmark: %s\n", st.ToString().c_str());
  std::exit(1);
}

// A database with the demo data set (kSkus SKUs) and the bootstrap admin key.
struct Fixture {
  std::string path;
  SystemClock clock;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<masterdata::MasterDataService> md;
  std::unique_ptr<access::AccessService> access;
  std::string admin_key;

  explicit Fixture(const std::string& url, std::string file) : path(std::move(file)) {
    auto opened = storage::OpenDatabase(url);
    if (!opened.ok()) Die(opened.status());
    db = std::move(opened).value();
    md = std::make_unique<masterdata::MasterDataService>(*db, clock);
    access = std::make_unique<access::AccessService>(*db, clock, crypto::OpenSslKeyCrypto());
    auto issued = access->Bootstrap();
    if (!issued.ok()) Die(issued.status());
    if (!*issued) Die(Internal("the benchmark database already has keys"));
    admin_key = (*issued)->secret;
    masterdata::RequestContext ctx;
    ctx.principal = {TenantId(access::kOperatingTenant), access::ApiKeyId(0), access::Role::kAdmin,
                     "benchmark"};
    ctx.request_id = "benchmark";
    demo::DemoSize size;
    size.skus = static_cast<int>(kSkus);
    auto counts = demo::LoadDemoData(*md, ctx, size);
    if (!counts.ok()) Die(counts.status());
    if (counts->skus != kSkus) Die(Internal("the demo loader made an unexpected number of SKUs"));
  }

  ~Fixture() {
    access.reset();
    md.reset();
    db.reset();
    if (!path.empty()) {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
    }
  }

  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;
};

Fixture& Sqlite() {
  static Fixture f = [] {
    const std::string file = (std::filesystem::temp_directory_path() /
                              ("xb_record_benchmark_" + std::to_string(getpid()) + ".db"))
                                 .string();
    return Fixture("sqlite:" + file, file);
  }();
  return f;
}

Fixture& Memory() {
  static Fixture f("memory:", "");
  return f;
}

catalog::Sku SampleSku(Fixture& f) {
  auto tx = f.db->Begin(store::TxMode::kRead);
  if (!tx.ok()) Die(tx.status());
  auto sku = (*tx)->skus().Get(TenantId(access::kOperatingTenant), 1);
  if (!sku.ok()) Die(sku.status());
  return *sku;
}

// The SKU as a nlohmann::json object, then as text: how responses were rendered before.
void BM_SkuToJson(benchmark::State& state) {
  const catalog::Sku sku = SampleSku(Memory());
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = http::RecordToJson(sku).dump();
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_SkuToJson);

// The same text written straight into a string, as the API does (AppendRecordJson).
void BM_SkuJsonText(benchmark::State& state) {
  const catalog::Sku sku = SampleSku(Memory());
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text;
    http::AppendRecordJson(sku, text);
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_SkuJsonText);

// Begin(read) + skus().Get() for ids cycling over the data set, as MasterDataService::Get does.
void PointRead(benchmark::State& state, Fixture& f) {
  const TenantId tenant(access::kOperatingTenant);
  std::int64_t id = state.thread_index() * 997;
  for (auto _ : state) {
    id = id % kSkus + 1;
    auto tx = f.db->Begin(store::TxMode::kRead);
    if (!tx.ok()) {
      state.SkipWithError(tx.status().ToString().c_str());
      break;
    }
    auto sku = (*tx)->skus().Get(tenant, id);
    if (!sku.ok()) {
      state.SkipWithError(sku.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(sku);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SkuGetSqlite(benchmark::State& state) { PointRead(state, Sqlite()); }
BENCHMARK(BM_SkuGetSqlite)->Threads(1)->Threads(2)->UseRealTime();

void BM_SkuGetMemory(benchmark::State& state) { PointRead(state, Memory()); }
BENCHMARK(BM_SkuGetMemory);

// The filtered list the HTTP benchmark loads: category = cosmetics, 20 per page.
void BM_SkuListSqlite(benchmark::State& state) {
  Fixture& f = Sqlite();
  const access::Principal admin{TenantId(access::kOperatingTenant), access::ApiKeyId(0),
                                access::Role::kAdmin, "benchmark"};
  ListQuery q;
  q.limit = 20;
  q.equals.emplace_back("category", std::string("cosmetics"));
  for (auto _ : state) {
    auto page = f.md->List<catalog::Sku>(admin, q);
    if (!page.ok()) {
      state.SkipWithError(page.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SkuListSqlite);

// A known key after the first request: SHA-256 of the secret and a cache look-up.
void BM_AuthenticateCached(benchmark::State& state) {
  Fixture& f = Sqlite();
  auto first = f.access->Authenticate(f.admin_key);
  if (!first.ok()) Die(first.status());
  for (auto _ : state) {
    auto p = f.access->Authenticate(f.admin_key);
    if (!p.ok()) {
      state.SkipWithError(p.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AuthenticateCached);

// The whole handler without the network: request id, routing, authentication, the store, JSON,
// metrics. The HTTP benchmark adds the server and TCP. Two threads as in `xborder serve
// --threads 2` show contention on shared state.
http::Api& SqliteApi() {
  Fixture& f = Sqlite();
  static http::Api api(*f.db, *f.md, *f.access, http::ApiOptions{});
  return api;
}

void Serve(benchmark::State& state, http::Api& api, http::HttpRequest& req) {
  http::HttpResponse res;
  api.Handle(req, res);
  if (res.status != 200) state.SkipWithError(res.body.c_str());
  benchmark::DoNotOptimize(res);
}

// GET /api/v1/skus/{id} for ids cycling over the data set.
void BM_ApiSkuGet(benchmark::State& state) {
  http::Api& api = SqliteApi();
  const std::string auth = "Bearer " + Sqlite().admin_key;
  std::int64_t id = state.thread_index() * 997;
  for (auto _ : state) {
    id = id % kSkus + 1;
    http::HttpRequest req;
    req.method = "GET";
    req.path = "/api/v1/skus/" + std::to_string(id);
    req.headers.emplace_back("authorization", auth);
    Serve(state, api, req);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApiSkuGet)->Threads(1)->Threads(2)->UseRealTime();

// GET /api/v1/skus?category=cosmetics&limit=20
void BM_ApiSkuList(benchmark::State& state) {
  http::Api& api = SqliteApi();
  const std::string auth = "Bearer " + Sqlite().admin_key;
  for (auto _ : state) {
    http::HttpRequest req;
    req.method = "GET";
    req.path = "/api/v1/skus";
    req.query = {{"category", "cosmetics"}, {"limit", "20"}};
    req.headers.emplace_back("authorization", auth);
    Serve(state, api, req);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApiSkuList);

}  // namespace
