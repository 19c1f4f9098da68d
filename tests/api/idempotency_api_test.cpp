// Idempotency-Key: a retried create returns what the first one made, once.
#include <thread>

#include "api_support.h"

namespace xb::apitest {
namespace {

class IdempotencyApi : public ServerTest<IdempotencyApi> {};
XB_API_BACKENDS(IdempotencyApi);

TEST_P(IdempotencyApi, RepeatedPostWithTheSameKeyReplaysTheFirstResult) {
  const std::string code = Unique("IDEM");
  const json body = SkuBody(code);
  const Headers key = {{"Idempotency-Key", Unique("retry-key")}};
  const auto before = Total("/api/v1/skus?status=all");

  const Response first = Post("/api/v1/skus", body, admin(), key);
  ASSERT_EQ(first.status, 201) << first;
  EXPECT_FALSE(first.Header("idempotent-replayed").has_value());
  const Response second = Post("/api/v1/skus", body, admin(), key);
  ASSERT_EQ(second.status, 201) << second;
  EXPECT_EQ(second.Header("idempotent-replayed"), "true");
  EXPECT_EQ(second.Json()["id"], first.Json()["id"]);
  EXPECT_EQ(second.Json(), first.Json());
  EXPECT_EQ(second.Header("location"), first.Header("location"));

  EXPECT_EQ(Total("/api/v1/skus?status=all"), before + 1);
  EXPECT_EQ(Total("/api/v1/skus?code=" + code), 1);
  const std::string path = "/api/v1/skus/" + std::to_string(first.Json()["id"].get<std::int64_t>());
  EXPECT_EQ(GetJson(path + "/history")["total"], 1);
}

TEST_P(IdempotencyApi, SameKeyWithADifferentBodyIsRejected) {
  const Headers key = {{"Idempotency-Key", Unique("reused-key")}};
  const Response first = Post("/api/v1/skus", SkuBody(Unique("IDEM-A")), admin(), key);
  ASSERT_EQ(first.status, 201) << first;
  const auto before = Total("/api/v1/skus?status=all");

  const std::string other = Unique("IDEM-B");
  const Response second = Post("/api/v1/skus", SkuBody(other), admin(), key);
  EXPECT_TRUE(IsError(second, 400, "INVALID_ARGUMENT"));
  EXPECT_FALSE(second.Header("idempotent-replayed").has_value());
  EXPECT_EQ(Total("/api/v1/skus?status=all"), before);
  EXPECT_EQ(Total("/api/v1/skus?status=all&code=" + other), 0);
  // Nor may it be reused for another kind of record.
  const Response supplier = Post("/api/v1/suppliers", SupplierBody(Unique("IDEM-S")), admin(), key);
  EXPECT_TRUE(IsError(supplier, 400, "INVALID_ARGUMENT"));
}

TEST_P(IdempotencyApi, PostsWithoutAKeyOrWithDifferentKeysAreIndependent) {
  const Response a = Post("/api/v1/suppliers", SupplierBody(Unique("IDEM-NK")), admin(),
                          {{"Idempotency-Key", Unique("k")}});
  const Response b = Post("/api/v1/suppliers", SupplierBody(Unique("IDEM-NK")), admin(),
                          {{"Idempotency-Key", Unique("k")}});
  ASSERT_EQ(a.status, 201) << a;
  ASSERT_EQ(b.status, 201) << b;
  EXPECT_NE(a.Json()["id"], b.Json()["id"]);
  EXPECT_FALSE(b.Header("idempotent-replayed").has_value());
}

// Clients that retry at the same moment (a timeout and a fast retry) must all get the one record.
// On PostgreSQL the retries race under READ COMMITTED: the losers must be answered with the
// winner's record, not with the unique-code conflict.
TEST_P(IdempotencyApi, ConcurrentRetriesWithTheSameKeyAllGetTheOneRecord) {
  constexpr int kRounds = 10;
  constexpr int kClients = 6;
  for (int round = 0; round < kRounds; ++round) {
    const std::string code = Unique("IDEM-RACE");
    const json body = SkuBody(code);
    const Headers key = {{"Idempotency-Key", Unique("race-key")}};
    std::vector<Response> answers(kClients);
    std::vector<std::thread> clients;
    for (std::size_t i = 0; i < answers.size(); ++i) {
      clients.emplace_back([&, i] { answers[i] = Post("/api/v1/skus", body, admin(), key); });
    }
    for (auto& c : clients) c.join();
    int replayed = 0;
    for (const auto& r : answers) {
      ASSERT_EQ(r.status, 201) << "round " << round << ": " << r;
      EXPECT_EQ(r.Json()["id"], answers[0].Json()["id"]);
      replayed += r.Header("idempotent-replayed") == "true" ? 1 : 0;
    }
    EXPECT_EQ(replayed, kClients - 1);
    EXPECT_EQ(Total("/api/v1/skus?status=all&code=" + code), 1);
  }
}

TEST_P(IdempotencyApi, KeysAreScopedToTheTenant) {
  const auto tenant = NewTenant();
  const std::string code = Unique("IDEM-T");
  const Headers key = {{"Idempotency-Key", Unique("shared-key")}};
  const Response mine = Post("/api/v1/skus", SkuBody(code), admin(), key);
  ASSERT_EQ(mine.status, 201) << mine;
  const Response theirs = Post("/api/v1/skus", SkuBody(code), tenant.admin_key, key);
  ASSERT_EQ(theirs.status, 201) << theirs;
  EXPECT_FALSE(theirs.Header("idempotent-replayed").has_value());
  EXPECT_EQ(Total("/api/v1/skus?code=" + code, tenant.admin_key), 1);
  EXPECT_EQ(Total("/api/v1/skus?code=" + code), 1);
}

}  // namespace
}  // namespace xb::apitest
