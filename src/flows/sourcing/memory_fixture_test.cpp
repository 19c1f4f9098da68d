#include "adapters/memory/memory_database.h"
#include "flows/sourcing/sourcing_test_support.h"

namespace xb::sourcing {

std::unique_ptr<store::Database> NewTestDatabase() { return memory::NewMemoryDatabase(); }

}  // namespace xb::sourcing
