// The annual CBEC quota per identity, in memory: used amount per (tenant, identity, year), spread
// over shards with one writer (a mutex) per shard, so two orders of one identity are decided one
// after the other and can never together pass the limit. Rebuilt from the quota ledger
// (CustomsStore::QuotaTotals) by Load. The caller reserves here before the durable write of its
// quota entry and undoes the reservation when that write fails; a restore (cancel, rejection,
// return) is applied here after its negative entry is durable. One server process per database.
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "flows/store/unit_of_work.h"

namespace xb::orders_flow {

struct QuotaKey {
  TenantId tenant;
  std::string id_type;
  std::string id_number;  // personal data: never logged
  int year = 0;
  friend bool operator==(const QuotaKey&, const QuotaKey&) = default;
};

// Hash of a QuotaKey, for the books keyed by identity and year (quota, goods caps).
struct QuotaKeyHash {
  std::size_t operator()(const QuotaKey& k) const;
};

class QuotaBook {
 public:
  explicit QuotaBook(int shards = 16);
  QuotaBook(const QuotaBook&) = delete;
  QuotaBook& operator=(const QuotaBook&) = delete;

  // Replaces the book's content with the ledger's totals of `from_year` and later.
  Status Load(store::Database& db, int from_year);
  // Adds `amount_fen` to the used amount when used + amount <= limit; kFailedPrecondition
  // (field "annual_limit") with the used amount, the amount and the limit otherwise, changing
  // nothing.
  Status Reserve(const QuotaKey& key, std::int64_t amount_fen, std::int64_t limit_fen);
  // Takes back a Reserve whose durable write failed.
  void Undo(const QuotaKey& key, std::int64_t amount_fen);
  // Gives back an amount whose negative ledger entry is durable (cancel, rejection, return).
  void Restore(const QuotaKey& key, std::int64_t amount_fen);
  std::int64_t Used(const QuotaKey& key) const;
  std::size_t size() const;  // identities (and years) known

 private:
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<QuotaKey, std::int64_t, QuotaKeyHash> used;
  };
  Shard& ShardOf(const QuotaKey& key) const;
  void Add(const QuotaKey& key, std::int64_t delta);

  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace xb::orders_flow
