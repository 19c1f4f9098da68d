#include "flows/customs/customs_service.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "core/record_field.h"
#include "flows/customs/support.h"

namespace xb::customs_flow {

using customs::Declaration;
using customs::DeclarationState;

CustomsService::CustomsService(store::Database& db, const Clock& clock, Submitter* submitter)
    : db_(db), clock_(clock), submitter_(submitter) {}

// ---- rules ----

Result<std::vector<customs::RuleRow>> CustomsService::ListRules(const RequestContext& ctx) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kReadOrders));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto rows, tx->customs().ListRules(ctx.principal.tenant_id));
  std::stable_sort(rows.begin(), rows.end(),
                   [](const customs::RuleRow& a, const customs::RuleRow& b) {
                     if (a.kind != b.kind) return a.kind < b.kind;
                     if (a.key != b.key) return a.key < b.key;
                     return a.valid_from < b.valid_from;
                   });
  return rows;
}

Result<customs::RuleRow> CustomsService::AddRule(const RequestContext& ctx, customs::RuleRow row) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kOperateCustoms));
  row.id = customs::RuleId();
  row.tenant_id = ctx.principal.tenant_id;
  XB_RETURN_IF_ERROR(customs::Validate(row));
  if (row.source.empty() || row.source.size() > 200) {
    return InvalidArgument("source: 1 to 200 characters (the regulation or agreement)", "source");
  }
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(row, tx->customs().InsertRule(std::move(row)));
  nlohmann::json payload{{"kind", std::string(EnumName(row.kind))},
                         {"key", row.key},
                         {"valid_from", row.valid_from.ToIso8601()},
                         {"source", row.source}};
  XB_RETURN_IF_ERROR(internal::AppendEvent(*tx, ctx.principal.tenant_id, "customs.rule.added",
                                           "customs_rule", row.id.value(), ctx.principal.Actor(),
                                           ctx.request_id, payload.dump(), clock_.Now()));
  XB_RETURN_IF_ERROR(tx->Commit());
  return row;
}

// ---- positive list ----

Result<std::pair<std::vector<customs::PositiveListLine>, std::int64_t>>
CustomsService::ListPositiveList(const RequestContext& ctx, const PositiveListQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kReadOrders));
  if (query.limit < 1 || query.limit > 500) return InvalidArgument("limit: 1 to 500", "limit");
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto all, tx->customs().ListPositiveList(ctx.principal.tenant_id));
  std::stable_sort(all.begin(), all.end(),
                   [](const customs::PositiveListLine& a, const customs::PositiveListLine& b) {
                     return a.hs_code != b.hs_code ? a.hs_code < b.hs_code
                                                   : a.valid_from < b.valid_from;
                   });
  std::vector<customs::PositiveListLine> page;
  std::int64_t total = 0;
  for (auto& line : all) {
    if (!line.hs_code.starts_with(query.hs)) continue;
    ++total;
    if (!query.after.empty() && line.hs_code <= query.after) continue;
    if (static_cast<int>(page.size()) < query.limit) page.push_back(std::move(line));
  }
  return std::make_pair(std::move(page), total);
}

namespace {

// RFC 4180 records: fields separated by commas, optionally quoted ("" inside quotes is a quote).
// Returns each record with the line number it starts on; an unterminated quote is an error.
struct CsvRecord {
  std::int64_t line = 0;
  std::vector<std::string> fields;
};

Result<std::vector<CsvRecord>> SplitCsv(std::string_view text) {
  std::vector<CsvRecord> records;
  CsvRecord current;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  std::int64_t line = 1;
  current.line = 1;
  const auto end_record = [&]() {
    current.fields.push_back(std::move(field));
    field.clear();
    const bool blank = current.fields.size() == 1 && current.fields[0].empty();
    if (!blank) records.push_back(std::move(current));
    current = CsvRecord{};
    field_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      current.fields.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\r') {
      continue;
    } else if (c == '\n') {
      end_record();
      ++line;
      current.line = line;
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted) {
    return InvalidArgument("line " + std::to_string(current.line) + ": unterminated quote", "csv");
  }
  if (!field.empty() || !current.fields.empty()) end_record();
  return records;
}

std::string Trim(std::string s) {
  const auto not_space = [](unsigned char ch) { return ch != ' ' && ch != '\t'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

}  // namespace

std::pair<std::vector<customs::PositiveListLine>, std::vector<RowError>> ParsePositiveListCsv(
    TenantId tenant, std::string_view csv) {
  std::vector<customs::PositiveListLine> lines;
  std::vector<RowError> errors;
  if (csv.starts_with("\xEF\xBB\xBF")) csv.remove_prefix(3);  // a BOM from spreadsheet exports
  auto records = SplitCsv(csv);
  if (!records.ok()) {
    errors.push_back({0, "csv", records.status().message()});
    return {lines, errors};
  }
  static const std::vector<std::string> kHeader{"hs_code", "description", "valid_from", "valid_to",
                                                "source"};
  if (records->empty()) {
    errors.push_back({1, "csv", "header hs_code,description,valid_from,valid_to,source missing"});
    return {lines, errors};
  }
  std::vector<std::string> header;
  for (auto& f : records->front().fields) header.push_back(Trim(f));
  if (header != kHeader) {
    errors.push_back({1, "csv", "header must be hs_code,description,valid_from,valid_to,source"});
    return {lines, errors};
  }
  std::set<std::pair<std::string, std::int32_t>> seen;
  for (std::size_t i = 1; i < records->size(); ++i) {
    const CsvRecord& rec = (*records)[i];
    if (rec.fields.size() != kHeader.size()) {
      errors.push_back(
          {rec.line, "csv", "expected 5 fields, found " + std::to_string(rec.fields.size())});
      continue;
    }
    customs::PositiveListLine line;
    line.tenant_id = tenant;
    line.hs_code = Trim(rec.fields[0]);
    line.description = Trim(rec.fields[1]);
    line.source = Trim(rec.fields[4]);
    auto from = Date::ParseIso8601(Trim(rec.fields[2]));
    if (!from.ok()) {
      errors.push_back({rec.line, "valid_from", "valid_from: a date YYYY-MM-DD"});
      continue;
    }
    line.valid_from = *from;
    const std::string to_text = Trim(rec.fields[3]);
    if (!to_text.empty()) {
      auto to = Date::ParseIso8601(to_text);
      if (!to.ok()) {
        errors.push_back({rec.line, "valid_to", "valid_to: a date YYYY-MM-DD or empty"});
        continue;
      }
      line.valid_to = *to;
    }
    if (Status st = customs::Validate(line); !st.ok()) {
      errors.push_back({rec.line, st.field(), st.message()});
      continue;
    }
    if (!seen.insert({line.hs_code, line.valid_from.days()}).second) {
      errors.push_back(
          {rec.line, "hs_code",
           "hs_code " + line.hs_code + " from " + line.valid_from.ToIso8601() + " appears twice"});
      continue;
    }
    lines.push_back(std::move(line));
  }
  return {lines, errors};
}

Result<ImportResult> CustomsService::ImportPositiveList(const RequestContext& ctx,
                                                        std::string_view csv) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kOperateCustoms));
  auto [lines, errors] = ParsePositiveListCsv(ctx.principal.tenant_id, csv);
  ImportResult result;
  if (!errors.empty()) {
    result.errors = std::move(errors);
    return result;
  }
  if (lines.empty()) return InvalidArgument("csv: no rows after the header", "csv");
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_RETURN_IF_ERROR(tx->customs().InsertPositiveList(lines));
  nlohmann::json payload{{"lines", lines.size()}};
  XB_RETURN_IF_ERROR(internal::AppendEvent(
      *tx, ctx.principal.tenant_id, "customs.positive_list.imported", "positive_list", 0,
      ctx.principal.Actor(), ctx.request_id, payload.dump(), clock_.Now()));
  XB_RETURN_IF_ERROR(tx->Commit());
  result.imported = static_cast<std::int64_t>(lines.size());
  return result;
}

// ---- quota ----

Result<QuotaView> CustomsService::Quota(const RequestContext& ctx, const QuotaLookup& lookup) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kOperateCustoms));
  if (lookup.id_type.empty() || lookup.id_type.size() > 16) {
    return InvalidArgument("id_type: 1 to 16 characters", "id_type");
  }
  if (lookup.id_number.size() < 5 || lookup.id_number.size() > 32) {
    return InvalidArgument("id_number: 5 to 32 characters", "id_number");
  }
  const Date today = Date::OfTimestamp(clock_.Now());
  const int year = lookup.year == 0 ? today.year() : lookup.year;
  if (year < 2000 || year > 2100) return InvalidArgument("year: 2000 to 2100", "year");
  XB_ASSIGN_OR_RETURN(auto dec31, Date::FromYmd(year, 12, 31));
  const Date on = year == today.year() ? today : dec31;

  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  const TenantId tenant = ctx.principal.tenant_id;
  XB_ASSIGN_OR_RETURN(auto book, internal::LoadRuleBook(*tx, tenant));
  QuotaView view;
  view.id_type = lookup.id_type;
  view.id_number_masked = customs::MaskIdNumber(lookup.id_number);
  view.year = year;
  XB_ASSIGN_OR_RETURN(view.entries,
                      tx->customs().ListQuota(tenant, lookup.id_type, lookup.id_number, year));
  for (auto& e : view.entries) {
    view.used_fen += e.amount_fen;
    e.id_number = view.id_number_masked;
  }
  if (const auto* limit = book.Find(customs::RuleKind::kAnnualLimit, "", on);
      limit != nullptr && limit->amount_fen) {
    view.limit_fen = *limit->amount_fen;
  }
  view.remaining_fen = std::max<std::int64_t>(0, view.limit_fen - view.used_fen);
  return view;
}

// ---- declarations ----

namespace {

void Mask(Declaration& d) {
  d.order.buyer.id_number = customs::MaskIdNumber(d.order.buyer.id_number);
  d.order.buyer_phone = customs::MaskPhone(d.order.buyer_phone);
  d.payment.payer.id_number = customs::MaskIdNumber(d.payment.payer.id_number);
  d.list.buyer.id_number = customs::MaskIdNumber(d.list.buyer.id_number);
}

}  // namespace

Result<std::pair<std::vector<Declaration>, std::int64_t>> CustomsService::ListDeclarations(
    const RequestContext& ctx, const customs::DeclarationQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kReadOrders));
  if (query.limit < 1 || query.limit > 500) return InvalidArgument("limit: 1 to 500", "limit");
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto page, tx->customs().ListDeclarations(ctx.principal.tenant_id, query));
  for (auto& d : page.first) Mask(d);
  return page;
}

Result<DeclarationView> CustomsService::GetDeclaration(const RequestContext& ctx,
                                                       customs::DeclarationId id) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kReadOrders));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  DeclarationView view;
  XB_ASSIGN_OR_RETURN(view.declaration, tx->customs().GetDeclaration(ctx.principal.tenant_id, id));
  XB_ASSIGN_OR_RETURN(view.receipts, tx->customs().ListReceipts(ctx.principal.tenant_id, id));
  Mask(view.declaration);
  return view;
}

Result<Declaration> CustomsService::CancelDeclaration(const RequestContext& ctx,
                                                      customs::DeclarationId id,
                                                      const std::string& reason) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kOperateCustoms));
  if (reason.size() > 500) return InvalidArgument("reason: at most 500 characters", "reason");
  const TenantId tenant = ctx.principal.tenant_id;
  return internal::RetryOnConflict([&]() -> Result<Declaration> {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
    XB_ASSIGN_OR_RETURN(auto d, tx->customs().GetDeclaration(tenant, id));
    if (d.state != DeclarationState::kQueued && d.state != DeclarationState::kSubmitted &&
        d.state != DeclarationState::kAccepted) {
      return FailedPrecondition("declaration " + d.list.list_no + " is " +
                                    std::string(EnumName(d.state)) +
                                    ": only queued, submitted or accepted ones can be cancelled",
                                "state");
    }
    const Timestamp now = clock_.Now();
    d.state = DeclarationState::kCancelled;
    if (!reason.empty()) d.reason = reason;
    d.next_attempt_at.reset();
    d.updated_at = now;
    XB_RETURN_IF_ERROR(tx->customs().UpdateDeclaration(d));
    auto order = tx->orders().GetOrder(tenant, orders::OrderId(d.order_id));
    if (order.ok()) {
      std::vector<orders::OrderEvent> timeline{internal::Note(
          *order,
          "declaration " + d.list.list_no + " cancelled" + (reason.empty() ? "" : ": " + reason),
          now)};
      XB_RETURN_IF_ERROR(tx->orders().AppendEvents(timeline));
    } else if (order.status().code() != ErrorCode::kNotFound) {
      return order.status();
    }
    nlohmann::json payload{{"list_no", d.list.list_no}, {"order_id", d.order_id}};
    XB_RETURN_IF_ERROR(internal::AppendEvent(*tx, tenant, "customs.declaration.cancelled",
                                             "declaration", d.id.value(), ctx.principal.Actor(),
                                             ctx.request_id, payload.dump(), now));
    XB_RETURN_IF_ERROR(tx->Commit());
    Mask(d);
    return d;
  });
}

// ---- queue ----

Result<QueueView> CustomsService::Queue(const RequestContext& ctx) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kReadOrders));
  QueueView view;
  if (submitter_ != nullptr) {
    XB_ASSIGN_OR_RETURN(view.keys, submitter_->Backlog(ctx.principal.tenant_id));
    const SubmitterStats s = submitter_->stats();
    view.submitted_total = s.submitted;
    view.receipts_total = s.receipts_applied;
    view.submitter_running = s.running;
    return view;
  }
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto stats, tx->customs().QueueBacklog(ctx.principal.tenant_id));
  for (auto& s : stats) {
    KeyBacklog k;
    k.signing_key = s.signing_key;
    k.queued = s.queued;
    k.submitted = s.submitted;
    k.oldest_queued_at = s.oldest_queued_at;
    k.rate_per_s = 0;  // nothing submits without a gateway
    view.keys.push_back(std::move(k));
  }
  return view;
}

}  // namespace xb::customs_flow
