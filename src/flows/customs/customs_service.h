// Customs use cases behind /api/v1/customs: the dated rule tables (list, add a row), the positive
// list (query, CSV import all or nothing), the annual quota of one identity (masked), the
// declarations (list, get with receipts, cancel) and the outbound queue's backlog. Rules and
// positive-list lines of tenant 0 are the platform's; a tenant adds its own rows. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/customs/customs_store.h"
#include "domain/customs/documents.h"
#include "domain/customs/returns.h"
#include "domain/customs/rules.h"
#include "flows/customs/context.h"
#include "flows/customs/submitter.h"
#include "flows/store/unit_of_work.h"

namespace xb::customs_flow {

struct PositiveListQuery {
  std::string hs;     // HS code prefix; "" all
  std::string after;  // keyset paging by HS code
  int limit = 50;
};

// One refused row of an import: the CSV line number (the header is line 1) and why.
struct RowError {
  std::int64_t line = 0;
  std::string field;
  std::string message;
};

struct ImportResult {
  std::int64_t imported = 0;
  std::vector<RowError> errors;  // not empty: nothing was imported
};

struct QuotaLookup {
  std::string id_type;
  std::string id_number;  // in a request body only: never in a URL, a log or an answer
  int year = 0;
};

struct QuotaView {
  std::string id_type;
  std::string id_number_masked;  // "110***********1234"
  int year = 0;
  std::int64_t used_fen = 0;
  std::int64_t limit_fen = 0;  // the annual limit in force (on the year's last day, or today)
  std::int64_t remaining_fen = 0;
  std::vector<customs::QuotaEntry> entries;  // id_number masked
};

struct DeclarationView {
  customs::Declaration declaration;  // buyer and payer numbers masked
  std::vector<customs::Receipt> receipts;
};

struct QueueView {
  std::vector<KeyBacklog> keys;
  std::int64_t submitted_total = 0;  // since the server started (the submitter's counters)
  std::int64_t receipts_total = 0;
  bool submitter_running = false;
};

class CustomsService {
 public:
  // `submitter` may be null (no gateway configured): the backlog still shows the queue.
  CustomsService(store::Database& db, const Clock& clock, Submitter* submitter = nullptr);

  // kReadOrders: the platform's rows and the tenant's, by kind, key, valid_from.
  Result<std::vector<customs::RuleRow>> ListRules(const RequestContext& ctx);
  // kOperateCustoms: a new dated row of the tenant (customs::Validate).
  Result<customs::RuleRow> AddRule(const RequestContext& ctx, customs::RuleRow row);

  // kReadOrders.
  Result<std::pair<std::vector<customs::PositiveListLine>, std::int64_t>> ListPositiveList(
      const RequestContext& ctx, const PositiveListQuery& query);
  // kOperateCustoms. CSV with the header hs_code,description,valid_from,valid_to,source (quoted
  // fields allowed, valid_to may be empty). Every row is checked; any error: nothing imported and
  // every row error listed. kInvalidArgument for a missing or wrong header; kAlreadyExists when a
  // row repeats (hs_code, valid_from) of a stored line.
  Result<ImportResult> ImportPositiveList(const RequestContext& ctx, std::string_view csv);

  // kOperateCustoms: the identity's used, limit and remaining for the year, masked.
  Result<QuotaView> Quota(const RequestContext& ctx, const QuotaLookup& lookup);

  // kReadOrders.
  Result<std::pair<std::vector<customs::Declaration>, std::int64_t>> ListDeclarations(
      const RequestContext& ctx, const customs::DeclarationQuery& query);
  Result<DeclarationView> GetDeclaration(const RequestContext& ctx, customs::DeclarationId id);
  // kOperateCustoms: queued, submitted or accepted -> cancelled (kFailedPrecondition otherwise),
  // with a note on the order's timeline.
  Result<customs::Declaration> CancelDeclaration(const RequestContext& ctx,
                                                 customs::DeclarationId id,
                                                 const std::string& reason);

  // kReadOrders: the tenant's queue per signing key and the submitter's counters.
  Result<QueueView> Queue(const RequestContext& ctx);

 private:
  store::Database& db_;
  const Clock& clock_;
  Submitter* submitter_;
};

// Parses the positive-list CSV (exposed for tests): the lines, or the row errors.
std::pair<std::vector<customs::PositiveListLine>, std::vector<RowError>> ParsePositiveListCsv(
    TenantId tenant, std::string_view csv);

}  // namespace xb::customs_flow
