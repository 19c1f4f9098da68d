// The append-only business event log: per tenant, numbered 1, 2, 3... without gaps, written in
// the same transaction as the change it records. Tracking, analytics and EPCIS read it; master
// data uses it as its audit trail.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"

namespace xb::events {

struct BusinessEvent {
  TenantId tenant_id;
  std::int64_t seq = 0;  // assigned by Append
  std::string type;      // "sku.created", "warehouse.archived", ...
  std::string entity;    // "sku"
  std::int64_t entity_id = 0;
  std::string actor;  // "key:12", "system"
  std::string request_id;
  Timestamp at;
  std::string payload;  // a JSON object; never holds personal data in clear
};

struct EventQuery {
  std::optional<std::string> entity;
  std::optional<std::int64_t> entity_id;
  std::optional<std::string> type;
  std::int64_t after_seq = 0;
  std::int64_t limit = 100;
};

class EventLog {
 public:
  virtual ~EventLog() = default;
  // Appends `event`, assigning the tenant's next sequence number, and returns it.
  virtual Result<std::int64_t> Append(BusinessEvent event) = 0;
  // Events with seq > after_seq in ascending order, at most `limit`.
  virtual Result<std::vector<BusinessEvent>> List(TenantId tenant, const EventQuery& query) = 0;
};

}  // namespace xb::events
