#include "adapters/memory/memory_database.h"
#include "flows/warehouse/warehouse_test_support.h"

namespace xb::warehouse_flow {

std::unique_ptr<store::Database> NewTestDatabase() { return memory::NewMemoryDatabase(); }

}  // namespace xb::warehouse_flow
