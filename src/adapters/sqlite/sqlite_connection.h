// sql::Connection over an SQLite file: WAL mode; Commit() returns once the write survives a power
// cut (synchronous=NORMAL plus an fdatasync of the WAL after the write lock is released),
// CommitNoSync() leaves that sync to commit_sync(); a busy timeout for concurrent writers,
// prepared statements cached per connection. README.md explains the durability argument.
#pragma once

#include <memory>
#include <string>

#include "adapters/sql/connection.h"

namespace xb::sqlite {

// Opens (creating if needed) the database file at `path`.
Result<std::unique_ptr<sql::Connection>> OpenConnection(const std::string& path);

}  // namespace xb::sqlite
