// A generated, realistic demo dataset for one tenant: warehouses of each kind with bins, sales
// channels, carriers, suppliers with their brands, and SKUs across the paper's categories with
// valid GTINs and real HS headings. Deterministic for a given seed; written through the master
// data use cases, so the audit trail is complete.
#pragma once

#include <cstdint>

#include "flows/masterdata/master_data_service.h"

namespace xb::demo {

struct DemoSize {
  int suppliers = 50;
  int skus = 2000;
  int bins_per_warehouse = 40;
  std::uint32_t seed = 20261125;
};

struct DemoCounts {
  std::int64_t warehouses = 0;
  std::int64_t bins = 0;
  std::int64_t channels = 0;
  std::int64_t carriers = 0;
  std::int64_t suppliers = 0;
  std::int64_t brands = 0;
  std::int64_t skus = 0;
};

// Loads the dataset as `ctx.principal` (an admin). Codes already present are updated, so running
// it twice leaves one copy.
Result<DemoCounts> LoadDemoData(masterdata::MasterDataService& service,
                                const masterdata::RequestContext& ctx, const DemoSize& size);

}  // namespace xb::demo
