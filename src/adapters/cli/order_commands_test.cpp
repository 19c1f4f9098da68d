#include "adapters/cli/order_commands.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "flows/orders/orders_test_support.h"

namespace xb::cli {
namespace {

using nlohmann::json;
using orders_flow::testing::IdentityNumber;

class OrderCommandsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string skip = f_.Prepare(GetParam());
    if (!skip.empty()) GTEST_SKIP() << skip;
    f_.Receive(f_.bonded, f_.milk, 10);
    f_.Receive(f_.bonded, f_.phone, 10);
  }

  // One CSV row: a line of `sku` at 200.00 for buyer `person`, taxed 9.1% (18.20).
  std::string Row(const std::string& no, std::int64_t sku, int person = 0,
                  const std::string& price = "200.00", const std::string& tax = "18.20",
                  const std::string& paid = "218.20") const {
    const std::string id = IdentityNumber(person);
    return std::to_string(f_.channel) + "," + no + ",2026-11-20,Zhang San," + id +
           ",13800138000,Zhang San,13800138000,Zhejiang,Ningbo,1 Harbour Rd,PAY-" + no +
           ",Zhang San," + id + "," + paid + "," + tax + "," + paid + "," + std::to_string(sku) +
           ",1," + price + "\n";
  }
  static std::string Header() {
    return "channel_id,channel_order_no,order_date,buyer_name,buyer_id_number,buyer_phone,"
           "consignee,address_phone,province,city,street,payment_no,payer_name,payer_id_number,"
           "payment_amount,"
           "tax,paid,sku_id,quantity,unit_price\n";
  }

  Result<CommandOutput> Import(const std::string& csv, bool as_json = false) {
    OrdersImportOptions o;
    o.tenant = f_.tenant.value();
    o.json = as_json;
    return RunOrdersImport(*f_.db, f_.clock, csv, o);
  }

  orders_flow::testing::OrdersFixture f_;
};

TEST_P(OrderCommandsTest, ImportTakesOrdersThatListAndShowMasked) {
  auto out = Import(Header() + Row("CSV-1", f_.milk) + Row("CSV-2", f_.milk, 1));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->exit_code, 0) << out->text;
  EXPECT_NE(out->text.find("2 order(s) taken, 0 already taken, 0 refused"), std::string::npos)
      << out->text;

  OrdersListOptions list;
  list.tenant = f_.tenant.value();
  auto table = RunOrdersList(*f_.db, list);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_NE(table->find("CSV-1"), std::string::npos) << *table;
  EXPECT_NE(table->find("CSV-2"), std::string::npos) << *table;
  EXPECT_NE(table->find("2 of 2 order(s)"), std::string::npos) << *table;
  EXPECT_EQ(table->find(IdentityNumber(0)), std::string::npos) << *table;

  list.json = true;
  list.state = "accepted";
  auto listed = RunOrdersList(*f_.db, list);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  const json page = json::parse(*listed);
  ASSERT_EQ(page["total"], 2) << page;
  const json& first = page["items"][1];  // newest first
  EXPECT_EQ(first["channel_order_no"], "CSV-1");
  EXPECT_EQ(first["buyer"]["id_number"], "110***********" + IdentityNumber(0).substr(14));
  EXPECT_EQ(first["buyer"]["phone"], "138****8000");
  EXPECT_EQ(first["paid"], "218.20");

  OrderShowOptions show;
  show.tenant = f_.tenant.value();
  show.id = first["id"].get<std::int64_t>();
  auto text = RunOrderShow(*f_.db, show);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_NE(text->find("CSV-1"), std::string::npos) << *text;
  EXPECT_NE(text->find("1210"), std::string::npos) << *text;
  EXPECT_NE(text->find("accepted"), std::string::npos) << *text;
  EXPECT_EQ(text->find(IdentityNumber(0)), std::string::npos) << *text;
  EXPECT_EQ(text->find("13800138000"), std::string::npos) << *text;
  show.json = true;
  auto shown = RunOrderShow(*f_.db, show);
  ASSERT_TRUE(shown.ok());
  const json order = json::parse(*shown);
  EXPECT_EQ(order["lines"][0]["mode"], "1210");
  EXPECT_FALSE(order["timeline"].empty());
  EXPECT_EQ(order["tax_quote"]["total_tax"], "18.20");
  EXPECT_EQ(shown->find(IdentityNumber(0)), std::string::npos);

  // A second import of the same file takes nothing twice.
  auto again = Import(Header() + Row("CSV-1", f_.milk), /*as_json=*/true);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  const json report = json::parse(again->text);
  EXPECT_EQ(report["replayed"], 1) << report;
  EXPECT_EQ(report["accepted"], 0) << report;
  EXPECT_EQ(report["results"][0]["status"], 200);
}

TEST_P(OrderCommandsTest, RefusedOrdersAreNamedWithTheirRuleAndTheExitCodeSaysSo) {
  auto out = Import(Header() + Row("OK-1", f_.milk) + Row("NOT-LISTED", f_.phone, 2));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->exit_code, 5) << out->text;
  EXPECT_NE(out->text.find("refused NOT-LISTED (line 3) [positive_list]"), std::string::npos)
      << out->text;
  EXPECT_NE(out->text.find("1 order(s) taken"), std::string::npos) << out->text;
  EXPECT_EQ(out->text.find(IdentityNumber(2)), std::string::npos) << out->text;
}

TEST_P(OrderCommandsTest, BadCellsImportNothing) {
  auto out = Import(Header() + Row("GOOD-1", f_.milk) + Row("BAD-1", f_.milk, 0, "two hundred"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("line 3, unit_price"), std::string::npos)
      << out.status().message();
  OrdersListOptions list;
  list.tenant = f_.tenant.value();
  list.json = true;
  auto listed = RunOrdersList(*f_.db, list);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(json::parse(*listed)["total"], 0);

  auto unknown = Import("channel_id,channel_order_no,colour\n1,X,red\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("colour"), std::string::npos);
}

TEST_P(OrderCommandsTest, QuotaReadsTheNumberFromTheStreamAndShowsItMasked) {
  ASSERT_TRUE(Import(Header() + Row("Q-1", f_.milk, 4)).ok());
  QuotaOptions o;
  o.tenant = f_.tenant.value();
  o.year = 2026;
  std::istringstream in(IdentityNumber(4) + "\n");
  auto text = RunQuota(*f_.db, f_.clock, in, o);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_NE(text->find("used 200.00 of 26000.00, remaining 25800.00"), std::string::npos) << *text;
  EXPECT_EQ(text->find(IdentityNumber(4)), std::string::npos) << *text;

  o.json = true;
  std::istringstream again(IdentityNumber(4));
  auto j = RunQuota(*f_.db, f_.clock, again, o);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  const json view = json::parse(*j);
  EXPECT_EQ(view["used"], "200.00");
  EXPECT_EQ(view["remaining"], "25800.00");
  EXPECT_EQ(j->find(IdentityNumber(4)), std::string::npos) << *j;

  std::istringstream empty("");
  auto none = RunQuota(*f_.db, f_.clock, empty, o);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(OrderCommandsTest, UnknownStateAndOrderAreRefused) {
  OrdersListOptions list;
  list.tenant = f_.tenant.value();
  list.state = "shipped-ish";
  auto listed = RunOrdersList(*f_.db, list);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().code(), ErrorCode::kInvalidArgument);
  OrderShowOptions show;
  show.tenant = f_.tenant.value();
  show.id = 999999;
  auto shown = RunOrderShow(*f_.db, show);
  ASSERT_FALSE(shown.ok());
  EXPECT_EQ(shown.status().code(), ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, OrderCommandsTest,
                         ::testing::Values(std::string("memory"), std::string("sqlite")),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace xb::cli
