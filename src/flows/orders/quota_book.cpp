#include "flows/orders/quota_book.h"

#include <functional>

#include "domain/customs/returns.h"

namespace xb::orders_flow {

std::size_t QuotaKeyHash::operator()(const QuotaKey& k) const {
  std::size_t h = std::hash<std::int64_t>{}(k.tenant.value());
  const auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  mix(std::hash<std::string>{}(k.id_type));
  mix(std::hash<std::string>{}(k.id_number));
  mix(std::hash<int>{}(k.year));
  return h;
}

QuotaBook::QuotaBook(int shards) {
  if (shards < 1) shards = 1;
  shards_.reserve(static_cast<std::size_t>(shards));
  for (int i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

QuotaBook::Shard& QuotaBook::ShardOf(const QuotaKey& key) const {
  return *shards_[QuotaKeyHash{}(key) % shards_.size()];
}

Status QuotaBook::Load(store::Database& db, int from_year) {
  std::vector<customs::CustomsStore::QuotaTotal> totals;
  {
    XB_ASSIGN_OR_RETURN(auto tx, db.Begin(store::TxMode::kRead));
    XB_ASSIGN_OR_RETURN(totals, tx->customs().QuotaTotals(from_year));
  }
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mu);
    shard->used.clear();
  }
  for (auto& t : totals) {
    Add(QuotaKey{t.tenant_id, std::move(t.id_type), std::move(t.id_number), t.year}, t.used_fen);
  }
  return Status::Ok();
}

Status QuotaBook::Reserve(const QuotaKey& key, std::int64_t amount_fen, std::int64_t limit_fen) {
  Shard& shard = ShardOf(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.used.find(key);
  const std::int64_t used = it == shard.used.end() ? 0 : it->second;
  Status st = customs::CheckAnnual(used, amount_fen, limit_fen);
  if (!st.ok()) return FailedPrecondition(st.message(), "annual_limit");
  if (it == shard.used.end()) {
    shard.used.emplace(key, amount_fen);
  } else {
    it->second += amount_fen;
  }
  return Status::Ok();
}

void QuotaBook::Add(const QuotaKey& key, std::int64_t delta) {
  Shard& shard = ShardOf(key);
  std::lock_guard lock(shard.mu);
  shard.used[key] += delta;
}

void QuotaBook::Undo(const QuotaKey& key, std::int64_t amount_fen) { Add(key, -amount_fen); }

void QuotaBook::Restore(const QuotaKey& key, std::int64_t amount_fen) { Add(key, -amount_fen); }

std::int64_t QuotaBook::Used(const QuotaKey& key) const {
  Shard& shard = ShardOf(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.used.find(key);
  return it == shard.used.end() ? 0 : it->second;
}

std::size_t QuotaBook::size() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mu);
    n += shard->used.size();
  }
  return n;
}

}  // namespace xb::orders_flow
