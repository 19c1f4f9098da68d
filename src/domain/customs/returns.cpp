#include "domain/customs/returns.h"

#include <array>
#include <map>
#include <utility>

namespace xb::customs {
namespace {

constexpr std::array<std::string_view, 3> kQuotaEntryKinds = {"order", "cancel", "return"};
constexpr std::array<std::string_view, 5> kReturnStates = {"requested", "received", "reshelved",
                                                           "quarantined", "refused"};
constexpr std::array<std::string_view, 4> kAccountEntryKinds = {"inbound", "outbound",
                                                                "return_inbound", "adjustment"};

Status CheckWindow(std::string_view rule, std::string_view what, Timestamp released_at, Date on,
                   std::int64_t days) {
  const Date released = Date::OfTimestamp(released_at);
  const Date last = released.AddDays(static_cast<std::int32_t>(days));
  if (on < released) {
    return FailedPrecondition(std::string(rule) + ": " + on.ToIso8601() +
                                  " is before the release on " + released.ToIso8601(),
                              std::string(rule));
  }
  if (on > last) {
    return FailedPrecondition(std::string(rule) + ": released on " + released.ToIso8601() + ", " +
                                  std::string(what) + " within " + std::to_string(days) +
                                  " days (by " + last.ToIso8601() + "), not on " + on.ToIso8601(),
                              std::string(rule));
  }
  return Status::Ok();
}

}  // namespace

std::span<const std::string_view> EnumChoices(QuotaEntryKind) { return kQuotaEntryKinds; }
std::span<const std::string_view> EnumChoices(ReturnState) { return kReturnStates; }
std::span<const std::string_view> EnumChoices(AccountEntryKind) { return kAccountEntryKinds; }

Status CheckAnnual(std::int64_t used_fen, std::int64_t amount_fen, std::int64_t limit_fen) {
  if (used_fen + amount_fen > limit_fen) {
    return FailedPrecondition(
        "annual_limit: annual total " + FenToGroupedString(used_fen) + " + order " +
            FenToGroupedString(amount_fen) + " = " + FenToGroupedString(used_fen + amount_fen) +
            " exceeds the annual limit " + FenToGroupedString(limit_fen) + " (remaining " +
            FenToGroupedString(used_fen >= limit_fen ? 0 : limit_fen - used_fen) + ")",
        "annual_limit");
  }
  return Status::Ok();
}

Status CheckReturnApply(Timestamp released_at, Date on, std::int64_t apply_days) {
  return CheckWindow("return_window", "a return may be applied for", released_at, on, apply_days);
}

Status CheckReturnArrival(Timestamp released_at, Date on, std::int64_t arrive_days) {
  return CheckWindow("return_arrival", "returned goods must be back", released_at, on, arrive_days);
}

std::vector<Discrepancy> Reconcile(std::span<const BookBalance> book,
                                   std::span<const BookBalance> ledger) {
  return Reconcile(book, ledger, {});
}

std::vector<Discrepancy> Reconcile(std::span<const BookBalance> book,
                                   std::span<const BookBalance> ledger,
                                   std::span<const BookBalance> awaiting) {
  struct Sums {
    std::int64_t book = 0, ledger = 0, awaiting = 0;
  };
  std::map<std::pair<std::int64_t, std::int64_t>, Sums> sums;
  for (const BookBalance& b : book) sums[{b.warehouse_id, b.sku_id}].book += b.quantity;
  for (const BookBalance& l : ledger) sums[{l.warehouse_id, l.sku_id}].ledger += l.quantity;
  for (const BookBalance& a : awaiting) sums[{a.warehouse_id, a.sku_id}].awaiting += a.quantity;
  std::vector<Discrepancy> out;
  for (const auto& [key, q] : sums) {
    if (q.book + q.awaiting == q.ledger) continue;
    out.push_back(Discrepancy{key.first, key.second, q.book, q.ledger,
                              q.book + q.awaiting - q.ledger, q.awaiting});
  }
  return out;
}

std::vector<BookBalance> AwaitingShipment(std::span<const BookBalance> booked_out,
                                          std::span<const BookBalance> shipped) {
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> sums;
  for (const BookBalance& b : booked_out) sums[{b.warehouse_id, b.sku_id}] += b.quantity;
  for (const BookBalance& s : shipped) sums[{s.warehouse_id, s.sku_id}] -= s.quantity;
  std::vector<BookBalance> out;
  for (const auto& [key, qty] : sums) {
    if (qty > 0) out.push_back(BookBalance{key.first, key.second, qty});
  }
  return out;
}

}  // namespace xb::customs
