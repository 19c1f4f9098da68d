// Who asks for a warehouse use case, under which request id, from which scanner terminal, and
// (for writes a client may retry) the request's Idempotency-Key with a hash of the request.
#pragma once

#include <optional>
#include <string>

#include "domain/access/access.h"

namespace xb::warehouse_flow {

struct RequestContext {
  access::Principal principal;
  std::string request_id;
  std::string device;  // the terminal's id when a device event drives the change; else empty
  // A retry with the same key and request hash gets what the first request made, applied once;
  // the same key with another request is refused. Device events are keyed by their own
  // (device, event key) instead.
  std::optional<std::string> idempotency_key{};
  std::string request_hash{};
};

}  // namespace xb::warehouse_flow
