#include "flows/customs/receipt_service.h"

#include <gtest/gtest.h>

#include "flows/customs/customs_test_support.h"
#include "flows/customs/support.h"

namespace xb::customs_flow {
namespace {

using customs::DeclarationState;
using customs::ReceiptKind;
using inventory::StockState;
using orders::OrderState;

class ReceiptServiceTest : public CustomsFlowTest {
 protected:
  // A second shipment of `placed`'s order (no lines of its own here): its declaration, submitted.
  customs::Declaration SecondShipment(const Placed& placed) {
    customs::Declaration d = placed.declaration;
    d.id = customs::DeclarationId();
    d.list.list_no.clear();
    d.shipment_ref = "W99-9610";
    d.state = DeclarationState::kSubmitted;
    auto tx = Write();
    auto stored = tx->customs().InsertDeclaration(d);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_TRUE(tx->Commit().ok());
    return stored.ok() ? *stored : d;
  }
};

TEST(ListNo, TenantIsReadFromTheListNumber) {
  EXPECT_EQ(TenantOfListNo("XB1000000000042"), TenantId(1));
  EXPECT_EQ(TenantOfListNo("XB27000000000042"), TenantId(27));
  EXPECT_FALSE(TenantOfListNo("XB000000000042").has_value());  // no tenant digits
  EXPECT_FALSE(TenantOfListNo("YB1000000000042").has_value());
  EXPECT_FALSE(TenantOfListNo("XB1x00000000042").has_value());
}

TEST_F(ReceiptServiceTest, ReceiptForAnUnknownDeclarationIsRefusedAndChangesNothing) {
  auto placed = PlaceOrder(2);
  const auto events = EventCount();
  customs::Receipt r = Receipt("R-1", placed.declaration, ReceiptKind::kReleased);
  r.list_no = "XB1999999999999";
  auto applied = receipts_.Apply(Ctx(access::Role::kCustomsBroker), r);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(applied.status().message(), "unknown declaration XB1999999999999");
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(DeclarationNow(placed.declaration).state, DeclarationState::kSubmitted);
  EXPECT_EQ(OrderNow(placed.order).state, OrderState::kAccepted);
  EXPECT_EQ(engine_.Available(Pool()), 8);
  EXPECT_EQ(PickTasks(), 0);
  // Its receipt id was not used up: a later receipt under that id for a real list applies.
  EXPECT_TRUE(
      receipts_.Apply(Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kAccepted)).ok());
}

TEST_F(ReceiptServiceTest, ApplyingNeedsTheCustomsRole) {
  auto placed = PlaceOrder(1);
  auto applied = receipts_.Apply(Ctx(access::Role::kPlanner),
                                 Receipt("R-1", placed.declaration, ReceiptKind::kAccepted));
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().code(), ErrorCode::kPermissionDenied);
}

TEST_F(ReceiptServiceTest, AcceptanceDeclaresTheOrder) {
  auto placed = PlaceOrder(2);
  auto applied = receipts_.Apply(Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kAccepted));
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_FALSE(applied->replayed);
  EXPECT_EQ(applied->declaration.state, DeclarationState::kAccepted);
  EXPECT_EQ(applied->order_state, OrderState::kDeclared);
  auto timeline = Read()->orders().ListEvents(TenantId(kTenant), placed.order.id);
  ASSERT_TRUE(timeline.ok());
  ASSERT_FALSE(timeline->empty());
  EXPECT_EQ(timeline->back().state, "declared");
}

TEST_F(ReceiptServiceTest, ReleaseBooksTheOutboundAndCreatesThePickTaskOnce) {
  auto placed = PlaceOrder(2);
  ASSERT_TRUE(
      receipts_.Apply(Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kAccepted)).ok());
  auto released =
      receipts_.Apply(Ctx(), Receipt("R-2", placed.declaration, ReceiptKind::kReleased));
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(released->declaration.state, DeclarationState::kReleased);
  ASSERT_TRUE(released->declaration.released_at.has_value());
  EXPECT_EQ(released->order_state, OrderState::kReleased);
  ASSERT_TRUE(released->pick_task_id.has_value());
  EXPECT_EQ(PickTasks(), 1);
  auto task =
      Read()->warehouse().GetTask(TenantId(kTenant), warehouse::TaskId(*released->pick_task_id));
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  ASSERT_EQ(task->lines.size(), 1u);
  EXPECT_EQ(task->lines[0].reservation_id, placed.order.lines[0].reservation_id);
  EXPECT_EQ(task->lines[0].to_bin, stg_);
  EXPECT_EQ(task->lines[0].expected_qty, 2);
  auto book = BookEntries();
  ASSERT_EQ(book.size(), 1u);
  EXPECT_EQ(book[0].kind, customs::AccountEntryKind::kOutbound);
  EXPECT_EQ(book[0].quantity, -2);
  EXPECT_EQ(book[0].hs_code, "1901101000");
  EXPECT_EQ(book[0].ref, "list:" + placed.declaration.list.list_no);

  // The same receipt again: the first outcome, nothing new.
  const auto events = EventCount();
  auto again = receipts_.Apply(Ctx(), Receipt("R-2", placed.declaration, ReceiptKind::kReleased));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->declaration.state, DeclarationState::kReleased);
  EXPECT_EQ(again->order_state, OrderState::kReleased);
  EXPECT_EQ(PickTasks(), 1);
  EXPECT_EQ(BookEntries().size(), 1u);
  EXPECT_EQ(EventCount(), events);
  auto stored = Read()->customs().ListReceipts(TenantId(kTenant), placed.declaration.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), 2u);

  // A second release under another id changes nothing either (noted only).
  auto second = receipts_.Apply(Ctx(), Receipt("R-3", placed.declaration, ReceiptKind::kReleased));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(PickTasks(), 1);
  EXPECT_EQ(BookEntries().size(), 1u);
}

TEST_F(ReceiptServiceTest, AMissingPickTaskIsCreatedWhenTheReleaseComesAgain) {
  auto placed = PlaceOrder(2);
  const auto set_staging = [&](RecordStatus status) {
    auto tx = Write();
    auto bin = tx->bins().Get(TenantId(kTenant), stg_);
    ASSERT_TRUE(bin.ok());
    const auto version = bin->version;
    bin->status = status;
    bin->version = version + 1;
    ASSERT_TRUE(tx->bins().Update(*bin, version).ok());
    ASSERT_TRUE(tx->Commit().ok());
  };
  set_staging(RecordStatus::kArchived);
  auto released =
      receipts_.Apply(Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kReleased));
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_FALSE(released->pick_task_id.has_value());
  EXPECT_EQ(PickTasks(), 0);

  set_staging(RecordStatus::kActive);
  auto again = receipts_.Apply(Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kReleased));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_TRUE(again->pick_task_id.has_value());
  EXPECT_EQ(PickTasks(), 1);
  ASSERT_TRUE(
      receipts_.Apply(Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kReleased)).ok());
  EXPECT_EQ(PickTasks(), 1);
}

TEST_F(ReceiptServiceTest, AReceiptThatCannotApplyIsRefusedAndNotStored) {
  auto placed = PlaceOrder(1);
  ASSERT_TRUE(
      receipts_.Apply(Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kRejected, "bad"))
          .ok());
  auto late = receipts_.Apply(Ctx(), Receipt("R-2", placed.declaration, ReceiptKind::kReleased));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), ErrorCode::kFailedPrecondition);
  auto stored = Read()->customs().ListReceipts(TenantId(kTenant), placed.declaration.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), 1u);
  EXPECT_EQ(PickTasks(), 0);
}

TEST_F(ReceiptServiceTest, InspectionHoldTakesTheReservedStockOutOfReachUntilRelease) {
  auto placed = PlaceOrder(2);
  EXPECT_EQ(engine_.Available(Pool()), 8);
  auto held = receipts_.Apply(
      Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kInspectionHold, "random inspection"));
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(held->declaration.state, DeclarationState::kInspectionHold);
  EXPECT_EQ(held->declaration.reason, "random inspection");
  EXPECT_EQ(held->order_state, OrderState::kInspectionHold);
  EXPECT_EQ(Stock(a1_, StockState::kCustomsHold), 2);
  EXPECT_EQ(Stock(a1_, StockState::kAvailable), 8);
  EXPECT_EQ(engine_.Available(Pool()), 8);  // the held units never became reservable
  auto old = Read()->inventory().GetReservation(
      TenantId(kTenant), inventory::ReservationId(placed.order.lines[0].reservation_id));
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->state, inventory::ReservationState::kReleased);

  // Another order takes everything else; the held units are not there for it.
  inventory_flow::ReserveRequest rest;
  rest.tenant_id = TenantId(kTenant);
  rest.warehouse_id = wh_;
  rest.sku_id = milk_;
  rest.quantity = 9;
  rest.order_ref = "order:other";
  EXPECT_EQ(engine_.Reserve(rest).status().code(), ErrorCode::kFailedPrecondition);
  rest.quantity = 8;
  ASSERT_TRUE(engine_.Reserve(rest).ok());
  EXPECT_EQ(engine_.Available(Pool()), 0);

  // Released after inspection: back to available, reserved again for the order, picked.
  auto released =
      receipts_.Apply(Ctx(), Receipt("R-2", placed.declaration, ReceiptKind::kReleased));
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(released->order_state, OrderState::kReleased);
  EXPECT_EQ(Stock(a1_, StockState::kCustomsHold), 0);
  EXPECT_EQ(Stock(a1_, StockState::kAvailable), 10);
  EXPECT_EQ(engine_.Available(Pool()), 0);
  auto order = OrderNow(placed.order);
  EXPECT_NE(order.lines[0].reservation_id, placed.order.lines[0].reservation_id);
  auto again =
      engine_.Find(TenantId(kTenant), inventory::ReservationId(order.lines[0].reservation_id));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->Quantity(), 2);
  EXPECT_EQ(again->order_ref, "order:1");
  ASSERT_TRUE(released->pick_task_id.has_value()) << testing::PrintToString(released->notes);
  EXPECT_EQ(PickTasks(), 1);
  EXPECT_EQ(BookEntries().size(), 1u);
}

TEST_F(ReceiptServiceTest, RejectionReleasesTheStockAndRestoresTheQuota) {
  auto placed = PlaceOrder(2);
  EXPECT_EQ(QuotaUsed(), 20000);
  auto rejected = receipts_.Apply(
      Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kRejected, "buyer is not payer"));
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_EQ(rejected->declaration.state, DeclarationState::kRejected);
  EXPECT_EQ(rejected->order_state, OrderState::kRejected);
  EXPECT_EQ(OrderNow(placed.order).reason, "buyer is not payer");
  EXPECT_EQ(engine_.Available(Pool()), 10);
  EXPECT_EQ(QuotaUsed(), 0);
  ASSERT_EQ(restored_.size(), 1u);
  EXPECT_EQ(restored_[0].amount_fen, -20000);
  EXPECT_EQ(restored_[0].year, 2026);
  EXPECT_EQ(restored_[0].id_number, kIdNumber);

  // A repeated rejection restores nothing more (and finds nothing left to release).
  ASSERT_TRUE(receipts_
                  .Apply(Ctx(), Receipt("R-2", placed.declaration, ReceiptKind::kRejected,
                                        "buyer is not payer"))
                  .ok());
  EXPECT_EQ(QuotaUsed(), 0);
  EXPECT_EQ(restored_.size(), 1u);
}

TEST_F(ReceiptServiceTest, RejectionGivesTheShipmentsGoodsCapsBackOnce) {
  auto placed = PlaceOrder(2);
  AddCapUsage(placed.order, 1'800);  // two tins of 900 g against a cap in kg
  auto rejected =
      receipts_.Apply(Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kRejected, "no"));
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_EQ(CapUsed(), 0);
  ASSERT_EQ(caps_restored_.size(), 1u);
  EXPECT_EQ(caps_restored_[0].amount_milli, -1'800);
  EXPECT_EQ(caps_restored_[0].hs_prefix, "1901");
  EXPECT_EQ(caps_restored_[0].kind, customs::GoodsCapEntryKind::kCancel);
  EXPECT_EQ(caps_restored_[0].ref, "declaration:" + placed.declaration.list.list_no);
  ASSERT_TRUE(
      receipts_.Apply(Ctx(), Receipt("R-2", placed.declaration, ReceiptKind::kRejected, "no"))
          .ok());
  EXPECT_EQ(CapUsed(), 0);
  EXPECT_EQ(caps_restored_.size(), 1u);
}

TEST(OrderStateOfTest, ASplitOrderTakesItsStateFromEveryDeclaration) {
  using DS = DeclarationState;
  const auto of = [](std::vector<DS> states) {
    return internal::OrderStateOf(OrderState::kAccepted, states);
  };
  EXPECT_EQ(of({DS::kSubmitted, DS::kQueued}), OrderState::kAccepted);
  EXPECT_EQ(of({DS::kAccepted, DS::kSubmitted}), OrderState::kDeclared);
  EXPECT_EQ(of({DS::kReleased, DS::kSubmitted}), OrderState::kDeclared);
  EXPECT_EQ(of({DS::kReleased, DS::kInspectionHold}), OrderState::kInspectionHold);
  EXPECT_EQ(of({DS::kReleased, DS::kReleased}), OrderState::kReleased);
  EXPECT_EQ(of({DS::kReleased, DS::kRejected}), OrderState::kReleased);
  EXPECT_EQ(of({DS::kSubmitted, DS::kRejected}), OrderState::kAccepted);
  EXPECT_EQ(of({DS::kRejected, DS::kRejected}), OrderState::kRejected);
  EXPECT_EQ(of({DS::kRejected, DS::kCancelled}), OrderState::kRejected);
  EXPECT_EQ(of({DS::kReturned, DS::kReleased}), OrderState::kReleased);
  EXPECT_EQ(of({}), OrderState::kAccepted);
}

TEST_F(ReceiptServiceTest, ASplitOrderIsReleasedOnlyWhenEveryShipmentIs) {
  auto placed = PlaceOrder(2);
  auto bonded = placed.declaration;
  auto direct = SecondShipment(placed);
  ASSERT_TRUE(receipts_.Apply(Ctx(), Receipt("S-1", bonded, ReceiptKind::kReleased)).ok());
  EXPECT_EQ(OrderNow(placed.order).state, OrderState::kDeclared);
  ASSERT_TRUE(receipts_.Apply(Ctx(), Receipt("S-2", direct, ReceiptKind::kInspectionHold)).ok());
  EXPECT_EQ(OrderNow(placed.order).state, OrderState::kInspectionHold);
  auto last = receipts_.Apply(Ctx(), Receipt("S-3", direct, ReceiptKind::kReleased));
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(last->order_state, OrderState::kReleased);
  EXPECT_EQ(OrderNow(placed.order).state, OrderState::kReleased);
}

TEST_F(ReceiptServiceTest, ARejectedShipmentDropsOutAndTheOrderFollowsTheOthers) {
  auto placed = PlaceOrder(2);
  auto bonded = placed.declaration;
  auto direct = SecondShipment(placed);
  ASSERT_TRUE(receipts_.Apply(Ctx(), Receipt("J-1", direct, ReceiptKind::kRejected, "no")).ok());
  EXPECT_EQ(OrderNow(placed.order).state, OrderState::kAccepted);
  ASSERT_TRUE(receipts_.Apply(Ctx(), Receipt("J-2", bonded, ReceiptKind::kReleased)).ok());
  EXPECT_EQ(OrderNow(placed.order).state, OrderState::kReleased);

  auto other = PlaceOrder(1);
  auto other_direct = SecondShipment(other);
  ASSERT_TRUE(
      receipts_.Apply(Ctx(), Receipt("J-3", other.declaration, ReceiptKind::kRejected, "a")).ok());
  EXPECT_EQ(OrderNow(other.order).state, OrderState::kAccepted);
  ASSERT_TRUE(
      receipts_.Apply(Ctx(), Receipt("J-4", other_direct, ReceiptKind::kRejected, "b")).ok());
  EXPECT_EQ(OrderNow(other.order).state, OrderState::kRejected);
  EXPECT_EQ(OrderNow(other.order).reason, "b");
}

TEST_F(ReceiptServiceTest, AReplayedRejectionReleasesWhatIsStillReserved) {
  auto placed = PlaceOrder(2);
  // The rejection is applied but its releases after the commit never happen (as after a crash):
  // a service without the engine leaves the engine's reservation active.
  ReceiptService crashed(*db_, clock_, nullptr, nullptr);
  ASSERT_TRUE(
      crashed.Apply(Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kRejected, "x")).ok());
  EXPECT_EQ(engine_.Available(Pool()), 8);
  auto again = receipts_.Apply(Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kRejected));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(engine_.Available(Pool()), 10);
}

TEST_F(ReceiptServiceTest, RejectionAfterInspectionHoldGivesTheHeldStockBack) {
  auto placed = PlaceOrder(3);
  ASSERT_TRUE(
      receipts_.Apply(Ctx(), Receipt("R-1", placed.declaration, ReceiptKind::kInspectionHold))
          .ok());
  EXPECT_EQ(engine_.Available(Pool()), 7);
  auto rejected = receipts_.Apply(
      Ctx(), Receipt("R-2", placed.declaration, ReceiptKind::kRejected, "label mismatch"));
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_EQ(Stock(a1_, StockState::kCustomsHold), 0);
  EXPECT_EQ(Stock(a1_, StockState::kAvailable), 10);
  EXPECT_EQ(engine_.Available(Pool()), 10);
  EXPECT_EQ(QuotaUsed(), 0);
}

}  // namespace
}  // namespace xb::customs_flow
