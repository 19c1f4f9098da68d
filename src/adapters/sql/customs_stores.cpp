#include "adapters/sql/customs_stores.h"

namespace xb::sql {

Result<customs::RuleRow> SqlCustomsStore::InsertRule(customs::RuleRow /*row*/) {
  return Internal("customs store: InsertRule not implemented yet");
}

Result<std::vector<customs::RuleRow>> SqlCustomsStore::ListRules(TenantId /*tenant*/) {
  return Internal("customs store: ListRules not implemented yet");
}

Status SqlCustomsStore::InsertPositiveList(std::span<const customs::PositiveListLine> /*lines*/) {
  return Internal("customs store: InsertPositiveList not implemented yet");
}

Result<std::vector<customs::PositiveListLine>> SqlCustomsStore::ListPositiveList(
    TenantId /*tenant*/) {
  return Internal("customs store: ListPositiveList not implemented yet");
}

Status SqlCustomsStore::AppendQuota(std::span<customs::QuotaEntry> /*entries*/) {
  return Internal("customs store: AppendQuota not implemented yet");
}

Result<std::int64_t> SqlCustomsStore::QuotaUsed(TenantId /*tenant*/, std::string_view /*id_type*/,
                                                std::string_view /*id_number*/, int /*year*/) {
  return Internal("customs store: QuotaUsed not implemented yet");
}

Result<std::vector<customs::QuotaEntry>> SqlCustomsStore::ListQuota(TenantId /*tenant*/,
                                                                    std::string_view /*id_type*/,
                                                                    std::string_view /*id_number*/,
                                                                    int /*year*/) {
  return Internal("customs store: ListQuota not implemented yet");
}

Result<std::vector<customs::CustomsStore::QuotaTotal>> SqlCustomsStore::QuotaTotals(
    int /*from_year*/) {
  return Internal("customs store: QuotaTotals not implemented yet");
}

Result<customs::Declaration> SqlCustomsStore::InsertDeclaration(customs::Declaration /*d*/) {
  return Internal("customs store: InsertDeclaration not implemented yet");
}

Status SqlCustomsStore::UpdateDeclaration(customs::Declaration& /*d*/) {
  return Internal("customs store: UpdateDeclaration not implemented yet");
}

Result<customs::Declaration> SqlCustomsStore::GetDeclaration(TenantId /*tenant*/,
                                                             customs::DeclarationId /*id*/) {
  return Internal("customs store: GetDeclaration not implemented yet");
}

Result<std::optional<customs::Declaration>> SqlCustomsStore::FindDeclarationByListNo(
    TenantId /*tenant*/, std::string_view /*list_no*/) {
  return Internal("customs store: FindDeclarationByListNo not implemented yet");
}

Result<std::pair<std::vector<customs::Declaration>, std::int64_t>>
SqlCustomsStore::ListDeclarations(TenantId /*tenant*/, const customs::DeclarationQuery& /*query*/) {
  return Internal("customs store: ListDeclarations not implemented yet");
}

Result<std::vector<customs::Declaration>> SqlCustomsStore::DueForSubmission(Timestamp /*now*/,
                                                                            int /*limit*/) {
  return Internal("customs store: DueForSubmission not implemented yet");
}

Result<std::vector<customs::QueueStats>> SqlCustomsStore::QueueBacklog(TenantId /*tenant*/) {
  return Internal("customs store: QueueBacklog not implemented yet");
}

Status SqlCustomsStore::InsertReceipt(TenantId /*tenant*/, customs::DeclarationId /*id*/,
                                      const customs::Receipt& /*receipt*/) {
  return Internal("customs store: InsertReceipt not implemented yet");
}

Result<std::vector<customs::Receipt>> SqlCustomsStore::ListReceipts(TenantId /*tenant*/,
                                                                    customs::DeclarationId /*id*/) {
  return Internal("customs store: ListReceipts not implemented yet");
}

Result<customs::Return> SqlCustomsStore::InsertReturn(customs::Return /*r*/) {
  return Internal("customs store: InsertReturn not implemented yet");
}

Status SqlCustomsStore::UpdateReturn(customs::Return& /*r*/) {
  return Internal("customs store: UpdateReturn not implemented yet");
}

Result<customs::Return> SqlCustomsStore::GetReturn(TenantId /*tenant*/, customs::ReturnId /*id*/) {
  return Internal("customs store: GetReturn not implemented yet");
}

Result<std::pair<std::vector<customs::Return>, std::int64_t>> SqlCustomsStore::ListReturns(
    TenantId /*tenant*/, std::optional<std::int64_t> /*order_id*/, std::int64_t /*after_id*/,
    int /*limit*/) {
  return Internal("customs store: ListReturns not implemented yet");
}

Status SqlCustomsStore::AppendAccountEntries(std::span<customs::AccountEntry> /*entries*/) {
  return Internal("customs store: AppendAccountEntries not implemented yet");
}

Result<std::vector<customs::BookBalance>> SqlCustomsStore::AccountBalances(
    TenantId /*tenant*/, std::string_view /*ems_no*/) {
  return Internal("customs store: AccountBalances not implemented yet");
}

Result<std::pair<std::vector<customs::AccountEntry>, std::int64_t>>
SqlCustomsStore::ListAccountEntries(TenantId /*tenant*/, std::string_view /*ems_no*/,
                                    std::int64_t /*after_id*/, int /*limit*/) {
  return Internal("customs store: ListAccountEntries not implemented yet");
}

}  // namespace xb::sql
