#include "adapters/customs_sandbox/sandbox.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "adapters/customs_gateway/testing/sample_declaration.h"
#include "adapters/customs_sandbox/sandbox_server.h"

namespace xb::customs_sandbox {
namespace {

using customs::ReceiptKind;
using customs_gateway::CebDeclaration;
using customs_gateway::DeclarationToJson;
using customs_gateway::testing::SampleDeclaration;
using customs_gateway::testing::SampleLine;

constexpr std::int64_t kLimit = 500'000;
const Timestamp kStart = Timestamp::FromMicros(1'795'000'000'000'000);

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

std::string FailureOf(const CebDeclaration& m) {
  auto failed = CheckDeclaration(m, kLimit);
  return failed ? *failed : std::string("passed");
}

TEST(SandboxChecks, AgreeingDocumentsPass) { EXPECT_EQ(FailureOf(SampleDeclaration()), "passed"); }

TEST(SandboxChecks, WrongCheckCharacterOfTheIdentityCardIsRejected) {
  CebDeclaration m = SampleDeclaration();
  const std::string wrong = "110101199003071234";  // the check character is 3
  m.order.buyer.id_number = wrong;
  m.payment.payer.id_number = wrong;
  m.list.buyer.id_number = wrong;
  const std::string failure = FailureOf(m);
  EXPECT_TRUE(StartsWith(failure, "identity: order.buyer")) << failure;
  EXPECT_EQ(failure.find(wrong), std::string::npos) << "the ID number stays out of the reason";
}

TEST(SandboxChecks, PayerOtherThanTheBuyerIsRejected) {
  CebDeclaration m = SampleDeclaration();
  m.payment.payer = {"李四", "id_card", "310101198505124561"};
  const std::string failure = FailureOf(m);
  EXPECT_TRUE(StartsWith(failure, "buyer_is_payer")) << failure;
}

TEST(SandboxChecks, PaidThatIsNotGoodsPlusFreightMinusDiscountPlusTaxIsRejected) {
  CebDeclaration m = SampleDeclaration();
  m.order.paid_fen += 100;  // 229.20 paid for 228.20 owed
  m.payment.amount_fen = m.order.paid_fen;
  const std::string failure = FailureOf(m);
  EXPECT_TRUE(StartsWith(failure, "paid_equation")) << failure;
}

TEST(SandboxChecks, PaymentOfAnotherAmountIsRejected) {
  CebDeclaration m = SampleDeclaration();
  m.payment.amount_fen -= 100;
  const std::string failure = FailureOf(m);
  EXPECT_NE(failure, "passed");
}

TEST(SandboxChecks, HsCodeMustBeEightOrTenDigits) {
  for (const std::string hs : {"190110", "190110101", "19011O10", "19011010000"}) {
    CebDeclaration m = SampleDeclaration("XB1", {SampleLine("A", hs, 1, 20'000)});
    const std::string failure = FailureOf(m);
    EXPECT_TRUE(StartsWith(failure, "hs_code: list.lines[0]")) << hs << ": " << failure;
  }
  EXPECT_EQ(FailureOf(SampleDeclaration("XB1", {SampleLine("A", "3304990000", 1, 20'000)})),
            "passed");
}

TEST(SandboxChecks, SeveralItemsOverTheSingleLimitAreRejected) {
  // Two tins of 2,600.00: 5,200.00 goods over the 5,000.00 limit.
  CebDeclaration m = SampleDeclaration("XB1", {SampleLine("A", "19011010", 2, 520'000)});
  const std::string failure = FailureOf(m);
  EXPECT_TRUE(StartsWith(failure, "single_limit")) << failure;
  EXPECT_NE(failure.find("5200.00"), std::string::npos) << failure;
  EXPECT_NE(failure.find("5000.00"), std::string::npos) << failure;
  // Two lines of one item each, together over the limit: rejected too.
  m = SampleDeclaration(
      "XB1", {SampleLine("A", "19011010", 1, 300'000), SampleLine("B", "19011090", 1, 300'000)});
  EXPECT_TRUE(StartsWith(FailureOf(m), "single_limit"));
}

TEST(SandboxChecks, OneIndivisibleItemOverTheSingleLimitPasses) {
  CebDeclaration m = SampleDeclaration("XB1", {SampleLine("A", "19011010", 1, 600'000)}, 98'000);
  EXPECT_EQ(FailureOf(m), "passed");
  // Exactly at the limit with several items: passes.
  m = SampleDeclaration("XB1", {SampleLine("A", "19011010", 2, 500'000)});
  EXPECT_EQ(FailureOf(m), "passed");
}

TEST(SandboxChecks, DocumentsOfAnotherOrderAreRejected) {
  CebDeclaration m = SampleDeclaration();
  m.waybill.order_no = "TM-OTHER";
  EXPECT_NE(FailureOf(m), "passed");
  m = SampleDeclaration();
  m.list.waybill_no = "WB-OTHER";
  EXPECT_NE(FailureOf(m), "passed");
}

TEST(SandboxHold, SameSeedAndListNumberGiveTheSameAnswer) {
  int held = 0;
  int differs_by_seed = 0;
  for (int i = 0; i < 10'000; ++i) {
    const std::string list_no = "XB" + std::to_string(i);
    const bool a = HeldForInspection(7, list_no, 0.3);
    EXPECT_EQ(a, HeldForInspection(7, list_no, 0.3));
    EXPECT_FALSE(HeldForInspection(7, list_no, 0.0));
    EXPECT_TRUE(HeldForInspection(7, list_no, 1.0));
    held += a ? 1 : 0;
    differs_by_seed += a != HeldForInspection(8, list_no, 0.3) ? 1 : 0;
  }
  EXPECT_GT(held, 2'700);
  EXPECT_LT(held, 3'300);
  EXPECT_GT(differs_by_seed, 1'000);
}

class SandboxTest : public ::testing::Test {
 protected:
  SandboxOptions Options() {
    SandboxOptions o;
    o.hold_share = 0;
    o.delay = std::chrono::milliseconds(200);
    return o;
  }
  static std::vector<std::pair<std::string, ReceiptKind>> Kinds(
      const customs_gateway::CebReceiptPage& page) {
    std::vector<std::pair<std::string, ReceiptKind>> out;
    for (const auto& r : page.receipts) out.emplace_back(r.receipt.list_no, r.receipt.kind);
    return out;
  }
  using Kinds_t = std::vector<std::pair<std::string, ReceiptKind>>;

  FakeClock clock_{kStart};
};

TEST_F(SandboxTest, AcceptedAtOnceThenReleasedAfterTheDelay) {
  CustomsSandbox sandbox(Options(), clock_);
  ASSERT_TRUE(sandbox.Open().ok());
  auto id = sandbox.Submit(DeclarationToJson(SampleDeclaration("XB1")));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "CEB621-XB1");

  auto page = sandbox.Receipts(0, 100);
  EXPECT_EQ(Kinds(page), (Kinds_t{{"XB1", ReceiptKind::kAccepted}}));
  EXPECT_EQ(page.receipts[0].receipt.at, kStart);

  clock_.AdvanceMicros(199'999);
  EXPECT_EQ(sandbox.Receipts(page.next, 100).receipts.size(), 0U);
  clock_.AdvanceMicros(1);
  auto later = sandbox.Receipts(page.next, 100);
  EXPECT_EQ(Kinds(later), (Kinds_t{{"XB1", ReceiptKind::kReleased}}));
  EXPECT_EQ(later.receipts[0].receipt.at, Timestamp::FromMicros(kStart.micros() + 200'000));
  EXPECT_EQ(later.receipts[0].seq, page.next + 1);
  EXPECT_NE(later.receipts[0].receipt.receipt_id, page.receipts[0].receipt.receipt_id);
}

TEST_F(SandboxTest, WithoutADataFileNumbersStartAtTheStartTime) {
  CustomsSandbox sandbox(Options(), clock_);
  ASSERT_TRUE(sandbox.Submit(DeclarationToJson(SampleDeclaration("XB1"))).ok());
  EXPECT_EQ(sandbox.Receipts(0, 10).receipts.at(0).seq, kStart.micros());
}

TEST_F(SandboxTest, HoldShareOfOneHoldsEveryDeclaration) {
  SandboxOptions o = Options();
  o.hold_share = 1.0;
  o.delay = std::chrono::milliseconds(0);
  CustomsSandbox sandbox(o, clock_);
  ASSERT_TRUE(sandbox.Submit(DeclarationToJson(SampleDeclaration("XB1"))).ok());
  ASSERT_TRUE(sandbox.Submit(DeclarationToJson(SampleDeclaration("XB2"))).ok());
  auto page = sandbox.Receipts(0, 100);
  EXPECT_EQ(Kinds(page), (Kinds_t{{"XB1", ReceiptKind::kAccepted},
                                  {"XB1", ReceiptKind::kInspectionHold},
                                  {"XB2", ReceiptKind::kAccepted},
                                  {"XB2", ReceiptKind::kInspectionHold}}));
  EXPECT_FALSE(page.receipts[1].receipt.reason.empty());
}

TEST_F(SandboxTest, FailingCheckIsAnsweredByARejectedReceiptWithTheReason) {
  CustomsSandbox sandbox(Options(), clock_);
  CebDeclaration m = SampleDeclaration("XB1", {SampleLine("A", "190110", 1, 20'000)});
  auto id = sandbox.Submit(DeclarationToJson(m));
  ASSERT_TRUE(id.ok());
  clock_.AdvanceMicros(1'000'000);
  auto page = sandbox.Receipts(0, 100);
  EXPECT_EQ(Kinds(page), (Kinds_t{{"XB1", ReceiptKind::kRejected}}));
  EXPECT_TRUE(StartsWith(page.receipts[0].receipt.reason, "hs_code"))
      << page.receipts[0].receipt.reason;
}

TEST_F(SandboxTest, WithRejectMalformedAFailingCheckIsRefusedAtOnce) {
  SandboxOptions o = Options();
  o.reject_malformed = true;
  CustomsSandbox sandbox(o, clock_);
  CebDeclaration m = SampleDeclaration("XB1");
  m.payment.payer.name = "李四";
  auto id = sandbox.Submit(DeclarationToJson(m));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(id.status().message().find("buyer_is_payer"), std::string::npos);
  // The same list number again: the same refusal, and never a receipt.
  auto again = sandbox.Submit(DeclarationToJson(SampleDeclaration("XB1")));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().message(), id.status().message());
  EXPECT_TRUE(sandbox.Receipts(0, 100).receipts.empty());
  // A good declaration still goes through.
  EXPECT_TRUE(sandbox.Submit(DeclarationToJson(SampleDeclaration("XB2"))).ok());
}

TEST_F(SandboxTest, MalformedMessageIsRefusedNamingTheField) {
  CustomsSandbox sandbox(Options(), clock_);
  auto id = sandbox.Submit("{\"signing_key\":\"default\"}");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(id.status().message().find("list_no"), std::string::npos);
  EXPECT_FALSE(sandbox.Submit("not json").ok());
  EXPECT_EQ(sandbox.counts().declarations, 0U);
}

TEST_F(SandboxTest, RepeatedListNumberGetsTheFirstAnswerAndNoNewReceipts) {
  CustomsSandbox sandbox(Options(), clock_);
  auto first = sandbox.Submit(DeclarationToJson(SampleDeclaration("XB1")));
  ASSERT_TRUE(first.ok());
  clock_.AdvanceMicros(300'000);
  const auto before = sandbox.Receipts(0, 100);
  ASSERT_EQ(before.receipts.size(), 2U);
  // Even with other contents (a payer that differs), the first answer stands.
  CebDeclaration changed = SampleDeclaration("XB1");
  changed.payment.payer.name = "李四";
  auto second = sandbox.Submit(DeclarationToJson(changed));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
  clock_.AdvanceMicros(300'000);
  EXPECT_EQ(sandbox.Receipts(0, 100).receipts.size(), 2U);
}

TEST_F(SandboxTest, PagesFollowTheCursor) {
  SandboxOptions o = Options();
  o.delay = std::chrono::milliseconds(0);
  CustomsSandbox sandbox(o, clock_);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(
        sandbox.Submit(DeclarationToJson(SampleDeclaration("XB" + std::to_string(i)))).ok());
  }
  std::int64_t cursor = 0;
  std::vector<std::int64_t> seqs;
  for (int round = 0; round < 10; ++round) {
    auto page = sandbox.Receipts(cursor, 4);
    for (const auto& r : page.receipts) seqs.push_back(r.seq);
    if (page.receipts.empty()) {
      EXPECT_EQ(page.next, cursor);
      break;
    }
    EXPECT_LE(page.receipts.size(), 4U);
    cursor = page.next;
  }
  ASSERT_EQ(seqs.size(), 6U);
  for (std::size_t i = 1; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], seqs[i - 1] + 1);
}

TEST_F(SandboxTest, OldestReceiptsAreDroppedBeyondTheCap) {
  SandboxOptions o = Options();
  o.delay = std::chrono::milliseconds(0);
  o.max_receipts = 3;
  o.max_declarations = 2;
  CustomsSandbox sandbox(o, clock_);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(
        sandbox.Submit(DeclarationToJson(SampleDeclaration("XB" + std::to_string(i)))).ok());
  }
  auto page = sandbox.Receipts(0, 100);
  EXPECT_EQ(Kinds(page), (Kinds_t{{"XB2", ReceiptKind::kReleased},
                                  {"XB3", ReceiptKind::kAccepted},
                                  {"XB3", ReceiptKind::kReleased}}));
  EXPECT_EQ(sandbox.counts().declarations, 2U);
}

class SandboxDataTest : public SandboxTest {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("xb_sandbox_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".jsonl");
    std::filesystem::remove(path_);
  }
  void TearDown() override { std::filesystem::remove(path_); }
  SandboxOptions DataOptions() {
    SandboxOptions o = Options();
    o.data_file = path_.string();
    return o;
  }
  std::filesystem::path path_;
};

TEST_F(SandboxDataTest, RestartKeepsReceiptsAnswersAndTheNumbering) {
  std::vector<customs_gateway::CebReceipt> before;
  {
    CustomsSandbox sandbox(DataOptions(), clock_);
    ASSERT_TRUE(sandbox.Open().ok());
    ASSERT_TRUE(sandbox.Submit(DeclarationToJson(SampleDeclaration("XB1"))).ok());
    clock_.AdvanceMicros(200'000);
    ASSERT_TRUE(sandbox.Submit(DeclarationToJson(SampleDeclaration("XB2"))).ok());
    before = sandbox.Receipts(0, 100).receipts;  // XB1 accepted, released; XB2 accepted
    ASSERT_EQ(before.size(), 3U);
  }
  clock_.AdvanceMicros(10'000'000);
  CustomsSandbox again(DataOptions(), clock_);
  ASSERT_TRUE(again.Open().ok());
  auto page = again.Receipts(0, 100);
  ASSERT_GE(page.receipts.size(), 3U);
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(page.receipts[i].seq, before[i].seq);
    EXPECT_EQ(page.receipts[i].receipt.receipt_id, before[i].receipt.receipt_id);
  }
  // XB2 was accepted but not yet answered: its release comes after the delay from the restart.
  EXPECT_EQ(page.receipts.size(), 3U);
  clock_.AdvanceMicros(200'000);
  auto rest = again.Receipts(page.next, 100);
  EXPECT_EQ(Kinds(rest), (Kinds_t{{"XB2", ReceiptKind::kReleased}}));
  EXPECT_EQ(rest.receipts[0].seq, before.back().seq + 1);
  // A repeated list number is answered as before, without new receipts.
  auto id = again.Submit(DeclarationToJson(SampleDeclaration("XB1")));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "CEB621-XB1");
  EXPECT_TRUE(again.Receipts(rest.next, 100).receipts.empty());
}

TEST_F(SandboxDataTest, TornLastLineIsSkipped) {
  {
    CustomsSandbox sandbox(DataOptions(), clock_);
    ASSERT_TRUE(sandbox.Open().ok());
    ASSERT_TRUE(sandbox.Submit(DeclarationToJson(SampleDeclaration("XB1"))).ok());
  }
  {
    std::ofstream out(path_, std::ios::app);
    out << R"({"t":"receipt","receipt":"{\"seq\":)";
  }
  {
    CustomsSandbox again(DataOptions(), clock_);
    ASSERT_TRUE(again.Open().ok());
    EXPECT_EQ(again.Receipts(0, 100).receipts.size(), 1U);
    ASSERT_TRUE(again.Submit(DeclarationToJson(SampleDeclaration("XB2"))).ok());
  }
  // What was written after the torn line is read back too.
  CustomsSandbox third(DataOptions(), clock_);
  ASSERT_TRUE(third.Open().ok());
  EXPECT_EQ(third.counts().declarations, 2U);
  EXPECT_EQ(third.Receipts(0, 100).receipts.size(), 2U);
}

TEST(SandboxServerHandler, AnswersTheWireFormat) {
  FakeClock clock(kStart);
  SandboxOptions o;
  o.delay = std::chrono::milliseconds(0);
  o.hold_share = 0;
  CustomsSandbox sandbox(o, clock);
  SandboxServer server(sandbox, "127.0.0.1", 0);
  const auto call = [&server](std::string method, std::string path,
                              std::map<std::string, std::string> query, std::string body) {
    http::HttpRequest req;
    req.method = std::move(method);
    req.path = std::move(path);
    req.query = std::move(query);
    req.body = std::move(body);
    http::HttpResponse res;
    server.Handle(req, res);
    return res;
  };
  auto res = call("POST", "/ceb/declarations", {}, DeclarationToJson(SampleDeclaration("XB1")));
  EXPECT_EQ(res.status, 202);
  EXPECT_EQ(nlohmann::json::parse(res.body)["message_id"], "CEB621-XB1");
  res = call("POST", "/ceb/declarations", {}, "{}");
  EXPECT_EQ(res.status, 400);
  EXPECT_TRUE(nlohmann::json::parse(res.body)["error"].is_string());
  res = call("GET", "/ceb/receipts", {{"after", "0"}, {"limit", "1"}}, "");
  EXPECT_EQ(res.status, 200);
  const auto page = nlohmann::json::parse(res.body);
  EXPECT_EQ(page["receipts"].size(), 1U);
  EXPECT_EQ(page["receipts"][0]["kind"], "accepted");
  EXPECT_EQ(page["next"], page["receipts"][0]["seq"]);
  EXPECT_EQ(call("GET", "/ceb/receipts", {{"limit", "0"}}, "").status, 400);
  EXPECT_EQ(call("GET", "/ceb/receipts", {{"after", "-1"}}, "").status, 400);
  EXPECT_EQ(call("GET", "/ceb/receipts", {{"from", "1"}}, "").status, 400);
  res = call("GET", "/ceb/health", {}, "");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(nlohmann::json::parse(res.body)["declarations"], 1);
  EXPECT_EQ(call("GET", "/ceb/nothing", {}, "").status, 404);
  EXPECT_EQ(call("DELETE", "/ceb/declarations", {}, "").status, 405);
}

TEST(SandboxListen, HostAndPort) {
  std::string address;
  std::uint16_t port = 0;
  ASSERT_TRUE(ParseListen("127.0.0.1:9100", address, port).ok());
  EXPECT_EQ(address, "127.0.0.1");
  EXPECT_EQ(port, 9100);
  EXPECT_FALSE(ParseListen("9100", address, port).ok());
  EXPECT_FALSE(ParseListen("127.0.0.1:", address, port).ok());
  EXPECT_FALSE(ParseListen("127.0.0.1:70000", address, port).ok());
}

}  // namespace
}  // namespace xb::customs_sandbox
