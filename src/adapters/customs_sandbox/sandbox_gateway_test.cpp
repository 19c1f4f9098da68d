// The HTTP customs gateway against the sandbox served on an ephemeral port of 127.0.0.1.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "adapters/customs_gateway/http_customs_gateway.h"
#include "adapters/customs_gateway/testing/sample_declaration.h"
#include "adapters/customs_sandbox/sandbox.h"
#include "adapters/customs_sandbox/sandbox_server.h"

namespace xb::customs_sandbox {
namespace {

using customs::ReceiptKind;
using customs_gateway::HttpCustomsGateway;
using customs_gateway::testing::SampleDeclaration;
using customs_gateway::testing::SampleLine;

customs::Declaration DeclarationOf(const customs_gateway::CebDeclaration& m) {
  customs::Declaration d;
  d.signing_key = m.signing_key;
  d.order = m.order;
  d.payment = m.payment;
  d.waybill = m.waybill;
  d.list = m.list;
  return d;
}

customs::Declaration Sample(const std::string& list_no) {
  return DeclarationOf(SampleDeclaration(list_no));
}

class GatewayAgainstSandbox : public ::testing::Test {
 protected:
  void StartSandbox(SandboxOptions options, std::uint16_t port = 0) {
    server_.reset();
    sandbox_ = std::make_unique<CustomsSandbox>(std::move(options), clock_);
    ASSERT_TRUE(sandbox_->Open().ok());
    server_ = std::make_unique<SandboxServer>(*sandbox_, "127.0.0.1", port);
    ASSERT_TRUE(server_->Start().ok());
  }
  std::unique_ptr<HttpCustomsGateway> Gateway(std::uint16_t port) {
    customs_gateway::HttpGatewayOptions o;
    o.url = "http://127.0.0.1:" + std::to_string(port);
    o.connect_timeout = std::chrono::milliseconds(2000);
    o.request_timeout = std::chrono::milliseconds(5000);
    auto gw = HttpCustomsGateway::Create(o);
    EXPECT_TRUE(gw.ok()) << gw.status().ToString();
    return gw.ok() ? std::move(*gw) : nullptr;
  }
  static SandboxOptions Immediate(double hold_share = 0) {
    SandboxOptions o;
    o.delay = std::chrono::milliseconds(0);
    o.hold_share = hold_share;
    return o;
  }
  static std::vector<std::pair<std::string, ReceiptKind>> Kinds(
      const customs_flow::ReceiptPage& page) {
    std::vector<std::pair<std::string, ReceiptKind>> out;
    for (const auto& r : page.receipts) out.emplace_back(r.list_no, r.kind);
    return out;
  }
  using Kinds_t = std::vector<std::pair<std::string, ReceiptKind>>;

  SystemClock clock_;
  std::unique_ptr<CustomsSandbox> sandbox_;
  std::unique_ptr<SandboxServer> server_;
};

TEST_F(GatewayAgainstSandbox, SubmitsAndPollsReceipts) {
  StartSandbox(Immediate());
  auto gw = Gateway(server_->port());
  ASSERT_NE(gw, nullptr);
  auto id = gw->Submit(Sample("XB1"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "CEB621-XB1");
  auto id2 = gw->Submit(Sample("XB2"));
  ASSERT_TRUE(id2.ok()) << id2.status().ToString();

  auto page = gw->PollReceipts("", 3);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(Kinds(*page), (Kinds_t{{"XB1", ReceiptKind::kAccepted},
                                   {"XB1", ReceiptKind::kReleased},
                                   {"XB2", ReceiptKind::kAccepted}}));
  EXPECT_FALSE(page->next_cursor.empty());
  auto rest = gw->PollReceipts(page->next_cursor, 100);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(Kinds(*rest), (Kinds_t{{"XB2", ReceiptKind::kReleased}}));
  auto none = gw->PollReceipts(rest->next_cursor, 100);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->receipts.empty());
  EXPECT_EQ(none->next_cursor, rest->next_cursor);
}

TEST_F(GatewayAgainstSandbox, RepeatedListNumberIsAnsweredAsTheFirst) {
  StartSandbox(Immediate(1.0));
  auto gw = Gateway(server_->port());
  ASSERT_NE(gw, nullptr);
  auto first = gw->Submit(Sample("XB9"));
  ASSERT_TRUE(first.ok());
  auto second = gw->Submit(Sample("XB9"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  auto page = gw->PollReceipts("", 100);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Kinds(*page),
            (Kinds_t{{"XB9", ReceiptKind::kAccepted}, {"XB9", ReceiptKind::kInspectionHold}}));
}

TEST_F(GatewayAgainstSandbox, DeclarationFailingACheckIsRejectedByReceipt) {
  StartSandbox(Immediate());
  auto gw = Gateway(server_->port());
  ASSERT_NE(gw, nullptr);
  // Three items worth 5,400.00 together: over the single-transaction limit.
  auto m = SampleDeclaration("XB5", {SampleLine("A", "19011010", 3, 540'000)});
  ASSERT_TRUE(gw->Submit(DeclarationOf(m)).ok());
  auto page = gw->PollReceipts("", 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(Kinds(*page), (Kinds_t{{"XB5", ReceiptKind::kRejected}}));
  EXPECT_NE(page->receipts[0].reason.find("single_limit"), std::string::npos);
}

TEST_F(GatewayAgainstSandbox, RefusalAtTheDoorIsInvalidArgumentWithCustomsMessage) {
  SandboxOptions o = Immediate();
  o.reject_malformed = true;
  StartSandbox(o);
  auto gw = Gateway(server_->port());
  ASSERT_NE(gw, nullptr);
  customs::Declaration missing = Sample("XB3");
  missing.payment.payment_no.clear();
  auto refused = gw->Submit(missing);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("payment.payment_no"), std::string::npos)
      << refused.status().message();

  customs::Declaration bad_hs = Sample("XB4");
  bad_hs.list.lines[0].hs_code = "1901";
  refused = gw->Submit(bad_hs);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("hs_code"), std::string::npos)
      << refused.status().message();
  // The connection stays usable after refusals.
  EXPECT_TRUE(gw->Submit(Sample("XB6")).ok());
}

TEST_F(GatewayAgainstSandbox, NothingListeningIsUnavailable) {
  StartSandbox(Immediate());
  const std::uint16_t port = server_->port();
  server_.reset();  // stopped: nothing listens on the port any more
  auto gw = Gateway(port);
  ASSERT_NE(gw, nullptr);
  auto id = gw->Submit(Sample("XB1"));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), ErrorCode::kUnavailable);
  auto page = gw->PollReceipts("", 10);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), ErrorCode::kUnavailable);
}

TEST_F(GatewayAgainstSandbox, ReconnectsAfterTheSandboxRestarts) {
  StartSandbox(Immediate());
  const std::uint16_t port = server_->port();
  auto gw = Gateway(port);
  ASSERT_NE(gw, nullptr);
  ASSERT_TRUE(gw->Submit(Sample("XB1")).ok());
  server_.reset();  // its sockets closed, as when the process ends
  EXPECT_EQ(gw->Submit(Sample("XB2")).status().code(), ErrorCode::kUnavailable);
  // A new sandbox on the same port: the kept connection is gone, a new one is opened.
  server_ = std::make_unique<SandboxServer>(*sandbox_, "127.0.0.1", port);
  ASSERT_TRUE(server_->Start().ok());
  auto id = gw->Submit(Sample("XB2"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "CEB621-XB2");
}

TEST(GatewayTimeouts, PeerThatNeverAnswersIsUnavailable) {
  // A listening socket that never accepts: the connection completes in the backlog, the request
  // is written, and no answer comes.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(
      ioc, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  customs_gateway::HttpGatewayOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
  o.request_timeout = std::chrono::milliseconds(200);
  auto gw = HttpCustomsGateway::Create(o);
  ASSERT_TRUE(gw.ok());
  auto id = (*gw)->Submit(Sample("XB1"));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(id.status().message().find("POST /ceb/declarations"), std::string::npos)
      << id.status().message();
}

TEST_F(GatewayAgainstSandbox, BadCursorIsRefusedBeforeSending) {
  StartSandbox(Immediate());
  auto gw = Gateway(server_->port());
  ASSERT_NE(gw, nullptr);
  auto page = gw->PollReceipts("abc", 10);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), ErrorCode::kInvalidArgument);
}

TEST(GatewayUrl, ParsesHttpUrls) {
  auto u = customs_gateway::ParseGatewayUrl("http://127.0.0.1:9100");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "9100");
  EXPECT_EQ(u->prefix, "");
  u = customs_gateway::ParseGatewayUrl("http://customs.local/front/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "customs.local");
  EXPECT_EQ(u->port, "80");
  EXPECT_EQ(u->prefix, "/front");
  EXPECT_FALSE(customs_gateway::ParseGatewayUrl("https://x:1").ok());
  EXPECT_FALSE(customs_gateway::ParseGatewayUrl("127.0.0.1:9100").ok());
  EXPECT_FALSE(customs_gateway::ParseGatewayUrl("http://:9100").ok());
  EXPECT_FALSE(customs_gateway::ParseGatewayUrl("http://x:0").ok());
  EXPECT_FALSE(customs_gateway::ParseGatewayUrl("http://x:99999").ok());
  EXPECT_FALSE(customs_gateway::ParseGatewayUrl("http://x:9a").ok());
}

}  // namespace
}  // namespace xb::customs_sandbox
