// The goods-specific yearly caps per identity, in memory: used amount per (tenant, identity,
// year) and HS prefix of a goods_cap rule, spread over shards by identity with one writer (a
// mutex) per shard, so two orders of one identity are decided one after the other and can never
// together pass a cap. Rebuilt from the usage ledger (CustomsStore::GoodsCapTotals) by Load. As
// for QuotaBook: reserved before the durable write of the order's usage entries, undone when
// that write fails, restored after a durable negative entry (cancel, rejection, return). One
// server process per database. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/customs/goods_caps.h"
#include "flows/orders/quota_book.h"
#include "flows/store/unit_of_work.h"

namespace xb::orders_flow {

// The cap that refused a Reserve and the identity's usage of it at that moment.
struct GoodsCapRefusal {
  std::size_t demand = 0;  // index into the demands given to Reserve
  std::int64_t used_milli = 0;
};

class GoodsCapBook {
 public:
  explicit GoodsCapBook(int shards = 16);
  GoodsCapBook(const GoodsCapBook&) = delete;
  GoodsCapBook& operator=(const GoodsCapBook&) = delete;

  // Replaces the book's content with the ledger's totals of `from_year` and later.
  Status Load(store::Database& db, int from_year);
  // Adds every demand's requested amount to the identity's usage when each stays within its cap
  // (customs::CheckGoodsCap); otherwise the first refusal (kFailedPrecondition, field
  // "goods_cap"), changing nothing, and when `refusal` is given, which cap refused.
  Status Reserve(const QuotaKey& who, std::span<const customs::GoodsCapDemand> demands,
                 GoodsCapRefusal* refusal = nullptr);
  // Takes back a Reserve whose durable write failed.
  void Undo(const QuotaKey& who, std::span<const customs::GoodsCapDemand> demands);
  // Gives back amounts whose negative ledger entries are durable (amount_milli < 0).
  void Restore(std::span<const customs::GoodsCapEntry> entries);
  std::int64_t Used(const QuotaKey& who, const std::string& hs_prefix) const;

  // The usage entries of an accepted order: one per (line, cap) with the line's amount.
  static std::vector<customs::GoodsCapEntry> EntriesOf(
      const QuotaKey& who, std::span<const customs::GoodsCapDemand> demands, std::int64_t order_id,
      Timestamp at);

 private:
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<QuotaKey, std::map<std::string, std::int64_t>, QuotaKeyHash> used;
  };
  Shard& ShardOf(const QuotaKey& key) const;

  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace xb::orders_flow
