// Rules of the warehouse floor over HTTP, each found missing once: a cycle count compares each
// count with the books as it is counted (movements in the bin meanwhile are no gain or loss).
// SQLite and PostgreSQL.
#include "warehouse_api_support.h"

namespace xb::apitest {
namespace {

class WarehouseRulesApi : public WarehouseApi<WarehouseRulesApi> {};
XB_API_BACKENDS(WarehouseRulesApi);

TEST_P(WarehouseRulesApi, MovementsDuringACycleCountAreNotPostedAgainAsALoss) {
  const Floor f = NewFloor();
  const json rcv = AsnTask(f, 105);
  const std::string r = "/api/v1/tasks/" + Q(Id(rcv));
  Must(r + "/receipts",
       {{"line_no", 1}, {"lot_number", "L-C"}, {"expiry_date", "2027-12-31"}, {"quantity", 105}},
       f.key);
  const std::int64_t lot = LotId(f, f.milk, "L-C");
  const auto move_out = [&](std::int64_t qty) {
    const json move = Must("/api/v1/tasks/move",
                           {{"warehouse_id", f.warehouse},
                            {"lines",
                             {{{"sku_id", f.milk},
                               {"lot_id", lot},
                               {"from_bin", f.rcv},
                               {"to_bin", f.a2},
                               {"quantity", qty}}}}},
                           f.key, 201);
    Must("/api/v1/tasks/" + Q(Id(move)) + "/close", {{"complete", true}}, f.key);
  };

  // The count task freezes 105 on the books; 5 leave the bin before it is counted.
  const json count = Must("/api/v1/tasks/count",
                          {{"warehouse_id", f.warehouse}, {"bin_ids", {f.rcv}}}, f.key, 201);
  ASSERT_EQ(count["lines"].size(), 1U);
  EXPECT_EQ(count["lines"][0]["system_qty"], 105);
  const std::string c = "/api/v1/tasks/" + Q(Id(count));
  move_out(5);
  // The true 100 agrees with the books as counted: no recount is asked, none is taken.
  const json counted = Must(c + "/counts", {{"line_no", 1}, {"counted", 100}}, f.key);
  EXPECT_EQ(counted["state"], "in_progress");
  EXPECT_EQ(counted["lines"][0]["system_qty"], 100);
  EXPECT_TRUE(
      IsError(Post(c + "/recounts", {{"line_no", 1}, {"counted", 100}, {"reason", "check"}}, f.key),
              422, "FAILED_PRECONDITION"));
  move_out(3);  // after the count: real, and not the count's business
  const json closed = Must(c + "/close", json::object(), f.key);
  EXPECT_EQ(closed["state"], "done");
  EXPECT_TRUE(
      GetJson("/api/v1/movements?ref_type=task&ref_id=" + Q(Id(count)), f.key)["items"].empty())
      << "no count_gain or count_loss";
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 97);
  EXPECT_EQ(Summary(f, f.milk)["on_hand"], 105);
}

}  // namespace
}  // namespace xb::apitest
