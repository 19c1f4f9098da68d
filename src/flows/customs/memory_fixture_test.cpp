#include "adapters/memory/memory_database.h"
#include "flows/customs/customs_test_support.h"

namespace xb::customs_flow {

std::unique_ptr<store::Database> NewTestDatabase() { return memory::NewMemoryDatabase(); }

}  // namespace xb::customs_flow
