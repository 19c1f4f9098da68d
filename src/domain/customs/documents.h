// The three documents (order, payment, waybill), the declaration list that ties them, their
// matching before submission, and the declaration's life from customs' receipts.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"
#include "domain/customs/tax.h"

namespace xb::customs {

// A consumer's identity as customs knows it. The number is personal data: stored for customs,
// shown only masked, never logged or put in an event payload.
struct Identity {
  std::string name;
  std::string id_type = "id_card";  // "id_card" (resident identity card), "passport", ...
  std::string id_number;
  friend bool operator==(const Identity&, const Identity&) = default;
};
// "110***********1234": first 3 and last 4 kept (shorter numbers: all but the last 2 masked).
std::string MaskIdNumber(std::string_view number);
// "138****5678".
std::string MaskPhone(std::string_view phone);
// Resident identity card: 18 characters, ISO 7064 MOD 11-2 check character. Other types: 5–32
// letters or digits.
Status ValidateIdentity(const Identity& identity);

struct DocLine {
  std::string sku_code;
  std::string hs_code;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t legal_quantity_milli = 0;
  std::string legal_unit;
  std::int64_t price_fen = 0;  // line total
};

struct OrderDoc {  // CEB311
  std::string order_no;
  Identity buyer;
  std::string buyer_phone;
  std::vector<DocLine> lines;
  std::int64_t goods_fen = 0, freight_fen = 0, insurance_fen = 0, discount_fen = 0, tax_fen = 0;
  std::int64_t paid_fen = 0;
};
struct PaymentDoc {  // CEB411
  std::string order_no;
  std::string payment_no;  // the payment company's transaction id
  Identity payer;
  std::int64_t amount_fen = 0;
};
struct WaybillDoc {  // CEB511
  std::string waybill_no;
  std::string order_no;
  std::string consignee;
  std::int64_t weight_g = 0;
  std::int64_t freight_fen = 0;
};
struct DeclarationListDoc {  // CEB621
  std::string list_no;       // the enterprise's copy number (our declaration id, formatted)
  std::string order_no;
  std::string waybill_no;
  std::string trade_mode;  // "1210" or "9610"
  std::string ems_no;      // bonded account book, 1210 only
  Identity buyer;
  std::vector<DocLine> lines;
  std::int64_t goods_fen = 0, tax_fen = 0;
};

struct DocCheck {
  std::string check;  // "present", "same_order", "waybill_matches_list", "buyer_is_payer",
                      // "paid_equation", "payment_amount", "list_lines_match_order"
  bool passed = false;
  std::string detail;  // the numbers compared
};
// Every check, passed or not, in a fixed order. Absent documents fail "present".
std::vector<DocCheck> MatchThreeDocuments(const OrderDoc* order, const PaymentDoc* payment,
                                          const WaybillDoc* waybill,
                                          const DeclarationListDoc* list);
bool AllPassed(std::span<const DocCheck> checks);

// The declaration's life. queued -> submitted -> accepted -> released | inspection_hold | rejected;
// inspection_hold -> released | rejected; queued/submitted/accepted -> cancelled (on request);
// released -> returned (return declaration accepted).
enum class DeclarationState {
  kQueued,
  kSubmitted,
  kAccepted,
  kReleased,
  kInspectionHold,
  kRejected,
  kCancelled,
  kReturned,
};
std::span<const std::string_view> EnumChoices(DeclarationState);

enum class ReceiptKind { kAccepted, kRejected, kReleased, kInspectionHold, kCancelled, kReturned };
std::span<const std::string_view> EnumChoices(ReceiptKind);

struct DeclarationTag {};
using DeclarationId = Id<DeclarationTag>;

struct Receipt {
  std::string receipt_id;  // customs' message id: a repeated receipt is applied once
  std::string list_no;
  ReceiptKind kind = ReceiptKind::kAccepted;
  std::string reason;  // rejections and holds
  Timestamp at;
};

struct Declaration {
  DeclarationId id;
  TenantId tenant_id;
  std::int64_t order_id = 0;
  std::string shipment_ref;  // which part of a split order (warehouse + mode)
  std::string signing_key;   // rate limits are per key
  DeclarationState state = DeclarationState::kQueued;
  OrderDoc order;
  PaymentDoc payment;
  WaybillDoc waybill;
  DeclarationListDoc list;
  std::vector<DocCheck> checks;
  std::string reason;  // last rejection / hold reason
  int attempts = 0;    // submissions tried (a transport failure retries later)
  std::optional<Timestamp> next_attempt_at;
  std::optional<Timestamp> released_at;
  Timestamp created_at, updated_at;
  std::int64_t version = 0;
};

// The state a receipt leads to, or kFailedPrecondition naming both states when the receipt
// cannot apply (a release of a rejected declaration).
Result<DeclarationState> ApplyReceipt(DeclarationState from, ReceiptKind kind);

}  // namespace xb::customs
