#include <string_view>
#include <utility>

#include "adapters/sql/sql_database.h"
#include "core/text.h"

namespace xb::embedded {
extern const std::pair<std::string_view, std::string_view> kSqliteMigrations[];
extern const int kSqliteMigrationsCount;
extern const std::pair<std::string_view, std::string_view> kPostgresqlMigrations[];
extern const int kPostgresqlMigrationsCount;
}  // namespace xb::embedded

namespace xb::sql {

// Files are named NNNN_name.sql; the number is the schema version.
std::vector<Migration> MigrationsFor(Dialect dialect) {
  const bool lite = dialect == Dialect::kSqlite;
  const auto* table = lite ? embedded::kSqliteMigrations : embedded::kPostgresqlMigrations;
  const int count = lite ? embedded::kSqliteMigrationsCount : embedded::kPostgresqlMigrationsCount;
  std::vector<Migration> out;
  for (int i = 0; i < count; ++i) {
    const auto [file, script] = table[i];
    const auto underscore = file.find('_');
    const int version = static_cast<int>(ParseInt64(file.substr(0, underscore)).value_or(0));
    auto name = file.substr(underscore + 1);
    name.remove_suffix(4);  // ".sql"
    out.push_back({version, name, script});
  }
  return out;
}

}  // namespace xb::sql
