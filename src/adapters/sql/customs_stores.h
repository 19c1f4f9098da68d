// The SQL implementation of the customs store, written once for SQLite and PostgreSQL against
// sql::Connection (tables of migrations 0004_orders_customs and 0010_orders_by_rowid: a declaration
// is found by its id alone, and the queue is indexed per signing key; the receipt feed's cursor,
// 0012_receipt_cursor). Documents, checks and return
// lines are JSON text columns. Every statement has a fixed text, so the connections'
// prepared-statement caches serve the hot path. Rows that cannot collide (quota and account-book
// entries with fresh ids, declarations numbered here) are kept back and written in multi-row
// statements at commit or before the store next reads (pending_rows.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/sql/connection.h"
#include "adapters/sql/pending_rows.h"
#include "domain/customs/customs_store.h"

namespace xb::sql {

class SqlCustomsStore final : public customs::CustomsStore {
 public:
  explicit SqlCustomsStore(Connection& c);

  Result<customs::RuleRow> InsertRule(customs::RuleRow row) override;
  Result<std::vector<customs::RuleRow>> ListRules(TenantId tenant) override;
  Status InsertPositiveList(std::span<const customs::PositiveListLine> lines) override;
  Result<std::vector<customs::PositiveListLine>> ListPositiveList(TenantId tenant) override;

  Status AppendQuota(std::span<customs::QuotaEntry> entries) override;
  Result<std::int64_t> QuotaUsed(TenantId tenant, std::string_view id_type,
                                 std::string_view id_number, int year) override;
  Result<std::vector<customs::QuotaEntry>> ListQuota(TenantId tenant, std::string_view id_type,
                                                     std::string_view id_number, int year) override;
  Result<std::vector<QuotaTotal>> QuotaTotals(int from_year) override;

  Status AppendGoodsCapUsage(std::span<const customs::GoodsCapEntry> entries) override;
  Result<std::vector<customs::GoodsCapEntry>> ListGoodsCapUsage(TenantId tenant,
                                                                std::string_view id_type,
                                                                std::string_view id_number,
                                                                int year) override;
  Result<std::vector<GoodsCapTotal>> GoodsCapTotals(int from_year) override;

  Result<customs::Declaration> InsertDeclaration(customs::Declaration d) override;
  Status UpdateDeclaration(customs::Declaration& d) override;
  Result<customs::Declaration> GetDeclaration(TenantId tenant, customs::DeclarationId id) override;
  Result<std::optional<customs::Declaration>> FindDeclarationByListNo(
      TenantId tenant, std::string_view list_no) override;
  Result<std::pair<std::vector<customs::Declaration>, std::int64_t>> ListDeclarations(
      TenantId tenant, const customs::DeclarationQuery& query) override;
  Result<std::vector<std::string>> QueuedSigningKeys() override;
  Result<std::vector<customs::Declaration>> DueForSigningKey(Timestamp now,
                                                             std::string_view signing_key,
                                                             int limit) override;
  Result<std::vector<customs::QueueStats>> QueueBacklog(TenantId tenant) override;

  Status InsertReceipt(TenantId tenant, customs::DeclarationId id,
                       const customs::Receipt& receipt) override;
  Result<std::vector<customs::Receipt>> ListReceipts(TenantId tenant,
                                                     customs::DeclarationId id) override;
  Result<std::string> ReceiptCursor(std::string_view feed) override;
  Status SaveReceiptCursor(std::string_view feed, std::string_view cursor, Timestamp at) override;

  Result<customs::Return> InsertReturn(customs::Return r) override;
  Status UpdateReturn(customs::Return& r) override;
  Result<customs::Return> GetReturn(TenantId tenant, customs::ReturnId id) override;
  Result<std::pair<std::vector<customs::Return>, std::int64_t>> ListReturns(
      TenantId tenant, std::optional<std::int64_t> order_id, std::int64_t after_id,
      int limit) override;

  Status AppendAccountEntries(std::span<customs::AccountEntry> entries) override;
  Result<std::vector<customs::BookBalance>> AccountBalances(TenantId tenant,
                                                            std::string_view ems_no) override;
  Result<std::pair<std::vector<customs::AccountEntry>, std::int64_t>> ListAccountEntries(
      TenantId tenant, std::string_view ems_no, std::int64_t after_id, int limit) override;

  // Writes the rows kept back (quota and account-book entries, declarations numbered here); the
  // transaction calls it before COMMIT, and every other method of this store first.
  Status Flush();

 private:
  Connection& c_;
  // The next declaration id this transaction hands out; 0 until it first needs one.
  std::int64_t next_declaration_id_ = 0;
  PendingRows quota_;
  PendingRows account_;
  PendingRows declarations_;
  IdPool quota_ids_;
  IdPool account_ids_;
};

}  // namespace xb::sql
