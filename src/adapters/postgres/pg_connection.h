// sql::Connection over libpq: '?' placeholders rewritten to $n, statements prepared once per
// connection, SQLSTATEs mapped to Status (23505 -> kAlreadyExists, 40001/40P01 -> kConflict).
#pragma once

#include <memory>
#include <string>

#include "adapters/sql/connection.h"

namespace xb::postgres {

// Connects to `url` ("postgresql://user@host:port/db").
Result<std::unique_ptr<sql::Connection>> OpenConnection(const std::string& url);

// "SELECT ? , '?'" -> "SELECT $1 , '?'": placeholders outside quotes become $1, $2, ...
std::string NumberPlaceholders(std::string_view sql);

}  // namespace xb::postgres
