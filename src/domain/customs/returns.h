// The annual quota per identity, returns inside the legal windows, and the bonded account book.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"
#include "domain/customs/documents.h"

namespace xb::customs {

// The quota ledger: one entry per order (positive, at acceptance) and per cancel or return
// (negative). The used amount of (identity, year) is the sum of its entries.
enum class QuotaEntryKind { kOrder, kCancel, kReturn };
std::span<const std::string_view> EnumChoices(QuotaEntryKind);

struct QuotaEntry {
  std::int64_t id = 0;
  TenantId tenant_id;
  std::string id_type;
  std::string id_number;  // personal data: never shown whole
  int year = 0;
  std::int64_t amount_fen = 0;  // + order value, − restored
  QuotaEntryKind kind = QuotaEntryKind::kOrder;
  std::int64_t order_id = 0;
  std::string ref;  // "order:12", "return:4"
  Timestamp at;
};

// kFailedPrecondition with the numbers when used + amount would pass the annual limit.
Status CheckAnnual(std::int64_t used_fen, std::int64_t amount_fen, std::int64_t limit_fen);

enum class ReturnState { kRequested, kReceived, kReshelved, kQuarantined, kRefused };
std::span<const std::string_view> EnumChoices(ReturnState);

struct ReturnLine {
  std::int64_t order_line_id = 0;
  std::int64_t quantity = 0;
  std::int64_t value_fen = 0;  // the part of the line's dutiable value returned
  std::int64_t tax_fen = 0;    // the part of the line's tax reversed
  std::string lot_number;      // as found at re-inspection
  std::optional<Date> expiry_date;
  std::string outcome;  // "reshelved" / "quarantined" / ""
};

struct ReturnTag {};
using ReturnId = Id<ReturnTag>;

struct Return {
  ReturnId id;
  TenantId tenant_id;
  std::int64_t order_id = 0;
  DeclarationId declaration_id;
  ReturnState state = ReturnState::kRequested;
  std::string reason;
  std::vector<ReturnLine> lines;
  Timestamp requested_at;
  std::optional<Timestamp> received_at;
  Date apply_by, arrive_by;  // release + 30 days, release + 45 days (from the rule rows)
  Timestamp created_at, updated_at;
  std::int64_t version = 0;
};

// kFailedPrecondition "return_window" naming the release date, the days allowed and the date
// asked for, when `on` is after release + apply_days.
Status CheckReturnApply(Timestamp released_at, Date on, std::int64_t apply_days);
// kFailedPrecondition "return_arrival" when the goods arrive after release + arrive_days.
Status CheckReturnArrival(Timestamp released_at, Date on, std::int64_t arrive_days);

// Bonded account book (账册, emsNo): inbound into the zone, outbound per released list.
enum class AccountEntryKind { kInbound, kOutbound, kReturnInbound, kAdjustment };
std::span<const std::string_view> EnumChoices(AccountEntryKind);

struct AccountEntry {
  std::int64_t id = 0;
  TenantId tenant_id;
  std::string ems_no;
  std::int64_t warehouse_id = 0;
  std::int64_t sku_id = 0;
  std::string hs_code;
  AccountEntryKind kind = AccountEntryKind::kInbound;
  std::int64_t quantity = 0;  // + in, − out
  std::string ref;            // "list:XB...", "receipt:12"
  Timestamp at;
};

struct Discrepancy {
  std::int64_t warehouse_id = 0;
  std::int64_t sku_id = 0;
  std::int64_t book_quantity = 0;      // the account book's balance
  std::int64_t ledger_quantity = 0;    // the stock ledger's bonded on hand (all states but shipped)
  std::int64_t difference = 0;         // book + awaiting shipment − ledger
  std::int64_t awaiting_shipment = 0;  // released (booked out), still in the ledger
};
struct BookBalance {
  std::int64_t warehouse_id = 0;
  std::int64_t sku_id = 0;
  std::int64_t quantity = 0;
};
// Compares per (warehouse, SKU); lists only differing pairs, sorted.
std::vector<Discrepancy> Reconcile(std::span<const BookBalance> book,
                                   std::span<const BookBalance> ledger);
// The same, where goods released but not yet shipped (`awaiting`: booked out at release, still on
// hand in the ledger until they ship) are no difference: a pair differs only when
// book + awaiting != ledger.
std::vector<Discrepancy> Reconcile(std::span<const BookBalance> book,
                                   std::span<const BookBalance> ledger,
                                   std::span<const BookBalance> awaiting);
// Released, awaiting shipment per (warehouse, SKU): what the book sent out (its outbound entries,
// as positive quantities) less what the ledger shipped, never below 0; sorted, zeros left out.
std::vector<BookBalance> AwaitingShipment(std::span<const BookBalance> booked_out,
                                          std::span<const BookBalance> shipped);

}  // namespace xb::customs
