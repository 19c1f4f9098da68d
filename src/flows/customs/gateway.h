// The port to customs (the single window / 中国国际贸易单一窗口): submitting a declaration (the
// three documents and the declaration list, signed with the declaration's signing key) and
// polling customs' receipts. Adapters: adapters/customs_gateway (HTTP, to the sandbox or a real
// endpoint); tests use a fake. Implementations must be safe to call from one thread at a time
// (the submitter's); they need not be safe for concurrent use.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "domain/customs/documents.h"

namespace xb::customs_flow {

// One page of receipts: in customs' order, and the cursor to pass to get the ones after it.
struct ReceiptPage {
  std::vector<customs::Receipt> receipts;
  std::string next_cursor;  // unchanged when there was nothing new
};

class CustomsGateway {
 public:
  virtual ~CustomsGateway() = default;

  // Sends the declaration; returns customs' message id. kUnavailable when the message could not
  // be delivered (transport failure, timeout, 5xx): the submitter retries later with backoff.
  // kInvalidArgument when customs refused it at the door (malformed, unparsable): the message
  // says why and the declaration is rejected. A repeated list_no is answered as the first one.
  virtual Result<std::string> Submit(const customs::Declaration& declaration) = 0;

  // Receipts after `cursor` ("" for the beginning), at most `limit`. kUnavailable on transport
  // failure.
  virtual Result<ReceiptPage> PollReceipts(const std::string& cursor, int limit) = 0;
};

}  // namespace xb::customs_flow
