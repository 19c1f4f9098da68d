// Opens the Database a --db URL names: "sqlite:PATH" (the default kind), "postgresql://..." or
// "postgres://...", and "memory:" for throwaway runs. Migrations are applied on open.
#pragma once

#include <memory>
#include <string>

#include "flows/store/unit_of_work.h"

namespace xb::storage {

Result<std::unique_ptr<store::Database>> OpenDatabase(const std::string& url,
                                                      std::size_t max_connections = 8);

// The URL with any password replaced by "***", for logs.
std::string RedactUrl(const std::string& url);

}  // namespace xb::storage
