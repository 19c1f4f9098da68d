#include "domain/suppliers/evaluation.h"

#include <gtest/gtest.h>

namespace xb::suppliers {
namespace {

TreeVersion Draft() {
  TreeVersion v;
  v.tree = PaperTemplate();
  return v;
}

TEST(EvaluationTest, JudgementsSetTheNodesWeights) {
  TreeVersion v = Draft();
  // quality twice as important as cost and on_time, a consistent 3×3 under "performance".
  const ComparisonMatrix m = {{1, 2, 4}, {0.5, 1, 2}, {0.25, 0.5, 1}};
  ASSERT_TRUE(ApplyJudgements(v, "performance", m, RiTable::kSaaty).ok());
  EXPECT_NEAR(*v.tree.indicators[0].children[0].weight, 4.0 / 7, 1e-9);
  EXPECT_NEAR(*v.tree.indicators[0].children[2].weight, 1.0 / 7, 1e-9);
  ASSERT_EQ(v.judgements.size(), 1U);
  EXPECT_TRUE(ValidateTree(v.tree).ok());
}

TEST(EvaluationTest, InconsistentJudgementsAreRefusedNamingTheComparisons) {
  TreeVersion v = Draft();
  const ComparisonMatrix m = {{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}};
  Status st = ApplyJudgements(v, "performance", m, RiTable::kSaaty);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(st.message().find(" vs "), std::string::npos) << st.message();
  EXPECT_DOUBLE_EQ(*v.tree.indicators[0].children[0].weight, 0.4);  // unchanged
}

TEST(EvaluationTest, ActiveTreesDoNotChange) {
  TreeVersion v = Draft();
  v.status = TreeStatus::kActive;
  EXPECT_EQ(
      ApplyJudgements(v, "root", ComparisonMatrix(6, std::vector<double>(6, 1.0)), RiTable::kSaaty)
          .code(),
      ErrorCode::kFailedPrecondition);
}

TEST(EvaluationTest, PeriodsAreMonthsOrQuarters) {
  auto q = ParsePeriod("2026-Q4");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->first.ToIso8601(), "2026-10-01");
  EXPECT_EQ(q->last.ToIso8601(), "2026-12-31");
  auto m = ParsePeriod("2024-02");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->last.ToIso8601(), "2024-02-29");
  EXPECT_FALSE(ParsePeriod("2026-13").ok());
  EXPECT_FALSE(ParsePeriod("2026-Q5").ok());
  EXPECT_FALSE(ParsePeriod("26-11").ok());
}

TEST(EvaluationTest, BandsPlaceScores) {
  const auto bands = DefaultBands();
  ASSERT_TRUE(ValidateBands(bands).ok());
  EXPECT_EQ(BandFor(bands, 85).name, "preferred");
  EXPECT_EQ(BandFor(bands, 70).name, "preferred");
  EXPECT_EQ(BandFor(bands, 49.9).name, "watch");
  EXPECT_EQ(BandFor(bands, 10).consequence, Consequence::kBlock);
  EXPECT_FALSE(ValidateBands({{"a", 10, Consequence::kNone}}).ok());
  EXPECT_FALSE(ValidateBands({{"a", 0, Consequence::kNone}, {"a", 50, Consequence::kNone}}).ok());
}

TEST(EvaluationTest, ConcentrationIsHerfindahl) {
  const auto c = MeasureConcentration({{1, 600}, {2, 300}, {3, 100}});
  EXPECT_NEAR(c.shares.at(1), 0.6, 1e-12);
  EXPECT_NEAR(c.hhi, 3600 + 900 + 100, 1e-9);
  EXPECT_NEAR(MeasureConcentration({{9, 5}}).hhi, 10000, 1e-9);
}

}  // namespace
}  // namespace xb::suppliers
