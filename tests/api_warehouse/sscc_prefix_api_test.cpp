// `serve --gs1-company-prefix`: parcels packed by the server carry SSCCs with the given prefix;
// a prefix that is not 7 to 10 digits stops the server before it starts. SQLite and PostgreSQL.
#include <string>
#include <vector>

#include "bonded_orders.h"
#include "warehouse_api_support.h"

namespace xb::apitest {
namespace {

class SsccPrefixApi : public OwnServerTest {
 protected:
  SsccPrefixApi() : OwnServerTest(/*start_in_set_up=*/false) {}
};
XB_API_BACKENDS(SsccPrefixApi);

TEST_P(SsccPrefixApi, ParcelsCarryTheConfiguredCompanyPrefix) {
  StartServer({"--gs1-company-prefix", "4012345678"});
  const BondedShop shop = MakeBondedShop(server_->Admin(), 10, /*shipping_bin=*/true);
  const json bins =
      Must("GET", "/api/v1/warehouses/" + Q(shop.warehouse) + "/bins?code=SHIP-01", json(), 200);
  ASSERT_EQ(bins["items"].size(), 1U) << bins;
  const std::int64_t ship_bin = bins["items"][0]["id"];
  const json reservation = Must("POST", "/api/v1/reservations",
                                {{"warehouse_id", shop.warehouse},
                                 {"sku_id", shop.sku},
                                 {"quantity", 2},
                                 {"order_ref", "SO-S"}},
                                201);
  const json pick = Must("POST", "/api/v1/tasks/pick",
                         {{"warehouse_id", shop.warehouse},
                          {"staging_bin_id", ship_bin},
                          {"reservation_ids", {reservation["id"]}}},
                         201);
  Must("POST", "/api/v1/tasks/" + Q(pick["id"].get<std::int64_t>()) + "/close",
       {{"complete", true}}, 200);
  const json parcel = Must("POST", "/api/v1/parcels",
                           {{"warehouse_id", shop.warehouse},
                            {"order_ref", "SO-S"},
                            {"pack_bin_id", ship_bin},
                            {"lines", {{{"sku_id", shop.sku}, {"quantity", 2}}}}},
                           201);
  const std::string sscc = parcel["sscc"];
  ASSERT_EQ(sscc.size(), 18U);
  EXPECT_EQ(sscc.substr(0, 11), "04012345678") << "extension 0 and the configured prefix";
}

TEST_P(SsccPrefixApi, APrefixThatIsNotSevenToTenDigitsStopsTheServer) {
  for (const auto& flag : std::vector<std::vector<std::string>>{
           {"--gs1-company-prefix", "061414"}, {"--gs1-company-prefix", "06141X1"}}) {
    std::string error;
    auto server = ServerProcess::Start(GetParam(), &error, flag);
    EXPECT_EQ(server, nullptr) << flag[1];
    EXPECT_NE(error.find("--gs1-company-prefix"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace xb::apitest
