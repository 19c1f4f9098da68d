#include "flows/demo/demo_stock.h"

#include <string>
#include <vector>

#include "domain/inventory/inventory.h"
#include "flows/inventory/stock_posting.h"

namespace xb::demo {
namespace {

// A small deterministic generator (the same one-liner as the master data's).
class Rng {
 public:
  explicit Rng(std::uint32_t seed) : state_(seed == 0 ? 1 : seed) {}
  std::int64_t Uniform(std::int64_t lo, std::int64_t hi) {  // inclusive
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return lo + static_cast<std::int64_t>(state_ % static_cast<std::uint32_t>(hi - lo + 1));
  }

 private:
  std::uint32_t state_;
};

constexpr std::string_view kDemoRef = "demo_opening_stock";

}  // namespace

Result<DemoStockCounts> LoadDemoStock(store::Database& db, TenantId tenant, Date today,
                                      const DemoStockSize& size) {
  DemoStockCounts counts;
  XB_ASSIGN_OR_RETURN(auto tx, db.Begin(store::TxMode::kWrite));
  inventory::MovementQuery already;
  already.ref_type = std::string(kDemoRef);
  already.limit = 1;
  XB_ASSIGN_OR_RETURN(auto existing, tx->inventory().ListMovements(tenant, already));
  if (!existing.empty()) {
    counts.skipped = true;
    return counts;
  }

  ListQuery all;
  all.limit = kMaxPageSize;
  XB_ASSIGN_OR_RETURN(auto warehouses, tx->warehouses().List(tenant, all));
  ListQuery sku_query;
  sku_query.limit = size.skus;
  XB_ASSIGN_OR_RETURN(auto skus, tx->skus().List(tenant, sku_query));

  Rng rng(size.seed);
  const Timestamp at = Timestamp::FromMicros(std::int64_t{today.days()} * 86'400'000'000LL);
  std::vector<inventory::Movement> movements;
  for (const auto& wh : warehouses.items) {
    if (wh.kind != partners::WarehouseKind::kOverseas &&
        wh.kind != partners::WarehouseKind::kBonded)
      continue;
    ListQuery bin_query;
    bin_query.limit = kMaxPageSize;
    bin_query.equals.emplace_back("warehouse_id", FieldValue(wh.id.value()));
    XB_ASSIGN_OR_RETURN(auto all_bins, tx->bins().List(tenant, bin_query));
    std::vector<std::int64_t> bins;
    for (const auto& bin : all_bins.items) {
      if (bin.kind == partners::BinKind::kStorage) bins.push_back(bin.id.value());
    }
    if (bins.empty()) continue;
    std::size_t next_bin = 0;
    for (const auto& sku : skus.items) {
      const int lots = sku.shelf_life_days ? size.lots_per_sku : 1;
      for (int l = 0; l < lots; ++l) {
        inventory::LotId lot_id;
        if (sku.shelf_life_days) {
          inventory::Lot lot;
          lot.tenant_id = tenant;
          lot.sku_id = sku.id.value();
          lot.lot_number = "L" + std::to_string(wh.id.value()) + std::to_string(sku.id.value()) +
                           "-" + std::to_string(l + 1);
          // Made between a quarter and three quarters of the shelf life ago, so some lots are
          // near expiry and the FEFO order matters.
          const std::int64_t life = *sku.shelf_life_days;
          const std::int64_t age = rng.Uniform(life / 4, (life * 3) / 4);
          lot.production_date = Date::FromDays(static_cast<std::int32_t>(today.days() - age));
          lot.expiry_date = Date::FromDays(static_cast<std::int32_t>(today.days() - age + life));
          lot.created_at = at;
          XB_ASSIGN_OR_RETURN(auto stored, tx->inventory().InsertLot(std::move(lot)));
          lot_id = stored.id;
          ++counts.lots;
        }
        inventory::Movement m;
        m.tenant_id = tenant;
        m.sku_id = sku.id.value();
        m.lot_id = lot_id;
        m.to = inventory::Place{wh.id.value(), bins[next_bin++ % bins.size()],
                                inventory::StockState::kAvailable};
        m.quantity = rng.Uniform(20, 200);
        m.reason = inventory::MovementReason::kReceipt;
        m.ref_type = std::string(kDemoRef);
        m.ref_id = wh.code;
        m.actor = "demo";
        m.at = at;
        counts.units += m.quantity;
        movements.push_back(std::move(m));
      }
    }
  }
  inventory_flow::StockPosting posting(nullptr);
  XB_RETURN_IF_ERROR(posting.Post(*tx, movements));
  XB_RETURN_IF_ERROR(tx->Commit());
  posting.Committed();
  counts.movements = static_cast<std::int64_t>(movements.size());
  return counts;
}

}  // namespace xb::demo
