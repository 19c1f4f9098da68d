#include "domain/warehouse/tasks.h"

#include <gtest/gtest.h>

namespace xb::warehouse {
namespace {

Date D(int y, int m, int d) { return *Date::FromYmd(y, m, d); }
const Timestamp kAt = Timestamp::FromMicros(1'800'000'000'000'000);

Task MakeTask(TaskKind kind, int lines) {
  Task t;
  t.id = TaskId(1);
  t.code = "T-1";
  t.kind = kind;
  t.warehouse_id = 3;
  for (int i = 1; i <= lines; ++i) {
    TaskLine l;
    l.line_no = i;
    l.sku_id = 100 + i;
    l.from_bin = 10;
    l.to_bin = 20;
    l.expected_qty = 10;
    if (kind == TaskKind::kPick) l.reservation_id = 7;
    if (kind == TaskKind::kCount) l.system_qty = 5;
    t.lines.push_back(l);
  }
  return t;
}

LotReceipt Lot(std::string number, std::int64_t qty, Condition condition = Condition::kGood,
               std::string reason = "") {
  LotReceipt r;
  r.lot_number = std::move(number);
  r.expiry_date = D(2027, 1, 31);
  r.quantity = qty;
  r.condition = condition;
  r.reason = std::move(reason);
  return r;
}

TEST(TasksTest, EnumChoicesAreSnakeCase) {
  EXPECT_EQ(EnumChoices(TaskKind{})[static_cast<int>(TaskKind::kCount)], "count");
  EXPECT_EQ(EnumChoices(TaskState{})[static_cast<int>(TaskState::kInProgress)], "in_progress");
  EXPECT_EQ(EnumChoices(Condition{})[static_cast<int>(Condition::kDamaged)], "damaged");
  EXPECT_EQ(EnumChoices(ParcelState{})[static_cast<int>(ParcelState::kShipped)], "shipped");
  EXPECT_EQ(EnumChoices(DeviceEventType{})[static_cast<int>(DeviceEventType::kScanLocation)],
            "scan_location");
}

TEST(TasksTest, ValidateChecksNumberingAndWhatEachKindNeeds) {
  EXPECT_TRUE(Validate(MakeTask(TaskKind::kPick, 2)).ok());
  auto t = MakeTask(TaskKind::kPick, 2);
  t.lines[1].line_no = 3;
  EXPECT_EQ(Validate(t).field(), "lines");
  t = MakeTask(TaskKind::kPick, 1);
  t.lines[0].reservation_id = 0;
  EXPECT_NE(Validate(t).message().find("reservation_id"), std::string::npos);
  t = MakeTask(TaskKind::kMove, 1);
  t.lines[0].to_bin = t.lines[0].from_bin;
  EXPECT_FALSE(Validate(t).ok());
  t = MakeTask(TaskKind::kCount, 1);
  t.lines[0].system_qty.reset();
  EXPECT_NE(Validate(t).message().find("system_qty"), std::string::npos);
  t = MakeTask(TaskKind::kReceive, 1);
  t.lines[0].expected_qty = 0;  // an unexpected SKU
  EXPECT_TRUE(Validate(t).ok());
  t.lines[0].to_bin = 0;
  EXPECT_FALSE(Validate(t).ok());
  t = MakeTask(TaskKind::kPutaway, 1);
  t.lines[0].to_bin = 0;  // no bin suggested yet
  EXPECT_TRUE(Validate(t).ok());
  t.warehouse_id = 0;
  EXPECT_EQ(Validate(t).field(), "warehouse_id");
  EXPECT_EQ(Validate(MakeTask(TaskKind::kMove, 0)).field(), "lines");
}

TEST(TasksTest, ProgressMovesTheTaskInProgressAndRefusesMoreThanExpected) {
  auto t = Progress(MakeTask(TaskKind::kPick, 1), 1, 4);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->state, TaskState::kInProgress);
  EXPECT_EQ(t->lines[0].done_qty, 4);
  auto over = Progress(*t, 1, 7);
  EXPECT_EQ(over.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(over.status().message().find("expects 6 more"), std::string::npos);
  EXPECT_TRUE(Progress(*t, 1, 6).ok());
  EXPECT_EQ(Progress(*t, 2, 1).status().field(), "line_no");
  EXPECT_EQ(Progress(*t, 1, 0).status().field(), "quantity");
}

TEST(TasksTest, ProgressIsRefusedOnClosedTasksAndOnReceiveOrCount) {
  auto closed = Close(MakeTask(TaskKind::kMove, 1), kAt);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(Progress(*closed, 1, 1).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Progress(MakeTask(TaskKind::kReceive, 1), 1, 1).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Progress(MakeTask(TaskKind::kCount, 1), 1, 1).status().code(),
            ErrorCode::kFailedPrecondition);
  auto putaway = MakeTask(TaskKind::kPutaway, 1);
  putaway.lines[0].to_bin = 0;
  EXPECT_EQ(Progress(putaway, 1, 1).status().field(), "to_bin");
}

TEST(TasksTest, ReceiptsOfTheSameLotAccumulate) {
  auto t = ReceiveLot(MakeTask(TaskKind::kReceive, 1), 1, Lot("L1", 4));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  t = ReceiveLot(*t, 1, Lot("L1", 3));
  ASSERT_TRUE(t.ok());
  t = ReceiveLot(*t, 1, Lot("L2", 2));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->state, TaskState::kInProgress);
  const auto& line = t->lines[0];
  EXPECT_EQ(line.done_qty, 9);
  ASSERT_EQ(line.receipts.size(), 2U);
  EXPECT_EQ(line.receipts[0].quantity, 7);
  EXPECT_EQ(line.receipts[1].lot_number, "L2");
}

TEST(TasksTest, DamagedReceiptNeedsAReasonAndCountsSeparately) {
  auto t = MakeTask(TaskKind::kReceive, 1);
  EXPECT_EQ(ReceiveLot(t, 1, Lot("L1", 2, Condition::kDamaged)).status().field(), "reason");
  auto got = ReceiveLot(t, 1, Lot("L1", 2, Condition::kDamaged, "crushed carton"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->lines[0].damaged_qty, 2);
  EXPECT_EQ(got->lines[0].done_qty, 0);
}

TEST(TasksTest, ReceiptRulesForLotsAndDates) {
  auto t = MakeTask(TaskKind::kReceive, 1);
  EXPECT_EQ(ReceiveLot(t, 1, Lot("BAD LOT", 1)).status().field(), "lot_number");
  auto no_lot = Lot("", 1);
  EXPECT_EQ(ReceiveLot(t, 1, no_lot).status().field(), "lot_number");  // dates without a lot
  no_lot.expiry_date.reset();
  EXPECT_TRUE(ReceiveLot(t, 1, no_lot).ok());
  auto first = ReceiveLot(t, 1, Lot("L1", 1));
  ASSERT_TRUE(first.ok());
  auto other_expiry = Lot("L1", 1);
  other_expiry.expiry_date = D(2027, 2, 1);
  EXPECT_EQ(ReceiveLot(*first, 1, other_expiry).status().field(), "expiry_date");
  EXPECT_EQ(ReceiveLot(t, 1, Lot("L1", 0)).status().field(), "quantity");
  EXPECT_EQ(ReceiveLot(MakeTask(TaskKind::kPick, 1), 1, Lot("L1", 1)).status().code(),
            ErrorCode::kFailedPrecondition);
}

TEST(TasksTest, ReceiveMayCloseShortAndVariancesRecordIt) {
  auto t = MakeTask(TaskKind::kReceive, 3);
  t.lines[2].expected_qty = 0;  // unexpected SKU
  auto r = ReceiveLot(t, 1, Lot("L1", 7));
  r = ReceiveLot(*r, 2, Lot("L2", 11));
  r = ReceiveLot(*r, 2, Lot("L2", 1, Condition::kDamaged, "wet"));
  r = ReceiveLot(*r, 3, Lot("L3", 2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto closed = Close(*r, kAt);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->state, TaskState::kDone);
  EXPECT_EQ(closed->closed_at, kAt);
  const auto v = Variances(*closed);
  ASSERT_EQ(v.size(), 3U);
  EXPECT_EQ(v[0].short_, 3);
  EXPECT_EQ(v[0].over, 0);
  EXPECT_EQ(v[1].good, 11);
  EXPECT_EQ(v[1].damaged, 1);
  EXPECT_EQ(v[1].over, 2);
  EXPECT_EQ(v[2].expected, 0);
  EXPECT_EQ(v[2].over, 2);
  EXPECT_TRUE(Variances(MakeTask(TaskKind::kPick, 1)).empty());
}

TEST(TasksTest, ClosedTasksCannotBeClosedOrCancelledAgain) {
  auto closed = Close(MakeTask(TaskKind::kPick, 1), kAt);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(Close(*closed, kAt).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(CancelTask(*closed, kAt).status().code(), ErrorCode::kFailedPrecondition);
}

TEST(TasksTest, FirstCountThatDisagreesAsksForARecount) {
  auto t = MakeTask(TaskKind::kCount, 2);  // system quantity 5 on both lines
  auto c = RecordCount(t, 1, 5, 5);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->state, TaskState::kInProgress);
  c = RecordCount(*c, 2, 3, 5);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->state, TaskState::kRecount);
  EXPECT_EQ(Close(*c, kAt).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(RecordRecount(*c, 1, 5, 5, "").status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(RecordRecount(*c, 2, 4, 5, " ").status().field(), "reason");
  auto r = RecordRecount(*c, 2, 4, 5, "BREAKAGE");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->state, TaskState::kInProgress);
  EXPECT_EQ(RecordRecount(*r, 2, 3, 5, "X").status().code(), ErrorCode::kFailedPrecondition);
  auto closed = Close(*r, kAt);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(CountAdjustment(closed->lines[0]), 0);
  EXPECT_EQ(CountAdjustment(closed->lines[1]), -1);  // the recount is final
  EXPECT_EQ(closed->lines[1].reason, "BREAKAGE");
}

TEST(TasksTest, RecountMatchingTheSystemNeedsNoReason) {
  auto c = RecordCount(MakeTask(TaskKind::kCount, 1), 1, 9, 5);
  auto r = RecordRecount(*c, 1, 5, 5, "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(CountAdjustment(r->lines[0]), 0);
}

TEST(TasksTest, CountNeedsEveryLineCountedOnce) {
  auto t = MakeTask(TaskKind::kCount, 2);
  auto c = RecordCount(t, 1, 6, 5);
  ASSERT_TRUE(c.ok());
  auto r = RecordRecount(*c, 1, 6, 5, "FOUND");
  ASSERT_TRUE(r.ok());
  EXPECT_NE(Close(*r, kAt).status().message().find("line 2 is not counted"), std::string::npos);
  EXPECT_EQ(RecordCount(*r, 1, 6, 5).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(RecordCount(*r, 2, -1, 5).status().field(), "counted");
  EXPECT_EQ(RecordCount(MakeTask(TaskKind::kMove, 1), 1, 1, 5).status().code(),
            ErrorCode::kFailedPrecondition);
  auto gain = RecordCount(*r, 2, 5, 5);
  auto closed = Close(*gain, kAt);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(CountAdjustment(closed->lines[0]), 1);
}

TEST(TasksTest, CountIsComparedWithTheBookAsItIsCounted) {
  // Made with 5 on the books; 2 left the bin before the count, which finds the true 3.
  auto c = RecordCount(MakeTask(TaskKind::kCount, 1), 1, 3, 3);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->state, TaskState::kInProgress);  // no recount: the count agrees with the book
  EXPECT_EQ(c->lines[0].system_qty, 3);
  auto closed = Close(*c, kAt);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(CountAdjustment(closed->lines[0]), 0);

  // A first count of 4 against 5 asks for a recount; 1 leaves meanwhile, the recount finds 4
  // against a book of 4 and needs no reason: nothing was lost.
  auto first = RecordCount(MakeTask(TaskKind::kCount, 1), 1, 4, 5);
  ASSERT_EQ(first->state, TaskState::kRecount);
  auto again = RecordRecount(*first, 1, 4, 4, "");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(CountAdjustment(again->lines[0]), 0);
  // Against a book of 6 (1 came in meanwhile) the same recount is a loss of 2, with its reason.
  EXPECT_EQ(RecordRecount(*first, 1, 4, 6, "").status().field(), "reason");
  auto loss = RecordRecount(*first, 1, 4, 6, "BREAKAGE");
  ASSERT_TRUE(loss.ok());
  EXPECT_EQ(CountAdjustment(loss->lines[0]), -2);
}

TEST(TasksTest, FoundStockIsAppendedCountedAndAdjustedAtClose) {
  const Task t = MakeTask(TaskKind::kCount, 1);  // line 1: SKU 101 in bin 10, own stock
  TaskLine found;
  found.from_bin = 10;
  found.sku_id = 555;
  found.lot_id = inventory::LotId(9);
  auto c = RecordFoundCount(t, found, 4, 0);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->lines.size(), 2U);
  const TaskLine& added = c->lines[1];
  EXPECT_EQ(added.line_no, 2);
  EXPECT_EQ(added.sku_id, 555);
  EXPECT_EQ(added.lot_id, inventory::LotId(9));
  EXPECT_EQ(added.owner, inventory::kOwnStock);
  EXPECT_EQ(added.from_bin, 10);
  EXPECT_EQ(added.to_bin, 10);
  EXPECT_EQ(added.system_qty, 0);
  EXPECT_EQ(added.counted_qty, 4);
  EXPECT_EQ(c->state, TaskState::kRecount) << "4 found against a book of 0 is recounted";
  EXPECT_TRUE(Validate(*c).ok()) << Validate(*c).ToString();

  // The same bin, SKU, lot and owner again: refused, pointing at line 2; a line of the sheet too.
  auto twice = RecordFoundCount(*c, found, 1, 0);
  EXPECT_EQ(twice.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(twice.status().field(), "line_no");
  EXPECT_NE(twice.status().message().find("line 2"), std::string::npos)
      << twice.status().ToString();
  TaskLine on_sheet;
  on_sheet.from_bin = 10;
  on_sheet.sku_id = 101;
  EXPECT_NE(RecordFoundCount(t, on_sheet, 3, 5).status().message().find("line 1"),
            std::string::npos);
  // Another owner or another bin is another line.
  TaskLine consigned = found;
  consigned.owner = "ACME";
  EXPECT_TRUE(RecordFoundCount(*c, consigned, 1, 0).ok());

  // Then the usual rules: line 1 counted, line 2 recounted with a reason, close adjusts +3.
  auto counted = RecordCount(*c, 1, 5, 5);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(Close(*counted, kAt).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(RecordRecount(*counted, 2, 3, 0, "").status().field(), "reason");
  auto recounted = RecordRecount(*counted, 2, 3, 0, "FOUND");
  ASSERT_TRUE(recounted.ok()) << recounted.status().ToString();
  auto closed = Close(*recounted, kAt);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(CountAdjustment(closed->lines[0]), 0);
  EXPECT_EQ(CountAdjustment(closed->lines[1]), 3);
  EXPECT_EQ(closed->lines[1].reason, "FOUND");
}

TEST(TasksTest, FoundStockIsRefusedWhenPointlessOrNotOnAnOpenCount) {
  const Task t = MakeTask(TaskKind::kCount, 1);
  TaskLine found;
  found.from_bin = 10;
  found.sku_id = 555;
  EXPECT_EQ(RecordFoundCount(t, found, 0, 0).status().field(), "counted");
  EXPECT_EQ(RecordFoundCount(t, found, -2, 0).status().field(), "counted");
  EXPECT_EQ(RecordFoundCount(MakeTask(TaskKind::kMove, 1), found, 1, 0).status().field(), "kind");
  auto closed = Close(*RecordCount(t, 1, 5, 5), kAt);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(RecordFoundCount(*closed, found, 1, 0).status().field(), "state");
  // Found stock matching the book (a line the sheet missed) needs no recount.
  auto same = RecordFoundCount(t, found, 2, 2);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->state, TaskState::kInProgress);
}

TEST(TasksTest, UncountedLineHasNoAdjustment) {
  TaskLine l;
  l.system_qty = 4;
  EXPECT_EQ(CountAdjustment(l), 0);
}

TEST(TasksTest, ReceiveAndPickCancelOnlyBeforeAnythingIsDone) {
  auto receive = MakeTask(TaskKind::kReceive, 1);
  auto cancelled = CancelTask(receive, kAt);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->state, TaskState::kCancelled);
  EXPECT_EQ(cancelled->closed_at, kAt);
  auto received = ReceiveLot(receive, 1, Lot("L1", 1));
  EXPECT_EQ(CancelTask(*received, kAt).status().code(), ErrorCode::kFailedPrecondition);
  auto picked = Progress(MakeTask(TaskKind::kPick, 1), 1, 1);
  EXPECT_EQ(CancelTask(*picked, kAt).status().code(), ErrorCode::kFailedPrecondition);
  auto moved = Progress(MakeTask(TaskKind::kMove, 1), 1, 1);
  EXPECT_TRUE(CancelTask(*moved, kAt).ok());
  auto counted = RecordCount(MakeTask(TaskKind::kCount, 1), 1, 2, 5);
  EXPECT_TRUE(CancelTask(*counted, kAt).ok());
}

TEST(TasksTest, PickMayCloseShortWithTheShortfallOnItsLines) {
  auto t = Progress(MakeTask(TaskKind::kPick, 2), 1, 10);
  auto closed = Close(*t, kAt);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->lines[1].expected_qty - closed->lines[1].done_qty, 10);
}

// ---- putaway rule ----

BinOccupancy Bin(std::int64_t id, std::string zone, bool storage, std::int64_t capacity,
                 std::int64_t units, bool holds_sku, std::int64_t planned = 0) {
  BinOccupancy b;
  b.bin_id = id;
  b.zone = std::move(zone);
  b.storage = storage;
  b.capacity_units = capacity;
  b.units = units;
  b.holds_sku = holds_sku;
  b.planned = planned;
  return b;
}

TEST(TasksTest, SuggestBinPrefersABinHoldingTheSku) {
  const std::vector<BinOccupancy> bins = {
      Bin(1, "food", true, 0, 0, false),
      Bin(2, "cosmetics", true, 100, 90, true),
      Bin(3, "cosmetics", true, 100, 0, false),
  };
  EXPECT_EQ(SuggestBin(bins, "cosmetics", 10).value(), 2);
  // 11 would overflow bin 2: the category zone is next.
  EXPECT_EQ(SuggestBin(bins, "cosmetics", 11).value(), 3);
  EXPECT_EQ(SuggestBin(bins, "COSMETICS", 11).value(), 3);
  // No zone for the category: the most free capacity (unlimited first).
  EXPECT_EQ(SuggestBin(bins, "toys", 11).value(), 1);
  EXPECT_EQ(SuggestBin(bins, "", 11).value(), 1);
}

TEST(TasksTest, SuggestBinNeverPicksNonStorageOrFullBins) {
  const std::vector<BinOccupancy> bins = {
      Bin(1, "receiving", false, 0, 0, true),
      Bin(2, "food", true, 50, 45, false),
      Bin(3, "food", true, 60, 40, false),
  };
  EXPECT_EQ(SuggestBin(bins, "food", 5).value(), 3);  // more free room than bin 2
  EXPECT_EQ(SuggestBin(bins, "food", 20).value(), 3);
  auto none = SuggestBin(bins, "food", 21);
  EXPECT_EQ(none.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(SuggestBin(bins, "food", 0).status().code(), ErrorCode::kInvalidArgument);
}

TEST(TasksTest, SuggestBinBreaksTiesByLowestBinId) {
  const std::vector<BinOccupancy> bins = {Bin(9, "a", true, 10, 0, false),
                                          Bin(4, "a", true, 10, 0, false)};
  EXPECT_EQ(SuggestBin(bins, "a", 1).value(), 4);
}

TEST(TasksTest, SuggestBinCountsWhatOpenTasksPlanAsOccupied) {
  // Bin 2 holds 40 of 100 and expects 50 from open tasks: 10 left, less than bin 3's 20.
  const std::vector<BinOccupancy> bins = {Bin(2, "food", true, 100, 40, false, 50),
                                          Bin(3, "food", true, 30, 10, false)};
  EXPECT_EQ(FreeUnits(bins[0]), 10);
  EXPECT_EQ(SuggestBin(bins, "food", 15).value(), 3);
  EXPECT_EQ(SuggestBin(bins, "food", 10).value(), 3) << "more free room";
  EXPECT_EQ(SuggestBin(bins, "food", 21).status().code(), ErrorCode::kFailedPrecondition);
  // Over-planned bins have no room, never a negative one.
  EXPECT_EQ(FreeUnits(Bin(4, "", true, 10, 8, false, 5)), 0);
  EXPECT_GT(FreeUnits(Bin(5, "", true, 0, 8, false, 5)), 1'000'000'000) << "unlimited";
}

TEST(TasksTest, SplitPutawayKeepsOneBinWhenOneTakesItAll) {
  const std::vector<BinOccupancy> bins = {Bin(1, "food", true, 100, 95, true),
                                          Bin(2, "food", true, 0, 0, false)};
  auto shares = SplitPutaway(bins, "food", 50);
  ASSERT_TRUE(shares.ok()) << shares.status().ToString();
  ASSERT_EQ(shares->size(), 1U);
  EXPECT_EQ((*shares)[0].bin_id, 2);
  EXPECT_EQ((*shares)[0].qty, 50);
}

TEST(TasksTest, SplitPutawayFillsBinsInTheRulesOrderWithinTheirRoom) {
  const std::vector<BinOccupancy> bins = {
      Bin(1, "receiving", false, 0, 0, true),  // never
      Bin(2, "toys", true, 50, 10, false),     // other zone, room 40
      Bin(3, "food", true, 30, 0, false, 10),  // category zone, room 20
      Bin(4, "toys", true, 20, 15, true),      // holds the SKU, room 5
      Bin(5, "food", true, 25, 0, false),      // category zone, room 25
      Bin(6, "toys", true, 60, 0, false, 60),  // full by what is planned
      Bin(7, "toys", true, 45, 0, false),      // other zone, room 45
  };
  auto shares = SplitPutaway(bins, "food", 100);
  ASSERT_TRUE(shares.ok()) << shares.status().ToString();
  const std::vector<std::pair<std::int64_t, std::int64_t>> want = {
      {4, 5}, {5, 25}, {3, 20}, {7, 45}, {2, 5}};
  ASSERT_EQ(shares->size(), want.size());
  std::int64_t total = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ((*shares)[i].bin_id, want[i].first) << i;
    EXPECT_EQ((*shares)[i].qty, want[i].second) << i;
    total += (*shares)[i].qty;
  }
  EXPECT_EQ(total, 100);
  for (const auto& share : *shares) {
    for (const auto& b : bins) {
      if (b.bin_id == share.bin_id) {
        EXPECT_LE(share.qty, FreeUnits(b)) << b.bin_id;
      }
    }
  }
}

TEST(TasksTest, SplitPutawayIsRefusedWhenTheBinsTogetherLackRoomSayingHowMuchFits) {
  const std::vector<BinOccupancy> bins = {Bin(1, "", false, 0, 0, false),
                                          Bin(2, "food", true, 50, 20, false),
                                          Bin(3, "food", true, 40, 0, false, 15)};
  auto exact = SplitPutaway(bins, "food", 55);
  ASSERT_TRUE(exact.ok()) << exact.status().ToString();
  EXPECT_EQ(exact->size(), 2U);
  auto refused = SplitPutaway(bins, "food", 56);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().field(), "to_bin");
  EXPECT_NE(refused.status().message().find("room for 55 units"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(SplitPutaway(bins, "food", 0).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SplitPutaway({}, "food", 1).status().code(), ErrorCode::kFailedPrecondition);
}

TEST(TasksTest, CheckRoomCountsOnHandAndPlannedAgainstCapacity) {
  BinOccupancy b = Bin(8, "", true, 100, 60, false, 30);
  b.code = "A-08";
  EXPECT_TRUE(CheckRoom(b, 10).ok());
  const Status over = CheckRoom(b, 11);
  EXPECT_EQ(over.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(over.field(), "to_bin");
  EXPECT_NE(over.message().find("A-08"), std::string::npos) << over.message();
  EXPECT_NE(over.message().find("room for 10"), std::string::npos) << over.message();
  EXPECT_TRUE(CheckRoom(Bin(9, "", true, 0, 500, false, 500), 1000).ok()) << "unlimited";
  EXPECT_EQ(CheckRoom(Bin(9, "", true, 10, 12, false), 1).code(), ErrorCode::kFailedPrecondition)
      << "already over its capacity";
}

// ---- device events ----

DeviceEvent Confirm() {
  DeviceEvent e;
  e.device_id = "RF-07";
  e.event_key = "seq-1";
  e.type = DeviceEventType::kConfirm;
  e.task_id = 3;
  e.line_no = 1;
  e.quantity = 2;
  return e;
}

TEST(TasksTest, DeviceEventsNeedWhatTheirTypeUses) {
  EXPECT_TRUE(Validate(Confirm()).ok());
  auto e = Confirm();
  e.task_id = 0;
  EXPECT_EQ(Validate(e).field(), "task_id");
  e = Confirm();
  e.line_no = 0;
  EXPECT_EQ(Validate(e).field(), "line_no");
  e = Confirm();
  e.quantity = 0;
  EXPECT_EQ(Validate(e).field(), "quantity");
  e = Confirm();
  e.type = DeviceEventType::kScanLocation;
  EXPECT_EQ(Validate(e).field(), "location");
  e.location = "A-01-02";
  EXPECT_TRUE(Validate(e).ok());
  e.type = DeviceEventType::kScanItem;
  EXPECT_EQ(Validate(e).field(), "barcode");
  e.barcode = "(01)09506000134352";
  EXPECT_TRUE(Validate(e).ok());
}

TEST(TasksTest, DeviceIdAndEventKeyAre1To64VisibleCharacters) {
  auto e = Confirm();
  e.device_id = "";
  EXPECT_EQ(Validate(e).field(), "device_id");
  e.device_id = std::string(65, 'x');
  EXPECT_EQ(Validate(e).field(), "device_id");
  e.device_id = std::string(64, 'x');
  EXPECT_TRUE(Validate(e).ok());
  e.event_key = "a b";
  EXPECT_EQ(Validate(e).field(), "event_key");
  e.event_key = "a\nb";
  EXPECT_EQ(Validate(e).field(), "event_key");
}

}  // namespace
}  // namespace xb::warehouse
