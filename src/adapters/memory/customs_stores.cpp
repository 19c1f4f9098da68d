#include "adapters/memory/customs_stores.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <tuple>
#include <utility>

namespace xb::memory {

using customs::AccountEntry;
using customs::BookBalance;
using customs::Declaration;
using customs::DeclarationId;
using customs::DeclarationState;
using customs::PositiveListLine;
using customs::QuotaEntry;
using customs::Receipt;
using customs::Return;
using customs::ReturnId;
using customs::RuleRow;

namespace {

// Rows with id > after_id, ascending, at most `limit`; and how many match at all.
template <class T, class Pred>
std::pair<std::vector<T>, std::int64_t> PageOf(
    const std::map<std::int64_t, std::shared_ptr<const T>>& rows, std::int64_t after_id, int limit,
    Pred match) {
  std::vector<T> page;
  std::int64_t total = 0;
  for (const auto& [id, row] : rows) {
    if (!match(*row)) continue;
    ++total;
    if (id > after_id && static_cast<int>(page.size()) < limit) page.push_back(*row);
  }
  return {std::move(page), total};
}

Status DeclarationChanged(DeclarationId id, std::int64_t version) {
  return Conflict("declaration " + std::to_string(id.value()) + " changed meanwhile (now version " +
                  std::to_string(version) + ")");
}

Status ReturnChanged(ReturnId id, std::int64_t version) {
  return Conflict("return " + std::to_string(id.value()) + " changed meanwhile (now version " +
                  std::to_string(version) + ")");
}

// "XB" + tenant + the id in 12 digits: unique within the tenant.
std::string DefaultListNo(TenantId tenant, std::int64_t id) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%012lld", static_cast<long long>(id));
  return "XB" + std::to_string(tenant.value()) + digits;
}

}  // namespace

// --- rules -----------------------------------------------------------------------------------

Result<RuleRow> MemoryCustomsStore::InsertRule(RuleRow row) {
  for (const auto& [id, r] : s_.rules) {
    if (r.tenant_id == row.tenant_id && r.kind == row.kind && r.key == row.key &&
        r.valid_from == row.valid_from) {
      return AlreadyExists(
          "valid_from: a rule of this kind and key already starts on " + row.valid_from.ToIso8601(),
          "valid_from");
    }
  }
  row.id = customs::RuleId(s_.next_rule++);
  s_.rules[row.id.value()] = row;
  return row;
}

Result<std::vector<RuleRow>> MemoryCustomsStore::ListRules(TenantId tenant) {
  std::vector<RuleRow> out;
  for (const auto& [id, r] : s_.rules) {
    if (r.tenant_id.value() == 0 || r.tenant_id == tenant) out.push_back(r);
  }
  return out;
}

Status MemoryCustomsStore::InsertPositiveList(std::span<const PositiveListLine> lines) {
  // All or nothing: every key is checked before anything is written.
  std::set<std::tuple<std::int64_t, std::string, std::int32_t>> seen;
  for (const auto& l : lines) {
    auto key = std::make_tuple(l.tenant_id.value(), l.hs_code, l.valid_from.days());
    if (s_.positive_list.count(key) > 0 || !seen.insert(key).second) {
      return AlreadyExists("hs_code: positive-list line " + l.hs_code + " from " +
                               l.valid_from.ToIso8601() + " exists",
                           "hs_code");
    }
  }
  for (const auto& l : lines) {
    s_.positive_list[std::make_tuple(l.tenant_id.value(), l.hs_code, l.valid_from.days())] = l;
  }
  return Status::Ok();
}

Result<std::vector<PositiveListLine>> MemoryCustomsStore::ListPositiveList(TenantId tenant) {
  std::vector<PositiveListLine> out;
  for (const auto& [key, l] : s_.positive_list) {
    if (l.tenant_id.value() == 0 || l.tenant_id == tenant) out.push_back(l);
  }
  // By HS code and start date, the platform's row first on a tie (as the SQL stores).
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(a.hs_code, a.valid_from, a.tenant_id) <
           std::make_tuple(b.hs_code, b.valid_from, b.tenant_id);
  });
  return out;
}

// --- quota -----------------------------------------------------------------------------------

Status MemoryCustomsStore::AppendQuota(std::span<QuotaEntry> entries) {
  for (auto& e : entries) {
    e.id = static_cast<std::int64_t>(s_.quota.count) + 1;
    s_.quota.Append(e);
  }
  return Status::Ok();
}

Result<std::int64_t> MemoryCustomsStore::QuotaUsed(TenantId tenant, std::string_view id_type,
                                                   std::string_view id_number, int year) {
  std::int64_t used = 0;
  for (const auto& e : s_.quota.view()) {
    if (e.tenant_id == tenant && e.id_type == id_type && e.id_number == id_number &&
        e.year == year) {
      used += e.amount_fen;
    }
  }
  return used;
}

Result<std::vector<QuotaEntry>> MemoryCustomsStore::ListQuota(TenantId tenant,
                                                              std::string_view id_type,
                                                              std::string_view id_number,
                                                              int year) {
  std::vector<QuotaEntry> out;
  for (const auto& e : s_.quota.view()) {
    if (e.tenant_id == tenant && e.id_type == id_type && e.id_number == id_number &&
        e.year == year) {
      out.push_back(e);
    }
  }
  return out;
}

Result<std::vector<customs::CustomsStore::QuotaTotal>> MemoryCustomsStore::QuotaTotals(
    int from_year) {
  std::map<std::tuple<std::int64_t, std::string, std::string, int>, std::int64_t> sums;
  for (const auto& e : s_.quota.view()) {
    if (e.year < from_year) continue;
    sums[std::make_tuple(e.tenant_id.value(), e.id_type, e.id_number, e.year)] += e.amount_fen;
  }
  std::vector<QuotaTotal> out;
  out.reserve(sums.size());
  for (const auto& [key, used] : sums) {
    out.push_back(QuotaTotal{TenantId(std::get<0>(key)), std::get<1>(key), std::get<2>(key),
                             std::get<3>(key), used});
  }
  return out;
}

// --- goods-cap usage -------------------------------------------------------------------------

Status MemoryCustomsStore::AppendGoodsCapUsage(std::span<const customs::GoodsCapEntry> entries) {
  for (const auto& e : entries) s_.goods_caps.Append(e);
  return Status::Ok();
}

Result<std::vector<customs::GoodsCapEntry>> MemoryCustomsStore::ListGoodsCapUsage(
    TenantId tenant, std::string_view id_type, std::string_view id_number, int year) {
  std::vector<customs::GoodsCapEntry> out;
  for (const auto& e : s_.goods_caps.view()) {
    if (e.tenant_id == tenant && e.id_type == id_type && e.id_number == id_number &&
        e.year == year) {
      out.push_back(e);
    }
  }
  return out;
}

Result<std::vector<customs::CustomsStore::GoodsCapTotal>> MemoryCustomsStore::GoodsCapTotals(
    int from_year) {
  std::map<std::tuple<std::int64_t, std::string, std::string, int, std::string>, std::int64_t> sums;
  for (const auto& e : s_.goods_caps.view()) {
    if (e.year < from_year) continue;
    sums[std::make_tuple(e.tenant_id.value(), e.id_type, e.id_number, e.year, e.hs_prefix)] +=
        e.amount_milli;
  }
  std::vector<GoodsCapTotal> out;
  out.reserve(sums.size());
  for (const auto& [key, used] : sums) {
    out.push_back(GoodsCapTotal{TenantId(std::get<0>(key)), std::get<1>(key), std::get<2>(key),
                                std::get<3>(key), std::get<4>(key), used});
  }
  return out;
}

// --- declarations ----------------------------------------------------------------------------

Result<Declaration> MemoryCustomsStore::InsertDeclaration(Declaration d) {
  if (!d.id.assigned()) {
    d.id = DeclarationId(s_.declarations.empty() ? 1 : s_.declarations.rbegin()->first + 1);
  } else if (s_.declarations.count(d.id.value()) > 0) {
    return AlreadyExists("id: declaration " + std::to_string(d.id.value()) + " exists", "id");
  }
  if (d.list.list_no.empty()) d.list.list_no = DefaultListNo(d.tenant_id, d.id.value());
  const auto key = std::make_pair(d.tenant_id.value(), d.list.list_no);
  if (s_.list_nos.count(key) > 0) {
    return AlreadyExists("list_no: declaration " + d.list.list_no + " exists", "list_no");
  }
  if (d.version == 0) d.version = 1;
  s_.list_nos[key] = d.id.value();
  s_.declarations[d.id.value()] = std::make_shared<const Declaration>(d);
  return d;
}

Status MemoryCustomsStore::UpdateDeclaration(Declaration& d) {
  auto it = s_.declarations.find(d.id.value());
  if (it == s_.declarations.end() || it->second->tenant_id != d.tenant_id) {
    return NotFound("no declaration with id " + std::to_string(d.id.value()));
  }
  const Declaration& current = *it->second;
  if (current.version != d.version) return DeclarationChanged(d.id, current.version);
  // The list number is the declaration's identity at customs: it never changes.
  d.list.list_no = current.list.list_no;
  d.version = current.version + 1;
  it->second = std::make_shared<const Declaration>(d);
  return Status::Ok();
}

Result<Declaration> MemoryCustomsStore::GetDeclaration(TenantId tenant, DeclarationId id) {
  auto it = s_.declarations.find(id.value());
  if (it == s_.declarations.end() || it->second->tenant_id != tenant) {
    return NotFound("no declaration with id " + std::to_string(id.value()));
  }
  return *it->second;
}

Result<std::optional<Declaration>> MemoryCustomsStore::FindDeclarationByListNo(
    TenantId tenant, std::string_view list_no) {
  auto it = s_.list_nos.find(std::make_pair(tenant.value(), std::string(list_no)));
  if (it == s_.list_nos.end()) return std::optional<Declaration>();
  return std::optional<Declaration>(*s_.declarations.at(it->second));
}

Result<std::pair<std::vector<Declaration>, std::int64_t>> MemoryCustomsStore::ListDeclarations(
    TenantId tenant, const customs::DeclarationQuery& q) {
  return PageOf(s_.declarations, q.after_id, q.limit, [&](const Declaration& d) {
    return d.tenant_id == tenant && (!q.state || d.state == *q.state) &&
           (!q.order_id || d.order_id == *q.order_id) &&
           (q.list_no.empty() || d.list.list_no == q.list_no);
  });
}

Result<std::vector<std::string>> MemoryCustomsStore::QueuedSigningKeys() {
  std::set<std::string> keys;
  for (const auto& [id, d] : s_.declarations) {
    if (d->state == DeclarationState::kQueued) keys.insert(d->signing_key);
  }
  return std::vector<std::string>(keys.begin(), keys.end());
}

Result<std::vector<Declaration>> MemoryCustomsStore::DueForSigningKey(Timestamp now,
                                                                      std::string_view signing_key,
                                                                      int limit) {
  auto due_at = [](const Declaration* d) { return d->next_attempt_at.value_or(d->created_at); };
  std::vector<const Declaration*> due;
  for (const auto& [id, d] : s_.declarations) {
    if (d->state == DeclarationState::kQueued && d->signing_key == signing_key &&
        due_at(d.get()) <= now) {
      due.push_back(d.get());
    }
  }
  std::stable_sort(due.begin(), due.end(), [&](const Declaration* a, const Declaration* b) {
    return std::make_pair(due_at(a), a->id.value()) < std::make_pair(due_at(b), b->id.value());
  });
  if (due.size() > static_cast<std::size_t>(std::max(limit, 0))) {
    due.resize(static_cast<std::size_t>(std::max(limit, 0)));
  }
  std::vector<Declaration> out;
  out.reserve(due.size());
  for (const auto* d : due) out.push_back(*d);
  return out;
}

Result<std::vector<customs::QueueStats>> MemoryCustomsStore::QueueBacklog(TenantId tenant) {
  std::map<std::string, customs::QueueStats> by_key;
  for (const auto& [id, d] : s_.declarations) {
    if (d->tenant_id != tenant) continue;
    const bool queued = d->state == DeclarationState::kQueued;
    const bool submitted = d->state == DeclarationState::kSubmitted;
    if (!queued && !submitted) continue;
    auto& stats = by_key[d->signing_key];
    stats.signing_key = d->signing_key;
    if (queued) {
      ++stats.queued;
      if (!stats.oldest_queued_at || d->created_at < *stats.oldest_queued_at) {
        stats.oldest_queued_at = d->created_at;
      }
    } else {
      ++stats.submitted;
    }
  }
  std::vector<customs::QueueStats> out;
  out.reserve(by_key.size());
  for (auto& [key, stats] : by_key) out.push_back(std::move(stats));
  return out;
}

// --- receipts --------------------------------------------------------------------------------

Status MemoryCustomsStore::InsertReceipt(TenantId tenant, DeclarationId id,
                                         const Receipt& receipt) {
  auto d = s_.declarations.find(id.value());
  if (d == s_.declarations.end() || d->second->tenant_id != tenant) {
    return NotFound("no declaration with id " + std::to_string(id.value()));
  }
  const auto key = std::make_pair(tenant.value(), receipt.receipt_id);
  if (s_.receipts.count(key) > 0) {
    return AlreadyExists("receipt_id: receipt " + receipt.receipt_id + " was already applied",
                         "receipt_id");
  }
  s_.receipts[key] = CustomsState::StoredReceipt{s_.next_receipt++, id.value(), receipt};
  return Status::Ok();
}

Result<std::vector<Receipt>> MemoryCustomsStore::ListReceipts(TenantId tenant, DeclarationId id) {
  std::vector<const CustomsState::StoredReceipt*> hits;
  for (const auto& [key, r] : s_.receipts) {
    if (key.first == tenant.value() && r.declaration_id == id.value()) hits.push_back(&r);
  }
  std::sort(hits.begin(), hits.end(), [](const auto* a, const auto* b) { return a->seq < b->seq; });
  std::vector<Receipt> out;
  out.reserve(hits.size());
  for (const auto* r : hits) out.push_back(r->receipt);
  return out;
}

Result<std::string> MemoryCustomsStore::ReceiptCursor(std::string_view feed) {
  auto it = s_.receipt_cursors.find(feed);
  return it == s_.receipt_cursors.end() ? std::string() : it->second;
}

Status MemoryCustomsStore::SaveReceiptCursor(std::string_view feed, std::string_view cursor,
                                             Timestamp /*at*/) {
  s_.receipt_cursors.insert_or_assign(std::string(feed), std::string(cursor));
  return Status::Ok();
}

// --- returns ---------------------------------------------------------------------------------

Result<Return> MemoryCustomsStore::InsertReturn(Return r) {
  r.id = ReturnId(s_.next_return++);
  if (r.version == 0) r.version = 1;
  s_.returns[r.id.value()] = std::make_shared<const Return>(r);
  return r;
}

Status MemoryCustomsStore::UpdateReturn(Return& r) {
  auto it = s_.returns.find(r.id.value());
  if (it == s_.returns.end() || it->second->tenant_id != r.tenant_id) {
    return NotFound("no return with id " + std::to_string(r.id.value()));
  }
  if (it->second->version != r.version) return ReturnChanged(r.id, it->second->version);
  r.version = it->second->version + 1;
  it->second = std::make_shared<const Return>(r);
  return Status::Ok();
}

Result<Return> MemoryCustomsStore::GetReturn(TenantId tenant, ReturnId id) {
  auto it = s_.returns.find(id.value());
  if (it == s_.returns.end() || it->second->tenant_id != tenant) {
    return NotFound("no return with id " + std::to_string(id.value()));
  }
  return *it->second;
}

Result<std::pair<std::vector<Return>, std::int64_t>> MemoryCustomsStore::ListReturns(
    TenantId tenant, std::optional<std::int64_t> order_id, std::int64_t after_id, int limit) {
  return PageOf(s_.returns, after_id, limit, [&](const Return& r) {
    return r.tenant_id == tenant && (!order_id || r.order_id == *order_id);
  });
}

// --- the account book ------------------------------------------------------------------------

Status MemoryCustomsStore::AppendAccountEntries(std::span<AccountEntry> entries) {
  for (auto& e : entries) {
    e.id = static_cast<std::int64_t>(s_.account.count) + 1;
    s_.account.Append(e);
  }
  return Status::Ok();
}

Result<std::vector<BookBalance>> MemoryCustomsStore::AccountBalances(TenantId tenant,
                                                                     std::string_view ems_no) {
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> sums;
  for (const auto& e : s_.account.view()) {
    if (e.tenant_id == tenant && e.ems_no == ems_no) {
      sums[std::make_pair(e.warehouse_id, e.sku_id)] += e.quantity;
    }
  }
  std::vector<BookBalance> out;
  out.reserve(sums.size());
  for (const auto& [key, qty] : sums) out.push_back(BookBalance{key.first, key.second, qty});
  return out;
}

Result<std::pair<std::vector<AccountEntry>, std::int64_t>> MemoryCustomsStore::ListAccountEntries(
    TenantId tenant, std::string_view ems_no, std::int64_t after_id, int limit) {
  std::vector<AccountEntry> page;
  std::int64_t total = 0;
  for (const auto& e : s_.account.view()) {
    if (e.tenant_id != tenant || e.ems_no != ems_no) continue;
    ++total;
    if (e.id > after_id && static_cast<int>(page.size()) < limit) page.push_back(e);
  }
  return std::make_pair(std::move(page), total);
}

}  // namespace xb::memory
