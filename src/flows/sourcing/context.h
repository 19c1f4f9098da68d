// Who asks for a sourcing use case, under which request id, and (for creates) the retry key
// with a hash of the request.
#pragma once

#include <optional>
#include <string>

#include "domain/access/access.h"

namespace xb::sourcing {

struct RequestContext {
  access::Principal principal;
  std::string request_id;
  std::optional<std::string> idempotency_key;
  std::string request_hash;
};

template <class T>
struct Created {
  T record;
  bool replayed = false;  // an earlier request with the same Idempotency-Key made it
};

}  // namespace xb::sourcing
