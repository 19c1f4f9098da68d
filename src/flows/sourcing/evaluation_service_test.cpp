#include "flows/sourcing/evaluation_service.h"

#include <cmath>

#include "flows/sourcing/sourcing_test_support.h"

namespace xb::sourcing {
namespace {

using access::Role;
using suppliers::ComparisonMatrix;
using suppliers::TreeStatus;

ComparisonMatrix Ones(std::size_t n) { return ComparisonMatrix(n, std::vector<double>(n, 1.0)); }

// Judgements that contradict each other: a ≫ b, b ≫ c, yet c ≫ a.
ComparisonMatrix Cyclic(std::size_t n) {
  auto m = Ones(n);
  const auto set = [&m](std::size_t i, std::size_t j, double v) {
    m[i][j] = v;
    m[j][i] = 1 / v;
  };
  set(0, 1, 9);
  set(1, 2, 9);
  set(0, 2, 1.0 / 9);
  return m;
}

class EvaluationServiceTest : public SourcingTest {};

TEST_F(EvaluationServiceTest, NewTreeFromTheTemplateIsADraftWithThePapersSixIndicators) {
  auto tree = eval_.CreateTree(Ctx(), "", "template");
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  EXPECT_EQ(tree->status, TreeStatus::kDraft);
  EXPECT_EQ(tree->version_no, 1);
  EXPECT_EQ(tree->created_by, "key:7");
  EXPECT_EQ(tree->name, "Supplier evaluation");
  ASSERT_EQ(tree->tree.indicators.size(), 6U);
  EXPECT_EQ(tree->tree.indicators[0].code, "performance");
  auto second = eval_.CreateTree(Ctx(), "Copy", std::to_string(tree->id.value()));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->version_no, 2);
  EXPECT_EQ(second->tree.indicators.size(), 6U);

  auto list = eval_.ListTrees(Reader());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2U);
  EXPECT_EQ((*list)[0].version_no, 2) << "newest first";
  EXPECT_EQ(Events("evaluation.tree.created").size(), 2U);

  EXPECT_EQ(eval_.CreateTree(Ctx(), "x", "active").status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(eval_.CreateTree(Ctx(), "x", "99").status().field(), "from");
  EXPECT_EQ(eval_.CreateTree(Ctx(), "x", "nonsense").status().field(), "from");
}

TEST_F(EvaluationServiceTest, RolesDecideWhoEvaluates) {
  EXPECT_EQ(eval_.CreateTree(Ctx(Role::kReadOnly), "x", "template").status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(eval_.CreateTree(Ctx(Role::kPlanner), "x", "template").status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(eval_.CreateTree(Ctx(Role::kAdmin), "x", "template").ok());
  EXPECT_TRUE(eval_.ListTrees(As(Role::kWarehouseOperator)).ok());
  EXPECT_EQ(eval_.ListTrees(As(Role::kDevice)).status().code(), ErrorCode::kPermissionDenied);
  // Another tenant sees nothing of ours.
  auto mine = eval_.CreateTree(Ctx(), "mine", "template");
  EXPECT_EQ(eval_.GetTree(As(Role::kAdmin, 2), mine->id).status().code(), ErrorCode::kNotFound);
}

TEST_F(EvaluationServiceTest, ReplacingADraftValidatesTheWeightsAndTheVersion) {
  auto draft = *eval_.CreateTree(Ctx(), "Draft", "template");
  auto tree = draft.tree;
  tree.indicators[0].weight = 0.5;  // the first level now sums to 1.25
  auto bad = eval_.ReplaceTree(Ctx(), draft.id, std::nullopt, tree, draft.version);
  ASSERT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("sum to 1.25"), std::string::npos)
      << bad.status().message();
  EXPECT_NE(bad.status().message().find("tolerance"), std::string::npos);
  EXPECT_EQ(bad.status().field(), "indicators");

  tree = draft.tree;
  tree.indicators[1].children[0].weight.reset();
  bad = eval_.ReplaceTree(Ctx(), draft.id, std::nullopt, tree, draft.version);
  EXPECT_NE(bad.status().message().find("'solvency' has no weight"), std::string::npos)
      << bad.status().message();
  EXPECT_EQ(bad.status().field(), "indicators.solvency");

  tree = draft.tree;
  tree.indicators[0].weight = 0.35;
  tree.indicators[1].weight = 0.0;
  auto ok = eval_.ReplaceTree(Ctx(), draft.id, std::string("Renamed"), tree, draft.version);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->name, "Renamed");
  EXPECT_EQ(ok->version, draft.version + 1);
  EXPECT_EQ(eval_.ReplaceTree(Ctx(), draft.id, std::nullopt, tree, draft.version).status().code(),
            ErrorCode::kConflict);

  ASSERT_TRUE(eval_.Activate(Ctx(), draft.id).ok());
  EXPECT_EQ(eval_.ReplaceTree(Ctx(), draft.id, std::nullopt, tree, std::nullopt).status().code(),
            ErrorCode::kFailedPrecondition);
}

TEST_F(EvaluationServiceTest, AhpSetsANodesWeightsAndKeepsItsJudgements) {
  auto draft = *eval_.CreateTree(Ctx(), "AHP", "template");
  auto m = Ones(6);
  m[3][2] = 3;  // quality is 3x as important as cost
  m[2][3] = 1.0 / 3;
  AhpRequest req;
  req.node = "root";
  req.matrix = m;
  AhpOutcome refused;
  auto tree = eval_.ApplyAhp(Ctx(), draft.id, req, &refused);
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  EXPECT_GT(*tree->tree.indicators[3].weight, *tree->tree.indicators[2].weight);
  double sum = 0;
  for (const auto& ind : tree->tree.indicators) sum += *ind.weight;
  EXPECT_NEAR(sum, 1.0, 1e-9);
  ASSERT_EQ(tree->judgements.size(), 1U);
  EXPECT_EQ(tree->judgements[0].node, "root");
  EXPECT_LE(tree->judgements[0].cr, 0.10);
  EXPECT_EQ(Events("evaluation.tree.weights_derived").size(), 1U);

  // A node's children.
  req.node = "performance";
  req.matrix = Ones(3);
  ASSERT_TRUE(eval_.ApplyAhp(Ctx(), draft.id, req, nullptr).ok());

  // Changing the weights by hand drops the judgements that no longer explain them.
  auto current = *eval_.GetTree(Reader(), draft.id);
  ASSERT_EQ(current.judgements.size(), 2U);
  auto edited = current.tree;
  edited.indicators[0].children[0].weight = 0.5;
  edited.indicators[0].children[1].weight = 0.25;
  edited.indicators[0].children[2].weight = 0.25;
  auto replaced = eval_.ReplaceTree(Ctx(), draft.id, std::nullopt, edited, current.version);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  ASSERT_EQ(replaced->judgements.size(), 1U);
  EXPECT_EQ(replaced->judgements[0].node, "root");
}

TEST_F(EvaluationServiceTest, InconsistentJudgementsAreRefusedNamingTheComparisons) {
  auto draft = *eval_.CreateTree(Ctx(), "AHP", "template");
  AhpRequest req;
  req.node = "root";
  req.matrix = Cyclic(6);
  AhpOutcome refused;
  auto r = eval_.ApplyAhp(Ctx(), draft.id, req, &refused);
  ASSERT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("CR"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("performance vs"), std::string::npos) << r.status().message();
  EXPECT_GT(refused.result.cr, 0.10);
  ASSERT_FALSE(refused.disagreements.empty());
  const auto& worst = refused.disagreements[0];
  const std::set<std::string> cycle = {"performance", "financial", "cost"};
  EXPECT_TRUE(cycle.count(worst.row_code) == 1 && cycle.count(worst.column_code) == 1)
      << worst.row_code << " vs " << worst.column_code;
  EXPECT_LT(worst.row, 3);
  EXPECT_LT(worst.column, 3);
  // Nothing was saved.
  EXPECT_EQ(eval_.GetTree(Reader(), draft.id)->version, draft.version);

  req.matrix = Ones(5);
  EXPECT_EQ(eval_.ApplyAhp(Ctx(), draft.id, req, nullptr).status().field(), "matrix");
  req.node = "nope";
  EXPECT_EQ(eval_.ApplyAhp(Ctx(), draft.id, req, nullptr).status().field(), "node");
}

TEST_F(EvaluationServiceTest, PreviewReproducesSaatysDrinksVector) {
  const ComparisonMatrix drinks = {
      {1, 9, 5, 2, 1, 1, 0.5},
      {1.0 / 9, 1, 1.0 / 3, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9},
      {1.0 / 5, 3, 1, 1.0 / 3, 1.0 / 4, 1.0 / 3, 1.0 / 9},
      {0.5, 9, 3, 1, 0.5, 1, 1.0 / 3},
      {1, 9, 4, 2, 1, 2, 0.5},
      {1, 9, 3, 1, 0.5, 1, 1.0 / 3},
      {2, 9, 9, 3, 2, 3, 1},
  };
  auto r = eval_.PreviewAhp(Reader(), {"coffee", "wine", "tea", "beer", "soda", "milk", "water"},
                            drinks, suppliers::RiTable::kSaaty);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::vector<double> expected = {0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(r->result.weights[i], expected[i], 0.0005) << i;
  }
  EXPECT_NEAR(r->result.cr, 0.022, 0.002);
  EXPECT_TRUE(r->result.consistent);
  EXPECT_EQ(r->criteria[6], "water");
  EXPECT_EQ(eval_.PreviewAhp(Reader(), {"a"}, drinks, suppliers::RiTable::kSaaty).status().field(),
            "criteria");
  EXPECT_EQ(
      eval_.PreviewAhp(As(Role::kDevice), {}, drinks, suppliers::RiTable::kSaaty).status().code(),
      ErrorCode::kPermissionDenied);
}

TEST_F(EvaluationServiceTest, ActivatingRetiresThePreviousVersionAndKeepsItsScores) {
  const auto supplier = AddSupplier("S1");
  const auto v1 = ActiveTemplate();
  const auto first = Score(supplier, "2026-10", Uniform(v1, 80));
  ASSERT_TRUE(first.card.total);
  EXPECT_NEAR(*first.card.total, 80, 1e-9);

  auto v2 = *eval_.CreateTree(Ctx(), "Cost first", "active");
  EXPECT_EQ(v2.version_no, 2);
  auto tree = v2.tree;
  tree.indicators[0].weight = 0.15;
  tree.indicators[2].weight = 0.30;
  // Under v2, the cost indicators are worth more: a supplier scoring 0 on price level loses more.
  ASSERT_TRUE(eval_.ReplaceTree(Ctx(), v2.id, std::nullopt, tree, v2.version).ok());
  auto active = eval_.Activate(Ctx(), v2.id);
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_EQ(active->status, TreeStatus::kActive);
  ASSERT_TRUE(active->activated_at);
  EXPECT_EQ(eval_.GetTree(Reader(), v1.id)->status, TreeStatus::kRetired);
  EXPECT_EQ(Events("evaluation.tree.activated").size(), 2U);
  EXPECT_EQ(Events("evaluation.tree.retired").size(), 1U);

  // The old version's scorecard is still there and unchanged.
  ScorecardQuery q;
  q.period = "2026-10";
  q.tree_id = v1.id;
  auto old = eval_.Scorecards(Reader(), q);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  ASSERT_EQ(old->items.size(), 1U);
  EXPECT_EQ(*old->items[0].card.total, *first.card.total);
  // Under the new version the supplier has no scores yet.
  q.tree_id.reset();
  EXPECT_EQ(eval_.Scorecards(Reader(), q)->total, 0);

  EXPECT_TRUE(eval_.Activate(Ctx(), v2.id).ok()) << "activating twice changes nothing";
  EXPECT_EQ(eval_.Activate(Ctx(), v1.id).status().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(EvaluationServiceTest, EnteredScoresAreCheckedAndScoredWithTheirBreakdown) {
  const auto supplier = AddSupplier("S1");
  const auto tree = ActiveTemplate();
  ScoreEntry e;
  e.supplier_id = supplier;
  e.period = "2026-11";
  e.scores = {{"on_time_rate", 120}};
  auto bad = eval_.EnterScores(Ctx(), e);
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.status().field(), "scores.on_time_rate");
  EXPECT_NE(bad.status().message().find("outside its scale 0..100"), std::string::npos)
      << bad.status().message();
  e.scores = {{"performance", 50}};
  EXPECT_EQ(eval_.EnterScores(Ctx(), e).status().field(), "scores.performance");
  e.scores = {{"on_time_rate", 90}};
  e.period = "2026-13";
  EXPECT_EQ(eval_.EnterScores(Ctx(), e).status().field(), "period");
  e.period = "2026-11";
  e.supplier_id = 999;
  EXPECT_EQ(eval_.EnterScores(Ctx(), e).status().field(), "supplier_id");
  e.supplier_id = supplier;
  e.note = "site visit";
  auto partial = eval_.EnterScores(Ctx(), e);
  ASSERT_TRUE(partial.ok()) << partial.status().ToString();
  EXPECT_FALSE(partial->card.total) << "missing scores leave the total empty, never zero";
  EXPECT_EQ(partial->card.missing.size(), 13U);
  EXPECT_FALSE(partial->band);
  EXPECT_EQ(partial->supplier_code, "S1");
  ASSERT_EQ(partial->origins.count("on_time_rate"), 1U);
  EXPECT_EQ(partial->origins.at("on_time_rate").evaluator, "key:7");
  EXPECT_EQ(partial->origins.at("on_time_rate").note, "site visit");

  auto scores = Uniform(tree, 60);
  scores["price_level"] = 20;  // lower is better: normalised 80
  auto full = Score(supplier, "2026-11", scores);
  ASSERT_TRUE(full.card.total);
  // Σ w_i · Σ w_ij · s_ij: cost = 0.6 · 80 + 0.4 · 60 = 72; the rest 60.
  EXPECT_NEAR(*full.card.total, 0.8 * 60 + 0.2 * 72, 1e-9);
  ASSERT_TRUE(full.band);
  EXPECT_EQ(full.band->name, "approved");
  EXPECT_EQ(full.rank, 1);
  const auto& cost = full.card.breakdown[2];
  EXPECT_EQ(cost.code, "cost");
  EXPECT_NEAR(cost.subtotal, 72, 1e-9);
  EXPECT_NEAR(cost.contribution, 0.2 * 72, 1e-9);
  EXPECT_EQ(Events("evaluation.score.entered").size(), 2U);
}

TEST_F(EvaluationServiceTest, ScoresNeedAnActiveTreeAndNotADraft) {
  const auto supplier = AddSupplier("S1");
  ScoreEntry e;
  e.supplier_id = supplier;
  e.period = "2026-11";
  e.scores = {{"on_time_rate", 90}};
  EXPECT_EQ(eval_.EnterScores(Ctx(), e).status().code(), ErrorCode::kFailedPrecondition);
  auto draft = *eval_.CreateTree(Ctx(), "Draft", "template");
  e.tree_id = draft.id;
  EXPECT_EQ(eval_.EnterScores(Ctx(), e).status().field(), "tree_id");
  e.tree_id = suppliers::TreeVersionId(12345);
  EXPECT_EQ(eval_.EnterScores(Ctx(), e).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(EvaluationServiceTest, ScorecardsRankByTotalWithIncompleteOnesLast) {
  const auto tree = ActiveTemplate();
  const auto a = AddSupplier("A");
  const auto b = AddSupplier("B");
  const auto c = AddSupplier("C");
  const auto d = AddSupplier("D");
  Score(a, "2026-11", Uniform(tree, 40));
  Score(b, "2026-11", Uniform(tree, 90));
  Score(c, "2026-11", {{"on_time_rate", 100}});
  Score(d, "2026-11", Uniform(tree, 90));
  ScorecardQuery q;
  q.period = "2026-11";
  auto page = eval_.Scorecards(Reader(), q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->total, 4);
  EXPECT_EQ(page->items[0].supplier_id, b);
  EXPECT_EQ(page->items[1].supplier_id, d);
  EXPECT_EQ(page->items[0].rank, 1);
  EXPECT_EQ(page->items[1].rank, 1) << "equal totals share a rank";
  EXPECT_EQ(page->items[2].supplier_id, a);
  EXPECT_EQ(page->items[2].rank, 3);
  EXPECT_EQ(page->items[2].band->name, "watch");
  EXPECT_EQ(page->items[3].supplier_id, c);
  EXPECT_FALSE(page->items[3].rank);
  EXPECT_EQ(page->items[3].supplier_name, "Supplier C");

  q.limit = 1;
  q.offset = 2;
  page = eval_.Scorecards(Reader(), q);
  ASSERT_EQ(page->items.size(), 1U);
  EXPECT_EQ(page->items[0].supplier_id, a);
  EXPECT_EQ(page->total, 4);

  // One supplier, even without scores.
  const auto e = AddSupplier("E");
  q = {};
  q.period = "2026-11";
  q.supplier_id = e;
  page = eval_.Scorecards(Reader(), q);
  ASSERT_EQ(page->items.size(), 1U);
  EXPECT_FALSE(page->items[0].card.total);
  EXPECT_EQ(page->items[0].card.missing.size(), 14U);
}

TEST_F(EvaluationServiceTest, TrendRunsOverPeriodsInOrder) {
  const auto tree = ActiveTemplate();
  const auto s = AddSupplier("S");
  Score(s, "2026-11", Uniform(tree, 75));
  Score(s, "2026-Q3", Uniform(tree, 55));
  Score(s, "2026-10", Uniform(tree, 65));
  Score(s, "2026-12", {{"on_time_rate", 10}});
  auto trend = eval_.Trend(Reader(), s, std::nullopt);
  ASSERT_TRUE(trend.ok()) << trend.status().ToString();
  ASSERT_EQ(trend->size(), 4U);
  EXPECT_EQ((*trend)[0].period, "2026-Q3");
  EXPECT_EQ((*trend)[1].period, "2026-10");
  EXPECT_EQ((*trend)[2].period, "2026-11");
  EXPECT_NEAR(*(*trend)[2].total, 75, 1e-9);
  EXPECT_EQ((*trend)[2].band, "preferred");
  EXPECT_FALSE((*trend)[3].total);
  EXPECT_EQ(eval_.Trend(Reader(), 999, std::nullopt).status().code(), ErrorCode::kNotFound);
}

TEST_F(EvaluationServiceTest, RankingComparesTheWeightedTotalWithTopsis) {
  const auto tree = ActiveTemplate();
  const auto a = AddSupplier("A");
  const auto b = AddSupplier("B");
  const auto c = AddSupplier("C");
  const auto sku = AddSku("MILK");
  Score(a, "2026-11", Uniform(tree, 50));
  Score(b, "2026-11", Uniform(tree, 85));
  auto uneven = Uniform(tree, 100);
  uneven["solvency"] = 0;  // strong everywhere but financial status
  uneven["profitability"] = 0;
  Score(c, "2026-11", uneven);

  auto all = eval_.Ranking(Reader(), "2026-11", std::nullopt, std::nullopt);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3U);
  EXPECT_EQ((*all)[0].supplier_id, c);  // 90
  EXPECT_EQ((*all)[1].supplier_id, b);  // 85
  EXPECT_EQ((*all)[2].supplier_id, a);
  for (const auto& r : *all) {
    ASSERT_TRUE(r.topsis_closeness) << r.supplier_code;
    EXPECT_GE(*r.topsis_closeness, 0);
    EXPECT_LE(*r.topsis_closeness, 1);
  }
  EXPECT_EQ((*all)[2].topsis_rank, 3);
  EXPECT_EQ((*all)[2].weighted_rank, 3);

  // For a SKU only suppliers with a valid price are candidates.
  AddPrice(a, sku, "10.00");
  AddPrice(b, sku, "11.00");
  auto for_sku = eval_.Ranking(Reader(), "2026-11", sku, std::nullopt);
  ASSERT_TRUE(for_sku.ok()) << for_sku.status().ToString();
  ASSERT_EQ(for_sku->size(), 2U);
  EXPECT_EQ((*for_sku)[0].supplier_id, b);
  EXPECT_EQ((*for_sku)[0].topsis_rank, 1);
  EXPECT_EQ((*for_sku)[1].supplier_code, "A");
  EXPECT_EQ(eval_.Ranking(Reader(), "2026-11", 999, std::nullopt).status().field(), "sku_id");
}

TEST_F(EvaluationServiceTest, BandsAreValidatedAndKeptPerTenant) {
  auto defaults = eval_.GetBands(Reader());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->size(), 4U);
  EXPECT_EQ(defaults->front().name, "preferred");
  EXPECT_EQ(eval_.SetBands(Ctx(), {{"good", 50, suppliers::Consequence::kNone}}).status().code(),
            ErrorCode::kInvalidArgument);
  auto set = eval_.SetBands(Ctx(), {{"bad", 0, suppliers::Consequence::kBlock},
                                    {"good", 60, suppliers::Consequence::kNone}});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  auto now = *eval_.GetBands(Reader());
  ASSERT_EQ(now.size(), 2U);
  EXPECT_EQ(now[0].name, "good");
  EXPECT_EQ(eval_.GetBands(As(Role::kReadOnly, 2))->size(), 4U);
  EXPECT_EQ(Events("evaluation.bands.updated").size(), 1U);
  EXPECT_EQ(eval_.SetBands(Ctx(Role::kPlanner), now).status().code(), ErrorCode::kPermissionDenied);
}

TEST_F(EvaluationServiceTest, ComputesOperationsIndicatorsAndReportsWhatIsMissing) {
  const auto tree = ActiveTemplate();
  const auto s = AddSupplier("S");
  const auto idle = AddSupplier("IDLE");
  const auto sku = AddSku("MILK");
  const auto wh = AddWarehouse("WH");
  AddPrice(s, sku, "12.50");
  Score(idle, "2026-11", {{"management", 70}});

  const auto place = [&](const std::string& code, Date on, std::optional<std::string> price) {
    OrderDraft d;
    d.code = code;
    d.supplier_id = s;
    d.warehouse_id = wh;
    d.currency = "AUD";
    d.order_date = on;
    d.lines = {{sku, 100, std::move(price)}};
    auto po = proc_.CreateOrder(Ctx(), d);
    EXPECT_TRUE(po.ok()) << po.status().ToString();
    EXPECT_TRUE(proc_.Confirm(Ctx(), po->order.id, std::nullopt).ok());
    return po->order.id;
  };
  const auto po1 = place("PO-1", Day(2026, 11, 2), std::nullopt);
  const auto po2 = place("PO-2", Day(2026, 11, 5), "13.00");
  ReceiptDraft r1;
  r1.received_on = Day(2026, 11, 20);
  r1.lines = {{1, 100, 95, 5, "crushed"}};
  ASSERT_TRUE(proc_.RecordReceipt(Ctx(), po1, r1).ok());
  ReceiptDraft r2;
  r2.received_on = Day(2026, 11, 24);
  r2.lines = {{1, 50, 50, 0, ""}};
  ASSERT_TRUE(proc_.RecordReceipt(Ctx(), po2, r2).ok());

  auto outcome = eval_.Compute(Ctx(), "2026-11", std::nullopt);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  std::map<std::string, double> got;
  for (const auto& c : outcome->computed) {
    EXPECT_EQ(c.supplier_id, s);
    got[c.indicator] = c.score;
  }
  ASSERT_EQ(got.size(), 5U);
  EXPECT_DOUBLE_EQ(got["on_time_rate"], 100);
  EXPECT_NEAR(got["acceptance_rate"], 100.0 * 145 / 150, 1e-9);
  EXPECT_NEAR(got["fill_rate"], 75, 1e-9);
  EXPECT_NEAR(got["price_variance"], 2, 1e-9);  // (0% + 4%) / 2
  EXPECT_NEAR(got["lead_time_variability"], 100 * std::sqrt(0.5) / 18.5, 1e-9);
  // The idle supplier is reported, not scored zero.
  ASSERT_EQ(outcome->missing.size(), 5U);
  for (const auto& m : outcome->missing) {
    EXPECT_EQ(m.supplier_id, idle);
    EXPECT_FALSE(m.reason.empty());
  }

  ScorecardQuery q;
  q.period = "2026-11";
  q.supplier_id = s;
  auto card = eval_.Scorecards(Reader(), q)->items.at(0);
  EXPECT_EQ(card.origins.at("fill_rate").source, suppliers::ScoreSource::kComputed);
  EXPECT_EQ(card.origins.at("fill_rate").evaluator, "system");
  EXPECT_EQ(card.card.missing.size(), 9U);
  EXPECT_EQ(Events("evaluation.score.computed").size(), 1U);

  // One supplier with nothing in the period.
  auto none = eval_.Compute(Ctx(), "2026-09", s);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->computed.empty());
  EXPECT_EQ(none->missing.size(), 5U);
  (void)tree;
}

TEST_F(EvaluationServiceTest, RiskShowsSpendConcentrationAndSingleSourceSkus) {
  const auto tree = ActiveTemplate();
  const auto a = AddSupplier("A");
  const auto b = AddSupplier("B");
  const auto blocked = AddSupplier("BLOCKED");
  const auto milk = AddSku("MILK");
  const auto cream = AddSku("CREAM", catalog::Category::kCosmetics);
  const auto soap = AddSku("SOAP", catalog::Category::kDailyNecessities);
  const auto wh = AddWarehouse("WH");
  AddPrice(a, milk, "10.00");
  AddPrice(b, milk, "10.50");
  AddPrice(a, cream, "5.00");
  AddPrice(a, soap, "1.00");
  AddPrice(blocked, soap, "0.90");
  const auto order = [&](std::int64_t supplier, std::int64_t sku, std::int64_t qty) {
    OrderDraft d;
    d.code =
        "PO-" + std::to_string(supplier) + "-" + std::to_string(sku) + "-" + std::to_string(qty);
    d.supplier_id = supplier;
    d.warehouse_id = wh;
    d.currency = "AUD";
    d.order_date = Day(2026, 11, 1);
    d.lines = {{sku, qty, std::nullopt}};
    auto po = proc_.CreateOrder(Ctx(), d);
    EXPECT_TRUE(po.ok()) << po.status().ToString();
    return po->order.id;
  };
  order(a, milk, 300);  // 3000.00
  order(b, milk, 100);  // 1050.00
  order(a, cream, 10);  // 50.00
  const auto cancelled = order(b, milk, 1000);
  ASSERT_TRUE(proc_.Cancel(Ctx(), cancelled, std::nullopt, "duplicate").ok());
  Score(blocked, "2026-11", Uniform(tree, 10));

  auto risk = eval_.Risk(Reader(), Day(2026, 11, 1), Day(2026, 11, 30));
  ASSERT_TRUE(risk.ok()) << risk.status().ToString();
  ASSERT_EQ(risk->categories.size(), 2U);
  const auto& cosmetics = risk->categories[0];
  EXPECT_EQ(cosmetics.category, "cosmetics");
  EXPECT_DOUBLE_EQ(cosmetics.hhi, 10000);
  const auto& infant = risk->categories[1];
  EXPECT_EQ(infant.category, "maternal_infant");
  EXPECT_EQ(infant.currency, "AUD");
  EXPECT_EQ(infant.spend_minor, 405000);
  ASSERT_EQ(infant.suppliers.size(), 2U);
  EXPECT_EQ(infant.suppliers[0].supplier_code, "A");
  EXPECT_NEAR(infant.suppliers[0].share, 3000.0 / 4050, 1e-12);
  const double sa = 3000.0 / 4050;
  const double sb = 1050.0 / 4050;
  EXPECT_NEAR(infant.hhi, (sa * sa + sb * sb) * 10000, 1e-6);

  // CREAM has one supplier; SOAP has two, but one is blocked; MILK has two.
  ASSERT_EQ(risk->single_source_skus.size(), 2U);
  EXPECT_EQ(risk->single_source_skus[0].sku_code, "CREAM");
  EXPECT_EQ(risk->single_source_skus[1].sku_code, "SOAP");
  EXPECT_EQ(risk->single_source_skus[1].supplier_code, "A");

  EXPECT_EQ(eval_.Risk(Reader(), Day(2026, 12, 1), Day(2026, 11, 1)).status().field(), "from");
  auto empty = eval_.Risk(Reader(), Day(2025, 1, 1), Day(2025, 1, 31));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->categories.empty());
}

}  // namespace
}  // namespace xb::sourcing
