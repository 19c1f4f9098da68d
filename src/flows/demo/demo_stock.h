// Opening stock for the demo dataset: for the first SKUs of the catalogue, lots (with production
// and expiry dates for SKUs that have a shelf life) received into the storage bins of the
// overseas and bonded warehouses, posted as ledger receipts, so the stock pages, the reservation
// engine and the terminal have something to work on. Deterministic; skipped when the tenant
// already has demo stock.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "core/time.h"
#include "flows/store/unit_of_work.h"

namespace xb::demo {

struct DemoStockSize {
  int skus = 300;        // SKUs stocked (the first ones by id)
  int lots_per_sku = 2;  // lots per SKU and warehouse for SKUs with a shelf life
  std::uint32_t seed = 20261125;
};

struct DemoStockCounts {
  std::int64_t lots = 0;
  std::int64_t movements = 0;
  std::int64_t units = 0;
  bool skipped = false;  // the tenant already had demo stock
};

Result<DemoStockCounts> LoadDemoStock(store::Database& db, TenantId tenant, Date today,
                                      const DemoStockSize& size);

}  // namespace xb::demo
