// Supplier-evaluation costs, reported as items/s:
// - BM_ScoreSupplier: the paper's two-level score (suppliers::ScoreSupplier) of 10,000 suppliers ×
//   12 periods on a tree of 30 second-level indicators (6 first-level × 5); one item is one
//   supplier-period scorecard with its breakdown. The 10,000 suppliers' score maps are built once
//   and scored again for each period (the work per scorecard is the same).
// - BM_DeriveWeights / BM_DeriveWeightsGeometricMean: AHP on 15×15 reciprocal matrices
//   (principal eigenvector with Eigen, and the row geometric mean); one item is one matrix.
// - BM_ScorecardsFromMemoryStore: the EvaluationService reading, scoring, ranking and naming
//   1,000 suppliers' scorecards of one period from the memory store (the use case without SQL).
// The ctest smoke run only checks that every benchmark runs; it asserts no timings.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "adapters/memory/memory_database.h"
#include "domain/suppliers/ahp.h"
#include "domain/suppliers/scorecard.h"
#include "flows/sourcing/evaluation_service.h"

namespace {

using namespace xb;

constexpr int kSuppliers = 10'000;
constexpr int kPeriods = 12;
constexpr int kFirstLevel = 6;
constexpr int kPerGroup = 5;  // 6 × 5 = 30 second-level indicators

[[noreturn]] void Die(const Status& st) {
  std::fprintf(stderr, "xb_sourcing_benchmark: %s\n", st.ToString().c_str());
  std::exit(1);
}

suppliers::IndicatorTree ThirtyIndicatorTree() {
  suppliers::IndicatorTree tree;
  const std::vector<double> first = {0.25, 0.10, 0.20, 0.25, 0.10, 0.10};
  const std::vector<double> second = {0.3, 0.25, 0.2, 0.15, 0.1};
  for (int i = 0; i < kFirstLevel; ++i) {
    suppliers::Indicator ind;
    ind.code = "group_" + std::to_string(i);
    ind.name = ind.code;
    ind.weight = first[static_cast<std::size_t>(i)];
    for (int j = 0; j < kPerGroup; ++j) {
      suppliers::SubIndicator sub;
      sub.code = ind.code + "_indicator_" + std::to_string(j);
      sub.name = sub.code;
      sub.weight = second[static_cast<std::size_t>(j)];
      sub.direction =
          j == 4 ? suppliers::Direction::kLowerIsBetter : suppliers::Direction::kHigherIsBetter;
      ind.children.push_back(std::move(sub));
    }
    tree.indicators.push_back(std::move(ind));
  }
  return tree;
}

std::vector<std::map<std::string, double>> SupplierScores(const suppliers::IndicatorTree& tree,
                                                          int suppliers) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> score(0, 100);
  std::vector<std::map<std::string, double>> out(static_cast<std::size_t>(suppliers));
  for (auto& m : out) {
    for (const auto& ind : tree.indicators) {
      for (const auto& sub : ind.children) m[sub.code] = score(rng);
    }
  }
  return out;
}

void BM_ScoreSupplier(benchmark::State& state) {
  const auto tree = ThirtyIndicatorTree();
  const auto scores = SupplierScores(tree, kSuppliers);
  double sink = 0;
  for (auto _ : state) {
    for (int period = 0; period < kPeriods; ++period) {
      for (const auto& s : scores) {
        auto card = suppliers::ScoreSupplier(tree, s);
        if (!card.ok()) Die(card.status());
        sink += *card->total;
      }
    }
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(state.iterations() * kSuppliers * kPeriods);
  state.counters["indicators/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kSuppliers * kPeriods * kFirstLevel * kPerGroup,
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScoreSupplier)->Unit(benchmark::kMillisecond);

// Reciprocal 15×15 matrices near a random weight vector (judgements off by up to ±20%).
std::vector<suppliers::ComparisonMatrix> Matrices(int count, int n) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> weight(1, 9);
  std::uniform_real_distribution<double> noise(-0.2, 0.2);
  std::vector<suppliers::ComparisonMatrix> out;
  for (int k = 0; k < count; ++k) {
    std::vector<double> w(static_cast<std::size_t>(n));
    for (auto& x : w) x = weight(rng);
    suppliers::ComparisonMatrix m(static_cast<std::size_t>(n),
                                  std::vector<double>(static_cast<std::size_t>(n), 1.0));
    for (std::size_t i = 0; i < m.size(); ++i) {
      for (std::size_t j = i + 1; j < m.size(); ++j) {
        const double a = w[i] / w[j] * std::exp(noise(rng));
        m[i][j] = a;
        m[j][i] = 1 / a;
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

void DeriveAll(benchmark::State& state, suppliers::AhpMethod method) {
  const auto matrices = Matrices(64, 15);
  std::size_t next = 0;
  double sink = 0;
  for (auto _ : state) {
    auto r = suppliers::DeriveWeights(matrices[next], method);
    if (!r.ok()) Die(r.status());
    sink += r->cr;
    next = (next + 1) % matrices.size();
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
}

void BM_DeriveWeights(benchmark::State& state) {
  DeriveAll(state, suppliers::AhpMethod::kEigenvector);
}
BENCHMARK(BM_DeriveWeights)->Unit(benchmark::kMicrosecond);

void BM_DeriveWeightsGeometricMean(benchmark::State& state) {
  DeriveAll(state, suppliers::AhpMethod::kGeometricMean);
}
BENCHMARK(BM_DeriveWeightsGeometricMean)->Unit(benchmark::kMicrosecond);

void BM_ScorecardsFromMemoryStore(benchmark::State& state) {
  constexpr int kStoreSuppliers = 1000;
  const TenantId tenant(1);
  FakeClock clock(Timestamp::FromMicros(1'795'595'400'000'000));
  auto db = memory::NewMemoryDatabase();
  sourcing::EvaluationService eval(*db, clock);
  const access::Principal admin{tenant, access::ApiKeyId(1), access::Role::kAdmin, "bench"};
  const sourcing::RequestContext ctx{admin, "bench", std::nullopt, ""};
  {
    auto tx = db->Begin(store::TxMode::kWrite);
    if (!tx.ok()) Die(tx.status());
    auto t = (*tx)->tenants().Insert({TenantId(), "bench", "bench", true, clock.Now()});
    if (!t.ok()) Die(t.status());
    if (Status st = (*tx)->Commit(); !st.ok()) Die(st);
  }
  auto draft = eval.CreateTree(ctx, "bench", "template");
  if (!draft.ok()) Die(draft.status());
  auto tree = eval.ReplaceTree(ctx, draft->id, std::nullopt, ThirtyIndicatorTree(), std::nullopt);
  if (!tree.ok()) Die(tree.status());
  auto active = eval.Activate(ctx, tree->id);
  if (!active.ok()) Die(active.status());
  const auto scores = SupplierScores(active->tree, kStoreSuppliers);
  {
    auto tx = db->Begin(store::TxMode::kWrite);
    if (!tx.ok()) Die(tx.status());
    for (int i = 0; i < kStoreSuppliers; ++i) {
      partners::Supplier s;
      s.tenant_id = tenant;
      s.code = "S" + std::to_string(i);
      s.name = s.code;
      s.version = 1;
      auto stored = (*tx)->suppliers().Insert(s);
      if (!stored.ok()) Die(stored.status());
      for (const auto& [code, value] : scores[static_cast<std::size_t>(i)]) {
        suppliers::IndicatorScore sc;
        sc.tenant_id = tenant;
        sc.supplier_id = stored->id.value();
        sc.tree_version_id = active->id;
        sc.period = "2026-11";
        sc.indicator = code;
        sc.score = value;
        sc.evaluator = "bench";
        sc.at = clock.Now();
        if (Status st = (*tx)->evaluation().UpsertScore(sc); !st.ok()) Die(st);
      }
    }
    if (Status st = (*tx)->Commit(); !st.ok()) Die(st);
  }
  sourcing::ScorecardQuery q;
  q.period = "2026-11";
  q.limit = 100;
  for (auto _ : state) {
    auto page = eval.Scorecards(admin, q);
    if (!page.ok()) Die(page.status());
    benchmark::DoNotOptimize(page->items.data());
  }
  state.SetItemsProcessed(state.iterations() * kStoreSuppliers);
}
BENCHMARK(BM_ScorecardsFromMemoryStore)->Unit(benchmark::kMillisecond);

}  // namespace
