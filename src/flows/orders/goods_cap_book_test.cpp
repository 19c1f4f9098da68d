#include "flows/orders/goods_cap_book.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <latch>
#include <thread>
#include <vector>

#include "flows/orders/order_intake.h"
#include "flows/orders/orders_test_support.h"

namespace xb::orders_flow {
namespace {

using testing::IdentityNumber;

QuotaKey Who(std::string number = "110101199003071234") {
  return QuotaKey{TenantId(1), "id_card", std::move(number), 2026};
}

customs::GoodsCapDemand Sugar(std::int64_t requested_milli, std::string ref = "1") {
  customs::GoodsCapDemand d;
  d.rule = customs::RuleId(900);
  d.hs_prefix = "1701";
  d.unit = "kg";
  d.cap_milli = 20'000;
  d.requested_milli = requested_milli;
  d.lines.emplace_back(std::move(ref), requested_milli);
  return d;
}

TEST(GoodsCapBook, ReservesUpToTheCapAndARefusalChangesNothing) {
  GoodsCapBook book(4);
  const customs::GoodsCapDemand twelve[] = {Sugar(12'000)};
  const customs::GoodsCapDemand nine[] = {Sugar(9'000)};
  const customs::GoodsCapDemand eight[] = {Sugar(8'000)};
  ASSERT_TRUE(book.Reserve(Who(), twelve).ok());
  Status st = book.Reserve(Who(), nine);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "goods_cap");
  EXPECT_EQ(book.Used(Who(), "1701"), 12'000);
  EXPECT_TRUE(book.Reserve(Who(), eight).ok());
  EXPECT_EQ(book.Used(Who(), "1701"), 20'000);
  EXPECT_TRUE(book.Reserve(Who("other"), twelve).ok());
}

TEST(GoodsCapBook, AnOrderOverOneOfItsCapsTakesFromNone) {
  GoodsCapBook book;
  customs::GoodsCapDemand rice = Sugar(1'000, "2");
  rice.hs_prefix = "1006";
  const customs::GoodsCapDemand both[] = {rice, Sugar(21'000)};
  GoodsCapRefusal refusal;
  EXPECT_EQ(book.Reserve(Who(), both, &refusal).field(), "goods_cap");
  EXPECT_EQ(refusal.demand, 1U);  // sugar
  EXPECT_EQ(refusal.used_milli, 0);
  EXPECT_EQ(book.Used(Who(), "1006"), 0);
  const customs::GoodsCapDemand some[] = {Sugar(15'000)};
  ASSERT_TRUE(book.Reserve(Who(), some).ok());
  EXPECT_FALSE(book.Reserve(Who(), some, &refusal).ok());
  EXPECT_EQ(refusal.demand, 0U);
  EXPECT_EQ(refusal.used_milli, 15'000);
}

TEST(GoodsCapBook, UndoAndRestoreGiveTheAmountBack) {
  GoodsCapBook book;
  const customs::GoodsCapDemand twenty[] = {Sugar(20'000)};
  ASSERT_TRUE(book.Reserve(Who(), twenty).ok());
  book.Undo(Who(), twenty);
  EXPECT_EQ(book.Used(Who(), "1701"), 0);
  ASSERT_TRUE(book.Reserve(Who(), twenty).ok());
  auto entries = GoodsCapBook::EntriesOf(Who(), twenty, 7, Timestamp::FromMicros(1));
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].line_no, 1);
  EXPECT_EQ(entries[0].order_id, 7);
  EXPECT_EQ(entries[0].amount_milli, 20'000);
  entries[0].amount_milli = -5'000;
  book.Restore(entries);
  EXPECT_EQ(book.Used(Who(), "1701"), 15'000);
}

TEST(GoodsCapBook, ConcurrentReservationsNeverPassTheCap) {
  GoodsCapBook book(2);
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  const customs::GoodsCapDemand seven[] = {Sugar(7)};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        if (book.Reserve(Who(), seven).ok()) accepted.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 20'000 / 7);
  EXPECT_EQ(book.Used(Who(), "1701"), (20'000 / 7) * 7);
}

// Order intake with a test cap of 20 kg of sugar (HS 1701) per identity and year, seeded as a
// rule row; a 1 kg bag of sugar (HS 17019990) on the positive list.
class GoodsCapIntakeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string skip = f_.Prepare(GetParam());
    if (!skip.empty()) GTEST_SKIP() << skip;
    Seed();
    f_.Receive(f_.bonded, sugar_, 200);
  }
  void Seed() {
    auto tx = f_.db->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    customs::RuleRow cap;
    cap.tenant_id = TenantId(0);
    cap.kind = customs::RuleKind::kGoodsCap;
    cap.key = "1701";
    cap.quantity = 20;
    cap.unit = "kg";
    cap.valid_from = Date::FromYmd(2026, 1, 1).value();
    cap.source = "test cap";
    ASSERT_TRUE((*tx)->customs().InsertRule(cap).ok());
    customs::PositiveListLine line;
    line.tenant_id = TenantId(0);
    line.hs_code = "17019990";
    line.description = "cane or beet sugar";
    line.valid_from = Date::FromYmd(2016, 4, 8).value();
    line.source = "test";
    ASSERT_TRUE((*tx)->customs().InsertPositiveList(std::span(&line, 1)).ok());
    sugar_ = f_.AddSku(**tx, "SUGAR-1KG", "17019990", catalog::ConsumptionTaxClass::kNone,
                       catalog::LegalUnit::kKilogram, 1000, true);
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  void TearDown() override { f_.Stop(); }

  Result<IntakeAnswer> Submit(const std::string& no, std::int64_t bags,
                              const std::string& person = IdentityNumber(5)) {
    return f_.intake->SubmitAndWait(f_.tenant, "key:1", f_.Request(no, sugar_, 2000, bags, person));
  }
  // Submit with the refusal's details.
  std::pair<Result<IntakeAnswer>, RefusalDetails> SubmitWithDetails(
      const std::string& no, std::int64_t bags, const std::string& person = IdentityNumber(5)) {
    // The details are copied before the answer is set (the callback runs once); the pair is
    // built here from the future's value (building it from a moved Result inside the callback
    // makes GCC 12 -O2 report a bogus -Wmaybe-uninitialized).
    RefusalDetails got;
    std::promise<Result<IntakeAnswer>> answer;
    auto ready = answer.get_future();
    f_.intake->Submit(f_.tenant, "key:1", f_.Request(no, sugar_, 2000, bags, person),
                      [&answer, &got](Result<IntakeAnswer> a, const RefusalDetails& details) {
                        got = details;
                        answer.set_value(std::move(a));
                      });
    Result<IntakeAnswer> result = ready.get();
    return {std::move(result), std::move(got)};
  }
  std::int64_t UsedInStore(const std::string& person = IdentityNumber(5)) {
    auto tx = f_.db->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto entries = (*tx)->customs().ListGoodsCapUsage(f_.tenant, "id_card", person, 2026);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    std::int64_t used = 0;
    for (const auto& e : entries.ok() ? *entries : std::vector<customs::GoodsCapEntry>{}) {
      EXPECT_EQ(e.hs_prefix, "1701");
      used += e.amount_milli;
    }
    return used;
  }
  std::int64_t UsedInMemory(const std::string& person = IdentityNumber(5)) {
    return caps_->Used({f_.tenant, "id_card", person, 2026}, "1701");
  }
  void Start() {
    IntakeOptions options;
    options.goods_caps = caps_ = std::make_shared<GoodsCapBook>(4);
    f_.Start(options);
  }

  testing::OrdersFixture f_;
  std::int64_t sugar_ = 0;
  std::shared_ptr<GoodsCapBook> caps_;
};

TEST_P(GoodsCapIntakeTest, OrdersWithinTheCapAreAcceptedAndBeyondAreRefusedWithTheNumbers) {
  Start();
  auto first = Submit("S-1", 12);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto over = Submit("S-2", 9);
  EXPECT_EQ(over.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(over.status().field(), "goods_cap");
  EXPECT_EQ(over.status().message().substr(0, over.status().message().find(" (remaining")),
            "goods_cap: HS 1701 yearly cap 20 kg per identity: used 12 + requested 9 = 21");
  EXPECT_FALSE(f_.Stored("S-2").has_value());
  EXPECT_EQ(f_.Available(f_.bonded, sugar_), 188);
  auto exactly = Submit("S-3", 8);
  ASSERT_TRUE(exactly.ok()) << exactly.status().ToString();
  EXPECT_EQ(UsedInStore(), 20'000);
  EXPECT_EQ(UsedInMemory(), 20'000);
  // Another identity has a cap of its own.
  EXPECT_TRUE(Submit("S-4", 20, IdentityNumber(6)).ok());
  // The book is rebuilt from the ledger at start.
  f_.Stop();
  Start();
  EXPECT_EQ(UsedInMemory(), 20'000);
  EXPECT_EQ(Submit("S-5", 1).status().field(), "goods_cap");
  // A cancel gives its bags back, in the ledger and in the book.
  auto cancelled = f_.intake->Cancel(f_.tenant, first->order.id, "key:1", "changed mind");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(UsedInStore(), 8'000);
  EXPECT_EQ(UsedInMemory(), 8'000);
  EXPECT_TRUE(Submit("S-6", 12).ok());
}

TEST_P(GoodsCapIntakeTest, ARefusalCarriesTheCapsNumbersAndNoIdentity) {
  Start();
  auto first = SubmitWithDetails("D-1", 12);
  ASSERT_TRUE(first.first.ok()) << first.first.status().ToString();
  EXPECT_TRUE(first.second.empty());
  auto [over, details] = SubmitWithDetails("D-2", 9);
  EXPECT_EQ(over.status().field(), "goods_cap");
  const RefusalDetails expected = {{"hs_prefix", "1701"}, {"cap", "20"},      {"unit", "kg"},
                                   {"used", "12"},        {"requested", "9"}, {"remaining", "8"}};
  ASSERT_EQ(details.size(), expected.size() + 1) << ::testing::PrintToString(details);
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(details[i], expected[i]);
  EXPECT_EQ(details.back().first, "rule_id");
  {
    auto tx = f_.db->Begin(store::TxMode::kRead);
    ASSERT_TRUE(tx.ok());
    auto rules = (*tx)->customs().ListRules(TenantId(0));
    ASSERT_TRUE(rules.ok());
    const auto cap = std::find_if(rules->begin(), rules->end(), [](const customs::RuleRow& r) {
      return r.kind == customs::RuleKind::kGoodsCap && r.key == "1701";
    });
    ASSERT_NE(cap, rules->end());
    EXPECT_EQ(details.back().second, std::to_string(cap->id.value()));
  }
  for (const auto& [name, value] : details) {
    EXPECT_EQ(value.find(IdentityNumber(5)), std::string::npos) << name;
    EXPECT_EQ(value.find("13800138000"), std::string::npos) << name;
  }
  // Past the cap already (a smaller cap row would do the same): nothing remains.
  auto rest = SubmitWithDetails("D-3", 8);
  ASSERT_TRUE(rest.first.ok()) << rest.first.status().ToString();
  auto none = SubmitWithDetails("D-4", 1);
  EXPECT_EQ(none.first.status().field(), "goods_cap");
  ASSERT_EQ(none.second.size(), 7U);
  EXPECT_EQ(none.second[3], (std::pair<std::string, std::string>{"used", "20"}));
  EXPECT_EQ(none.second[5], (std::pair<std::string, std::string>{"remaining", "0"}));
}

TEST_P(GoodsCapIntakeTest, TwoConcurrentOrdersThatFitOnlyOneAtATimeAcceptExactlyOne) {
  Start();
  for (int round = 0; round < 5; ++round) {
    std::latch go(2);
    auto one = [&](const std::string& no) {
      go.arrive_and_wait();
      return Submit(no, 12);
    };
    auto fa = std::async(std::launch::async, one, "R" + std::to_string(round) + "-A");
    auto fb = std::async(std::launch::async, one, "R" + std::to_string(round) + "-B");
    auto ra = fa.get();
    auto rb = fb.get();
    ASSERT_NE(ra.ok(), rb.ok()) << round << ": " << ra.status().ToString() << " / "
                                << rb.status().ToString();
    EXPECT_EQ((ra.ok() ? rb : ra).status().field(), "goods_cap");
    EXPECT_EQ(UsedInStore(), 12'000);
    const auto& accepted = ra.ok() ? ra : rb;
    ASSERT_TRUE(f_.intake->Cancel(f_.tenant, accepted->order.id, "key:1", "round over").ok());
    EXPECT_EQ(UsedInStore(), 0);
    EXPECT_EQ(UsedInMemory(), 0);
  }
}

TEST_P(GoodsCapIntakeTest, AFailedWriteGivesTheCapBack) {
  Start();
  f_.flaky->fail_commits = true;
  EXPECT_EQ(Submit("W-1", 12).status().code(), ErrorCode::kUnavailable);
  f_.flaky->fail_commits = false;
  EXPECT_EQ(UsedInMemory(), 0);
  EXPECT_EQ(UsedInStore(), 0);
  EXPECT_TRUE(Submit("W-2", 20).ok());
}

INSTANTIATE_TEST_SUITE_P(Databases, GoodsCapIntakeTest,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::orders_flow
