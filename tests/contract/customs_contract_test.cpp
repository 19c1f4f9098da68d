// The customs store contract: rules and the positive list (with the platform's rows seeded by
// migration 0004), the quota ledger, declarations as the outbound queue, receipts and the receipt
// feed's cursor (migration 0012), returns and the bonded account book behave the same on every
// storage adapter. Each test runs once per adapter; PostgreSQL runs only when XB_TEST_PG_URL names
// a server, and then each test works in a database of its own that is dropped afterwards.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <set>
#include <source_location>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/postgres/pg_connection.h"
#include "adapters/sqlite/sqlite_connection.h"
#include "adapters/storage/open_database.h"
#include "contract_support.h"
#include "flows/store/unit_of_work.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::contract {
namespace {

using customs::AccountEntry;
using customs::AccountEntryKind;
using customs::BookBalance;
using customs::Declaration;
using customs::DeclarationId;
using customs::DeclarationQuery;
using customs::DeclarationState;
using customs::PositiveListLine;
using customs::QuotaEntry;
using customs::QuotaEntryKind;
using customs::Rate;
using customs::Receipt;
using customs::ReceiptKind;
using customs::Return;
using customs::ReturnId;
using customs::ReturnLine;
using customs::ReturnState;
using customs::RuleBook;
using customs::RuleKind;
using customs::RuleRow;
using store::Database;
using store::Transaction;
using store::TxMode;

constexpr std::int64_t kNow = 1'764'059'400'123'456;  // 2025-11-25T08:30:00.123456Z
constexpr std::int64_t kSecond = 1'000'000;

Timestamp At(std::int64_t seconds) { return Timestamp::FromMicros(kNow + seconds * kSecond); }

Date Day(int y, int m, int d) { return Must(Date::FromYmd(y, m, d)); }

// --- sample data ------------------------------------------------------------------------------

customs::Identity Buyer() { return {"张三", "id_card", "110101199003071234"}; }

customs::DocLine DocLineOf(std::string sku, std::string hs, std::int64_t qty,
                           std::int64_t price_fen) {
  customs::DocLine l;
  l.sku_code = std::move(sku);
  l.hs_code = std::move(hs);
  l.name = "面霜 face cream";
  l.quantity = qty;
  l.legal_quantity_milli = 20'000 * qty;
  l.legal_unit = "g";
  l.price_fen = price_fen;
  return l;
}

Declaration SampleDeclaration(TenantId tenant, std::int64_t order_id, std::string signing_key,
                              Timestamp created, std::optional<Timestamp> next_attempt = {}) {
  Declaration d;
  d.tenant_id = tenant;
  d.order_id = order_id;
  d.shipment_ref = "W3-1210";
  d.signing_key = std::move(signing_key);
  d.state = DeclarationState::kQueued;
  d.order.order_no = "TM-" + std::to_string(order_id);
  d.order.buyer = Buyer();
  d.order.buyer_phone = "13800138000";
  d.order.lines = {DocLineOf("CREAM-20", "33049900", 1, 42'500),
                   DocLineOf("MILK-800", "19011010", 2, 40'000)};
  d.order.goods_fen = 82'500;
  d.order.freight_fen = 1'000;
  d.order.insurance_fen = 50;
  d.order.discount_fen = 500;
  d.order.tax_fen = 9'800;
  d.order.paid_fen = 92'850;
  d.payment.order_no = d.order.order_no;
  d.payment.payment_no = "P-" + std::to_string(order_id);
  d.payment.payer = Buyer();
  d.payment.amount_fen = 92'850;
  d.waybill.waybill_no = "SF" + std::to_string(order_id);
  d.waybill.order_no = d.order.order_no;
  d.waybill.consignee = "张三";
  d.waybill.weight_g = 1'250;
  d.waybill.freight_fen = 1'000;
  d.list.order_no = d.order.order_no;
  d.list.waybill_no = d.waybill.waybill_no;
  d.list.trade_mode = "1210";
  d.list.ems_no = "T2923W000001";
  d.list.buyer = Buyer();
  d.list.lines = d.order.lines;
  d.list.goods_fen = 82'500;
  d.list.tax_fen = 9'800;
  d.checks = {{"present", true, "4 of 4"}, {"paid_equation", false, "928.50 vs 928.00"}};
  d.next_attempt_at = next_attempt;
  d.created_at = created;
  d.updated_at = created;
  return d;
}

QuotaEntry Quota(TenantId tenant, std::string number, int year, std::int64_t amount,
                 QuotaEntryKind kind, std::int64_t order_id) {
  QuotaEntry e;
  e.tenant_id = tenant;
  e.id_type = "id_card";
  e.id_number = std::move(number);
  e.year = year;
  e.amount_fen = amount;
  e.kind = kind;
  e.order_id = order_id;
  e.ref = "order:" + std::to_string(order_id);
  e.at = At(order_id);
  return e;
}

AccountEntry Entry(TenantId tenant, std::string ems, std::int64_t wh, std::int64_t sku,
                   AccountEntryKind kind, std::int64_t qty) {
  AccountEntry e;
  e.tenant_id = tenant;
  e.ems_no = std::move(ems);
  e.warehouse_id = wh;
  e.sku_id = sku;
  e.hs_code = "33049900";
  e.kind = kind;
  e.quantity = qty;
  e.ref = "list:XB1";
  e.at = At(qty);
  return e;
}

void ExpectSameDocuments(const Declaration& got, const Declaration& want) {
  EXPECT_EQ(got.order_id, want.order_id);
  EXPECT_EQ(got.shipment_ref, want.shipment_ref);
  EXPECT_EQ(got.signing_key, want.signing_key);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.order.order_no, want.order.order_no);
  EXPECT_EQ(got.order.buyer, want.order.buyer);
  EXPECT_EQ(got.order.buyer_phone, want.order.buyer_phone);
  ASSERT_EQ(got.order.lines.size(), want.order.lines.size());
  for (std::size_t i = 0; i < got.order.lines.size(); ++i) {
    const auto& a = got.order.lines[i];
    const auto& b = want.order.lines[i];
    EXPECT_EQ(a.sku_code, b.sku_code);
    EXPECT_EQ(a.hs_code, b.hs_code);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.quantity, b.quantity);
    EXPECT_EQ(a.legal_quantity_milli, b.legal_quantity_milli);
    EXPECT_EQ(a.legal_unit, b.legal_unit);
    EXPECT_EQ(a.price_fen, b.price_fen);
  }
  EXPECT_EQ(got.order.goods_fen, want.order.goods_fen);
  EXPECT_EQ(got.order.freight_fen, want.order.freight_fen);
  EXPECT_EQ(got.order.insurance_fen, want.order.insurance_fen);
  EXPECT_EQ(got.order.discount_fen, want.order.discount_fen);
  EXPECT_EQ(got.order.tax_fen, want.order.tax_fen);
  EXPECT_EQ(got.order.paid_fen, want.order.paid_fen);
  EXPECT_EQ(got.payment.order_no, want.payment.order_no);
  EXPECT_EQ(got.payment.payment_no, want.payment.payment_no);
  EXPECT_EQ(got.payment.payer, want.payment.payer);
  EXPECT_EQ(got.payment.amount_fen, want.payment.amount_fen);
  EXPECT_EQ(got.waybill.waybill_no, want.waybill.waybill_no);
  EXPECT_EQ(got.waybill.order_no, want.waybill.order_no);
  EXPECT_EQ(got.waybill.consignee, want.waybill.consignee);
  EXPECT_EQ(got.waybill.weight_g, want.waybill.weight_g);
  EXPECT_EQ(got.waybill.freight_fen, want.waybill.freight_fen);
  EXPECT_EQ(got.list.list_no, want.list.list_no);
  EXPECT_EQ(got.list.order_no, want.list.order_no);
  EXPECT_EQ(got.list.waybill_no, want.list.waybill_no);
  EXPECT_EQ(got.list.trade_mode, want.list.trade_mode);
  EXPECT_EQ(got.list.ems_no, want.list.ems_no);
  EXPECT_EQ(got.list.buyer, want.list.buyer);
  EXPECT_EQ(got.list.lines.size(), want.list.lines.size());
  EXPECT_EQ(got.list.goods_fen, want.list.goods_fen);
  EXPECT_EQ(got.list.tax_fen, want.list.tax_fen);
  ASSERT_EQ(got.checks.size(), want.checks.size());
  for (std::size_t i = 0; i < got.checks.size(); ++i) {
    EXPECT_EQ(got.checks[i].check, want.checks[i].check);
    EXPECT_EQ(got.checks[i].passed, want.checks[i].passed);
    EXPECT_EQ(got.checks[i].detail, want.checks[i].detail);
  }
  EXPECT_EQ(got.reason, want.reason);
  EXPECT_EQ(got.attempts, want.attempts);
  EXPECT_EQ(got.next_attempt_at, want.next_attempt_at);
  EXPECT_EQ(got.released_at, want.released_at);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  EXPECT_EQ(got.version, want.version);
}

// --- the fixture ------------------------------------------------------------------------------

class CustomsContract : public ScratchDatabaseTest {
 protected:
  void SetUp() override {
    OpenScratch("xb_customs_");
    if (IsSkipped() || HasFatalFailure()) return;
    alpha_ = AddTenant("alpha");
    beta_ = AddTenant("beta");
  }

  bool Sql() const { return GetParam() != "memory"; }

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

  Declaration AddDeclaration(Declaration d) {
    auto tx = Write();
    Declaration stored = Must(tx->customs().InsertDeclaration(std::move(d)));
    MustOk(tx->Commit());
    return stored;
  }

  TenantId alpha_;
  TenantId beta_;
};

// --- rules and the positive list --------------------------------------------------------------

TEST_P(CustomsContract, MigrationSeedsThePlatformRulesAndPositiveListWithTheirSources) {
  if (!Sql()) GTEST_SKIP() << "the memory database starts empty";
  auto tx = Read();
  const auto rules = Must(tx->customs().ListRules(alpha_));
  const auto positive = Must(tx->customs().ListPositiveList(alpha_));
  for (const auto& r : rules) {
    EXPECT_EQ(r.tenant_id.value(), 0);
    EXPECT_FALSE(r.source.empty()) << "rule " << r.id.value() << " has no source";
  }
  const RuleBook book(rules, positive);
  auto amount = [&](RuleKind kind, std::string_view key, Date on) -> std::int64_t {
    const RuleRow* row = book.Find(kind, key, on);
    return row != nullptr && row->amount_fen ? *row->amount_fen : -1;
  };
  auto rate = [&](RuleKind kind, std::string_view key, Date on) -> std::string {
    const RuleRow* row = book.Find(kind, key, on);
    return row != nullptr && row->rate ? row->rate->ToString() : "none";
  };
  EXPECT_EQ(amount(RuleKind::kSingleLimit, "", Day(2026, 11, 20)), 500'000);
  EXPECT_EQ(amount(RuleKind::kSingleLimit, "", Day(2018, 12, 31)), 200'000);
  EXPECT_EQ(amount(RuleKind::kAnnualLimit, "", Day(2019, 1, 1)), 2'600'000);
  EXPECT_EQ(amount(RuleKind::kAnnualLimit, "", Day(2017, 3, 1)), 2'000'000);
  EXPECT_EQ(rate(RuleKind::kCbecTaxShare, "", Day(2026, 11, 20)), "0.7");
  EXPECT_EQ(rate(RuleKind::kVatRate, "standard", Day(2018, 4, 30)), "0.17");
  EXPECT_EQ(rate(RuleKind::kVatRate, "standard", Day(2018, 5, 1)), "0.16");
  EXPECT_EQ(rate(RuleKind::kVatRate, "standard", Day(2019, 4, 1)), "0.13");
  EXPECT_EQ(rate(RuleKind::kVatRate, "reduced", Day(2018, 4, 30)), "0.11");
  EXPECT_EQ(rate(RuleKind::kVatRate, "reduced", Day(2019, 3, 31)), "0.1");
  EXPECT_EQ(rate(RuleKind::kVatRate, "reduced", Day(2026, 1, 1)), "0.09");
  EXPECT_EQ(rate(RuleKind::kConsumptionTaxRate, "high_end_cosmetics", Day(2026, 1, 1)), "0.15");
  EXPECT_EQ(rate(RuleKind::kConsumptionTaxRate, "high_end_cosmetics", Day(2016, 9, 30)), "none");
  EXPECT_EQ(rate(RuleKind::kTariffRate, "default", Day(2026, 1, 1)), "0");
  EXPECT_EQ(amount(RuleKind::kCosmeticsThreshold, "g", Day(2026, 1, 1)), 1'000);
  EXPECT_EQ(amount(RuleKind::kCosmeticsThreshold, "ml", Day(2026, 1, 1)), 1'000);
  EXPECT_EQ(amount(RuleKind::kCosmeticsThreshold, "piece", Day(2026, 1, 1)), 1'500);
  const RuleRow* apply = book.Find(RuleKind::kReturnApplyDays, "", Day(2026, 1, 1));
  const RuleRow* arrive = book.Find(RuleKind::kReturnArriveDays, "", Day(2026, 1, 1));
  ASSERT_NE(apply, nullptr);
  ASSERT_NE(arrive, nullptr);
  EXPECT_EQ(apply->quantity, 30);
  EXPECT_EQ(arrive->quantity, 45);
  EXPECT_EQ(apply->source, "GACC Announcement 2020 No.45");
  EXPECT_EQ(book.Find(RuleKind::kSingleLimit, "", Day(2026, 1, 1))->source,
            "Cai Guan Shui [2018] No.49");
  for (const char* hs :
       {"19011010", "19011090", "33049900", "33049100", "33042000", "21069090", "96190011"}) {
    const PositiveListLine* line = book.PositiveListed(hs, Day(2026, 11, 20));
    ASSERT_NE(line, nullptr) << hs;
    EXPECT_FALSE(line->source.empty());
    EXPECT_FALSE(line->description.empty());
  }
  EXPECT_EQ(book.PositiveListed("22030000", Day(2026, 11, 20)), nullptr);
}

TEST_P(CustomsContract, RulesReadBackAndATenantSeesItsOwnAndThePlatformsRows) {
  auto tx = Write();
  const auto seeded = Must(tx->customs().ListRules(alpha_)).size();
  RuleRow own;
  own.tenant_id = alpha_;
  own.kind = RuleKind::kVatRate;
  own.key = "3304";
  own.rate = Must(Rate::Parse("0.13"));
  own.valid_from = Day(2024, 1, 1);
  own.valid_to = Day(2024, 12, 31);
  own.source = "tenant override";
  const RuleRow stored = Must(tx->customs().InsertRule(own));
  EXPECT_TRUE(stored.id.assigned());
  RuleRow cap;
  cap.tenant_id = alpha_;
  cap.kind = RuleKind::kGoodsCap;
  cap.key = "1006";
  cap.quantity = 50;
  cap.unit = "kg";
  cap.valid_from = Day(2024, 1, 1);
  cap.source = "rice cap";
  MustOk(tx->customs().InsertRule(cap).status());
  RuleRow platform;
  platform.tenant_id = TenantId(0);
  platform.kind = RuleKind::kSingleLimit;
  platform.amount_fen = 600'000;
  platform.valid_from = Day(2030, 1, 1);
  platform.source = "a future announcement";
  MustOk(tx->customs().InsertRule(platform).status());
  // Same tenant, kind, key and start: refused; the transaction stays usable.
  RuleRow again = own;
  again.rate = Must(Rate::Parse("0.09"));
  EXPECT_EQ(tx->customs().InsertRule(again).status().code(), ErrorCode::kAlreadyExists);
  MustOk(tx->Commit());
  tx.reset();

  auto rd = Read();
  const auto alpha_rules = Must(rd->customs().ListRules(alpha_));
  const auto beta_rules = Must(rd->customs().ListRules(beta_));
  EXPECT_EQ(alpha_rules.size(), seeded + 3);
  EXPECT_EQ(beta_rules.size(), seeded + 1);  // the platform's new row, not alpha's
  const auto it = std::find_if(alpha_rules.begin(), alpha_rules.end(),
                               [&](const RuleRow& r) { return r.id == stored.id; });
  ASSERT_NE(it, alpha_rules.end());
  EXPECT_EQ(it->tenant_id, alpha_);
  EXPECT_EQ(it->kind, RuleKind::kVatRate);
  EXPECT_EQ(it->key, "3304");
  ASSERT_TRUE(it->rate.has_value());
  EXPECT_EQ(it->rate->ToString(), "0.13");
  EXPECT_EQ(it->amount_fen, std::nullopt);
  EXPECT_EQ(it->quantity, std::nullopt);
  EXPECT_EQ(it->valid_from, Day(2024, 1, 1));
  EXPECT_EQ(it->valid_to, Day(2024, 12, 31));
  EXPECT_EQ(it->source, "tenant override");
  const auto cap_it = std::find_if(alpha_rules.begin(), alpha_rules.end(),
                                   [](const RuleRow& r) { return r.kind == RuleKind::kGoodsCap; });
  ASSERT_NE(cap_it, alpha_rules.end());
  EXPECT_EQ(cap_it->quantity, 50);
  EXPECT_EQ(cap_it->unit, "kg");
  EXPECT_EQ(cap_it->rate, std::nullopt);
  EXPECT_EQ(cap_it->valid_to, std::nullopt);
}

TEST_P(CustomsContract, PositiveListImportIsAllOrNothing) {
  const auto seeded = [&] {
    auto rd = Read();
    return Must(rd->customs().ListPositiveList(alpha_)).size();
  }();
  auto line = [](TenantId tenant, std::string hs, Date from) {
    PositiveListLine l;
    l.tenant_id = tenant;
    l.hs_code = std::move(hs);
    l.description = "line " + l.hs_code;
    l.valid_from = from;
    l.source = "2022 edition";
    return l;
  };
  {
    auto tx = Write();
    std::vector<PositiveListLine> lines{line(alpha_, "0402211000", Day(2022, 3, 1)),
                                        line(alpha_, "0402211000", Day(2024, 1, 1)),
                                        line(alpha_, "04022900", Day(2022, 3, 1))};
    lines[0].valid_to = Day(2023, 12, 31);
    MustOk(tx->customs().InsertPositiveList(lines));
    MustOk(tx->Commit());
  }
  {
    // One line already there: nothing of the import is written, and the transaction goes on.
    auto tx = Write();
    const std::vector<PositiveListLine> lines{line(alpha_, "08109090", Day(2022, 3, 1)),
                                              line(alpha_, "04022900", Day(2022, 3, 1))};
    const Status st = tx->customs().InsertPositiveList(lines);
    EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
    EXPECT_NE(st.message().find("04022900"), std::string::npos) << st.message();
    // Twice in one import: refused too.
    const std::vector<PositiveListLine> twice{line(alpha_, "08109091", Day(2022, 3, 1)),
                                              line(alpha_, "08109091", Day(2022, 3, 1))};
    EXPECT_EQ(tx->customs().InsertPositiveList(twice).code(), ErrorCode::kAlreadyExists);
    const std::vector<PositiveListLine> fine{line(alpha_, "08109092", Day(2022, 3, 1))};
    MustOk(tx->customs().InsertPositiveList(fine));
    MustOk(tx->Commit());
  }
  auto rd = Read();
  const auto alpha_lines = Must(rd->customs().ListPositiveList(alpha_));
  const auto beta_lines = Must(rd->customs().ListPositiveList(beta_));
  EXPECT_EQ(alpha_lines.size(), seeded + 4);
  EXPECT_EQ(beta_lines.size(), seeded);
  std::vector<std::string> codes;
  for (const auto& l : alpha_lines) {
    if (l.tenant_id == alpha_) codes.push_back(l.hs_code + "@" + l.valid_from.ToIso8601());
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"0402211000@2022-03-01", "0402211000@2024-01-01",
                                             "04022900@2022-03-01", "08109092@2022-03-01"}));
  const auto first = std::find_if(alpha_lines.begin(), alpha_lines.end(),
                                  [](const auto& l) { return l.hs_code == "0402211000"; });
  ASSERT_NE(first, alpha_lines.end());
  EXPECT_EQ(first->valid_to, Day(2023, 12, 31));
  EXPECT_EQ(first->description, "line 0402211000");
  EXPECT_EQ(first->source, "2022 edition");
}

// --- quota -------------------------------------------------------------------------------------

TEST_P(CustomsContract, QuotaSumsEveryKindPerIdentityAndYear) {
  const std::string zhang = "110101199003071234";
  const std::string li = "110101198512120012";
  std::vector<QuotaEntry> entries{
      Quota(alpha_, zhang, 2026, 200'000, QuotaEntryKind::kOrder, 1),
      Quota(alpha_, zhang, 2026, 150'000, QuotaEntryKind::kOrder, 2),
      Quota(alpha_, zhang, 2026, -150'000, QuotaEntryKind::kCancel, 2),
      Quota(alpha_, zhang, 2026, -30'000, QuotaEntryKind::kReturn, 1),
      Quota(alpha_, zhang, 2025, 900'000, QuotaEntryKind::kOrder, 3),
      Quota(alpha_, li, 2026, 70'000, QuotaEntryKind::kOrder, 4),
      Quota(beta_, zhang, 2026, 500'000, QuotaEntryKind::kOrder, 5),
  };
  entries[3].ref = "return:4";
  {
    auto tx = Write();
    MustOk(tx->customs().AppendQuota(entries));
    MustOk(tx->Commit());
  }
  for (std::size_t i = 1; i < entries.size(); ++i) {
    EXPECT_GT(entries[i].id, entries[i - 1].id) << "ids increase in the order given";
  }
  auto rd = Read();
  EXPECT_EQ(Must(rd->customs().QuotaUsed(alpha_, "id_card", zhang, 2026)), 170'000);
  EXPECT_EQ(Must(rd->customs().QuotaUsed(alpha_, "id_card", zhang, 2025)), 900'000);
  EXPECT_EQ(Must(rd->customs().QuotaUsed(alpha_, "passport", zhang, 2026)), 0);
  EXPECT_EQ(Must(rd->customs().QuotaUsed(beta_, "id_card", zhang, 2026)), 500'000);
  EXPECT_EQ(Must(rd->customs().QuotaUsed(beta_, "id_card", li, 2026)), 0);

  const auto listed = Must(rd->customs().ListQuota(alpha_, "id_card", zhang, 2026));
  ASSERT_EQ(listed.size(), 4U);
  EXPECT_EQ(listed[0].id, entries[0].id);
  EXPECT_EQ(listed[2].kind, QuotaEntryKind::kCancel);
  EXPECT_EQ(listed[2].amount_fen, -150'000);
  EXPECT_EQ(listed[3].kind, QuotaEntryKind::kReturn);
  EXPECT_EQ(listed[3].ref, "return:4");
  EXPECT_EQ(listed[3].order_id, 1);
  EXPECT_EQ(listed[3].at, At(1));
  EXPECT_EQ(listed[3].id_number, zhang);
  EXPECT_EQ(listed[3].year, 2026);
  EXPECT_EQ(listed[3].tenant_id, alpha_);

  // Across tenants, from a year on, in (tenant, id type, number, year) order.
  const auto totals = Must(rd->customs().QuotaTotals(2026));
  ASSERT_EQ(totals.size(), 3U);
  EXPECT_EQ(totals[0].tenant_id, alpha_);
  EXPECT_EQ(totals[0].id_number, li);
  EXPECT_EQ(totals[0].used_fen, 70'000);
  EXPECT_EQ(totals[1].tenant_id, alpha_);
  EXPECT_EQ(totals[1].id_number, zhang);
  EXPECT_EQ(totals[1].id_type, "id_card");
  EXPECT_EQ(totals[1].year, 2026);
  EXPECT_EQ(totals[1].used_fen, 170'000);
  EXPECT_EQ(totals[2].tenant_id, beta_);
  EXPECT_EQ(totals[2].used_fen, 500'000);
  EXPECT_EQ(Must(rd->customs().QuotaTotals(2025)).size(), 4U);
}

TEST_P(CustomsContract, QuotaEntriesOfARolledBackTransactionLeaveNoTrace) {
  const std::string zhang = "110101199003071234";
  {
    auto tx = Write();
    std::vector<QuotaEntry> e{Quota(alpha_, zhang, 2026, 100'000, QuotaEntryKind::kOrder, 1)};
    MustOk(tx->customs().AppendQuota(e));
  }  // no commit
  {
    auto tx = Write();
    std::vector<QuotaEntry> e{Quota(alpha_, zhang, 2026, 5'000, QuotaEntryKind::kOrder, 2)};
    MustOk(tx->customs().AppendQuota(e));
    MustOk(tx->Commit());
  }
  auto rd = Read();
  EXPECT_EQ(Must(rd->customs().QuotaUsed(alpha_, "id_card", zhang, 2026)), 5'000);
  EXPECT_EQ(Must(rd->customs().ListQuota(alpha_, "id_card", zhang, 2026)).size(), 1U);
}

// --- goods-cap usage --------------------------------------------------------------------------

customs::GoodsCapEntry CapUse(TenantId tenant, std::string number, int year, std::string prefix,
                              std::int64_t milli, customs::GoodsCapEntryKind kind,
                              std::int64_t order_id, std::int64_t line_no) {
  customs::GoodsCapEntry e;
  e.tenant_id = tenant;
  e.id_type = "id_card";
  e.id_number = std::move(number);
  e.year = year;
  e.hs_prefix = std::move(prefix);
  e.amount_milli = milli;
  e.kind = kind;
  e.order_id = order_id;
  e.line_no = line_no;
  e.ref = "order:" + std::to_string(order_id);
  e.at = At(order_id);
  return e;
}

TEST_P(CustomsContract, GoodsCapUsageReadsBackPerIdentityAndSumsPerPrefix) {
  using customs::GoodsCapEntryKind;
  const std::string zhang = "110101199003071234";
  const std::string li = "110101198512120012";
  std::vector<customs::GoodsCapEntry> entries{
      CapUse(alpha_, zhang, 2026, "1701", 6'000, GoodsCapEntryKind::kOrder, 1, 1),
      CapUse(alpha_, zhang, 2026, "1006", 2'000, GoodsCapEntryKind::kOrder, 1, 2),
      CapUse(alpha_, zhang, 2026, "1701", 4'500, GoodsCapEntryKind::kOrder, 2, 1),
      CapUse(alpha_, zhang, 2026, "1701", -4'500, GoodsCapEntryKind::kCancel, 2, 1),
      CapUse(alpha_, zhang, 2025, "1701", 9'000, GoodsCapEntryKind::kOrder, 3, 1),
      CapUse(alpha_, li, 2026, "1701", 1'000, GoodsCapEntryKind::kOrder, 4, 1),
      CapUse(beta_, zhang, 2026, "1701", 7'000, GoodsCapEntryKind::kOrder, 5, 1),
  };
  entries[3].ref = "cancel:2";
  {
    auto tx = Write();
    MustOk(tx->customs().AppendGoodsCapUsage(entries));
    MustOk(tx->Commit());
  }
  auto rd = Read();
  const auto listed = Must(rd->customs().ListGoodsCapUsage(alpha_, "id_card", zhang, 2026));
  ASSERT_EQ(listed.size(), 4U);
  EXPECT_EQ(listed[0].hs_prefix, "1701");
  EXPECT_EQ(listed[0].amount_milli, 6'000);
  EXPECT_EQ(listed[1].hs_prefix, "1006");
  EXPECT_EQ(listed[1].line_no, 2);
  EXPECT_EQ(listed[3].kind, GoodsCapEntryKind::kCancel);
  EXPECT_EQ(listed[3].amount_milli, -4'500);
  EXPECT_EQ(listed[3].ref, "cancel:2");
  EXPECT_EQ(listed[3].order_id, 2);
  EXPECT_EQ(listed[3].at, At(2));
  EXPECT_EQ(listed[3].id_number, zhang);
  EXPECT_EQ(listed[3].year, 2026);
  EXPECT_EQ(listed[3].tenant_id, alpha_);
  EXPECT_TRUE(Must(rd->customs().ListGoodsCapUsage(beta_, "id_card", li, 2026)).empty());

  // Across tenants, from a year on, in (tenant, id type, number, year, prefix) order.
  const auto totals = Must(rd->customs().GoodsCapTotals(2026));
  ASSERT_EQ(totals.size(), 4U);
  EXPECT_EQ(totals[0].tenant_id, alpha_);
  EXPECT_EQ(totals[0].id_number, li);
  EXPECT_EQ(totals[0].used_milli, 1'000);
  EXPECT_EQ(totals[1].id_number, zhang);
  EXPECT_EQ(totals[1].hs_prefix, "1006");
  EXPECT_EQ(totals[1].used_milli, 2'000);
  EXPECT_EQ(totals[2].hs_prefix, "1701");
  EXPECT_EQ(totals[2].year, 2026);
  EXPECT_EQ(totals[2].used_milli, 6'000);
  EXPECT_EQ(totals[3].tenant_id, beta_);
  EXPECT_EQ(totals[3].used_milli, 7'000);
  EXPECT_EQ(Must(rd->customs().GoodsCapTotals(2025)).size(), 5U);
}

TEST_P(CustomsContract, GoodsCapUsageOfARolledBackTransactionLeavesNoTrace) {
  using customs::GoodsCapEntryKind;
  const std::string zhang = "110101199003071234";
  {
    auto tx = Write();
    const customs::GoodsCapEntry e[] = {
        CapUse(alpha_, zhang, 2026, "1701", 6'000, GoodsCapEntryKind::kOrder, 1, 1)};
    MustOk(tx->customs().AppendGoodsCapUsage(e));
  }  // no commit
  {
    auto tx = Write();
    const customs::GoodsCapEntry e[] = {
        CapUse(alpha_, zhang, 2026, "1701", 500, GoodsCapEntryKind::kOrder, 2, 1)};
    MustOk(tx->customs().AppendGoodsCapUsage(e));
    MustOk(tx->Commit());
  }
  auto rd = Read();
  const auto listed = Must(rd->customs().ListGoodsCapUsage(alpha_, "id_card", zhang, 2026));
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0].amount_milli, 500);
  const auto totals = Must(rd->customs().GoodsCapTotals(2026));
  ASSERT_EQ(totals.size(), 1U);
  EXPECT_EQ(totals[0].used_milli, 500);
}

// --- declarations -----------------------------------------------------------------------------

TEST_P(CustomsContract, DeclarationReadsBackWholeWithItsListNumber) {
  Declaration d = SampleDeclaration(alpha_, 12, "default", At(0));
  const Declaration stored = AddDeclaration(d);
  ASSERT_TRUE(stored.id.assigned());
  EXPECT_EQ(stored.version, 1);
  // "XB" + tenant + the id in 12 digits.
  char digits[16];
  std::snprintf(digits, sizeof digits, "%012lld", static_cast<long long>(stored.id.value()));
  EXPECT_EQ(stored.list.list_no, "XB" + std::to_string(alpha_.value()) + digits);

  auto rd = Read();
  const Declaration got = Must(rd->customs().GetDeclaration(alpha_, stored.id));
  ExpectSameDocuments(got, stored);
  EXPECT_EQ(got.tenant_id, alpha_);
  const auto found = Must(rd->customs().FindDeclarationByListNo(alpha_, stored.list.list_no));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, stored.id);
  EXPECT_FALSE(Must(rd->customs().FindDeclarationByListNo(beta_, stored.list.list_no)));
  EXPECT_EQ(rd->customs().GetDeclaration(beta_, stored.id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(rd->customs().GetDeclaration(alpha_, DeclarationId(999'999)).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(CustomsContract, DocumentTextWithQuotesBackslashesAndControlCharactersReadsBackUnchanged) {
  Declaration d = SampleDeclaration(alpha_, 13, "default", At(0));
  const std::string odd = std::string("a \"quoted\" \\ path\n\ttab\r\b\f") + '\x01' + '\x1f' +
                          "\x7f end 张三 😀 </script>";
  d.order.buyer.name = odd;
  d.order.buyer_phone = odd;
  d.order.lines[0].name = odd;
  d.order.lines[1].sku_code = "";
  d.payment.payer.id_number = odd;
  d.waybill.consignee = odd;
  d.list.ems_no = odd;
  d.list.lines = d.order.lines;
  d.checks = {{odd, true, odd}, {"", false, ""}};
  const Declaration stored = AddDeclaration(d);

  auto rd = Read();
  const Declaration got = Must(rd->customs().GetDeclaration(alpha_, stored.id));
  ExpectSameDocuments(got, stored);
  EXPECT_EQ(got.order.buyer.name, odd);
  EXPECT_EQ(got.order.lines[0].name, odd);
  EXPECT_EQ(got.waybill.consignee, odd);
  EXPECT_EQ(got.list.ems_no, odd);
  ASSERT_EQ(got.checks.size(), 2U);
  EXPECT_EQ(got.checks[0].check, odd);
  EXPECT_EQ(got.checks[0].detail, odd);
  EXPECT_TRUE(got.checks[0].passed);
  EXPECT_FALSE(got.checks[1].passed);
}

TEST_P(CustomsContract, ListNumbersAreUniquePerTenantAndGivenIdsAreKept) {
  Declaration a = SampleDeclaration(alpha_, 1, "default", At(0));
  a.list.list_no = "XB-CUSTOM-1";
  const Declaration stored = AddDeclaration(a);
  EXPECT_EQ(stored.list.list_no, "XB-CUSTOM-1");
  {
    auto tx = Write();
    Declaration b = SampleDeclaration(alpha_, 2, "default", At(1));
    b.list.list_no = "XB-CUSTOM-1";
    EXPECT_EQ(tx->customs().InsertDeclaration(b).status().code(), ErrorCode::kAlreadyExists);
    // The transaction goes on: another tenant may use the number; a given id is kept.
    Declaration c = SampleDeclaration(beta_, 3, "default", At(1));
    c.list.list_no = "XB-CUSTOM-1";
    MustOk(tx->customs().InsertDeclaration(c).status());
    Declaration given = SampleDeclaration(alpha_, 4, "default", At(2));
    given.id = DeclarationId(500);
    EXPECT_EQ(Must(tx->customs().InsertDeclaration(given)).id.value(), 500);
    // Ids handed out afterwards continue above it.
    EXPECT_GT(
        Must(tx->customs().InsertDeclaration(SampleDeclaration(alpha_, 5, "k", At(3)))).id.value(),
        500);
    MustOk(tx->Commit());
  }
  auto rd = Read();
  EXPECT_EQ(Must(rd->customs().ListDeclarations(alpha_, {})).second, 3);
  EXPECT_EQ(Must(rd->customs().ListDeclarations(beta_, {})).second, 1);
}

TEST_P(CustomsContract, DeclarationUpdatesAreOptimisticAndKeepTheListNumber) {
  const Declaration stored = AddDeclaration(SampleDeclaration(alpha_, 7, "default", At(0)));
  Declaration first = stored;
  Declaration second = stored;
  first.state = DeclarationState::kSubmitted;
  first.attempts = 1;
  first.next_attempt_at = std::nullopt;
  first.list.list_no = "SOMETHING-ELSE";
  first.updated_at = At(5);
  {
    auto tx = Write();
    MustOk(tx->customs().UpdateDeclaration(first));
    MustOk(tx->Commit());
  }
  EXPECT_EQ(first.version, 2);
  EXPECT_EQ(first.list.list_no, stored.list.list_no);
  second.state = DeclarationState::kCancelled;
  {
    auto tx = Write();
    EXPECT_EQ(tx->customs().UpdateDeclaration(second).code(), ErrorCode::kConflict);
    Declaration ghost = stored;
    ghost.id = DeclarationId(999'999);
    EXPECT_EQ(tx->customs().UpdateDeclaration(ghost).code(), ErrorCode::kNotFound);
    Declaration foreign = first;
    foreign.tenant_id = beta_;
    EXPECT_EQ(tx->customs().UpdateDeclaration(foreign).code(), ErrorCode::kNotFound);
  }
  Declaration third = first;
  third.state = DeclarationState::kReleased;
  third.released_at = At(60);
  third.reason = "放行 released";
  third.checks.push_back({"buyer_is_payer", true, "same identity"});
  third.updated_at = At(60);
  {
    auto tx = Write();
    MustOk(tx->customs().UpdateDeclaration(third));
    MustOk(tx->Commit());
  }
  EXPECT_EQ(third.version, 3);
  auto rd = Read();
  ExpectSameDocuments(Must(rd->customs().GetDeclaration(alpha_, stored.id)), third);
}

TEST_P(CustomsContract, ListDeclarationsFiltersAndPagesById) {
  std::vector<DeclarationId> ids;
  for (int i = 0; i < 7; ++i) {
    Declaration d = SampleDeclaration(alpha_, 100 + i % 3, "default", At(i));
    if (i % 2 == 1) d.state = DeclarationState::kSubmitted;
    ids.push_back(AddDeclaration(d).id);
  }
  AddDeclaration(SampleDeclaration(beta_, 100, "default", At(0)));
  auto rd = Read();
  DeclarationQuery q;
  q.limit = 3;
  auto [page1, total] = Must(rd->customs().ListDeclarations(alpha_, q));
  EXPECT_EQ(total, 7);
  ASSERT_EQ(page1.size(), 3U);
  EXPECT_EQ(page1[0].id, ids[0]);
  EXPECT_EQ(page1[2].id, ids[2]);
  q.after_id = page1.back().id.value();
  auto [page2, total2] = Must(rd->customs().ListDeclarations(alpha_, q));
  EXPECT_EQ(total2, 7);
  ASSERT_EQ(page2.size(), 3U);
  EXPECT_EQ(page2[0].id, ids[3]);

  DeclarationQuery by_state;
  by_state.state = DeclarationState::kSubmitted;
  auto [submitted, n_submitted] = Must(rd->customs().ListDeclarations(alpha_, by_state));
  EXPECT_EQ(n_submitted, 3);
  for (const auto& d : submitted) EXPECT_EQ(d.state, DeclarationState::kSubmitted);

  DeclarationQuery by_order;
  by_order.order_id = 101;
  auto [of_order, n_of_order] = Must(rd->customs().ListDeclarations(alpha_, by_order));
  EXPECT_EQ(n_of_order, 2);  // i = 1 and 4
  for (const auto& d : of_order) EXPECT_EQ(d.order_id, 101);

  DeclarationQuery by_list;
  by_list.list_no = page1[1].list.list_no;
  auto [one, n_one] = Must(rd->customs().ListDeclarations(alpha_, by_list));
  EXPECT_EQ(n_one, 1);
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].id, ids[1]);
}

TEST_P(CustomsContract, AKeysQueuedRowsAreDueFromCreationOrTheirNextAttemptEarliestFirst) {
  // Never tried: due from created_at. Retried: due from next_attempt_at. Ties go by id, across
  // tenants.
  const auto a = AddDeclaration(SampleDeclaration(alpha_, 1, "k1", At(10)));
  const auto b = AddDeclaration(SampleDeclaration(beta_, 2, "k1", At(0), At(30)));
  const auto c = AddDeclaration(SampleDeclaration(alpha_, 3, "k1", At(5)));
  const auto later = AddDeclaration(SampleDeclaration(alpha_, 4, "k1", At(0), At(500)));
  Declaration sent = SampleDeclaration(alpha_, 5, "k1", At(1));
  sent.state = DeclarationState::kSubmitted;
  AddDeclaration(sent);
  const auto tie = AddDeclaration(SampleDeclaration(beta_, 6, "k1", At(10)));

  auto rd = Read();
  auto ids = [](const std::vector<Declaration>& ds) {
    std::vector<std::int64_t> out;
    for (const auto& d : ds) out.push_back(d.id.value());
    return out;
  };
  EXPECT_EQ(ids(Must(rd->customs().DueForSigningKey(At(100), "k1", 10))),
            (std::vector<std::int64_t>{c.id.value(), a.id.value(), tie.id.value(), b.id.value()}));
  EXPECT_EQ(ids(Must(rd->customs().DueForSigningKey(At(100), "k1", 2))),
            (std::vector<std::int64_t>{c.id.value(), a.id.value()}));
  EXPECT_EQ(ids(Must(rd->customs().DueForSigningKey(At(10), "k1", 10))),
            (std::vector<std::int64_t>{c.id.value(), a.id.value(), tie.id.value()}));
  EXPECT_TRUE(Must(rd->customs().DueForSigningKey(At(4), "k1", 10)).empty());
  EXPECT_EQ(ids(Must(rd->customs().DueForSigningKey(At(1000), "k1", 10))).size(), 5U);
  rd.reset();

  // A failed attempt moves it back; a submission takes it out of the queue.
  Declaration retry = c;
  retry.attempts = 1;
  retry.next_attempt_at = At(200);
  Declaration gone = a;
  gone.state = DeclarationState::kSubmitted;
  {
    auto tx = Write();
    MustOk(tx->customs().UpdateDeclaration(retry));
    MustOk(tx->customs().UpdateDeclaration(gone));
    MustOk(tx->Commit());
  }
  rd = Read();
  EXPECT_EQ(ids(Must(rd->customs().DueForSigningKey(At(100), "k1", 10))),
            (std::vector<std::int64_t>{tie.id.value(), b.id.value()}));
  EXPECT_EQ(ids(Must(rd->customs().DueForSigningKey(At(600), "k1", 10))),
            (std::vector<std::int64_t>{tie.id.value(), b.id.value(), retry.id.value(),
                                       later.id.value()}));
}

TEST_P(CustomsContract, EachSigningKeysQueueIsTakenOnItsOwnEarliestFirst) {
  // k1 has a long backlog, older than k2's; k3 has only a declaration waiting for its retry; k4
  // only sent ones. Keys span tenants.
  std::vector<std::int64_t> k1;
  {
    auto tx = Write();
    for (int i = 0; i < 40; ++i) {
      k1.push_back(Must(tx->customs().InsertDeclaration(
                            SampleDeclaration(i % 2 == 0 ? alpha_ : beta_, i, "k1", At(40 - i))))
                       .id.value());
    }
    MustOk(tx->Commit());
  }
  const auto k2 = AddDeclaration(SampleDeclaration(beta_, 100, "k2", At(50)));
  const auto k3 = AddDeclaration(SampleDeclaration(alpha_, 101, "k3", At(0), At(500)));
  Declaration sent = SampleDeclaration(alpha_, 102, "k4", At(1));
  sent.state = DeclarationState::kSubmitted;
  AddDeclaration(sent);

  auto rd = Read();
  EXPECT_EQ(Must(rd->customs().QueuedSigningKeys()), (std::vector<std::string>{"k1", "k2", "k3"}));
  auto ids = [](const std::vector<Declaration>& ds) {
    std::vector<std::int64_t> out;
    for (const auto& d : ds) out.push_back(d.id.value());
    return out;
  };
  // Due first (k1's were created later the lower their number).
  EXPECT_EQ(ids(Must(rd->customs().DueForSigningKey(At(100), "k1", 3))),
            (std::vector<std::int64_t>{k1[39], k1[38], k1[37]}));
  EXPECT_EQ(ids(Must(rd->customs().DueForSigningKey(At(100), "k2", 3))),
            (std::vector<std::int64_t>{k2.id.value()}));
  EXPECT_EQ(Must(rd->customs().DueForSigningKey(At(100), "k1", 100)).size(), 40U);
  EXPECT_EQ(Must(rd->customs().DueForSigningKey(At(10), "k1", 100)).size(), 10U);  // At(1..10)
  EXPECT_TRUE(Must(rd->customs().DueForSigningKey(At(49), "k2", 3)).empty());
  EXPECT_TRUE(Must(rd->customs().DueForSigningKey(At(100), "k3", 3)).empty());
  EXPECT_EQ(ids(Must(rd->customs().DueForSigningKey(At(500), "k3", 3))),
            (std::vector<std::int64_t>{k3.id.value()}));
  EXPECT_TRUE(Must(rd->customs().DueForSigningKey(At(1000), "k4", 3)).empty());
  EXPECT_TRUE(Must(rd->customs().DueForSigningKey(At(1000), "nobody", 3)).empty());
  const auto got = Must(rd->customs().DueForSigningKey(At(100), "k2", 1));
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].tenant_id, beta_);
  EXPECT_EQ(got[0].list.list_no, k2.list.list_no);
  rd.reset();

  // Once a key's last queued declaration leaves the queue, the key is no longer listed.
  Declaration done = k2;
  done.state = DeclarationState::kSubmitted;
  {
    auto tx = Write();
    MustOk(tx->customs().UpdateDeclaration(done));
    MustOk(tx->Commit());
  }
  EXPECT_EQ(Must(Read()->customs().QueuedSigningKeys()), (std::vector<std::string>{"k1", "k3"}));
}

TEST_P(CustomsContract, QueueBacklogCountsPerSigningKey) {
  AddDeclaration(SampleDeclaration(alpha_, 1, "shop-b", At(30)));
  AddDeclaration(SampleDeclaration(alpha_, 2, "shop-a", At(20)));
  AddDeclaration(SampleDeclaration(alpha_, 3, "shop-a", At(10), At(400)));
  Declaration sent = SampleDeclaration(alpha_, 4, "shop-a", At(1));
  sent.state = DeclarationState::kSubmitted;
  AddDeclaration(sent);
  Declaration only_sent = SampleDeclaration(alpha_, 5, "shop-c", At(1));
  only_sent.state = DeclarationState::kSubmitted;
  AddDeclaration(only_sent);
  Declaration done = SampleDeclaration(alpha_, 6, "shop-d", At(1));
  done.state = DeclarationState::kReleased;
  AddDeclaration(done);
  AddDeclaration(SampleDeclaration(beta_, 7, "shop-a", At(0)));

  auto rd = Read();
  const auto stats = Must(rd->customs().QueueBacklog(alpha_));
  ASSERT_EQ(stats.size(), 3U);
  EXPECT_EQ(stats[0].signing_key, "shop-a");
  EXPECT_EQ(stats[0].queued, 2);
  EXPECT_EQ(stats[0].submitted, 1);
  EXPECT_EQ(stats[0].oldest_queued_at, At(10));
  EXPECT_EQ(stats[1].signing_key, "shop-b");
  EXPECT_EQ(stats[1].queued, 1);
  EXPECT_EQ(stats[1].submitted, 0);
  EXPECT_EQ(stats[1].oldest_queued_at, At(30));
  EXPECT_EQ(stats[2].signing_key, "shop-c");
  EXPECT_EQ(stats[2].queued, 0);
  EXPECT_EQ(stats[2].submitted, 1);
  EXPECT_EQ(stats[2].oldest_queued_at, std::nullopt);
  EXPECT_TRUE(Must(rd->customs().QueueBacklog(TenantId(999))).empty());
}

TEST_P(CustomsContract, AThousandDeclarationsInOneTransactionGetDistinctIncreasingIds) {
  std::vector<std::int64_t> ids;
  {
    auto tx = Write();
    for (int i = 0; i < 1000; ++i) {
      ids.push_back(Must(tx->customs().InsertDeclaration(
                             SampleDeclaration(i % 2 == 0 ? alpha_ : beta_, i, "default", At(i))))
                        .id.value());
    }
    MustOk(tx->Commit());
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), ids.size());
  auto rd = Read();
  EXPECT_EQ(Must(rd->customs().ListDeclarations(alpha_, {})).second, 500);
  EXPECT_EQ(Must(rd->customs().DueForSigningKey(At(2000), "default", 2000)).size(), 1000U);
}

TEST_P(CustomsContract, ATransactionReadsItsOwnWritesAndARollbackLeavesNone) {
  const std::string zhang = "110101199003071234";
  {
    auto tx = Write();
    std::vector<QuotaEntry> q{Quota(alpha_, zhang, 2026, 100'000, QuotaEntryKind::kOrder, 1)};
    MustOk(tx->customs().AppendQuota(q));
    const Declaration d =
        Must(tx->customs().InsertDeclaration(SampleDeclaration(alpha_, 1, "default", At(0))));
    std::vector<AccountEntry> e{
        Entry(alpha_, "T2923W000001", 3, 501, AccountEntryKind::kInbound, 10)};
    MustOk(tx->customs().AppendAccountEntries(e));
    EXPECT_EQ(Must(tx->customs().QuotaUsed(alpha_, "id_card", zhang, 2026)), 100'000);
    EXPECT_EQ(Must(tx->customs().GetDeclaration(alpha_, d.id)).list.list_no, d.list.list_no);
    EXPECT_EQ(Must(tx->customs().DueForSigningKey(At(10), "default", 10)).size(), 1U);
    EXPECT_EQ(Must(tx->customs().AccountBalances(alpha_, "T2923W000001")).size(), 1U);
    // Written after a read: still part of the transaction.
    std::vector<QuotaEntry> more{Quota(alpha_, zhang, 2026, 1'000, QuotaEntryKind::kOrder, 2)};
    MustOk(tx->customs().AppendQuota(more));
    EXPECT_GT(more[0].id, q[0].id);
    EXPECT_EQ(Must(tx->customs().QuotaUsed(alpha_, "id_card", zhang, 2026)), 101'000);
  }  // rolled back
  auto rd = Read();
  EXPECT_EQ(Must(rd->customs().QuotaUsed(alpha_, "id_card", zhang, 2026)), 0);
  EXPECT_EQ(Must(rd->customs().ListDeclarations(alpha_, {})).second, 0);
  EXPECT_TRUE(Must(rd->customs().DueForSigningKey(At(10), "default", 10)).empty());
  EXPECT_TRUE(Must(rd->customs().AccountBalances(alpha_, "T2923W000001")).empty());
}

// --- receipts ---------------------------------------------------------------------------------

TEST_P(CustomsContract, AReceiptIsStoredOnceAndOnlyForAKnownDeclaration) {
  const auto d = AddDeclaration(SampleDeclaration(alpha_, 1, "default", At(0)));
  Receipt accepted{"R-1", d.list.list_no, ReceiptKind::kAccepted, "", At(10)};
  Receipt held{"R-2", d.list.list_no, ReceiptKind::kInspectionHold, "查验 inspection", At(20)};
  {
    auto tx = Write();
    MustOk(tx->customs().InsertReceipt(alpha_, d.id, accepted));
    EXPECT_EQ(tx->customs().InsertReceipt(alpha_, d.id, accepted).code(),
              ErrorCode::kAlreadyExists);
    EXPECT_EQ(tx->customs().InsertReceipt(alpha_, DeclarationId(999'999), held).code(),
              ErrorCode::kNotFound);
    EXPECT_EQ(tx->customs().InsertReceipt(beta_, d.id, held).code(), ErrorCode::kNotFound);
    // The transaction goes on after the refusals.
    MustOk(tx->customs().InsertReceipt(alpha_, d.id, held));
    MustOk(tx->Commit());
  }
  {
    auto tx = Write();
    EXPECT_EQ(tx->customs().InsertReceipt(alpha_, d.id, held).code(), ErrorCode::kAlreadyExists);
  }
  auto rd = Read();
  const auto receipts = Must(rd->customs().ListReceipts(alpha_, d.id));
  ASSERT_EQ(receipts.size(), 2U);
  EXPECT_EQ(receipts[0].receipt_id, "R-1");
  EXPECT_EQ(receipts[0].kind, ReceiptKind::kAccepted);
  EXPECT_EQ(receipts[1].receipt_id, "R-2");
  EXPECT_EQ(receipts[1].list_no, d.list.list_no);
  EXPECT_EQ(receipts[1].kind, ReceiptKind::kInspectionHold);
  EXPECT_EQ(receipts[1].reason, "查验 inspection");
  EXPECT_EQ(receipts[1].at, At(20));
  EXPECT_TRUE(Must(rd->customs().ListReceipts(beta_, d.id)).empty());
}

// --- the receipt feed's cursor ----------------------------------------------------------------

TEST_P(CustomsContract, TheReceiptCursorIsEmptyAtFirstAndReadsBackPerFeed) {
  EXPECT_EQ(Must(Read()->customs().ReceiptCursor("customs")), "");
  {
    auto tx = Write();
    MustOk(tx->customs().SaveReceiptCursor("customs", "page:1", At(1)));
    EXPECT_EQ(Must(tx->customs().ReceiptCursor("customs")), "page:1");  // its own write
    MustOk(tx->Commit());
  }
  // An opaque token: any text comes back as it went in, and saving replaces it.
  const std::string token =
      "eyJvIjoiMTIzNDU2Nzg5MCIsInQiOiIyMDI2LTExLTI1In0=+/ \"'\n" + std::string(400, 'x') + "查验";
  {
    auto tx = Write();
    MustOk(tx->customs().SaveReceiptCursor("customs", token, At(2)));
    MustOk(tx->customs().SaveReceiptCursor("sandbox", "s-9", At(2)));
    MustOk(tx->Commit());
  }
  {
    auto tx = Write();
    MustOk(tx->customs().SaveReceiptCursor("customs", "page:3", At(3)));
  }  // rolled back
  auto rd = Read();
  EXPECT_EQ(Must(rd->customs().ReceiptCursor("customs")), token);
  EXPECT_EQ(Must(rd->customs().ReceiptCursor("sandbox")), "s-9");
  EXPECT_EQ(Must(rd->customs().ReceiptCursor("other")), "");
}

TEST_P(CustomsContract, TheReceiptCursorSurvivesReopeningTheDatabase) {
  if (!Sql()) GTEST_SKIP() << "a memory database ends with its process";
  {
    auto tx = Write();
    MustOk(tx->customs().SaveReceiptCursor("customs", "page:42", At(1)));
    MustOk(tx->Commit());
  }
  db_.reset();
  db_ = Must(storage::OpenDatabase(url_));
  EXPECT_EQ(Must(Read()->customs().ReceiptCursor("customs")), "page:42");
  {
    auto tx = Write();
    MustOk(tx->customs().SaveReceiptCursor("customs", "page:43", At(2)));
    MustOk(tx->Commit());
  }
  EXPECT_EQ(Must(Read()->customs().ReceiptCursor("customs")), "page:43");
}

TEST_P(CustomsContract, ADatabaseBeforeMigration12GetsTheReceiptCursorTable) {
  if (!Sql()) GTEST_SKIP() << "a memory database has no migrations";
  const auto d = AddDeclaration(SampleDeclaration(alpha_, 1, "default", At(0)));
  // The database as it was before 0012: no cursor table, version 11.
  db_.reset();
  {
    auto raw = Must(GetParam() == "sqlite" ? sqlite::OpenConnection(sqlite_path_)
                                           : postgres::OpenConnection(url_));
    MustOk(raw->ExecScript("DROP TABLE customs_receipt_cursor"));
    Must(raw->Execute("DELETE FROM schema_migration WHERE version = 12", {}));
  }
  db_ = Must(storage::OpenDatabase(url_));  // applies 0012 again
  EXPECT_GE(Must(db_->SchemaVersion()), 12);
  EXPECT_EQ(Must(Read()->customs().ReceiptCursor("customs")), "");
  {
    auto tx = Write();
    MustOk(tx->customs().SaveReceiptCursor("customs", "page:1", At(1)));
    MustOk(tx->Commit());
  }
  auto rd = Read();
  EXPECT_EQ(Must(rd->customs().ReceiptCursor("customs")), "page:1");
  EXPECT_EQ(Must(rd->customs().GetDeclaration(alpha_, d.id)).list.list_no, d.list.list_no);
}

// --- returns ----------------------------------------------------------------------------------

TEST_P(CustomsContract, ReturnsReadBackUpdateOptimisticallyAndListByOrder) {
  Return r;
  r.tenant_id = alpha_;
  r.order_id = 42;
  r.declaration_id = DeclarationId(7);
  r.reason = "不想要了 changed mind";
  ReturnLine line;
  line.order_line_id = 88;
  line.quantity = 2;
  line.value_fen = 40'000;
  line.tax_fen = 3'640;
  r.lines = {line};
  r.requested_at = At(0);
  r.apply_by = Day(2025, 12, 20);
  r.arrive_by = Day(2026, 1, 4);
  r.created_at = At(0);
  r.updated_at = At(0);
  Return stored;
  {
    auto tx = Write();
    stored = Must(tx->customs().InsertReturn(r));
    MustOk(tx->customs().InsertReturn(r).status());  // another return of the order
    Return other = r;
    other.tenant_id = beta_;
    MustOk(tx->customs().InsertReturn(other).status());
    MustOk(tx->Commit());
  }
  EXPECT_TRUE(stored.id.assigned());
  EXPECT_EQ(stored.version, 1);

  Return received = stored;
  received.state = ReturnState::kReshelved;
  received.received_at = At(3600);
  received.lines[0].lot_number = "L2025-09";
  received.lines[0].expiry_date = Day(2027, 9, 1);
  received.lines[0].outcome = "reshelved";
  received.updated_at = At(3600);
  Return stale = stored;
  {
    auto tx = Write();
    MustOk(tx->customs().UpdateReturn(received));
    EXPECT_EQ(received.version, 2);
    EXPECT_EQ(tx->customs().UpdateReturn(stale).code(), ErrorCode::kConflict);
    MustOk(tx->Commit());
  }
  auto rd = Read();
  const Return got = Must(rd->customs().GetReturn(alpha_, stored.id));
  EXPECT_EQ(got.order_id, 42);
  EXPECT_EQ(got.declaration_id, DeclarationId(7));
  EXPECT_EQ(got.state, ReturnState::kReshelved);
  EXPECT_EQ(got.reason, "不想要了 changed mind");
  EXPECT_EQ(got.requested_at, At(0));
  EXPECT_EQ(got.received_at, At(3600));
  EXPECT_EQ(got.apply_by, Day(2025, 12, 20));
  EXPECT_EQ(got.arrive_by, Day(2026, 1, 4));
  EXPECT_EQ(got.updated_at, At(3600));
  EXPECT_EQ(got.version, 2);
  ASSERT_EQ(got.lines.size(), 1U);
  EXPECT_EQ(got.lines[0].order_line_id, 88);
  EXPECT_EQ(got.lines[0].quantity, 2);
  EXPECT_EQ(got.lines[0].value_fen, 40'000);
  EXPECT_EQ(got.lines[0].tax_fen, 3'640);
  EXPECT_EQ(got.lines[0].lot_number, "L2025-09");
  EXPECT_EQ(got.lines[0].expiry_date, Day(2027, 9, 1));
  EXPECT_EQ(got.lines[0].outcome, "reshelved");
  EXPECT_EQ(rd->customs().GetReturn(beta_, stored.id).status().code(), ErrorCode::kNotFound);

  auto [of_order, total] = Must(rd->customs().ListReturns(alpha_, 42, 0, 1));
  EXPECT_EQ(total, 2);
  ASSERT_EQ(of_order.size(), 1U);
  EXPECT_EQ(of_order[0].id, stored.id);
  auto [rest, total2] = Must(rd->customs().ListReturns(alpha_, 42, stored.id.value(), 10));
  EXPECT_EQ(total2, 2);
  ASSERT_EQ(rest.size(), 1U);
  EXPECT_GT(rest[0].id.value(), stored.id.value());
  EXPECT_EQ(Must(rd->customs().ListReturns(alpha_, 43, 0, 10)).second, 0);
  EXPECT_EQ(Must(rd->customs().ListReturns(alpha_, std::nullopt, 0, 10)).second, 2);
}

// --- the account book -------------------------------------------------------------------------

TEST_P(CustomsContract, AccountBookBalancesPerWarehouseAndSku) {
  std::vector<AccountEntry> entries{
      Entry(alpha_, "T2923W000001", 3, 501, AccountEntryKind::kInbound, 100),
      Entry(alpha_, "T2923W000001", 3, 501, AccountEntryKind::kOutbound, -30),
      Entry(alpha_, "T2923W000001", 3, 501, AccountEntryKind::kReturnInbound, 2),
      Entry(alpha_, "T2923W000001", 3, 502, AccountEntryKind::kInbound, 40),
      Entry(alpha_, "T2923W000001", 2, 502, AccountEntryKind::kAdjustment, -1),
      Entry(alpha_, "T2923W000009", 3, 501, AccountEntryKind::kInbound, 7),
      Entry(beta_, "T2923W000001", 3, 501, AccountEntryKind::kInbound, 1000),
  };
  {
    auto tx = Write();
    MustOk(tx->customs().AppendAccountEntries(entries));
    MustOk(tx->Commit());
  }
  for (std::size_t i = 1; i < entries.size(); ++i) EXPECT_GT(entries[i].id, entries[i - 1].id);
  auto rd = Read();
  const auto balances = Must(rd->customs().AccountBalances(alpha_, "T2923W000001"));
  ASSERT_EQ(balances.size(), 3U);
  EXPECT_EQ(balances[0].warehouse_id, 2);
  EXPECT_EQ(balances[0].sku_id, 502);
  EXPECT_EQ(balances[0].quantity, -1);
  EXPECT_EQ(balances[1].warehouse_id, 3);
  EXPECT_EQ(balances[1].sku_id, 501);
  EXPECT_EQ(balances[1].quantity, 72);
  EXPECT_EQ(balances[2].sku_id, 502);
  EXPECT_EQ(balances[2].quantity, 40);

  auto [page, total] = Must(rd->customs().ListAccountEntries(alpha_, "T2923W000001", 0, 2));
  EXPECT_EQ(total, 5);
  ASSERT_EQ(page.size(), 2U);
  EXPECT_EQ(page[0].id, entries[0].id);
  EXPECT_EQ(page[0].ems_no, "T2923W000001");
  EXPECT_EQ(page[0].warehouse_id, 3);
  EXPECT_EQ(page[0].sku_id, 501);
  EXPECT_EQ(page[0].hs_code, "33049900");
  EXPECT_EQ(page[0].kind, AccountEntryKind::kInbound);
  EXPECT_EQ(page[0].quantity, 100);
  EXPECT_EQ(page[0].ref, "list:XB1");
  EXPECT_EQ(page[0].at, At(100));
  EXPECT_EQ(page[1].kind, AccountEntryKind::kOutbound);
  auto [next, total2] =
      Must(rd->customs().ListAccountEntries(alpha_, "T2923W000001", page[1].id, 10));
  EXPECT_EQ(total2, 5);
  ASSERT_EQ(next.size(), 3U);
  EXPECT_EQ(next[0].kind, AccountEntryKind::kReturnInbound);
  EXPECT_TRUE(Must(rd->customs().AccountBalances(beta_, "T2923W000009")).empty());
}

INSTANTIATE_TEST_SUITE_P(Adapters, CustomsContract,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::contract
