// The wire format between xborder and the customs sandbox (and the shape a real CEB gateway's
// JSON front would take): one declaration message (order, payment, waybill, declaration list)
// and the receipts customs answers with. One mapping, used by the gateway adapter and the
// sandbox server alike. Money is a decimal string of CNY ("425.00"), legal quantities a decimal
// string of up to 3 places ("20.5"), times ISO 8601 UTC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/customs/documents.h"

namespace xb::customs_gateway {

// POST /ceb/declarations: {"signing_key","list_no","order","payment","waybill","list"}.
struct CebDeclaration {
  std::string signing_key;
  customs::OrderDoc order;
  customs::PaymentDoc payment;
  customs::WaybillDoc waybill;
  customs::DeclarationListDoc list;  // list.list_no is the message's "list_no"
};

// The message of a declaration about to be submitted.
CebDeclaration FromDeclaration(const customs::Declaration& declaration);

std::string DeclarationToJson(const CebDeclaration& message);
// kInvalidArgument naming the field ("order.lines[1].price", "list_no") for unparsable JSON, a
// missing or mistyped field, an amount that is not a decimal of fen, or a top-level list_no that
// differs from list.list_no.
Result<CebDeclaration> DeclarationFromJson(std::string_view text);

// One receipt as the sandbox numbers it.
struct CebReceipt {
  std::int64_t seq = 0;
  customs::Receipt receipt;
};

// GET /ceb/receipts?after=SEQ&limit=N: {"receipts":[{"seq","receipt_id","list_no","kind",
// "reason","at"}],"next":SEQ}. `next` is the cursor to ask after next time (the last seq given,
// or `after` itself when none).
struct CebReceiptPage {
  std::vector<CebReceipt> receipts;
  std::int64_t next = 0;
};

std::string ReceiptToJson(const CebReceipt& receipt);
Result<CebReceipt> ReceiptFromJson(std::string_view text);
std::string ReceiptPageToJson(const CebReceiptPage& page);
// kInvalidArgument naming the field for anything that is not a page of receipts.
Result<CebReceiptPage> ReceiptPageFromJson(std::string_view text);

// {"message_id": "..."} (202) and {"error": "..."} (400).
std::string AcceptedToJson(std::string_view message_id);
Result<std::string> AcceptedFromJson(std::string_view text);
std::string ErrorToJson(std::string_view message);
// The "error" text of an error body; the whole body (cut to 200 bytes) when it has none.
std::string ErrorFromJson(std::string_view text);

}  // namespace xb::customs_gateway
