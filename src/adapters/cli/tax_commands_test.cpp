// The tax calculator: the JSON of the issue in, the public vectors out (in JSON and in the
// table), bad input naming the field, and the rule rows read from a database.
#include "adapters/cli/tax_commands.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "adapters/memory/memory_database.h"
#include "adapters/storage/open_database.h"
#include "domain/customs/testing/public_rules.h"

namespace xb::cli {
namespace {

using nlohmann::json;
namespace pr = customs::public_rules;

json SkinCare() {
  return json::parse(R"({"date":"2026-11-20","annual_used":"0.00","lines":[{"value":"425.00",
    "quantity":1,"legal_quantity":20,"legal_unit":"g","hs_code":"33049900","vat_rate":"0.13",
    "consumption_tax":"high_end_cosmetics","tariff_rate":"0.00"}]})");
}

TEST(TaxQuoteCommandTest, SkinCareIsTheDomainPagesVector) {
  auto out = QuoteFromJson(SkinCare(), pr::PublicRuleBook());
  ASSERT_TRUE(out.ok()) << out.status().message();
  const json& q = *out;
  EXPECT_EQ(q["channel"], "cbec");
  EXPECT_EQ(q["consumption_tax"], "52.50");
  EXPECT_EQ(q["vat"], "45.50");
  EXPECT_EQ(q["tariff"], "0.00");
  EXPECT_EQ(q["total_tax"], "98.00");
  ASSERT_EQ(q["lines"].size(), 1U);
  const json& l = q["lines"][0];
  EXPECT_EQ(l["ref"], "1");
  EXPECT_EQ(l["dutiable"], "425.00");
  EXPECT_EQ(l["consumption_tax"], "52.50");
  EXPECT_EQ(l["vat"], "45.50");
  EXPECT_EQ(l["total"], "98.00");
  EXPECT_EQ(l["unit_price"], "21.25");
  EXPECT_EQ(l["rates"]["vat"], "0.13");
  EXPECT_EQ(l["rates"]["consumption_tax"], "0.15");
  EXPECT_EQ(l["rates"]["share"], "0.7");
  EXPECT_EQ(l["rates"]["composite"], "0.230588");
  EXPECT_NE(std::find(l["rules_used"].begin(), l["rules_used"].end(), pr::kCosmeticsRate),
            l["rules_used"].end());
  EXPECT_FALSE(l["notes"].empty());
}

TEST(TaxQuoteCommandTest, MilkPowderRatesComeFromTheRuleRows) {
  const json in = json::parse(R"({"date":"2026-11-20","annual_used":"0.00","lines":[
    {"value":"200.00","quantity":1,"legal_quantity":800,"legal_unit":"g","hs_code":"19011010"}]})");
  auto out = QuoteFromJson(in, pr::PublicRuleBook());
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)["channel"], "cbec");
  EXPECT_EQ((*out)["total_tax"], "18.20");
  EXPECT_EQ((*out)["lines"][0]["rates"]["vat"], "0.13");
  EXPECT_EQ((*out)["lines"][0]["rates"]["composite"], "0.091");
  // In 2018-06 the same tin paid VAT at 16%.
  json old = in;
  old["date"] = "2018-06-01";
  out = QuoteFromJson(old, pr::PublicRuleBook());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)["total_tax"], "22.40");
}

TEST(TaxQuoteCommandTest, GeneralTradeSaysWhy) {
  const json in = json::parse(R"({"date":"2026-11-20","annual_used":"25000.00","lines":[
    {"value":"3000.00","quantity":1,"hs_code":"19011010"},
    {"value":"2500.00","quantity":2,"hs_code":"19011090"}]})");
  auto out = QuoteFromJson(in, pr::PublicRuleBook());
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)["channel"], "general_trade");
  ASSERT_EQ((*out)["reasons"].size(), 2U);
  const std::string single = (*out)["reasons"][0];
  const std::string annual = (*out)["reasons"][1];
  EXPECT_EQ(single.rfind("single_limit: order value 5,500.00", 0), 0U) << single;
  EXPECT_NE(annual.find("26,000.00"), std::string::npos) << annual;
}

TEST(TaxQuoteCommandTest, SingleItemOverTheLimitIsFullRate) {
  const json in = json::parse(R"({"date":"2026-11-20","annual_used":"0.00","lines":[
    {"value":"6000.00","quantity":1,"legal_quantity":50,"legal_unit":"g","hs_code":"33049900",
     "consumption_tax":"high_end_cosmetics","tariff_rate":"0.05"}]})");
  auto out = QuoteFromJson(in, pr::PublicRuleBook());
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)["channel"], "cbec_full_rate");
  EXPECT_EQ((*out)["tariff"], "300.00");
  EXPECT_EQ((*out)["consumption_tax"], "1111.76");
  EXPECT_EQ((*out)["vat"], "963.53");
  EXPECT_EQ((*out)["total_tax"], "2375.29");
  EXPECT_EQ((*out)["lines"][0]["rates"]["share"], "1");
}

TEST(TaxQuoteCommandTest, TheTableShowsTheBreakdownAndTheNotes) {
  auto out = RunTaxQuote(SkinCare().dump(), pr::PublicRuleBook(), false);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const std::string& t = *out;
  EXPECT_NE(t.find("channel: cbec (tax share 0.7, date 2026-11-20)"), std::string::npos) << t;
  EXPECT_NE(t.find("52.50"), std::string::npos) << t;
  EXPECT_NE(t.find("45.50"), std::string::npos) << t;
  EXPECT_NE(t.find("98.00"), std::string::npos) << t;
  EXPECT_NE(t.find("21.25/g"), std::string::npos) << t;
  EXPECT_NE(t.find("0.230588"), std::string::npos) << t;
  EXPECT_NE(t.find("threshold 10.00/g"), std::string::npos) << t;
  EXPECT_EQ(t.find("not for the CBEC channel"), std::string::npos) << t;
}

TEST(TaxQuoteCommandTest, JsonTextIsTheSameQuote) {
  auto out = RunTaxQuote(SkinCare().dump(), pr::PublicRuleBook(), true);
  ASSERT_TRUE(out.ok());
  const json q = json::parse(*out);
  EXPECT_EQ(q["total_tax"], "98.00");
}

TEST(TaxQuoteCommandTest, BadInputNamesTheField) {
  const customs::RuleBook book = pr::PublicRuleBook();
  const auto field_of = [&](const std::string& text) {
    auto out = RunTaxQuote(text, book, true);
    EXPECT_FALSE(out.ok()) << text;
    if (!out.ok()) {
      EXPECT_EQ(out.status().code(), ErrorCode::kInvalidArgument) << text;
    }
    return out.ok() ? std::string("<ok>") : out.status().message();
  };
  EXPECT_NE(field_of("not json").find("JSON"), std::string::npos);
  EXPECT_NE(field_of("[1]").find("object"), std::string::npos);
  json in = SkinCare();
  in["lines"][0]["value"] = "4.255";
  EXPECT_NE(field_of(in.dump()).find("lines[0].value"), std::string::npos);
  in = SkinCare();
  in["lines"][0]["quantity"] = 0;
  EXPECT_NE(field_of(in.dump()).find("lines[0].quantity"), std::string::npos);
  in = SkinCare();
  in["lines"][0]["legal_unit"] = "bottle";
  EXPECT_NE(field_of(in.dump()).find("lines[0].legal_unit"), std::string::npos);
  in = SkinCare();
  in["lines"][0]["consumption_tax"] = "lots";
  EXPECT_NE(field_of(in.dump()).find("lines[0].consumption_tax"), std::string::npos);
  in = SkinCare();
  in["date"] = "2026-13-01";
  EXPECT_NE(field_of(in.dump()).find("date"), std::string::npos);
  in = SkinCare();
  in["lines"] = json::array();
  EXPECT_NE(field_of(in.dump()).find("lines"), std::string::npos);
  in = SkinCare();
  in["colour"] = "red";
  EXPECT_NE(field_of(in.dump()).find("colour"), std::string::npos);
}

// The rule rows come from the store: an empty database has none, so nothing can be quoted.
TEST(TaxQuoteCommandTest, RulesAreReadFromTheDatabase) {
  auto db = memory::NewMemoryDatabase();
  auto out = RunTaxQuote(*db, SkinCare().dump(), TaxQuoteOptions{1, true});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("single_limit"), std::string::npos)
      << out.status().message();
  {
    auto tx = db->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    for (const customs::RuleRow& row : pr::PublicRuleRows()) {
      ASSERT_TRUE((*tx)->customs().InsertRule(row).ok());
    }
    const auto list = pr::PublicPositiveList();
    ASSERT_TRUE((*tx)->customs().InsertPositiveList(list).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  out = RunTaxQuote(*db, SkinCare().dump(), TaxQuoteOptions{1, true});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(json::parse(*out)["total_tax"], "98.00");
}

// A fresh SQLite database carries the public rows (migration 0004): HS codes find their rates.
TEST(TaxQuoteCommandTest, AFreshSqliteDatabaseQuotesThePublicVectors) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("xb_tax_quote_" + std::to_string(::getpid()) + ".db"))
                               .string();
  {
    auto db = storage::OpenDatabase("sqlite:" + path);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    const std::string input = R"({"date":"2026-11-20","annual_used":"0.00","lines":[
      {"ref":"milk","value":"200.00","quantity":1,"legal_quantity":800,"legal_unit":"g",
       "hs_code":"19011010"},
      {"ref":"cream","value":"425.00","quantity":1,"legal_quantity":20,"legal_unit":"g",
       "hs_code":"33049900","consumption_tax":"high_end_cosmetics"}]})";
    auto out = RunTaxQuote(**db, input, TaxQuoteOptions{1, true});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const json q = json::parse(*out);
    EXPECT_EQ(q["channel"], "cbec");
    EXPECT_EQ(q["lines"][0]["total"], "18.20");
    EXPECT_EQ(q["lines"][1]["consumption_tax"], "52.50");
    EXPECT_EQ(q["lines"][1]["vat"], "45.50");
    EXPECT_EQ(q["total_tax"], "116.20");

    const std::string wine = R"({"date":"2026-11-20","lines":[
      {"value":"300.00","quantity":1,"hs_code":"22042100"}]})";
    out = RunTaxQuote(**db, wine, TaxQuoteOptions{1, false});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_NE(out->find("channel: general_trade"), std::string::npos) << *out;
    EXPECT_NE(out->find("positive_list: line 1"), std::string::npos) << *out;
  }
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
}

}  // namespace
}  // namespace xb::cli
