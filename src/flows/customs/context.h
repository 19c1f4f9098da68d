// Who asks for a customs use case and under which request id. Use cases run by the server itself
// (the submitter applying polled receipts) use SystemContext.
#pragma once

#include <string>

#include "core/id.h"
#include "domain/access/access.h"

namespace xb::customs_flow {

struct RequestContext {
  access::Principal principal;
  std::string request_id;
};

// The server acting for `tenant` (receipts polled from customs): an admin principal named
// "system" in the audit trail.
RequestContext SystemContext(TenantId tenant, std::string request_id = "customs-submitter");

}  // namespace xb::customs_flow
