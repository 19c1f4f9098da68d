#include "adapters/sql/connection.h"

#include "core/text.h"

namespace xb::sql {

std::int64_t AsInt(const std::optional<std::string>& cell) {
  if (!cell) return 0;
  return ParseInt64(*cell).value_or(0);
}

bool AsBool(const std::optional<std::string>& cell) {
  return cell && (*cell == "1" || *cell == "t" || *cell == "true");
}

}  // namespace xb::sql
