#include "adapters/storage/open_database.h"

#include "adapters/memory/memory_database.h"
#include "adapters/postgres/pg_connection.h"
#include "adapters/sql/sql_database.h"
#include "adapters/sqlite/sqlite_connection.h"

namespace xb::storage {

Result<std::unique_ptr<store::Database>> OpenDatabase(const std::string& url,
                                                      std::size_t max_connections) {
  if (url == "memory:" || url == "memory") return memory::NewMemoryDatabase();
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    auto db =
        sql::SqlDatabase::Open([url] { return postgres::OpenConnection(url); }, max_connections);
    if (!db.ok()) return db.status();
    return std::unique_ptr<store::Database>(std::move(db).value());
  }
  std::string path = url;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  if (path.empty()) return InvalidArgument("--db: sqlite: needs a file path", "db");
  auto db =
      sql::SqlDatabase::Open([path] { return sqlite::OpenConnection(path); }, max_connections);
  if (!db.ok()) return db.status();
  return std::unique_ptr<store::Database>(std::move(db).value());
}

std::string RedactUrl(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace xb::storage
