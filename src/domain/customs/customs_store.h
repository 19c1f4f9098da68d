// The customs module's storage port: rules, positive list, quota ledger, declarations (also the
// outbound queue), receipts and the receipt feed's cursor, returns and the bonded account book.
// Reached through store::Transaction::customs().
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/customs/documents.h"
#include "domain/customs/goods_caps.h"
#include "domain/customs/returns.h"
#include "domain/customs/rules.h"

namespace xb::customs {

struct DeclarationQuery {
  std::optional<DeclarationState> state;
  std::optional<std::int64_t> order_id;
  std::string list_no;
  std::int64_t after_id = 0;  // keyset paging
  int limit = 50;
};

struct QueueStats {
  std::string signing_key;
  std::int64_t queued = 0;     // waiting to be submitted
  std::int64_t submitted = 0;  // sent, no receipt yet
  std::optional<Timestamp> oldest_queued_at;
};

class CustomsStore {
 public:
  virtual ~CustomsStore() = default;

  // Rules: the platform's rows (tenant 0) and the tenant's own.
  virtual Result<RuleRow> InsertRule(RuleRow row) = 0;
  virtual Result<std::vector<RuleRow>> ListRules(TenantId tenant) = 0;
  // kAlreadyExists on (tenant, hs_code, valid_from).
  virtual Status InsertPositiveList(std::span<const PositiveListLine> lines) = 0;
  virtual Result<std::vector<PositiveListLine>> ListPositiveList(TenantId tenant) = 0;

  // Quota ledger.
  virtual Status AppendQuota(std::span<QuotaEntry> entries) = 0;  // ids written back
  virtual Result<std::int64_t> QuotaUsed(TenantId tenant, std::string_view id_type,
                                         std::string_view id_number, int year) = 0;
  virtual Result<std::vector<QuotaEntry>> ListQuota(TenantId tenant, std::string_view id_type,
                                                    std::string_view id_number, int year) = 0;
  // Start-up of the quota book: (tenant, id_type, id_number, year) -> used, across tenants.
  struct QuotaTotal {
    TenantId tenant_id;
    std::string id_type, id_number;
    int year = 0;
    std::int64_t used_fen = 0;
  };
  virtual Result<std::vector<QuotaTotal>> QuotaTotals(int from_year) = 0;

  // Goods-cap usage ledger (goods_caps.h): + per order line at acceptance, − when given back.
  virtual Status AppendGoodsCapUsage(std::span<const GoodsCapEntry> entries) = 0;
  virtual Result<std::vector<GoodsCapEntry>> ListGoodsCapUsage(TenantId tenant,
                                                               std::string_view id_type,
                                                               std::string_view id_number,
                                                               int year) = 0;
  // Start-up of the goods-cap book: used per (tenant, identity, year, HS prefix), across tenants.
  struct GoodsCapTotal {
    TenantId tenant_id;
    std::string id_type, id_number;
    int year = 0;
    std::string hs_prefix;
    std::int64_t used_milli = 0;
  };
  virtual Result<std::vector<GoodsCapTotal>> GoodsCapTotals(int from_year) = 0;

  // Declarations: insert assigns id and list_no if empty; update is optimistic on version
  // (kConflict when it moved).
  virtual Result<Declaration> InsertDeclaration(Declaration d) = 0;
  virtual Status UpdateDeclaration(Declaration& d) = 0;  // bumps d.version
  virtual Result<Declaration> GetDeclaration(TenantId tenant, DeclarationId id) = 0;
  virtual Result<std::optional<Declaration>> FindDeclarationByListNo(TenantId tenant,
                                                                     std::string_view list_no) = 0;
  virtual Result<std::pair<std::vector<Declaration>, std::int64_t>> ListDeclarations(
      TenantId tenant, const DeclarationQuery& query) = 0;
  // The outbound queue per signing key, so that each key drains at its own rate: the signing keys
  // that have queued declarations (due or not), across tenants, in byte order; and the oldest
  // `limit` queued declarations of one key due at `now` (by due time, then id).
  virtual Result<std::vector<std::string>> QueuedSigningKeys() = 0;
  virtual Result<std::vector<Declaration>> DueForSigningKey(Timestamp now,
                                                            std::string_view signing_key,
                                                            int limit) = 0;
  virtual Result<std::vector<QueueStats>> QueueBacklog(TenantId tenant) = 0;

  // Receipts: kAlreadyExists on a repeated receipt_id (the caller answers it as a replay).
  virtual Status InsertReceipt(TenantId tenant, DeclarationId id, const Receipt& receipt) = 0;
  virtual Result<std::vector<Receipt>> ListReceipts(TenantId tenant, DeclarationId id) = 0;
  // Where polling a receipt feed of customs goes on (the gateway's opaque cursor), one per feed
  // name, across tenants: "" when none was saved yet (the feed's beginning). Saving replaces it.
  virtual Result<std::string> ReceiptCursor(std::string_view feed) = 0;
  virtual Status SaveReceiptCursor(std::string_view feed, std::string_view cursor,
                                   Timestamp at) = 0;

  virtual Result<Return> InsertReturn(Return r) = 0;
  virtual Status UpdateReturn(Return& r) = 0;
  virtual Result<Return> GetReturn(TenantId tenant, ReturnId id) = 0;
  virtual Result<std::pair<std::vector<Return>, std::int64_t>> ListReturns(
      TenantId tenant, std::optional<std::int64_t> order_id, std::int64_t after_id, int limit) = 0;

  virtual Status AppendAccountEntries(std::span<AccountEntry> entries) = 0;
  virtual Result<std::vector<BookBalance>> AccountBalances(TenantId tenant,
                                                           std::string_view ems_no) = 0;
  virtual Result<std::pair<std::vector<AccountEntry>, std::int64_t>> ListAccountEntries(
      TenantId tenant, std::string_view ems_no, std::int64_t after_id, int limit) = 0;
};

}  // namespace xb::customs
