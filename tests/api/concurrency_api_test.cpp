// Many clients at once: every create lands exactly once and the event log stays gapless.
#include <algorithm>
#include <set>
#include <thread>

#include "api_support.h"

namespace xb::apitest {
namespace {

class ConcurrencyApi : public ServerTest<ConcurrencyApi> {};
XB_API_BACKENDS(ConcurrencyApi);

TEST_P(ConcurrencyApi, ConcurrentCreatesAllLandWithAGaplessEventSequence) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  constexpr int kTotal = kThreads * kPerThread;
  // A fresh tenant: its event log holds nothing but these creates.
  const auto tenant = NewTenant();
  std::vector<std::vector<Response>> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string code = "CC-" + std::to_string(t) + "-" + std::to_string(i);
        const Response r = Post("/api/v1/skus", SkuBody(code), tenant.admin_key);
        if (r.status != 201) failures[static_cast<std::size_t>(t)].push_back(r);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& list : failures) {
    for (const auto& r : list) ADD_FAILURE() << "a concurrent create failed: " << r;
  }

  EXPECT_EQ(Total("/api/v1/skus?status=all", tenant.admin_key), kTotal);
  const json events = GetJson("/api/v1/events?entity=sku&limit=1000", tenant.admin_key);
  const json& items = events["items"];
  ASSERT_EQ(items.size(), static_cast<std::size_t>(kTotal)) << events.dump().substr(0, 2000);
  std::set<std::int64_t> entities;
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i]["seq"], i + 1) << "event " << i << ": " << items[i];
    EXPECT_EQ(items[i]["type"], "sku.created");
    entities.insert(items[i]["entity_id"].get<std::int64_t>());
  }
  EXPECT_EQ(entities.size(), static_cast<std::size_t>(kTotal));
  EXPECT_EQ(events["next_after_seq"], kTotal);
  // The whole log (not just SKU events) holds exactly these.
  EXPECT_EQ(GetJson("/api/v1/events?after_seq=" + std::to_string(kTotal), tenant.admin_key)["items"]
                .size(),
            0U);
}

}  // namespace
}  // namespace xb::apitest
