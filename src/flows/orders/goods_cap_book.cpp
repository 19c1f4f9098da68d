#include "flows/orders/goods_cap_book.h"

#include <charconv>

namespace xb::orders_flow {

GoodsCapBook::GoodsCapBook(int shards) {
  if (shards < 1) shards = 1;
  shards_.reserve(static_cast<std::size_t>(shards));
  for (int i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

GoodsCapBook::Shard& GoodsCapBook::ShardOf(const QuotaKey& key) const {
  return *shards_[QuotaKeyHash{}(key) % shards_.size()];
}

Status GoodsCapBook::Load(store::Database& db, int from_year) {
  std::vector<customs::CustomsStore::GoodsCapTotal> totals;
  {
    XB_ASSIGN_OR_RETURN(auto tx, db.Begin(store::TxMode::kRead));
    XB_ASSIGN_OR_RETURN(totals, tx->customs().GoodsCapTotals(from_year));
  }
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mu);
    shard->used.clear();
  }
  for (auto& t : totals) {
    QuotaKey key{t.tenant_id, std::move(t.id_type), std::move(t.id_number), t.year};
    Shard& shard = ShardOf(key);
    std::lock_guard lock(shard.mu);
    shard.used[key][t.hs_prefix] += t.used_milli;
  }
  return Status::Ok();
}

Status GoodsCapBook::Reserve(const QuotaKey& who, std::span<const customs::GoodsCapDemand> demands,
                             GoodsCapRefusal* refusal) {
  if (demands.empty()) return Status::Ok();
  Shard& shard = ShardOf(who);
  std::lock_guard lock(shard.mu);
  auto& used = shard.used[who];
  for (std::size_t i = 0; i < demands.size(); ++i) {
    auto it = used.find(demands[i].hs_prefix);
    const std::int64_t used_milli = it == used.end() ? 0 : it->second;
    if (Status st = customs::CheckGoodsCap(demands[i], used_milli); !st.ok()) {
      if (refusal != nullptr) *refusal = GoodsCapRefusal{i, used_milli};
      return st;
    }
  }
  for (const auto& d : demands) used[d.hs_prefix] += d.requested_milli;
  return Status::Ok();
}

void GoodsCapBook::Undo(const QuotaKey& who, std::span<const customs::GoodsCapDemand> demands) {
  if (demands.empty()) return;
  Shard& shard = ShardOf(who);
  std::lock_guard lock(shard.mu);
  auto& used = shard.used[who];
  for (const auto& d : demands) used[d.hs_prefix] -= d.requested_milli;
}

void GoodsCapBook::Restore(std::span<const customs::GoodsCapEntry> entries) {
  for (const auto& e : entries) {
    const QuotaKey who{e.tenant_id, e.id_type, e.id_number, e.year};
    Shard& shard = ShardOf(who);
    std::lock_guard lock(shard.mu);
    shard.used[who][e.hs_prefix] += e.amount_milli;
  }
}

std::int64_t GoodsCapBook::Used(const QuotaKey& who, const std::string& hs_prefix) const {
  Shard& shard = ShardOf(who);
  std::lock_guard lock(shard.mu);
  auto it = shard.used.find(who);
  if (it == shard.used.end()) return 0;
  auto p = it->second.find(hs_prefix);
  return p == it->second.end() ? 0 : p->second;
}

std::vector<customs::GoodsCapEntry> GoodsCapBook::EntriesOf(
    const QuotaKey& who, std::span<const customs::GoodsCapDemand> demands, std::int64_t order_id,
    Timestamp at) {
  std::vector<customs::GoodsCapEntry> out;
  for (const auto& d : demands) {
    for (const auto& [ref, amount] : d.lines) {
      customs::GoodsCapEntry e;
      e.tenant_id = who.tenant;
      e.id_type = who.id_type;
      e.id_number = who.id_number;
      e.year = who.year;
      e.hs_prefix = d.hs_prefix;
      e.amount_milli = amount;
      e.kind = customs::GoodsCapEntryKind::kOrder;
      e.order_id = order_id;
      std::from_chars(ref.data(), ref.data() + ref.size(), e.line_no);  // ref = line_no
      e.ref = "order:" + std::to_string(order_id);
      e.at = at;
      out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace xb::orders_flow
