// Scanner-terminal events on the memory store: retries, copies and late events move stock once;
// every refusal is the stored first answer; scans answer what a bin holds and which line an item
// is; batches answer each event as if it came alone.
#include "flows/warehouse/terminal_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "flows/warehouse/warehouse_test_support.h"

namespace xb::warehouse_flow {
namespace {

using inventory::StockState;
using nlohmann::json;
using warehouse::DeviceEvent;
using warehouse::DeviceEventType;

class TerminalServiceTest : public WarehouseTest {
 protected:
  TerminalService term_{*db_, svc_};

  static DeviceEvent Confirm(const std::string& key, std::int64_t task, int line, std::int64_t qty,
                             const std::string& barcode = {}, const std::string& location = {}) {
    DeviceEvent e;
    e.device_id = "HT-07";
    e.event_key = key;
    e.type = DeviceEventType::kConfirm;
    e.task_id = task;
    e.line_no = line;
    e.quantity = qty;
    e.barcode = barcode;
    e.location = location;
    return e;
  }

  static json Body(const DeviceAnswer& a) { return json::parse(a.body); }

  warehouse::Task AsnTask(std::int64_t milk, std::int64_t bottles = 0) {
    ReceiveDraft d;
    d.warehouse_id = wh_;
    d.receiving_bin_id = rcv_;
    d.asn_ref = "ASN-" + std::to_string(++asns_);
    d.asn_lines = {{milk_, milk}};
    if (bottles > 0) d.asn_lines.push_back({bottle_, bottles});
    auto t = svc_.CreateReceive(Ctx(), d);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return *t;
  }
};

// "(01)<milk>(17)271231(10)<lot>"
std::string MilkLabel(const std::string& lot, const std::string& expiry = "271231") {
  return std::string("(01)") + kMilkGtin + "(17)" + expiry + "(10)" + lot;
}

TEST_F(TerminalServiceTest, AnAppliedAnswerHasTheSameTextWhetherItsTextsNeedEscapingOrNot) {
  // Plain texts take the direct writer, a device id with a quote and a backslash the general
  // one; both give the same bytes apart from that escaping.
  const auto expected = [&](const warehouse::Task& task, const std::string& device_json,
                            int version) {
    return "{\"status\":\"applied\",\"message\":\"line 1: 12 good, 0 damaged of 100 "
           "expected\",\"device_id\":" +
           device_json +
           ",\"event_key\":\"k-1\",\"task\":{\"id\":" + std::to_string(task.id.value()) +
           ",\"code\":\"" + task.code +
           "\",\"kind\":\"receive\",\"state\":\"in_progress\",\"version\":" +
           std::to_string(version) +
           ",\"line\":{\"line_no\":1,\"sku_id\":" + std::to_string(milk_) + ",\"owner\":\"" +
           std::string(inventory::kOwnStock) + "\",\"to_bin\":" + std::to_string(rcv_) +
           ",\"expected_qty\":100,\"done_qty\":12,\"damaged_qty\":0}}}";
  };
  const auto plain = AsnTask(100);
  DeviceEvent e = Confirm("k-1", plain.id.value(), 1, 12, MilkLabel("L-7"));
  auto first = term_.Handle(Ctx(access::Role::kDevice), e);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->body, expected(plain, "\"HT-07\"", 2));

  const auto escaped = AsnTask(100);
  e = Confirm("k-1", escaped.id.value(), 1, 12, MilkLabel("L-7"));
  e.device_id = "HT-\"7\\";
  auto second = term_.Handle(Ctx(access::Role::kDevice), e);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->body, expected(escaped, "\"HT-\\\"7\\\\\"", 2));
}

TEST_F(TerminalServiceTest, TheSameConfirmSentThreeTimesMovesStockOnce) {
  const auto task = AsnTask(100);
  const DeviceEvent e = Confirm("k-1", task.id.value(), 1, 12, MilkLabel("L-7"));
  auto first = term_.Handle(Ctx(access::Role::kDevice), e);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->status, 200) << first->body;
  EXPECT_FALSE(first->replayed);
  const json body = Body(*first);
  EXPECT_EQ(body["status"], "applied");
  EXPECT_EQ(body["task"]["line"]["done_qty"], 12);
  EXPECT_EQ(body["task"]["version"], 2);
  for (int i = 0; i < 2; ++i) {
    auto again = term_.Handle(Ctx(access::Role::kDevice), e);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(again->status, first->status);
    EXPECT_EQ(again->body, first->body);
  }
  EXPECT_EQ(Stock(rcv_, milk_, StockState::kAvailable, LotOf(milk_, "L-7")), 12);
  EXPECT_EQ(MovementCount(), 1);
  EXPECT_EQ(GetTask(task.id).lines[0].done_qty, 12);
  // The movement names the device.
  auto tx = Read();
  auto moves = tx->inventory().ListMovements(TenantId(kTenant), {});
  ASSERT_TRUE(moves.ok());
  ASSERT_EQ(moves->size(), 1U);
  EXPECT_EQ((*moves)[0].device, "HT-07");
}

TEST_F(TerminalServiceTest, CopiesOutOfOrderAmongOtherEventsMoveStockOnce) {
  const auto task = AsnTask(100);
  const auto id = task.id.value();
  const DeviceEvent a = Confirm("a", id, 1, 5, MilkLabel("L-1"));
  const DeviceEvent b = Confirm("b", id, 1, 7, MilkLabel("L-2"));
  const DeviceEvent c = Confirm("c", id, 1, 11, MilkLabel("L-1"));
  for (const auto* e : {&c, &a, &c, &b, &a, &b, &c}) {
    auto r = term_.Handle(Ctx(access::Role::kDevice), *e);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200) << r->body;
  }
  EXPECT_EQ(Stock(rcv_, milk_, StockState::kAvailable, LotOf(milk_, "L-1")), 16);
  EXPECT_EQ(Stock(rcv_, milk_, StockState::kAvailable, LotOf(milk_, "L-2")), 7);
  EXPECT_EQ(MovementCount(), 3);
  EXPECT_EQ(GetTask(task.id).lines[0].done_qty, 23);
}

TEST_F(TerminalServiceTest, ALateEventOnAClosedTaskIsRejectedAndKeepsThatAnswer) {
  const auto task = AsnTask(10);
  ASSERT_TRUE(term_.Handle(Ctx(), Confirm("1", task.id.value(), 1, 4, MilkLabel("L-1"))).ok());
  ASSERT_TRUE(svc_.Close(Ctx(), task.id, {}).ok());
  const DeviceEvent late = Confirm("2", task.id.value(), 1, 3, MilkLabel("L-1"));
  auto r = term_.Handle(Ctx(), late);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 422) << r->body;
  const json body = Body(*r);
  EXPECT_EQ(body["status"], "rejected");
  EXPECT_EQ(body["error"]["code"], "FAILED_PRECONDITION");
  auto again = term_.Handle(Ctx(), late);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->body, r->body);
  EXPECT_EQ(OnHand(milk_), 4);
}

TEST_F(TerminalServiceTest, BadScansAreRefusedWithTheFieldAndChangeNothing) {
  const auto task = AsnTask(10, 5);
  const auto id = task.id.value();
  const auto expect_rejected = [&](const DeviceEvent& e, int status, const std::string& field) {
    auto r = term_.Handle(Ctx(), e);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, status) << r->body;
    const json body = Body(*r);
    EXPECT_EQ(body["status"], "rejected") << r->body;
    EXPECT_EQ(body["error"]["field"], field) << r->body;
  };
  expect_rejected(Confirm("m1", id, 1, 3, "(01)0950600013435"), 400, "barcode");  // short GTIN
  expect_rejected(Confirm("m2", id, 1, 3, "(01)09506000134353(10)L"), 400, "barcode");  // check
  expect_rejected(Confirm("m3", id, 1, 3, "(99)123"), 400, "barcode");
  expect_rejected(Confirm("m4", id, 1, 3, std::string("(01)") + kBottleGtin), 400, "barcode");
  expect_rejected(Confirm("m5", id, 1, 3, MilkLabel("L-1", "261124")), 422, "expiry_date");
  expect_rejected(Confirm("m6", id, 1, 3, std::string("(01)") + kMilkGtin), 400, "lot_number");
  expect_rejected(Confirm("m7", id, 9, 3, MilkLabel("L-1")), 400, "line_no");
  expect_rejected(Confirm("m8", 999, 1, 3, MilkLabel("L-1")), 400, "task_id");
  expect_rejected(Confirm("m9", id, 1, 3, MilkLabel("L-1"), "NOPE"), 400, "location");
  // Events that cannot be keyed or counted are errors, not stored answers.
  auto zero = term_.Handle(Ctx(), Confirm("z", id, 1, 0, MilkLabel("L-1")));
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().field(), "quantity");
  auto negative = term_.Handle(Ctx(), Confirm("n", id, 1, -2, MilkLabel("L-1")));
  ASSERT_FALSE(negative.ok());
  auto nokey = term_.Handle(Ctx(), Confirm("", id, 1, 2, MilkLabel("L-1")));
  ASSERT_FALSE(nokey.ok());
  EXPECT_EQ(nokey.status().field(), "event_key");
  auto reader = term_.Handle(Ctx(access::Role::kReadOnly), Confirm("r", id, 1, 2));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(MovementCount(), 0);
  EXPECT_EQ(GetTask(task.id).version, 1);
  // The same key for another event is refused.
  ASSERT_TRUE(term_.Handle(Ctx(), Confirm("k", id, 2, 2, std::string("(01)") + kBottleGtin)).ok());
  auto reused = term_.Handle(Ctx(), Confirm("k", id, 2, 3, std::string("(01)") + kBottleGtin));
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.status().field(), "event_key");
  EXPECT_EQ(OnHand(bottle_), 2);
}

TEST_F(TerminalServiceTest, PickingMoreThanReservedIsRefusedAtTheTerminal) {
  StoreMilk(20, "L-A");
  const auto lot = LotOf(milk_, "L-A");
  const auto r = AddReservation(milk_, "SO-1", {{lot, 6, 0}});
  auto pick = svc_.CreatePick(Ctx(), {wh_, stg_, {r.id.value()}});
  ASSERT_TRUE(pick.ok()) << pick.status().ToString();
  const auto id = pick->id.value();
  auto over = term_.Handle(Ctx(), Confirm("p1", id, 1, 7, MilkLabel("L-A"), "A-01"));
  ASSERT_TRUE(over.ok());
  EXPECT_EQ(over->status, 422) << over->body;
  auto wrong_bin = term_.Handle(Ctx(), Confirm("p2", id, 1, 2, MilkLabel("L-A"), "RCV-1"));
  ASSERT_TRUE(wrong_bin.ok());
  EXPECT_EQ(wrong_bin->status, 400) << wrong_bin->body;
  auto wrong_lot = term_.Handle(Ctx(), Confirm("p3", id, 1, 2, MilkLabel("L-B"), "A-01"));
  ASSERT_TRUE(wrong_lot.ok());
  EXPECT_EQ(wrong_lot->status, 400) << wrong_lot->body;
  EXPECT_EQ(Stock(stg_, milk_, StockState::kPicked), 0);
  auto ok = term_.Handle(Ctx(), Confirm("p4", id, 1, 6, MilkLabel("L-A"), "A-01"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Stock(stg_, milk_, StockState::kPicked), 6);
}

TEST_F(TerminalServiceTest, ScansTellWhatABinHoldsAndWhichLineAnItemIs) {
  ReceiveMilk(20, "L-A");
  const auto task = AsnTask(10, 5);
  DeviceEvent loc;
  loc.device_id = "HT-07";
  loc.event_key = "s1";
  loc.type = DeviceEventType::kScanLocation;
  loc.task_id = task.id.value();
  loc.location = "RCV-1";
  auto r = term_.Handle(Ctx(), loc);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200) << r->body;
  json body = Body(*r);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["bin"]["code"], "RCV-1");
  ASSERT_EQ(body["bin"]["holds"].size(), 1U);
  EXPECT_EQ(body["bin"]["holds"][0]["on_hand"], 20);
  EXPECT_EQ(body["bin"]["holds"][0]["lot_number"], "L-A");
  ASSERT_EQ(body["bin"]["expected"].size(), 2U);
  EXPECT_EQ(body["bin"]["expected"][0]["action"], "receive");

  DeviceEvent item;
  item.device_id = "HT-07";
  item.event_key = "s2";
  item.type = DeviceEventType::kScanItem;
  item.task_id = task.id.value();
  item.barcode = std::string("]C1") + "01" + kBottleGtin + "\x1d" + "3712";
  r = term_.Handle(Ctx(), item);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200) << r->body;
  body = Body(*r);
  EXPECT_EQ(body["lines"], json::array({2}));
  EXPECT_EQ(body["scan"]["gtin"], kBottleGtin);
  EXPECT_EQ(body["scan"]["quantity"], 12);
  EXPECT_EQ(MovementCount(), 1) << "scans move nothing";
}

TEST_F(TerminalServiceTest, ABatchAnswersEachEventAsIfItCameAlone) {
  const auto task = AsnTask(100, 10);
  const auto id = task.id.value();
  const std::string bottle = std::string("(01)") + kBottleGtin;
  std::vector<DeviceEvent> batch = {
      Confirm("b1", id, 1, 5, MilkLabel("L-1")),
      Confirm("b2", id, 2, 4, bottle),
      Confirm("b1", id, 1, 5, MilkLabel("L-1")),  // a copy within the batch
      Confirm("b3", id, 1, 0, MilkLabel("L-1")),  // cannot be applied: quantity 0
      Confirm("b4", id, 1, 2, "(01)123"),         // malformed barcode
      Confirm("b5", id, 2, 6, bottle)};
  auto answers = term_.HandleBatch(Ctx(), batch);
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  ASSERT_EQ(answers->size(), batch.size());
  EXPECT_EQ((*answers)[0].status, 200);
  EXPECT_EQ((*answers)[1].status, 200);
  EXPECT_TRUE((*answers)[2].replayed);
  EXPECT_EQ((*answers)[2].body, (*answers)[0].body);
  EXPECT_EQ((*answers)[3].status, 400);
  EXPECT_EQ((*answers)[4].status, 400);
  EXPECT_EQ((*answers)[5].status, 200);
  EXPECT_EQ(OnHand(milk_), 5);
  EXPECT_EQ(OnHand(bottle_), 10);
  EXPECT_EQ(GetTask(task.id).version, 2) << "one save of the task for the whole batch";

  // The batch again, and its events alone: nothing moves twice.
  auto again = term_.HandleBatch(Ctx(), batch);
  ASSERT_TRUE(again.ok());
  for (std::size_t i : {0U, 1U, 2U, 4U, 5U}) {
    EXPECT_TRUE((*again)[i].replayed) << i;
    EXPECT_EQ((*again)[i].body, (*answers)[i].body) << i;
  }
  ASSERT_TRUE(term_.Handle(Ctx(), batch[5]).ok());
  EXPECT_EQ(OnHand(milk_), 5);
  EXPECT_EQ(OnHand(bottle_), 10);
  EXPECT_EQ(MovementCount(), 3);
}

TEST_F(TerminalServiceTest, ConfirmsOnALargeTaskKeepEveryOtherLineAsItWas) {
  // A wave of 200 single-unit reservations, picked by device confirms: a batch of 150 and then
  // single events; the task keeps all its lines and each line only its own progress.
  StoreMilk(200, "L-A");
  const auto lot = LotOf(milk_, "L-A");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 200; ++i) {
    ids.push_back(AddReservation(milk_, "SO-" + std::to_string(i), {{lot, 1, 0}}).id.value());
  }
  auto wave = svc_.CreatePick(Ctx(), {wh_, stg_, ids});
  ASSERT_TRUE(wave.ok()) << wave.status().ToString();
  ASSERT_EQ(wave->lines.size(), 200U);
  const auto id = wave->id.value();
  std::vector<DeviceEvent> batch;
  for (int line = 1; line <= 150; ++line) {
    batch.push_back(Confirm("w" + std::to_string(line), id, line, 1));
  }
  auto answers = term_.HandleBatch(Ctx(), batch);
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  for (const auto& a : *answers) ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(Body(answers->back())["task"]["line"]["line_no"], 150);
  for (int line = 151; line <= 160; ++line) {
    auto r = term_.Handle(Ctx(), Confirm("w" + std::to_string(line), id, line, 1));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200) << r->body;
  }
  const auto task = GetTask(wave->id);
  ASSERT_EQ(task.lines.size(), 200U);
  for (const auto& l : task.lines) {
    EXPECT_EQ(l.done_qty, l.line_no <= 160 ? 1 : 0) << l.line_no;
    EXPECT_EQ(l.expected_qty, 1);
    EXPECT_EQ(l.to_bin, stg_);
  }
  EXPECT_EQ(task.state, warehouse::TaskState::kInProgress);
  EXPECT_EQ(task.version, 12) << "one save for the batch, one per single event";
  EXPECT_EQ(Stock(stg_, milk_, StockState::kPicked), 160);
}

TEST_F(TerminalServiceTest, ABatchWhoseStockDoesNotAddUpRefusesOnlyTheEventsThatDoNotFit) {
  ReceiveMilk(10, "L-A");
  const auto lot = LotOf(milk_, "L-A");
  auto move = svc_.CreateMove(Ctx(), {wh_, {{milk_, lot, "own", rcv_, a1_, 8}}});
  ASSERT_TRUE(move.ok()) << move.status().ToString();
  // Meanwhile 5 units leave the receiving bin another way.
  auto other = svc_.CreateMove(Ctx(), {wh_, {{milk_, lot, "own", rcv_, a2_, 5}}});
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(svc_.Close(Ctx(), other->id, {true}).ok());
  const auto id = move->id.value();
  auto answers = term_.HandleBatch(
      Ctx(), {Confirm("x1", id, 1, 3), Confirm("x2", id, 1, 4), Confirm("x3", id, 1, 3)});
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  EXPECT_EQ((*answers)[0].status, 200) << (*answers)[0].body;
  EXPECT_EQ((*answers)[1].status, 422) << (*answers)[1].body;
  EXPECT_EQ((*answers)[2].status, 422) << (*answers)[2].body;
  EXPECT_EQ(Stock(a1_, milk_), 3);
  EXPECT_EQ(Stock(rcv_, milk_), 2);
  // The refusal is the stored answer: the same event later is refused again.
  auto later = term_.Handle(Ctx(), Confirm("x3", id, 1, 3));
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->replayed);
  EXPECT_EQ(later->status, 422);
}

TEST_F(TerminalServiceTest, ConcurrentDevicesSharingTransactionsApplyEveryEventOnce) {
  const auto task = AsnTask(100000);
  const auto id = task.id.value();
  constexpr int kThreads = 8;
  constexpr int kEach = 50;
  std::atomic<int> applied{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // Every event is sent twice.
        DeviceEvent e = Confirm("t" + std::to_string(t) + "-" + std::to_string(i), id, 1, 1,
                                MilkLabel("L-" + std::to_string(t)));
        e.device_id = "HT-" + std::to_string(t);
        // Each device has a key of its own: a shared transaction saves the task once per key.
        RequestContext ctx = Ctx(access::Role::kDevice);
        ctx.principal.key_id = access::ApiKeyId(100 + t);
        for (int copy = 0; copy < 2; ++copy) {
          auto r = term_.Handle(ctx, e);
          if (r.ok() && r->status == 200 && !r->replayed) applied.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(applied.load(), kThreads * kEach);
  EXPECT_EQ(OnHand(milk_), kThreads * kEach);
  EXPECT_EQ(MovementCount(), kThreads * kEach);
  EXPECT_EQ(GetTask(task.id).lines[0].done_qty, kThreads * kEach);
  EXPECT_EQ(term_.stats().events, 2 * kThreads * kEach);
  EXPECT_EQ(term_.stats().retried_alone, 0) << "nothing here is refused";
}

TEST_F(TerminalServiceTest, ACountAfterAMoveInTheSameBatchSeesTheMove) {
  ReceiveMilk(10, "L-A");
  const auto lot = LotOf(milk_, "L-A");
  auto count = svc_.CreateCount(Ctx(), {wh_, {rcv_}});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  auto move = svc_.CreateMove(Ctx(), {wh_, {{milk_, lot, "own", rcv_, a2_, 4}}});
  ASSERT_TRUE(move.ok()) << move.status().ToString();
  // One batch, one transaction: 4 leave the bin, then the bin is counted at the true 6.
  auto answers = term_.HandleBatch(
      Ctx(), {Confirm("m1", move->id.value(), 1, 4), Confirm("c1", count->id.value(), 1, 6)});
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  EXPECT_EQ((*answers)[0].status, 200) << (*answers)[0].body;
  EXPECT_EQ((*answers)[1].status, 200) << (*answers)[1].body;
  EXPECT_EQ(GetTask(count->id).state, warehouse::TaskState::kInProgress) << "no recount asked";
  auto closed = svc_.Close(Ctx(), count->id, {});
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(Stock(rcv_, milk_), 6);
  EXPECT_EQ(OnHand(milk_), 10);
}

}  // namespace
}  // namespace xb::warehouse_flow
