#include "core/record.h"

namespace xb {

std::string_view RecordStatusName(RecordStatus s) {
  return s == RecordStatus::kArchived ? "archived" : "active";
}

}  // namespace xb
