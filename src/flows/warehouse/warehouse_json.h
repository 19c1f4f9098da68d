// The JSON forms of tasks, parcels and scans, shared by the terminal's stored answers and the
// HTTP API, so that both say the same thing the same way. Ids are numbers (lot 0: no lot),
// quantities integers, dates "YYYY-MM-DD", timestamps RFC 3339 UTC, enums snake_case.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "domain/warehouse/gs1.h"
#include "domain/warehouse/tasks.h"

namespace xb::warehouse_flow {

template <class E>
std::string EnumName(E e) {
  return std::string(EnumChoices(e)[static_cast<std::size_t>(e)]);
}

// How a terminal sees a task: counts hide the system quantity, so that the counter counts
// rather than confirms.
enum class TaskAudience { kOffice, kTerminal };

nlohmann::json TaskLineJson(const warehouse::Task& task, const warehouse::TaskLine& line,
                            TaskAudience audience);
// The task with its lines (and variances, when given).
nlohmann::json TaskJson(const warehouse::Task& task, TaskAudience audience,
                        std::span<const warehouse::ReceiptVariance> variances = {});
// The task without its lines: id, code, kind, state, warehouse, reference, version, times.
nlohmann::json TaskHeaderJson(const warehouse::Task& task);
nlohmann::json VarianceJson(const warehouse::ReceiptVariance& v);
nlohmann::json ParcelJson(const warehouse::Parcel& parcel);
nlohmann::json ScanJson(const warehouse::Gs1Scan& scan);

}  // namespace xb::warehouse_flow
