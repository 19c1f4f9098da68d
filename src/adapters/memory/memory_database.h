// store::Database held in memory, for fast tests and throwaway runs. Transactions are
// serialisable: a writer holds the database exclusively and works on a copy that replaces the
// state on commit; readers share a lock. Nothing survives the process.
#pragma once

#include <memory>

#include "flows/store/unit_of_work.h"

namespace xb::memory {

std::unique_ptr<store::Database> NewMemoryDatabase();

}  // namespace xb::memory
