// sql::Connection over an SQLite file: WAL mode, synchronous=FULL (a committed write survives a
// power cut), a busy timeout for concurrent writers, prepared statements cached per connection.
#pragma once

#include <memory>
#include <string>

#include "adapters/sql/connection.h"

namespace xb::sqlite {

// Opens (creating if needed) the database file at `path`.
Result<std::unique_ptr<sql::Connection>> OpenConnection(const std::string& path);

}  // namespace xb::sqlite
