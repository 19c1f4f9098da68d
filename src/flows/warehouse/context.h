// Who asks for a warehouse use case, under which request id, and from which scanner terminal.
#pragma once

#include <string>

#include "domain/access/access.h"

namespace xb::warehouse_flow {

struct RequestContext {
  access::Principal principal;
  std::string request_id;
  std::string device;  // the terminal's id when a device event drives the change; else empty
};

}  // namespace xb::warehouse_flow
