// The warehouse tasks end to end on the memory store: receiving with variances and a goods
// receipt, putaway into suggested bins, picking from reservations, packing with SSCCs, shipping,
// moves and counts; every refusal leaves stock and tasks as they were.
#include "flows/warehouse/warehouse_service.h"

#include <gtest/gtest.h>

#include "domain/warehouse/gs1.h"
#include "flows/warehouse/warehouse_test_support.h"

namespace xb::warehouse_flow {
namespace {

using inventory::LotId;
using inventory::StockState;
using warehouse::Condition;
using warehouse::TaskKind;
using warehouse::TaskState;

class WarehouseServiceTest : public WarehouseTest {
 protected:
  // A context with an Idempotency-Key; `request` stands for the hash of method, path and body.
  static RequestContext Keyed(const std::string& key, const std::string& request) {
    RequestContext ctx = Ctx();
    ctx.idempotency_key = key;
    ctx.request_hash = request;
    return ctx;
  }
};

TEST_F(WarehouseServiceTest, ReceivingAgainstAnOrderRecordsVariancesAndAGoodsReceipt) {
  const auto po = AddOrder(100, 50);
  ReceiveDraft d;
  d.warehouse_id = wh_;
  d.receiving_bin_id = rcv_;
  d.purchase_order_id = po.id.value();
  auto task = svc_.CreateReceive(Ctx(), d);
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  EXPECT_EQ(task->kind, TaskKind::kReceive);
  EXPECT_EQ(task->code, "RCV-000001");
  EXPECT_EQ(task->ref_type, "purchase_order");
  ASSERT_EQ(task->lines.size(), 2U);
  EXPECT_EQ(task->lines[0].expected_qty, 100);
  EXPECT_EQ(task->lines[1].expected_qty, 50);

  ASSERT_TRUE(svc_.Receive(Ctx(), task->id, {1, Lot("L-1", 60, Day(2027, 6, 30))}).ok());
  ASSERT_TRUE(svc_.Receive(Ctx(), task->id, {1, Lot("L-2", 30, Day(2027, 9, 30))}).ok());
  ASSERT_TRUE(svc_.Receive(Ctx(), task->id,
                           {1, Lot("L-2", 5, Day(2027, 9, 30), Condition::kDamaged, "crushed")})
                  .ok());
  ASSERT_TRUE(svc_.Receive(Ctx(), task->id, {2, Lot("", 55, std::nullopt)}).ok());

  // Stock is visible at once: good units available, damaged ones damaged, in the receiving bin.
  EXPECT_EQ(Stock(rcv_, milk_, StockState::kAvailable, LotOf(milk_, "L-1")), 60);
  EXPECT_EQ(Stock(rcv_, milk_, StockState::kAvailable, LotOf(milk_, "L-2")), 30);
  EXPECT_EQ(Stock(rcv_, milk_, StockState::kDamaged), 5);
  EXPECT_EQ(Stock(rcv_, bottle_, StockState::kAvailable, LotId(0)), 55);
  EXPECT_EQ(Events("warehouse.receipt.recorded").size(), 4U);

  auto closed = svc_.Close(Ctx(), task->id, {});
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->task.state, TaskState::kDone);
  ASSERT_EQ(closed->variances.size(), 2U);
  EXPECT_EQ(closed->variances[0].good, 90);
  EXPECT_EQ(closed->variances[0].damaged, 5);
  EXPECT_EQ(closed->variances[0].short_, 5);
  EXPECT_EQ(closed->variances[0].over, 0);
  EXPECT_EQ(closed->variances[1].over, 5) << "an over-receipt is recorded, never trimmed";

  {
    auto tx = Read();
    auto receipts = tx->procurement().ListReceipts(TenantId(kTenant), po.id.value(), std::nullopt,
                                                   std::nullopt, std::nullopt);
    ASSERT_TRUE(receipts.ok());
    ASSERT_EQ(receipts->size(), 1U);
    const auto& lines = (*receipts)[0].lines;
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(lines[0].received_qty, 95);
    EXPECT_EQ(lines[0].accepted_qty, 90);
    EXPECT_EQ(lines[0].rejected_qty, 5);
    EXPECT_EQ(lines[0].reason, "crushed");
    EXPECT_EQ(lines[1].received_qty, 55);
    auto order = tx->procurement().GetOrder(TenantId(kTenant), po.id);
    ASSERT_TRUE(order.ok());
    EXPECT_EQ(order->status, procurement::PoStatus::kPartlyReceived);
    EXPECT_EQ(order->lines[0].received_qty, 95);
    EXPECT_EQ(order->version, po.version + 1);
  }
  EXPECT_EQ(Events("procurement.receipt.recorded").size(), 1U);
  EXPECT_EQ(Events("warehouse.task.closed").size(), 1U);

  // A second receive task expects only what is still outstanding.
  auto again = svc_.CreateReceive(Ctx(), d);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->lines[0].expected_qty, 5);
  EXPECT_EQ(again->lines[1].expected_qty, 0);
}

TEST_F(WarehouseServiceTest, OnlyConfirmedOrdersOfTheWarehouseAreReceived) {
  ReceiveDraft d;
  d.warehouse_id = wh_;
  d.receiving_bin_id = rcv_;
  d.purchase_order_id = AddOrder(10, 10, procurement::PoStatus::kDraft).id.value();
  XB_EXPECT_ERROR(svc_.CreateReceive(Ctx(), d), ErrorCode::kFailedPrecondition,
                  "purchase_order_id");
  d.purchase_order_id = 9999;
  XB_EXPECT_ERROR(svc_.CreateReceive(Ctx(), d), ErrorCode::kInvalidArgument, "purchase_order_id");
  d.purchase_order_id = AddOrder(10, 10).id.value();
  d.receiving_bin_id = far_;
  XB_EXPECT_ERROR(svc_.CreateReceive(Ctx(), d), ErrorCode::kInvalidArgument, "receiving_bin_id");
  d.receiving_bin_id = 424242;
  XB_EXPECT_ERROR(svc_.CreateReceive(Ctx(), d), ErrorCode::kInvalidArgument, "receiving_bin_id");
  d.receiving_bin_id = rcv_;
  d.warehouse_id = other_wh_;
  XB_EXPECT_ERROR(svc_.CreateReceive(Ctx(), d), ErrorCode::kInvalidArgument, "");
  d.warehouse_id = wh_;
  XB_EXPECT_ERROR(svc_.CreateReceive(Ctx(access::Role::kReadOnly), d), ErrorCode::kPermissionDenied,
                  "");
  XB_EXPECT_ERROR(svc_.CreateReceive(Ctx(access::Role::kDevice), d), ErrorCode::kPermissionDenied,
                  "");
  EXPECT_TRUE(Events("warehouse.task.created").empty());
}

TEST_F(WarehouseServiceTest, ReceiptsThatBreakALotRuleChangeNothing) {
  ReceiveDraft d;
  d.warehouse_id = wh_;
  d.receiving_bin_id = rcv_;
  d.asn_ref = "ASN-1";
  d.asn_lines = {{milk_, 20}, {bottle_, 10}};
  auto task = svc_.CreateReceive(Ctx(), d);
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  EXPECT_EQ(task->ref_type, "asn");
  EXPECT_EQ(task->ref_id, "ASN-1");

  // Expired (usable through its expiry date, expired from the next day).
  XB_EXPECT_ERROR(svc_.Receive(Ctx(), task->id, {1, Lot("OLD", 5, Day(2026, 11, 24))}),
                  ErrorCode::kFailedPrecondition, "expiry_date");
  // Without a lot or an expiry date for a SKU with a shelf life.
  XB_EXPECT_ERROR(svc_.Receive(Ctx(), task->id, {1, Lot("", 5, std::nullopt)}),
                  ErrorCode::kInvalidArgument, "lot_number");
  XB_EXPECT_ERROR(svc_.Receive(Ctx(), task->id, {1, Lot("L-X", 5, std::nullopt)}),
                  ErrorCode::kInvalidArgument, "expiry_date");
  XB_EXPECT_ERROR(svc_.Receive(Ctx(), task->id, {1, Lot("L-1", 0)}), ErrorCode::kInvalidArgument,
                  "quantity");
  XB_EXPECT_ERROR(svc_.Receive(Ctx(), task->id, {1, Lot("L-1", -3)}), ErrorCode::kInvalidArgument,
                  "quantity");
  XB_EXPECT_ERROR(
      svc_.Receive(Ctx(), task->id, {1, Lot("L-1", 3, Day(2027, 1, 1), Condition::kDamaged)}),
      ErrorCode::kInvalidArgument, "reason");
  XB_EXPECT_ERROR(svc_.Receive(Ctx(), task->id, {7, Lot("L-1", 3)}), ErrorCode::kInvalidArgument,
                  "line_no");
  XB_EXPECT_ERROR(svc_.Receive(Ctx(), task->id, {1, Lot("bad lot", 3)}),
                  ErrorCode::kInvalidArgument, "");
  EXPECT_EQ(MovementCount(), 0);
  EXPECT_EQ(GetTask(task->id).version, 1) << "a refused receipt does not touch the task";

  // The expiry is usable on its last day; a known lot keeps its dates.
  ASSERT_TRUE(svc_.Receive(Ctx(), task->id, {1, Lot("L-1", 5, Day(2026, 11, 25))}).ok());
  XB_EXPECT_ERROR(svc_.Receive(Ctx(), task->id, {1, Lot("L-1", 5, Day(2027, 1, 1))}),
                  ErrorCode::kInvalidArgument, "expiry_date");
  clock_.AdvanceMicros(24LL * 3600 * 1'000'000);
  XB_EXPECT_ERROR(svc_.Receive(Ctx(), task->id, {1, Lot("L-1", 5, std::nullopt)}),
                  ErrorCode::kFailedPrecondition, "expiry_date");
  EXPECT_EQ(OnHand(milk_), 5);
}

TEST_F(WarehouseServiceTest, PutawayGoesToSuggestedBinsAndNeverTwice) {
  const auto received = ReceiveMilk(120);
  auto put = svc_.CreatePutaway(Ctx(), received.id);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->kind, TaskKind::kPutaway);
  ASSERT_EQ(put->lines.size(), 1U);
  EXPECT_EQ(put->lines[0].from_bin, rcv_);
  EXPECT_EQ(put->lines[0].to_bin, a1_) << "the bin of the SKU's category zone";
  EXPECT_EQ(put->lines[0].expected_qty, 120);
  XB_EXPECT_ERROR(svc_.CreatePutaway(Ctx(), received.id), ErrorCode::kFailedPrecondition,
                  "receive_task_id");

  ASSERT_TRUE(svc_.Progress(Ctx(), put->id, {1, 100, std::nullopt}).ok());
  // The rest goes elsewhere, as the operator found it full.
  auto after = svc_.Progress(Ctx(), put->id, {1, 20, a2_});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->state, TaskState::kInProgress);
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), put->id, {1, 1, std::nullopt}),
                  ErrorCode::kFailedPrecondition, "quantity");
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), put->id, {1, 1, far_}), ErrorCode::kInvalidArgument,
                  "to_bin");
  EXPECT_EQ(Stock(rcv_, milk_), 0);
  EXPECT_EQ(Stock(a1_, milk_), 100);
  EXPECT_EQ(Stock(a2_, milk_), 20);
  ASSERT_TRUE(svc_.Close(Ctx(), put->id, {}).ok());

  // A bin's capacity is respected: 150 more do not fit A-02 (100), and A-01 holds the SKU.
  const auto more = ReceiveMilk(150, "L-B");
  auto put2 = svc_.CreatePutaway(Ctx(), more.id);
  ASSERT_TRUE(put2.ok()) << put2.status().ToString();
  EXPECT_EQ(put2->lines[0].to_bin, a1_);
  XB_EXPECT_ERROR(svc_.CreatePutaway(Ctx(), put2->id), ErrorCode::kInvalidArgument,
                  "receive_task_id");
}

TEST_F(WarehouseServiceTest, PutawaySplitsALineNoSingleBinTakesAndRefusesOnlyWhatNoBinsTake) {
  SetBin(a1_, 50);  // the category's zone, room 50; A-02 (no zone) room 100
  const auto p1 = NewBin("P-01", partners::BinKind::kPick, std::nullopt, 30);
  const auto received = ReceiveMilk(170);
  auto put = svc_.CreatePutaway(Ctx(), received.id);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  // The zone first, then the most free room, each bin filled to its capacity.
  ASSERT_EQ(put->lines.size(), 3U);
  const std::vector<std::pair<std::int64_t, std::int64_t>> want = {{a1_, 50}, {a2_, 100}, {p1, 20}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(put->lines[i].line_no, static_cast<int>(i) + 1);
    EXPECT_EQ(put->lines[i].from_bin, rcv_);
    EXPECT_EQ(put->lines[i].sku_id, milk_);
    EXPECT_EQ(put->lines[i].lot_id, LotOf(milk_, "L-A"));
    EXPECT_EQ(put->lines[i].to_bin, want[i].first) << i;
    EXPECT_EQ(put->lines[i].expected_qty, want[i].second) << i;
  }
  for (int line = 1; line <= 3; ++line) {
    const std::int64_t qty = put->lines[static_cast<std::size_t>(line - 1)].expected_qty;
    auto step = svc_.Progress(Ctx(), put->id, {line, qty, std::nullopt});
    ASSERT_TRUE(step.ok()) << step.status().ToString();
  }
  ASSERT_TRUE(svc_.Close(Ctx(), put->id, {}).ok());
  EXPECT_EQ(Stock(rcv_, milk_), 0);
  EXPECT_EQ(Stock(a1_, milk_), 50);
  EXPECT_EQ(Stock(a2_, milk_), 100);
  EXPECT_EQ(Stock(p1, milk_), 20);

  // 20 more: only P-01's 10 free units are left in the warehouse's storage bins.
  const auto more = ReceiveMilk(20, "L-B");
  const auto created = Events("warehouse.task.created").size();
  auto refused = svc_.CreatePutaway(Ctx(), more.id);
  XB_EXPECT_ERROR(refused, ErrorCode::kFailedPrecondition, "receive_task_id");
  EXPECT_NE(refused.status().message().find("room for 10 units"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(Events("warehouse.task.created").size(), created) << "no task made";
  // An unlimited bin takes anything.
  SetBin(a1_, 0);
  auto taken = svc_.CreatePutaway(Ctx(), more.id);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  ASSERT_EQ(taken->lines.size(), 1U);
  EXPECT_EQ(taken->lines[0].to_bin, a1_);
}

TEST_F(WarehouseServiceTest, OpenPutawayAndMoveLinesOccupyTheirBinsUntilDoneOrCancelled) {
  SetBin(a1_, 100);
  const auto r1 = ReceiveMilk(60);
  auto put1 = svc_.CreatePutaway(Ctx(), r1.id);
  ASSERT_TRUE(put1.ok()) << put1.status().ToString();
  ASSERT_EQ(put1->lines.size(), 1U);
  EXPECT_EQ(put1->lines[0].to_bin, a1_);

  // A-01 holds nothing yet but expects 60: 60 more would overflow it.
  const auto r2 = ReceiveMilk(60, "L-B");
  auto put2 = svc_.CreatePutaway(Ctx(), r2.id);
  ASSERT_TRUE(put2.ok()) << put2.status().ToString();
  ASSERT_EQ(put2->lines.size(), 1U);
  EXPECT_EQ(put2->lines[0].to_bin, a2_);

  // Half of put1 done: A-01 holds 30 and expects 30, still 60 occupied; a move planned into A-01
  // occupies it too.
  ASSERT_TRUE(svc_.Progress(Ctx(), put1->id, {1, 30, std::nullopt}).ok());
  auto move = svc_.CreateMove(Ctx(), {wh_, {{milk_, LotOf(milk_, "L-A"), "own", rcv_, a1_, 25}}});
  ASSERT_TRUE(move.ok()) << move.status().ToString();
  const auto r3 = ReceiveMilk(20, "L-C");
  auto put3 = svc_.CreatePutaway(Ctx(), r3.id);
  ASSERT_TRUE(put3.ok()) << put3.status().ToString();
  // A-01: 100 − 30 on hand − 30 − 25 planned = 15 < 20; A-02: 100 − 60 planned = 40.
  ASSERT_EQ(put3->lines.size(), 1U);
  EXPECT_EQ(put3->lines[0].to_bin, a2_);

  // Cancelled tasks plan nothing: A-01 has room for 70 again.
  ASSERT_TRUE(svc_.Cancel(Ctx(), put1->id).ok());
  ASSERT_TRUE(svc_.Cancel(Ctx(), move->id).ok());
  const auto r4 = ReceiveMilk(70, "L-D");
  auto put4 = svc_.CreatePutaway(Ctx(), r4.id);
  ASSERT_TRUE(put4.ok()) << put4.status().ToString();
  ASSERT_EQ(put4->lines.size(), 1U);
  EXPECT_EQ(put4->lines[0].to_bin, a1_) << "the SKU's bin, with room for 70";
}

TEST_F(WarehouseServiceTest, AnOverridingBinMustTakePutawayAndHaveRoomOrNothingChanges) {
  const auto p1 = NewBin("P-01", partners::BinKind::kPick, std::nullopt, 30);
  const auto rcv2 = NewBin("RCV-2", partners::BinKind::kReceiving);
  const auto old = NewBin("A-99", partners::BinKind::kStorage);
  SetBin(old, 0, RecordStatus::kArchived);
  const auto received = ReceiveMilk(60);
  auto put = svc_.CreatePutaway(Ctx(), received.id);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  ASSERT_EQ(put->lines.size(), 1U);
  ASSERT_EQ(put->lines[0].to_bin, a1_);
  ASSERT_TRUE(svc_.Progress(Ctx(), put->id, {1, 20, std::nullopt}).ok());
  // A move of 20 planned into P-01 leaves it room for 10.
  auto move = svc_.CreateMove(Ctx(), {wh_, {{milk_, LotOf(milk_, "L-A"), "own", a1_, p1, 20}}});
  ASSERT_TRUE(move.ok()) << move.status().ToString();

  const auto before = GetTask(put->id);
  const auto movements = MovementCount();
  const auto progressed = Events("warehouse.task.progressed").size();
  const auto unchanged = [&] {
    const auto now = GetTask(put->id);
    EXPECT_EQ(now.version, before.version);
    EXPECT_EQ(now.lines[0].done_qty, 20);
    EXPECT_EQ(now.lines[0].to_bin, a1_);
    EXPECT_EQ(MovementCount(), movements);
    EXPECT_EQ(Events("warehouse.task.progressed").size(), progressed);
    EXPECT_EQ(Stock(rcv_, milk_), 40);
    EXPECT_EQ(Stock(p1, milk_), 0);
  };
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), put->id, {1, 5, stg_}), ErrorCode::kInvalidArgument,
                  "to_bin");  // a shipping bin
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), put->id, {1, 5, rcv2}), ErrorCode::kInvalidArgument,
                  "to_bin");  // a receiving bin
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), put->id, {1, 5, far_}), ErrorCode::kInvalidArgument,
                  "to_bin");  // another warehouse
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), put->id, {1, 5, old}), ErrorCode::kInvalidArgument,
                  "to_bin");  // archived
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), put->id, {1, 5, 987654}), ErrorCode::kInvalidArgument,
                  "to_bin");  // unknown
  auto full = svc_.Progress(Ctx(), put->id, {1, 11, p1});
  XB_EXPECT_ERROR(full, ErrorCode::kFailedPrecondition, "to_bin");
  EXPECT_NE(full.status().message().find("P-01"), std::string::npos) << full.status().message();
  EXPECT_NE(full.status().message().find("room for 10"), std::string::npos)
      << full.status().message();
  unchanged();

  // What fits goes; the line then goes to P-01, which is full: the rest needs another bin.
  auto fits = svc_.Progress(Ctx(), put->id, {1, 10, p1});
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  EXPECT_EQ(fits->lines[0].to_bin, p1);
  EXPECT_EQ(Stock(p1, milk_), 10);
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), put->id, {1, 1, std::nullopt}),
                  ErrorCode::kFailedPrecondition, "to_bin");
  // A quarantine bin is allowed and holds the stock.
  ASSERT_TRUE(svc_.Progress(Ctx(), put->id, {1, 5, quar_}).ok());
  EXPECT_EQ(Stock(quar_, milk_, StockState::kQuarantine), 5);
  ASSERT_TRUE(svc_.Progress(Ctx(), put->id, {1, 25, a2_}).ok());
  EXPECT_EQ(Stock(a2_, milk_), 25);
  EXPECT_EQ(Stock(rcv_, milk_), 0);
}

TEST_F(WarehouseServiceTest, StepsOfOneTransactionCountWhatEarlierStepsBroughtIntoABin) {
  const auto p1 = NewBin("P-01", partners::BinKind::kPick, std::nullopt, 30);
  const auto received = ReceiveMilk(60);
  auto put = svc_.CreatePutaway(Ctx(), received.id);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  auto tx = Write();
  // As the terminal's batches: steps prepared one after another, written together at the end.
  auto first = svc_.PrepareProgress(*tx, Ctx(), *put, {1, 20, p1});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->after.lines[0].to_bin, p1);
  std::vector<TaskChange> earlier{*first};
  StepCache cache;
  cache.earlier = &earlier;
  // P-01 holds nothing on the books yet, but the first step brings 20 of its 30.
  auto over = svc_.PrepareProgress(*tx, Ctx(), first->after, {1, 15, std::nullopt}, &cache);
  XB_EXPECT_ERROR(over, ErrorCode::kFailedPrecondition, "to_bin");
  EXPECT_NE(over.status().message().find("holds 20"), std::string::npos) << over.status().message();
  EXPECT_TRUE(svc_.PrepareProgress(*tx, Ctx(), first->after, {1, 10, std::nullopt}, &cache).ok());
}

TEST_F(WarehouseServiceTest, PicksTakeReservedLotsFromTheirBinsIntoStaging) {
  auto received = ReceiveMilk(50, "L-A");
  auto put = svc_.CreatePutaway(Ctx(), received.id);
  ASSERT_TRUE(put.ok());
  ASSERT_TRUE(svc_.Progress(Ctx(), put->id, {1, 30, a1_}).ok());
  ASSERT_TRUE(svc_.Progress(Ctx(), put->id, {1, 10, a2_}).ok());
  ASSERT_TRUE(svc_.Progress(Ctx(), put->id, {1, 10, a2_}).ok());
  // Now lot L-A: 30 in A-01, 20 in A-02.
  const LotId lot = LotOf(milk_, "L-A");
  const auto r1 = AddReservation(milk_, "SO-1", {{lot, 35, 0}});
  const auto r2 = AddReservation(milk_, "SO-2", {{lot, 12, 0}});

  PickDraft single{wh_, stg_, {r1.id.value()}};
  auto pick = svc_.CreatePick(Ctx(), single);
  ASSERT_TRUE(pick.ok()) << pick.status().ToString();
  EXPECT_EQ(pick->ref_type, "order");
  EXPECT_EQ(pick->ref_id, "SO-1");
  ASSERT_EQ(pick->lines.size(), 2U) << "35 split over the two fullest bins";
  std::int64_t planned = 0;
  for (const auto& l : pick->lines) {
    EXPECT_EQ(l.to_bin, stg_);
    EXPECT_EQ(l.reservation_id, r1.id.value());
    planned += l.expected_qty;
  }
  EXPECT_EQ(planned, 35);

  auto wave = svc_.CreatePick(Ctx(), {wh_, stg_, {r1.id.value(), r2.id.value()}});
  ASSERT_TRUE(wave.ok()) << wave.status().ToString();
  EXPECT_EQ(wave->ref_type, "wave");
  EXPECT_EQ(wave->ref_id, wave->code);
  XB_EXPECT_ERROR(svc_.CreatePick(Ctx(), {wh_, stg_, {r1.id.value(), r1.id.value()}}),
                  ErrorCode::kInvalidArgument, "reservation_ids");
  XB_EXPECT_ERROR(svc_.CreatePick(Ctx(), {wh_, stg_, {777}}), ErrorCode::kInvalidArgument,
                  "reservation_ids");
  XB_EXPECT_ERROR(svc_.CreatePick(Ctx(), {wh_, far_, {r1.id.value()}}), ErrorCode::kInvalidArgument,
                  "staging_bin_id");

  // Picking more than the line (the reservation) is refused; picking posts kPick.
  const auto& l1 = pick->lines[0];
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), pick->id, {1, l1.expected_qty + 1, std::nullopt}),
                  ErrorCode::kFailedPrecondition, "quantity");
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), pick->id, {1, 1, a2_}), ErrorCode::kInvalidArgument,
                  "to_bin");
  ASSERT_TRUE(svc_.Progress(Ctx(), pick->id, {1, 5, std::nullopt}).ok());
  EXPECT_EQ(Stock(stg_, milk_, StockState::kPicked), 5);
  {
    auto tx = Read();
    auto r = tx->inventory().GetReservation(TenantId(kTenant), r1.id);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->Picked(), 5);
    inventory::MovementQuery q;
    q.ref_type = "reservation";
    q.ref_id = std::to_string(r1.id.value());
    auto moves = tx->inventory().ListMovements(TenantId(kTenant), q);
    ASSERT_TRUE(moves.ok());
    ASSERT_EQ(moves->size(), 1U);
    EXPECT_EQ((*moves)[0].reason, inventory::MovementReason::kPick);
  }

  // Closing with complete picks the rest in one posting.
  auto closed = svc_.Close(Ctx(), pick->id, {true});
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->task.state, TaskState::kDone);
  EXPECT_EQ(Stock(stg_, milk_, StockState::kPicked), 35);
  EXPECT_EQ(OnHand(milk_), 50);
  {
    auto tx = Read();
    auto r = tx->inventory().GetReservation(TenantId(kTenant), r1.id);
    EXPECT_EQ(r->state, inventory::ReservationState::kConsumed);
  }
  // The wave's lines for r1 can no longer be picked: the reservation is used up.
  int r1_line = 0;
  for (const auto& l : wave->lines) {
    if (l.reservation_id == r1.id.value()) r1_line = l.line_no;
  }
  ASSERT_NE(r1_line, 0);
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), wave->id, {r1_line, 1, std::nullopt}),
                  ErrorCode::kFailedPrecondition, "");
  EXPECT_EQ(Stock(stg_, milk_, StockState::kPicked), 35);
}

TEST_F(WarehouseServiceTest, ParcelsCarryValidSsccsAndShipOnlyPickedStock) {
  StoreMilk(20, "L-A");
  const LotId lot = LotOf(milk_, "L-A");
  const auto r = AddReservation(milk_, "SO-9", {{lot, 8, 0}});
  auto pick = svc_.CreatePick(Ctx(), {wh_, stg_, {r.id.value()}});
  ASSERT_TRUE(pick.ok()) << pick.status().ToString();
  ASSERT_TRUE(svc_.Close(Ctx(), pick->id, {true}).ok());

  PackDraft pack{wh_, "SO-9", stg_, {{milk_, lot, "own", 5}}, 4200};
  auto p1 = svc_.Pack(Ctx(), pack);
  ASSERT_TRUE(p1.ok()) << p1.status().ToString();
  EXPECT_TRUE(warehouse::IsValidSscc(p1->sscc)) << p1->sscc;
  EXPECT_EQ(p1->sscc.substr(0, 8), "00614141");
  EXPECT_EQ(p1->state, warehouse::ParcelState::kPacked);
  // 3 picked units are left unpacked: 4 do not fit.
  pack.lines[0].quantity = 4;
  XB_EXPECT_ERROR(svc_.Pack(Ctx(), pack), ErrorCode::kFailedPrecondition, "lines");
  pack.lines[0].quantity = 0;
  XB_EXPECT_ERROR(svc_.Pack(Ctx(), pack), ErrorCode::kInvalidArgument, "lines");
  pack.lines[0].quantity = 3;
  pack.lines[0].lot_id = LotId(0);
  XB_EXPECT_ERROR(svc_.Pack(Ctx(), pack), ErrorCode::kFailedPrecondition, "lines");
  pack.lines[0].lot_id = lot;
  auto p2 = svc_.Pack(Ctx(), pack);
  ASSERT_TRUE(p2.ok()) << p2.status().ToString();
  EXPECT_NE(p1->sscc, p2->sscc);

  XB_EXPECT_ERROR(svc_.Ship(Ctx(), p1->id, {9999, "SF123"}), ErrorCode::kInvalidArgument,
                  "carrier_id");
  XB_EXPECT_ERROR(svc_.Ship(Ctx(), p1->id, {carrier_, ""}), ErrorCode::kInvalidArgument,
                  "waybill_no");
  auto shipped = svc_.Ship(Ctx(), p1->id, {carrier_, "SF1234567890"});
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  EXPECT_EQ(shipped->state, warehouse::ParcelState::kShipped);
  EXPECT_EQ(shipped->waybill_no, "SF1234567890");
  EXPECT_EQ(Stock(stg_, milk_, StockState::kPicked), 3);
  EXPECT_EQ(OnHand(milk_), 15);
  XB_EXPECT_ERROR(svc_.Ship(Ctx(), p1->id, {carrier_, "SF1234567890"}),
                  ErrorCode::kFailedPrecondition, "");
  EXPECT_EQ(Events("warehouse.parcel.shipped").size(), 1U);
}

TEST_F(WarehouseServiceTest, MovesCheckTheLotAndTheStockFirst) {
  ReceiveMilk(10, "L-A");
  const LotId lot = LotOf(milk_, "L-A");
  MoveDraft d{wh_, {{milk_, lot, "own", rcv_, a2_, 4}}};
  // A lot of another SKU.
  d.lines[0].sku_id = bottle_;
  XB_EXPECT_ERROR(svc_.CreateMove(Ctx(), d), ErrorCode::kInvalidArgument, "lines");
  d.lines[0].sku_id = milk_;
  d.lines[0].quantity = 11;
  XB_EXPECT_ERROR(svc_.CreateMove(Ctx(), d), ErrorCode::kFailedPrecondition, "lines");
  d.lines[0].quantity = 4;
  d.lines[0].to_bin = far_;
  XB_EXPECT_ERROR(svc_.CreateMove(Ctx(), d), ErrorCode::kInvalidArgument, "lines");
  d.lines[0].to_bin = rcv_;
  XB_EXPECT_ERROR(svc_.CreateMove(Ctx(), d), ErrorCode::kInvalidArgument, "lines");
  d.lines[0].to_bin = a2_;
  auto move = svc_.CreateMove(Ctx(), d);
  ASSERT_TRUE(move.ok()) << move.status().ToString();
  ASSERT_TRUE(svc_.Progress(Ctx(), move->id, {1, 4, std::nullopt}).ok());
  EXPECT_EQ(Stock(a2_, milk_), 4);
  EXPECT_EQ(Stock(rcv_, milk_), 6);
  auto closed = svc_.Close(Ctx(), move->id, {});
  ASSERT_TRUE(closed.ok());
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), move->id, {1, 1, std::nullopt}),
                  ErrorCode::kFailedPrecondition, "");
}

TEST_F(WarehouseServiceTest, CountsRecountDisagreementsAndPostTheAdjustmentWithItsReason) {
  ReceiveMilk(10, "L-A");
  {
    ReceiveDraft d;
    d.warehouse_id = wh_;
    d.receiving_bin_id = rcv_;
    d.asn_ref = "ASN-B";
    d.asn_lines = {{bottle_, 7}};
    auto t = svc_.CreateReceive(Ctx(), d);
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(svc_.Receive(Ctx(), t->id, {1, Lot("", 7, std::nullopt)}).ok());
  }
  XB_EXPECT_ERROR(svc_.CreateCount(Ctx(), {wh_, {a1_}}), ErrorCode::kFailedPrecondition, "bin_ids");
  XB_EXPECT_ERROR(svc_.CreateCount(Ctx(), {wh_, {far_}}), ErrorCode::kInvalidArgument, "bin_ids");
  auto count = svc_.CreateCount(Ctx(), {wh_, {rcv_}});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  ASSERT_EQ(count->lines.size(), 2U);
  int milk_line = 0;
  int bottle_line = 0;
  for (const auto& l : count->lines) {
    (l.sku_id == milk_ ? milk_line : bottle_line) = l.line_no;
    EXPECT_EQ(l.system_qty, l.sku_id == milk_ ? 10 : 7);
  }
  ASSERT_TRUE(svc_.Count(Ctx(), count->id, milk_line, 10).ok());
  auto differs = svc_.Count(Ctx(), count->id, bottle_line, 5);
  ASSERT_TRUE(differs.ok());
  EXPECT_EQ(differs->state, TaskState::kRecount);
  XB_EXPECT_ERROR(svc_.Close(Ctx(), count->id, {}), ErrorCode::kFailedPrecondition, "");
  XB_EXPECT_ERROR(svc_.Recount(Ctx(), count->id, bottle_line, 6, ""), ErrorCode::kInvalidArgument,
                  "reason");
  ASSERT_TRUE(svc_.Recount(Ctx(), count->id, bottle_line, 6, "broken_case").ok());
  auto closed = svc_.Close(Ctx(), count->id, {});
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(Stock(rcv_, bottle_), 6);
  EXPECT_EQ(Stock(rcv_, milk_), 10);
  auto tx = Read();
  inventory::MovementQuery q;
  q.sku_id = bottle_;
  auto moves = tx->inventory().ListMovements(TenantId(kTenant), q);
  ASSERT_TRUE(moves.ok());
  ASSERT_EQ(moves->size(), 2U);
  EXPECT_EQ(moves->back().reason, inventory::MovementReason::kCountLoss);
  EXPECT_EQ(moves->back().quantity, 1);
  EXPECT_EQ(moves->back().note, "broken_case");
  const auto closed_events = Events("warehouse.task.closed");
  ASSERT_FALSE(closed_events.empty());
  EXPECT_NE(closed_events.back().payload.find(R"("delta":-1,"line_no":)"), std::string::npos)
      << closed_events.back().payload;
  EXPECT_NE(closed_events.back().payload.find(R"("reason":"broken_case")"), std::string::npos)
      << closed_events.back().payload;
}

TEST_F(WarehouseServiceTest, MovementsDuringACountAreNotBookedAgainAsAGainOrLoss) {
  ReceiveMilk(105, "L-A");
  const LotId lot = LotOf(milk_, "L-A");
  const auto move_out = [&](std::int64_t qty) {
    auto move = svc_.CreateMove(Ctx(), {wh_, {{milk_, lot, "own", rcv_, a2_, qty}}});
    ASSERT_TRUE(move.ok()) << move.status().ToString();
    ASSERT_TRUE(svc_.Close(Ctx(), move->id, {true}).ok());
  };
  auto count = svc_.CreateCount(Ctx(), {wh_, {rcv_}});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  ASSERT_EQ(count->lines.size(), 1U);
  EXPECT_EQ(count->lines[0].system_qty, 105);
  move_out(5);  // after the task was made, before the bin is counted
  auto counted = svc_.Count(Ctx(), count->id, 1, 100);
  ASSERT_TRUE(counted.ok()) << counted.status().ToString();
  // The true 100 agrees with the book as it is counted: no recount, nothing to adjust.
  EXPECT_EQ(counted->state, TaskState::kInProgress);
  EXPECT_EQ(counted->lines[0].system_qty, 100);
  move_out(3);  // after the count, before the close: real, and not the count's business
  auto closed = svc_.Close(Ctx(), count->id, {});
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(Stock(rcv_, milk_), 97);
  EXPECT_EQ(Stock(a2_, milk_), 8);
  EXPECT_EQ(OnHand(milk_), 105);
  const auto closed_events = Events("warehouse.task.closed");
  ASSERT_FALSE(closed_events.empty());
  EXPECT_NE(closed_events.back().payload.find(R"("adjustments":[])"), std::string::npos)
      << closed_events.back().payload;
}

TEST_F(WarehouseServiceTest, ARealLossDuringMovementsIsAdjustedByTheCountAgainstTheBook) {
  ReceiveMilk(105, "L-A");
  const LotId lot = LotOf(milk_, "L-A");
  auto count = svc_.CreateCount(Ctx(), {wh_, {rcv_}});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  auto move = svc_.CreateMove(Ctx(), {wh_, {{milk_, lot, "own", rcv_, a2_, 5}}});
  ASSERT_TRUE(move.ok());
  ASSERT_TRUE(svc_.Close(Ctx(), move->id, {true}).ok());
  // 98 on the shelf against 100 on the books: a recount, which stays at 98 (2 lost).
  auto counted = svc_.Count(Ctx(), count->id, 1, 98);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted->state, TaskState::kRecount);
  // Another 10 leave between the count and the recount; the recount finds the true 88.
  auto more = svc_.CreateMove(Ctx(), {wh_, {{milk_, lot, "own", rcv_, a2_, 10}}});
  ASSERT_TRUE(more.ok());
  ASSERT_TRUE(svc_.Close(Ctx(), more->id, {true}).ok());
  ASSERT_TRUE(svc_.Recount(Ctx(), count->id, 1, 88, "damaged_in_bin").ok());
  auto closed = svc_.Close(Ctx(), count->id, {});
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(Stock(rcv_, milk_), 88);
  EXPECT_EQ(OnHand(milk_), 103);
  auto tx = Read();
  inventory::MovementQuery q;
  q.sku_id = milk_;
  auto moves = tx->inventory().ListMovements(TenantId(kTenant), q);
  ASSERT_TRUE(moves.ok());
  EXPECT_EQ(moves->back().reason, inventory::MovementReason::kCountLoss);
  EXPECT_EQ(moves->back().quantity, 2);
  EXPECT_EQ(moves->back().note, "damaged_in_bin");
}

TEST_F(WarehouseServiceTest, StockFoundOffTheSheetIsCountedAndPostsAGainAtClose) {
  StoreMilk(10, "L-A");   // in A-01: the sheet
  ReceiveMilk(6, "L-B");  // in RCV-1: lot L-B exists, none of it in A-01 on the books
  const LotId la = LotOf(milk_, "L-A");
  const LotId lb = LotOf(milk_, "L-B");
  auto count = svc_.CreateCount(Ctx(), {wh_, {a1_}});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  ASSERT_EQ(count->lines.size(), 1U);
  const std::int64_t movements = MovementCount();

  // Refusals, each naming its field; nothing changes.
  const auto found = [&](std::int64_t bin, std::int64_t sku, LotId lot, std::int64_t qty,
                         std::string owner = "own") {
    return FoundEntry{bin, sku, lot, std::move(owner), qty};
  };
  XB_EXPECT_ERROR(svc_.CountFound(Ctx(), count->id, found(999999, milk_, lb, 3)),
                  ErrorCode::kInvalidArgument, "bin_id");
  XB_EXPECT_ERROR(svc_.CountFound(Ctx(), count->id, found(far_, milk_, lb, 3)),
                  ErrorCode::kInvalidArgument, "bin_id");
  XB_EXPECT_ERROR(svc_.CountFound(Ctx(), count->id, found(stg_, milk_, lb, 3)),
                  ErrorCode::kInvalidArgument, "bin_id");  // a shipping bin, not on the sheet
  XB_EXPECT_ERROR(svc_.CountFound(Ctx(), count->id, found(a1_, 999999, lb, 3)),
                  ErrorCode::kInvalidArgument, "sku_id");
  XB_EXPECT_ERROR(svc_.CountFound(Ctx(), count->id, found(a1_, milk_, LotId(999999), 3)),
                  ErrorCode::kInvalidArgument, "lot_id");
  XB_EXPECT_ERROR(svc_.CountFound(Ctx(), count->id, found(a1_, bottle_, lb, 3)),
                  ErrorCode::kInvalidArgument, "lot_id");  // a lot of milk
  XB_EXPECT_ERROR(svc_.CountFound(Ctx(), count->id, found(a1_, milk_, lb, 0)),
                  ErrorCode::kInvalidArgument, "counted");
  XB_EXPECT_ERROR(svc_.CountFound(Ctx(), count->id, found(a1_, milk_, lb, -1)),
                  ErrorCode::kInvalidArgument, "counted");
  XB_EXPECT_ERROR(svc_.CountFound(Ctx(), count->id, found(a1_, milk_, lb, 3, "")),
                  ErrorCode::kInvalidArgument, "owner");
  auto twice = svc_.CountFound(Ctx(), count->id, found(a1_, milk_, la, 3));
  XB_EXPECT_ERROR(twice, ErrorCode::kAlreadyExists, "line_no");
  EXPECT_NE(twice.status().message().find("line 1"), std::string::npos)
      << twice.status().ToString();
  {
    auto move = svc_.CreateMove(Ctx(), {wh_, {{milk_, lb, "own", rcv_, a2_, 1}}});
    ASSERT_TRUE(move.ok());
    XB_EXPECT_ERROR(svc_.CountFound(Ctx(), move->id, found(a1_, milk_, lb, 3)),
                    ErrorCode::kFailedPrecondition, "kind");
    ASSERT_TRUE(svc_.Cancel(Ctx(), move->id).ok());
  }
  const warehouse::Task unchanged = GetTask(count->id);
  EXPECT_EQ(unchanged.version, count->version);
  EXPECT_EQ(unchanged.lines.size(), 1U);
  EXPECT_EQ(unchanged.state, TaskState::kOpen);
  EXPECT_EQ(MovementCount(), movements);

  // 3 of lot L-B found in A-01 (book 0), retried with its key: one line 2, to recount.
  bool replayed = true;
  auto added =
      svc_.CountFound(Keyed("found-1", "h1"), count->id, found(a1_, milk_, lb, 3), &replayed);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_FALSE(replayed);
  auto again =
      svc_.CountFound(Keyed("found-1", "h1"), count->id, found(a1_, milk_, lb, 3), &replayed);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(replayed);
  ASSERT_EQ(GetTask(count->id).lines.size(), 2U);
  ASSERT_EQ(added->lines.size(), 2U);
  const warehouse::TaskLine& line = added->lines[1];
  EXPECT_EQ(line.line_no, 2);
  EXPECT_EQ(line.from_bin, a1_);
  EXPECT_EQ(line.lot_id, lb);
  EXPECT_EQ(line.system_qty, 0);
  EXPECT_EQ(line.counted_qty, 3);
  EXPECT_EQ(added->state, TaskState::kRecount);
  // Found again: refused, pointing at line 2.
  auto dup = svc_.CountFound(Ctx(), count->id, found(a1_, milk_, lb, 1));
  XB_EXPECT_ERROR(dup, ErrorCode::kAlreadyExists, "line_no");
  EXPECT_NE(dup.status().message().find("line 2"), std::string::npos) << dup.status().ToString();
  // A storage bin that is not on the sheet: 2 bottles found in A-02 match nothing on the books.
  auto bottles = svc_.CountFound(Ctx(), count->id, found(a2_, bottle_, LotId(), 2));
  ASSERT_TRUE(bottles.ok()) << bottles.status().ToString();
  EXPECT_EQ(bottles->lines.back().line_no, 3);

  // The usual rules: line 1 agrees, lines 2 and 3 are recounted with their reasons.
  ASSERT_TRUE(svc_.Count(Ctx(), count->id, 1, 10).ok());
  XB_EXPECT_ERROR(svc_.Close(Ctx(), count->id, {}), ErrorCode::kFailedPrecondition, "");
  ASSERT_TRUE(svc_.Recount(Ctx(), count->id, 2, 3, "found_in_bin").ok());
  ASSERT_TRUE(svc_.Recount(Ctx(), count->id, 3, 2, "found_in_bin").ok());
  auto closed = svc_.Close(Ctx(), count->id, {});
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(Stock(a1_, milk_, inventory::StockState::kAvailable, lb), 3);
  EXPECT_EQ(Stock(a1_, milk_, inventory::StockState::kAvailable, la), 10);
  EXPECT_EQ(Stock(a2_, bottle_), 2);
  EXPECT_EQ(OnHand(milk_), 19);
  EXPECT_EQ(MovementCount(), movements + 2);
  // Closed: nothing more is found.
  XB_EXPECT_ERROR(svc_.CountFound(Ctx(), count->id, found(a2_, milk_, lb, 1)),
                  ErrorCode::kFailedPrecondition, "state");
  auto tx = Read();
  inventory::MovementQuery q;
  q.sku_id = milk_;
  q.limit = 1000;
  auto moves = tx->inventory().ListMovements(TenantId(kTenant), q);
  ASSERT_TRUE(moves.ok());
  EXPECT_EQ(moves->back().reason, inventory::MovementReason::kCountGain);
  EXPECT_EQ(moves->back().quantity, 3);
  EXPECT_EQ(moves->back().lot_id, lb);
  EXPECT_EQ(moves->back().note, "found_in_bin");
  ASSERT_TRUE(moves->back().to.has_value());
  EXPECT_EQ(moves->back().to->bin_id, a1_);
}

TEST_F(WarehouseServiceTest, ARetriedCreateWithItsKeyMakesOneTask) {
  ReceiveMilk(10, "L-A");
  bool replayed = true;
  auto first = svc_.CreateCount(Keyed("count-1", "h1"), {wh_, {rcv_}}, &replayed);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(replayed);
  auto again = svc_.CreateCount(Keyed("count-1", "h1"), {wh_, {rcv_}}, &replayed);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(replayed);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->code, first->code);
  warehouse::TaskQuery q;
  q.kind = TaskKind::kCount;
  auto tasks = svc_.ListTasks(As(access::Role::kWarehouseOperator), q);
  ASSERT_TRUE(tasks.ok());
  EXPECT_EQ(tasks->second, 1);
  EXPECT_EQ(Events("warehouse.task.created").size(), 2U);  // the receipt's and the count's
  // The same key with another request is refused and makes nothing.
  XB_EXPECT_ERROR(svc_.CreateCount(Keyed("count-1", "h2"), {wh_, {rcv_}}),
                  ErrorCode::kInvalidArgument, "");
  tasks = svc_.ListTasks(As(access::Role::kWarehouseOperator), q);
  EXPECT_EQ(tasks->second, 1);
  // Without a key, every request is new.
  ASSERT_TRUE(svc_.CreateCount(Ctx(), {wh_, {rcv_}}).ok());
  tasks = svc_.ListTasks(As(access::Role::kWarehouseOperator), q);
  EXPECT_EQ(tasks->second, 2);
}

TEST_F(WarehouseServiceTest, RetriedStepsWithTheirKeysApplyOnce) {
  ReceiveDraft d;
  d.warehouse_id = wh_;
  d.receiving_bin_id = rcv_;
  d.asn_ref = "ASN-K";
  d.asn_lines = {{milk_, 40}};
  auto task = svc_.CreateReceive(Keyed("rcv", "create"), d);
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  bool replayed = false;
  for (int i = 0; i < 3; ++i) {
    auto r = svc_.Receive(Keyed("receipt-1", "r1"), task->id, {1, Lot("L-A", 30)}, &replayed);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(replayed, i > 0);
    EXPECT_EQ(r->lines[0].done_qty, 30);
  }
  EXPECT_EQ(Stock(rcv_, milk_), 30);
  EXPECT_EQ(Events("warehouse.receipt.recorded").size(), 1U);
  // A key of one step is not another step's.
  XB_EXPECT_ERROR(svc_.Receive(Keyed("receipt-1", "r2"), task->id, {1, Lot("L-A", 10)}),
                  ErrorCode::kInvalidArgument, "");
  ASSERT_TRUE(svc_.Receive(Keyed("receipt-2", "r2"), task->id, {1, Lot("L-A", 10)}).ok());
  EXPECT_EQ(Stock(rcv_, milk_), 40);

  for (int i = 0; i < 2; ++i) {
    auto closed = svc_.Close(Keyed("close", "c"), task->id, {}, &replayed);
    ASSERT_TRUE(closed.ok()) << closed.status().ToString();
    EXPECT_EQ(replayed, i > 0);
    EXPECT_EQ(closed->task.state, TaskState::kDone);
    ASSERT_EQ(closed->variances.size(), 1U);
    EXPECT_EQ(closed->variances[0].good, 40);
  }
  EXPECT_EQ(Events("warehouse.task.closed").size(), 1U);

  const LotId lot = LotOf(milk_, "L-A");
  auto move = svc_.CreateMove(Ctx(), {wh_, {{milk_, lot, "own", rcv_, a2_, 10}}});
  ASSERT_TRUE(move.ok());
  for (int i = 0; i < 2; ++i) {
    auto p = svc_.Progress(Keyed("move-1", "m"), move->id, {1, 4, std::nullopt}, &replayed);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(replayed, i > 0);
  }
  EXPECT_EQ(Stock(a2_, milk_), 4);
  auto count = svc_.CreateCount(Ctx(), {wh_, {a2_}});
  ASSERT_TRUE(count.ok());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(svc_.Count(Keyed("count-a2", "n"), count->id, 1, 3, &replayed).ok());
    EXPECT_EQ(replayed, i > 0);
  }
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(svc_.Recount(Keyed("recount-a2", "n"), count->id, 1, 3, "lost", &replayed).ok());
    EXPECT_EQ(replayed, i > 0);
  }
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(svc_.Close(Keyed("close-a2", "n"), count->id, {}, &replayed).ok());
    EXPECT_EQ(replayed, i > 0);
  }
  EXPECT_EQ(Stock(a2_, milk_), 3);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(svc_.Cancel(Keyed("cancel-move", "x"), move->id, &replayed).ok());
    EXPECT_EQ(replayed, i > 0);
  }
}

TEST_F(WarehouseServiceTest, ARetriedPackAndShipWithTheirKeysMakeOneParcelAndShipItOnce) {
  StoreMilk(20, "L-A");
  const LotId lot = LotOf(milk_, "L-A");
  const auto r = AddReservation(milk_, "SO-7", {{lot, 8, 0}});
  bool replayed = true;
  auto pick = svc_.CreatePick(Keyed("pick", "p"), {wh_, stg_, {r.id.value()}}, &replayed);
  ASSERT_TRUE(pick.ok()) << pick.status().ToString();
  EXPECT_FALSE(replayed);
  auto pick_again = svc_.CreatePick(Keyed("pick", "p"), {wh_, stg_, {r.id.value()}}, &replayed);
  ASSERT_TRUE(pick_again.ok()) << pick_again.status().ToString();
  EXPECT_TRUE(replayed);
  EXPECT_EQ(pick_again->id, pick->id);
  ASSERT_TRUE(svc_.Close(Ctx(), pick->id, {true}).ok());

  const PackDraft pack{wh_, "SO-7", stg_, {{milk_, lot, "own", 5}}, 4200};
  auto p1 = svc_.Pack(Keyed("pack", "k"), pack, &replayed);
  ASSERT_TRUE(p1.ok()) << p1.status().ToString();
  EXPECT_FALSE(replayed);
  auto p2 = svc_.Pack(Keyed("pack", "k"), pack, &replayed);
  ASSERT_TRUE(p2.ok()) << p2.status().ToString();
  EXPECT_TRUE(replayed);
  EXPECT_EQ(p2->id, p1->id);
  EXPECT_EQ(p2->sscc, p1->sscc);
  EXPECT_EQ(Events("warehouse.parcel.packed").size(), 1U);
  for (int i = 0; i < 3; ++i) {
    auto shipped = svc_.Ship(Keyed("ship", "s"), p1->id, {carrier_, "SF1"}, &replayed);
    ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
    EXPECT_EQ(replayed, i > 0);
    EXPECT_EQ(shipped->state, warehouse::ParcelState::kShipped);
  }
  EXPECT_EQ(OnHand(milk_), 15);
  EXPECT_EQ(Events("warehouse.parcel.shipped").size(), 1U);
}

TEST_F(WarehouseServiceTest, GoodsShortOfEveryChannelsShelfLifeAreNotReceivedAsGood) {
  {
    auto tx = Write();
    for (const auto& [code, days] :
         std::vector<std::pair<std::string, std::optional<std::int64_t>>>{{"TMALL-HK", 180},
                                                                          {"JD-WW", 90}}) {
      partners::Channel c;
      c.tenant_id = TenantId(kTenant);
      c.code = code;
      c.name = code;
      c.min_remaining_shelf_life_days = days;
      c.version = 1;
      ASSERT_TRUE(tx->channels().Insert(c).ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  ReceiveDraft d;
  d.warehouse_id = wh_;
  d.receiving_bin_id = rcv_;
  d.asn_ref = "ASN-SHORT";
  d.asn_lines = {{milk_, 30}};
  auto task = svc_.CreateReceive(Ctx(), d);
  ASSERT_TRUE(task.ok());
  // Today is 2026-11-25: 2027-02-22 is 89 days away, one short of JD's 90 (the least strict).
  auto short_dated = svc_.Receive(Ctx(), task->id, {1, Lot("L-S", 10, Day(2027, 2, 22))});
  XB_EXPECT_ERROR(short_dated, ErrorCode::kFailedPrecondition, "expiry_date");
  const std::string message = short_dated.status().message();
  EXPECT_NE(message.find("lot L-S expires on 2027-02-22, 89 days from today"), std::string::npos)
      << message;
  EXPECT_NE(message.find("90 days (sales channel JD-WW"), std::string::npos) << message;
  EXPECT_EQ(MovementCount(), 0);
  {
    auto tx = Read();
    auto lot = tx->inventory().FindLot(TenantId(kTenant), milk_, "L-S");
    ASSERT_TRUE(lot.ok());
    EXPECT_FALSE(lot->has_value()) << "a refused receipt stores no lot";
  }
  // Exactly the minimum is enough; short-dated goods may be recorded as damaged, with the reason.
  ASSERT_TRUE(svc_.Receive(Ctx(), task->id, {1, Lot("L-OK", 10, Day(2027, 2, 23))}).ok());
  auto damaged = svc_.Receive(
      Ctx(), task->id, {1, Lot("L-S", 10, Day(2027, 2, 22), Condition::kDamaged, "short dated")});
  ASSERT_TRUE(damaged.ok()) << damaged.status().ToString();
  EXPECT_EQ(Stock(rcv_, milk_), 10);
  EXPECT_EQ(Stock(rcv_, milk_, StockState::kDamaged), 10);
}

TEST_F(WarehouseServiceTest, ALotThatExpiredSinceItWasReservedIsNeitherPickedNorShipped) {
  {
    ReceiveDraft d;
    d.warehouse_id = wh_;
    d.receiving_bin_id = rcv_;
    d.asn_ref = "ASN-E";
    d.asn_lines = {{milk_, 20}};
    auto task = svc_.CreateReceive(Ctx(), d);
    ASSERT_TRUE(task.ok());
    ASSERT_TRUE(svc_.Receive(Ctx(), task->id, {1, Lot("L-E", 20, Day(2026, 11, 30))}).ok());
  }
  const LotId lot = LotOf(milk_, "L-E");
  auto move = svc_.CreateMove(Ctx(), {wh_, {{milk_, lot, "own", rcv_, a1_, 20}}});
  ASSERT_TRUE(move.ok());
  ASSERT_TRUE(svc_.Close(Ctx(), move->id, {true}).ok());
  const auto r1 = AddReservation(milk_, "SO-E1", {{lot, 5, 0}});
  const auto r2 = AddReservation(milk_, "SO-E2", {{lot, 5, 0}});
  auto pick1 = svc_.CreatePick(Ctx(), {wh_, stg_, {r1.id.value()}});
  auto pick2 = svc_.CreatePick(Ctx(), {wh_, stg_, {r2.id.value()}});
  ASSERT_TRUE(pick1.ok() && pick2.ok());
  // On its expiry date the lot is still usable: pick 1 is picked and packed.
  clock_.Set(Timestamp::FromMicros(1'795'595'400'000'000 + 5LL * 86'400'000'000));  // 11-30
  ASSERT_TRUE(svc_.Close(Ctx(), pick1->id, {true}).ok());
  auto parcel = svc_.Pack(Ctx(), {wh_, "SO-E1", stg_, {{milk_, lot, "own", 5}}, 900});
  ASSERT_TRUE(parcel.ok()) << parcel.status().ToString();
  // The next day it has expired: no pick, no completion, no shipping; nothing moves.
  clock_.AdvanceMicros(86'400'000'000);  // 12-01
  XB_EXPECT_ERROR(svc_.Progress(Ctx(), pick2->id, {1, 1, std::nullopt}),
                  ErrorCode::kFailedPrecondition, "line_no");
  auto completing = svc_.Close(Ctx(), pick2->id, {true});
  XB_EXPECT_ERROR(completing, ErrorCode::kFailedPrecondition, "complete");
  EXPECT_NE(completing.status().message().find("lot L-E"), std::string::npos);
  EXPECT_NE(completing.status().message().find("expired on 2026-11-30"), std::string::npos);
  auto shipping = svc_.Ship(Ctx(), parcel->id, {carrier_, "SF-E"});
  XB_EXPECT_ERROR(shipping, ErrorCode::kFailedPrecondition, "lines");
  EXPECT_EQ(Stock(stg_, milk_, StockState::kPicked), 5);
  EXPECT_EQ(Stock(a1_, milk_), 15);
  EXPECT_EQ(GetTask(pick2->id).state, TaskState::kOpen);
}

TEST_F(WarehouseServiceTest, StockMovedIntoAQuarantineBinIsHeldAndNeverPicked) {
  StoreMilk(20, "L-A");
  const LotId lot = LotOf(milk_, "L-A");
  auto move = svc_.CreateMove(Ctx(), {wh_, {{milk_, lot, "own", a1_, quar_, 5}}});
  ASSERT_TRUE(move.ok()) << move.status().ToString();
  ASSERT_TRUE(svc_.Progress(Ctx(), move->id, {1, 2, std::nullopt}).ok());
  ASSERT_TRUE(svc_.Close(Ctx(), move->id, {true}).ok());
  EXPECT_EQ(Stock(quar_, milk_), 0);
  EXPECT_EQ(Stock(quar_, milk_, StockState::kQuarantine), 5);
  EXPECT_EQ(Stock(a1_, milk_), 15);
  {
    auto tx = Read();
    inventory::MovementQuery q;
    q.ref_type = "task";
    q.ref_id = std::to_string(move->id.value());
    auto moves = tx->inventory().ListMovements(TenantId(kTenant), q);
    ASSERT_TRUE(moves.ok());
    ASSERT_EQ(moves->size(), 2U);
    for (const auto& m : *moves) EXPECT_EQ(m.reason, inventory::MovementReason::kHold);
  }
  // A putaway into it (overriding the suggested bin) holds the stock as well.
  auto received = ReceiveMilk(4, "L-B");
  auto put = svc_.CreatePutaway(Ctx(), received.id);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  ASSERT_TRUE(svc_.Progress(Ctx(), put->id, {1, 4, quar_}).ok());
  EXPECT_EQ(Stock(quar_, milk_, StockState::kQuarantine), 9);
  // Out of it only by an explicit release: a move finds nothing available there.
  XB_EXPECT_ERROR(svc_.CreateMove(Ctx(), {wh_, {{milk_, lot, "own", quar_, a1_, 1}}}),
                  ErrorCode::kFailedPrecondition, "lines");
  // Picks take storage and pick bins only: 15 in A-01 are there, the 5 held ones and stock in
  // the receiving bin are not.
  ReceiveMilk(10, "L-A");  // 10 more of the lot in RCV-1
  const auto r = AddReservation(milk_, "SO-Q", {{lot, 16, 0}});
  auto pick = svc_.CreatePick(Ctx(), {wh_, stg_, {r.id.value()}});
  XB_EXPECT_ERROR(pick, ErrorCode::kFailedPrecondition, "reservation_ids");
  EXPECT_NE(pick.status().message().find("1 units of lot"), std::string::npos)
      << pick.status().message();
  const auto r15 = AddReservation(milk_, "SO-Q15", {{lot, 15, 0}});
  auto pick15 = svc_.CreatePick(Ctx(), {wh_, stg_, {r15.id.value()}});
  ASSERT_TRUE(pick15.ok()) << pick15.status().ToString();
  ASSERT_EQ(pick15->lines.size(), 1U);
  EXPECT_EQ(pick15->lines[0].from_bin, a1_);
}

TEST_F(WarehouseServiceTest, GoodsReceivedIntoAQuarantineBinAreHeld) {
  ReceiveDraft d;
  d.warehouse_id = wh_;
  d.receiving_bin_id = quar_;
  d.asn_ref = "ASN-Q";
  d.asn_lines = {{bottle_, 6}};
  auto task = svc_.CreateReceive(Ctx(), d);
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  ASSERT_TRUE(svc_.Receive(Ctx(), task->id, {1, Lot("", 6, std::nullopt)}).ok());
  EXPECT_EQ(Stock(quar_, bottle_), 0);
  EXPECT_EQ(Stock(quar_, bottle_, StockState::kQuarantine), 6);
}

TEST(WarehouseOptionsTest, TheCompanyPrefixIsSevenToTenDigits) {
  for (const char* good : {"0614141", "4012345678", "95012345"}) {
    EXPECT_TRUE(Validate(WarehouseOptions{good, 0}, "--gs1-company-prefix").ok()) << good;
  }
  for (const char* bad : {"", "061414", "40123456789", "06141A1", " 0614141"}) {
    const Status st = Validate(WarehouseOptions{bad, 0}, "--gs1-company-prefix");
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(st.field(), "--gs1-company-prefix") << bad;
  }
  EXPECT_FALSE(Validate(WarehouseOptions{"0614141", 10}, "--gs1-company-prefix").ok());
}

TEST_F(WarehouseServiceTest, ParcelsCarryTheConfiguredCompanyPrefix) {
  WarehouseService own(*db_, clock_, nullptr, WarehouseOptions{"4012345678", 3});
  StoreMilk(5, "L-A");
  const LotId lot = LotOf(milk_, "L-A");
  const auto r = AddReservation(milk_, "SO-P", {{lot, 5, 0}});
  auto pick = own.CreatePick(Ctx(), {wh_, stg_, {r.id.value()}});
  ASSERT_TRUE(pick.ok()) << pick.status().ToString();
  ASSERT_TRUE(own.Close(Ctx(), pick->id, {true}).ok());
  auto parcel = own.Pack(Ctx(), {wh_, "SO-P", stg_, {{milk_, lot, "own", 5}}, 900});
  ASSERT_TRUE(parcel.ok()) << parcel.status().ToString();
  EXPECT_EQ(parcel->sscc.substr(0, 11), "34012345678");
  EXPECT_TRUE(warehouse::IsValidSscc(parcel->sscc)) << parcel->sscc;
}

TEST_F(WarehouseServiceTest, AFiveThousandLinePickIsPostedInOneGo) {
  // 5,000 lots of one unit each in the receiving bin, each reserved by its own order, picked as
  // one wave.
  std::vector<std::int64_t> ids;
  {
    auto tx = Write();
    std::vector<inventory::Movement> in;
    std::vector<inventory::Reservation> rs;
    for (int i = 0; i < 5000; ++i) {
      inventory::Lot lot;
      lot.tenant_id = TenantId(kTenant);
      lot.sku_id = milk_;
      lot.lot_number = "B" + std::to_string(i);
      lot.expiry_date = Day(2027, 12, 31);
      auto stored = tx->inventory().InsertLot(lot);
      ASSERT_TRUE(stored.ok()) << stored.status().ToString();
      inventory::Movement m;
      m.tenant_id = TenantId(kTenant);
      m.sku_id = milk_;
      m.lot_id = stored->id;
      m.to = inventory::Place{wh_, a1_, StockState::kAvailable};
      m.quantity = 1;
      m.reason = inventory::MovementReason::kReceipt;
      m.at = clock_.Now();
      in.push_back(m);
      inventory::Reservation r;
      r.id = inventory::ReservationId(++reservations_);
      r.tenant_id = TenantId(kTenant);
      r.warehouse_id = wh_;
      r.sku_id = milk_;
      r.order_ref = "SO-" + std::to_string(i);
      r.lines = {{stored->id, 1, 0}};
      r.created_at = clock_.Now();
      r.updated_at = clock_.Now();
      rs.push_back(r);
      ids.push_back(r.id.value());
    }
    ASSERT_TRUE(tx->inventory().Post(in).ok());
    ASSERT_TRUE(tx->inventory().SaveReservations(rs).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto wave = svc_.CreatePick(Ctx(), {wh_, stg_, ids});
  ASSERT_TRUE(wave.ok()) << wave.status().ToString();
  ASSERT_EQ(wave->lines.size(), 5000U);
  auto closed = svc_.Close(Ctx(), wave->id, {true});
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(Stock(stg_, milk_, StockState::kPicked), 5000);
  EXPECT_EQ(Stock(rcv_, milk_), 0);
  const auto events = Events("warehouse.task.closed");
  ASSERT_EQ(events.size(), 1U);
  EXPECT_NE(events[0].payload.find("\"completed_qty\":5000"), std::string::npos);
}

TEST_F(WarehouseServiceTest, TasksAreReadByOfficeRolesAndDevicesButNotOtherTenants) {
  const auto received = ReceiveMilk(5);
  EXPECT_TRUE(svc_.GetTask(As(access::Role::kReadOnly), received.id).ok());
  EXPECT_TRUE(svc_.GetTask(As(access::Role::kDevice), received.id).ok());
  XB_EXPECT_ERROR(svc_.GetTask(As(access::Role::kAdmin, 2), received.id), ErrorCode::kNotFound, "");
  warehouse::TaskQuery q;
  q.kind = TaskKind::kReceive;
  auto list = svc_.ListTasks(As(access::Role::kReadOnly), q);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->second, 1);
  q.limit = 0;
  XB_EXPECT_ERROR(svc_.ListTasks(As(access::Role::kReadOnly), q), ErrorCode::kInvalidArgument,
                  "limit");
}

}  // namespace
}  // namespace xb::warehouse_flow
