#include "flows/customs/submitter.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "flows/customs/customs_test_support.h"

namespace xb::customs_flow {
namespace {

using customs::DeclarationState;

// A gateway that answers from a script and counts calls per signing key.
class FakeGateway final : public CustomsGateway {
 public:
  Result<std::string> Submit(const customs::Declaration& d) override {
    ++calls[d.signing_key];
    sent.push_back(d.list.list_no);
    if (!answers.empty()) {
      Status st = answers.front();
      answers.pop_front();
      if (!st.ok()) return st;
    }
    return "MSG-" + d.list.list_no;
  }
  Result<ReceiptPage> PollReceipts(const std::string& cursor, int limit) override {
    cursors.push_back(cursor);
    if (poll_failure) return Unavailable("connection refused");
    ReceiptPage page;
    std::size_t from = cursor.empty() ? 0 : static_cast<std::size_t>(std::stoll(cursor));
    for (std::size_t i = from;
         i < receipts.size() && static_cast<int>(page.receipts.size()) < limit; ++i) {
      page.receipts.push_back(receipts[i]);
      from = i + 1;
    }
    page.next_cursor = std::to_string(from);
    return page;
  }

  std::map<std::string, int> calls;
  std::vector<std::string> sent;
  std::deque<Status> answers;  // one per Submit, OK when empty
  std::vector<customs::Receipt> receipts;
  std::vector<std::string> cursors;
  bool poll_failure = false;
};

class SubmitterTest : public CustomsFlowTest {
 protected:
  FakeGateway gateway_;
  Submitter submitter_{*db_, clock_, gateway_, receipts_};

  int Calls(const std::string& key) { return gateway_.calls[key]; }
  int TotalCalls() {
    int n = 0;
    for (const auto& [k, c] : gateway_.calls) n += c;
    return n;
  }
};

TEST(TokenBucketTest, RefillsAtItsRateUpToTheBurst) {
  const Timestamp t0 = Timestamp::FromMicros(1'000'000'000);
  TokenBucket bucket(4.0, 4, t0);
  int taken = 0;
  while (bucket.TryTake(t0)) ++taken;
  EXPECT_EQ(taken, 4);
  EXPECT_EQ(bucket.Available(t0), 0);
  EXPECT_EQ(bucket.NextAt(t0).micros(), t0.micros() + 250'001);
  EXPECT_FALSE(bucket.TryTake(Timestamp::FromMicros(t0.micros() + 200'000)));
  EXPECT_TRUE(bucket.TryTake(Timestamp::FromMicros(t0.micros() + 250'000)));
  // A long pause fills the bucket to its burst, no more.
  const Timestamp later = Timestamp::FromMicros(t0.micros() + 60'000'000);
  EXPECT_EQ(bucket.Available(later), 4);
  taken = 0;
  while (bucket.TryTake(later)) ++taken;
  EXPECT_EQ(taken, 4);
}

TEST_F(SubmitterTest, EachSigningKeyIsLimitedToItsRate) {
  const int queued_a = 6;
  const int queued_b = 3;
  for (int i = 0; i < queued_a; ++i) PlaceOrder(1, 0, DeclarationState::kQueued, "key-a");
  for (int i = 0; i < queued_b; ++i) PlaceOrder(1, 0, DeclarationState::kQueued, "key-b");

  auto round = submitter_.SubmitDue();
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  EXPECT_EQ(Calls("key-a"), 4);  // the burst
  EXPECT_EQ(Calls("key-b"), 3);
  EXPECT_EQ(round->submitted, 4 + queued_b);
  EXPECT_EQ(round->throttled, 1);  // key-a held some back
  EXPECT_EQ(submitter_.stats().throttled, 1);
  ASSERT_TRUE(round->next_due.has_value());

  // Same instant: nothing more goes out.
  ASSERT_TRUE(submitter_.SubmitDue().ok());
  EXPECT_EQ(TotalCalls(), 4 + queued_b);
  // A quarter second later one token is back; a second later the rest.
  clock_.AdvanceMillis(250);
  ASSERT_TRUE(submitter_.SubmitDue().ok());
  EXPECT_EQ(Calls("key-a"), 5);
  clock_.AdvanceMillis(1000);
  ASSERT_TRUE(submitter_.SubmitDue().ok());
  EXPECT_EQ(Calls("key-a"), queued_a);
  EXPECT_EQ(Calls("key-b"), queued_b);
  EXPECT_EQ(submitter_.stats().submitted, queued_a + queued_b);

  auto backlog = submitter_.Backlog(TenantId(kTenant));
  ASSERT_TRUE(backlog.ok());
  ASSERT_EQ(backlog->size(), 2u);
  for (const auto& k : *backlog) {
    EXPECT_EQ(k.queued, 0);
    EXPECT_EQ(k.rate_per_s, 4.0);
  }
}

TEST_F(SubmitterTest, ABusyKeyDoesNotDelayAnotherKeysDeclaration) {
  // key-a's backlog is older and longer than a round reads; key-b's one declaration comes last.
  const int backlog = 500;
  {
    auto tx = Write();
    for (int i = 0; i < backlog; ++i) {
      customs::Declaration d;
      d.tenant_id = TenantId(kTenant);
      d.order_id = 1000 + i;
      d.signing_key = "key-a";
      d.state = DeclarationState::kQueued;
      d.created_at = d.updated_at = clock_.Now();
      ASSERT_TRUE(tx->customs().InsertDeclaration(d).ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  clock_.AdvanceMillis(10);
  auto placed = PlaceOrder(1, 0, DeclarationState::kQueued, "key-b");

  auto round = submitter_.SubmitDue();
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  EXPECT_EQ(Calls("key-b"), 1);
  EXPECT_EQ(DeclarationNow(placed.declaration).state, DeclarationState::kSubmitted);
  EXPECT_EQ(Calls("key-a"), 4);  // its burst, oldest first
  EXPECT_EQ(round->throttled, 1);

  // key-a goes on at its own rate.
  clock_.AdvanceMillis(1000);
  ASSERT_TRUE(submitter_.SubmitDue().ok());
  EXPECT_EQ(Calls("key-a"), 8);
  EXPECT_EQ(Calls("key-b"), 1);
}

TEST_F(SubmitterTest, TransportFailuresBackOffAndRetry) {
  auto placed = PlaceOrder(1, 0, DeclarationState::kQueued);
  gateway_.answers = {Unavailable("timeout"), Unavailable("timeout"), Status::Ok()};
  auto first = submitter_.SubmitDue();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->failed, 1);
  auto d = DeclarationNow(placed.declaration);
  EXPECT_EQ(d.state, DeclarationState::kQueued);
  EXPECT_EQ(d.attempts, 1);
  ASSERT_TRUE(d.next_attempt_at.has_value());
  EXPECT_EQ(d.next_attempt_at->micros() - clock_.Now().micros(), 1'000'000);

  ASSERT_TRUE(submitter_.SubmitDue().ok());  // not due yet
  EXPECT_EQ(TotalCalls(), 1);
  clock_.AdvanceMillis(1000);
  ASSERT_TRUE(submitter_.SubmitDue().ok());
  EXPECT_EQ(TotalCalls(), 2);
  d = DeclarationNow(placed.declaration);
  EXPECT_EQ(d.attempts, 2);
  EXPECT_EQ(d.next_attempt_at->micros() - clock_.Now().micros(), 2'000'000);
  clock_.AdvanceMillis(1999);
  ASSERT_TRUE(submitter_.SubmitDue().ok());
  EXPECT_EQ(TotalCalls(), 2);
  clock_.AdvanceMillis(1);
  ASSERT_TRUE(submitter_.SubmitDue().ok());
  EXPECT_EQ(TotalCalls(), 3);
  d = DeclarationNow(placed.declaration);
  EXPECT_EQ(d.state, DeclarationState::kSubmitted);
  EXPECT_EQ(d.attempts, 3);
  EXPECT_FALSE(d.next_attempt_at.has_value());
  EXPECT_EQ(submitter_.stats().transport_failures, 2);
}

TEST_F(SubmitterTest, BackoffDoublesUpToAMinute) {
  auto placed = PlaceOrder(1, 0, DeclarationState::kQueued);
  std::vector<std::int64_t> waits;
  for (int i = 0; i < 9; ++i) {
    gateway_.answers = {Unavailable("down")};
    ASSERT_TRUE(submitter_.SubmitDue().ok());
    auto d = DeclarationNow(placed.declaration);
    waits.push_back((d.next_attempt_at->micros() - clock_.Now().micros()) / 1'000'000);
    clock_.Set(*d.next_attempt_at);
  }
  EXPECT_EQ(waits, (std::vector<std::int64_t>{1, 2, 4, 8, 16, 32, 60, 60, 60}));
}

TEST_F(SubmitterTest, RefusalAtTheDoorRejectsTheDeclarationAndItsOrder) {
  auto placed = PlaceOrder(2, 1820, DeclarationState::kQueued);
  gateway_.answers = {InvalidArgument("list_no: malformed")};
  auto round = submitter_.SubmitDue();
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  EXPECT_EQ(round->refused, 1);
  auto d = DeclarationNow(placed.declaration);
  EXPECT_EQ(d.state, DeclarationState::kRejected);
  EXPECT_NE(d.reason.find("list_no: malformed"), std::string::npos);
  EXPECT_EQ(OrderNow(placed.order).state, orders::OrderState::kRejected);
  EXPECT_EQ(engine_.Available(Pool()), 10);
  EXPECT_EQ(QuotaUsed(), 0);
  // Never sent again.
  clock_.AdvanceMillis(120'000);
  ASSERT_TRUE(submitter_.SubmitDue().ok());
  EXPECT_EQ(TotalCalls(), 1);
}

TEST_F(SubmitterTest, PolledReceiptsAreAppliedAndTheCursorMovesOn) {
  auto placed = PlaceOrder(2);
  gateway_.receipts = {Receipt("C-1", placed.declaration, customs::ReceiptKind::kAccepted),
                       Receipt("C-2", placed.declaration, customs::ReceiptKind::kReleased)};
  customs::Receipt stranger = gateway_.receipts[0];
  stranger.receipt_id = "C-0";
  stranger.list_no = "XB1999999999999";  // not a declaration of ours
  gateway_.receipts.insert(gateway_.receipts.begin(), stranger);

  auto applied = submitter_.PollReceipts();
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, 2);
  EXPECT_EQ(DeclarationNow(placed.declaration).state, DeclarationState::kReleased);
  EXPECT_EQ(OrderNow(placed.order).state, orders::OrderState::kReleased);
  EXPECT_EQ(PickTasks(), 1);
  EXPECT_EQ(submitter_.stats().receipts_applied, 2);
  EXPECT_EQ(submitter_.stats().receipts_failed, 1);

  // The next poll asks after the last one; nothing is applied twice.
  ASSERT_TRUE(submitter_.PollReceipts().ok());
  EXPECT_EQ(gateway_.cursors.back(), "3");
  EXPECT_EQ(PickTasks(), 1);

  gateway_.poll_failure = true;
  EXPECT_EQ(submitter_.PollReceipts().status().code(), ErrorCode::kUnavailable);
}

TEST_F(SubmitterTest, AfterARestartPollingGoesOnFromTheStoredCursor) {
  auto placed = PlaceOrder(2);
  gateway_.receipts = {Receipt("C-1", placed.declaration, customs::ReceiptKind::kAccepted),
                       Receipt("C-2", placed.declaration, customs::ReceiptKind::kReleased)};
  ASSERT_EQ(gateway_.cursors.size(), 0U);
  auto applied = submitter_.PollReceipts();
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, 2);
  EXPECT_EQ(gateway_.cursors.back(), "");  // nothing stored yet: the feed's beginning
  EXPECT_EQ(*Read()->customs().ReceiptCursor("customs"), "2");

  // The server restarts: a new submitter on the same database asks for what follows the last
  // page applied, not for the whole feed again.
  FakeGateway after_restart;
  after_restart.receipts = gateway_.receipts;
  after_restart.receipts.push_back(
      Receipt("C-3", placed.declaration, customs::ReceiptKind::kReleased));
  Submitter restarted(*db_, clock_, after_restart, receipts_);
  applied = restarted.PollReceipts();
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(after_restart.cursors, (std::vector<std::string>{"2"}));
  EXPECT_EQ(*applied, 1);  // C-3 only (a second release: noted, no change)
  EXPECT_EQ(restarted.stats().receipts_applied, 1);
  EXPECT_EQ(PickTasks(), 1);
  EXPECT_EQ(*Read()->customs().ReceiptCursor("customs"), "3");

  // Another feed keeps a cursor of its own.
  SubmitterOptions sandbox;
  sandbox.receipt_feed = "sandbox";
  FakeGateway sandbox_gateway;
  Submitter other(*db_, clock_, sandbox_gateway, receipts_, sandbox);
  ASSERT_TRUE(other.PollReceipts().ok());
  EXPECT_EQ(sandbox_gateway.cursors, (std::vector<std::string>{""}));
  EXPECT_EQ(*Read()->customs().ReceiptCursor("customs"), "3");
}

// The database as the submitter sees it, whose write transactions can be made to fail (a full
// disk, a crash before the write): the receipts are applied through the real one.
class WriteFailingDatabase final : public store::Database {
 public:
  explicit WriteFailingDatabase(store::Database& inner) : inner_(inner) {}
  Result<std::unique_ptr<store::Transaction>> Begin(store::TxMode mode) override {
    if (mode == store::TxMode::kWrite && fail_writes) return Unavailable("disk full");
    return inner_.Begin(mode);
  }
  std::string_view dialect() const override { return inner_.dialect(); }
  Result<int> SchemaVersion() override { return inner_.SchemaVersion(); }
  bool fail_writes = false;

 private:
  store::Database& inner_;
};

TEST_F(SubmitterTest, ACursorNotSavedMeansThePageIsReadAgainNeverSkipped) {
  auto placed = PlaceOrder(2);
  gateway_.receipts = {Receipt("C-1", placed.declaration, customs::ReceiptKind::kAccepted),
                       Receipt("C-2", placed.declaration, customs::ReceiptKind::kReleased)};
  WriteFailingDatabase failing(*db_);
  failing.fail_writes = true;
  Submitter submitter(failing, clock_, gateway_, receipts_);
  // The receipts are applied, the cursor cannot be saved: the poll says so.
  EXPECT_EQ(submitter.PollReceipts().status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(DeclarationNow(placed.declaration).state, DeclarationState::kReleased);
  EXPECT_EQ(PickTasks(), 1);
  EXPECT_EQ(*Read()->customs().ReceiptCursor("customs"), "");

  // Had the server stopped now, the next one reads the page again: replays, nothing twice.
  FakeGateway after_restart;
  after_restart.receipts = gateway_.receipts;
  Submitter restarted(*db_, clock_, after_restart, receipts_);
  auto applied = restarted.PollReceipts();
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(after_restart.cursors, (std::vector<std::string>{""}));
  EXPECT_EQ(*applied, 2);
  EXPECT_EQ(restarted.stats().receipts_applied, 0);  // both were replays
  EXPECT_EQ(PickTasks(), 1);
  EXPECT_EQ(*Read()->customs().ReceiptCursor("customs"), "2");

  // The first one, once it can write again, saves the cursor it reached with its next poll,
  // though that page is empty (the stored one is put back to the beginning to see it).
  {
    auto tx = Write();
    ASSERT_TRUE(tx->customs().SaveReceiptCursor("customs", "", clock_.Now()).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  failing.fail_writes = false;
  ASSERT_TRUE(submitter.PollReceipts().ok());
  EXPECT_EQ(gateway_.cursors.back(), "2");
  EXPECT_EQ(*Read()->customs().ReceiptCursor("customs"), "2");
}

TEST_F(SubmitterTest, OnlyAPageThatMovesTheCursorIsSaved) {
  auto placed = PlaceOrder(2);
  gateway_.receipts = {Receipt("C-1", placed.declaration, customs::ReceiptKind::kAccepted)};
  WriteFailingDatabase failing(*db_);
  Submitter submitter(failing, clock_, gateway_, receipts_);
  ASSERT_TRUE(submitter.PollReceipts().ok());
  ASSERT_EQ(*Read()->customs().ReceiptCursor("customs"), "1");
  // Polls that bring nothing new write nothing (a write would fail here).
  failing.fail_writes = true;
  ASSERT_TRUE(submitter.PollReceipts().ok());
  ASSERT_TRUE(submitter.PollReceipts().ok());
  EXPECT_EQ(gateway_.cursors, (std::vector<std::string>{"", "1", "1"}));
  // A transport failure polls nothing and keeps the stored cursor.
  gateway_.poll_failure = true;
  EXPECT_EQ(submitter.PollReceipts().status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(*Read()->customs().ReceiptCursor("customs"), "1");
}

TEST_F(SubmitterTest, TheThreadDrainsTheQueue) {
  auto placed = PlaceOrder(1, 0, DeclarationState::kQueued);
  SubmitterOptions fast;
  fast.idle_wait = std::chrono::milliseconds(5);
  Submitter running(*db_, clock_, gateway_, receipts_, fast);
  ASSERT_TRUE(running.Start().ok());
  running.Wake();
  for (int i = 0; i < 2000 && running.stats().submitted == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  running.Stop();
  EXPECT_EQ(running.stats().submitted, 1);
  EXPECT_FALSE(running.stats().running);
  EXPECT_EQ(DeclarationNow(placed.declaration).state, DeclarationState::kSubmitted);
}

}  // namespace
}  // namespace xb::customs_flow
