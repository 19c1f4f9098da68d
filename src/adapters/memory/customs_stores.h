// The customs store held in memory. Declarations and returns are kept behind shared pointers to
// constant values, so the copy of the state a writer makes stays cheap; an update replaces the
// pointer. The quota and account-book ledgers only grow: they are AppendLogs shared by copies.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "adapters/memory/append_log.h"
#include "domain/customs/customs_store.h"

namespace xb::memory {

struct CustomsState {
  std::map<std::int64_t, customs::RuleRow> rules;
  std::int64_t next_rule = 1;
  // (tenant, hs_code, valid_from days) -> line.
  std::map<std::tuple<std::int64_t, std::string, std::int32_t>, customs::PositiveListLine>
      positive_list;
  AppendLog<customs::QuotaEntry> quota;
  AppendLog<customs::GoodsCapEntry> goods_caps;
  std::map<std::int64_t, std::shared_ptr<const customs::Declaration>> declarations;
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> list_nos;  // -> declaration id
  // (tenant, receipt_id) -> (declaration id, receipt); in insertion order by `seq`.
  struct StoredReceipt {
    std::int64_t seq = 0;
    std::int64_t declaration_id = 0;
    customs::Receipt receipt;
  };
  std::map<std::pair<std::int64_t, std::string>, StoredReceipt> receipts;
  std::int64_t next_receipt = 1;
  std::map<std::string, std::string, std::less<>> receipt_cursors;  // feed -> cursor
  std::map<std::int64_t, std::shared_ptr<const customs::Return>> returns;
  std::int64_t next_return = 1;
  AppendLog<customs::AccountEntry> account;
};

class MemoryCustomsStore final : public customs::CustomsStore {
 public:
  explicit MemoryCustomsStore(CustomsState& s) : s_(s) {}

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

 private:
  CustomsState& s_;
};

}  // namespace xb::memory
