#include "flows/masterdata/master_data_service.h"

#include <nlohmann/json.hpp>
#include <set>

#include "core/text.h"

namespace xb::masterdata {

using access::Action;

std::optional<std::string> FieldText(const FieldValue& value, FieldType type) {
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  const auto n = std::get<std::int64_t>(value);
  if (type == FieldType::kMilli) return FormatMilli(n);
  if (type == FieldType::kTimestamp) return Timestamp::FromMicros(n).ToIso8601();
  return std::to_string(n);
}

template <class T>
std::vector<FieldChange> Diff(const T* before, const T& after) {
  std::vector<FieldChange> changes;
  for (const auto& f : T::Spec().fields) {
    if (f.name == "version" || f.name == "updated_at" || f.name == "created_at") continue;
    const FieldValue now = f.get(after);
    const FieldValue was = before ? f.get(*before) : FieldValue{};
    if (before && now == was) continue;
    if (!before && std::holds_alternative<std::monostate>(now)) continue;
    changes.push_back({std::string(f.name), FieldText(was, f.type), FieldText(now, f.type)});
  }
  return changes;
}

template <>
Action WriteActionOf<catalog::Sku>() {
  return Action::kWriteCatalog;
}
template <>
Action WriteActionOf<partners::Supplier>() {
  return Action::kWriteSuppliers;
}
template <>
Action WriteActionOf<partners::Brand>() {
  return Action::kWriteSuppliers;
}
template <>
Action WriteActionOf<partners::Channel>() {
  return Action::kWriteChannels;
}
template <>
Action WriteActionOf<partners::Carrier>() {
  return Action::kWriteCarriers;
}
template <>
Action WriteActionOf<partners::Warehouse>() {
  return Action::kWriteWarehouses;
}
template <>
Action WriteActionOf<partners::Bin>() {
  return Action::kWriteWarehouses;
}

namespace {

template <class R>
Status RequireActive(store::Transaction& tx, TenantId tenant, std::int64_t id,
                     std::string_view field) {
  auto found = store::Records<R>(tx).Get(tenant, id);
  if (!found.ok()) {
    if (found.status().code() == ErrorCode::kNotFound) {
      return InvalidArgument(std::string(field) + ": no " + std::string(R::Spec().kind) +
                                 " with id " + std::to_string(id),
                             std::string(field));
    }
    return found.status();
  }
  if (found->status == RecordStatus::kArchived) {
    return FailedPrecondition(std::string(field) + ": " + std::string(R::Spec().kind) + " " +
                                  std::to_string(id) + " is archived",
                              std::string(field));
  }
  return Status::Ok();
}

template <class T>
std::int64_t ScopeOf(const T& rec) {
  if constexpr (std::is_same_v<T, partners::Bin>) {
    return rec.warehouse_id;
  } else {
    (void)rec;
    return 0;
  }
}

}  // namespace

template <class T>
Status MasterDataService::CheckReferences(store::Transaction& tx, const T& rec) {
  if constexpr (std::is_same_v<T, catalog::Sku>) {
    if (rec.brand_id)
      return RequireActive<partners::Brand>(tx, rec.tenant_id, *rec.brand_id, "brand_id");
  } else if constexpr (std::is_same_v<T, partners::Brand>) {
    if (rec.owner_supplier_id) {
      return RequireActive<partners::Supplier>(tx, rec.tenant_id, *rec.owner_supplier_id,
                                               "owner_supplier_id");
    }
  } else if constexpr (std::is_same_v<T, partners::Bin>) {
    return RequireActive<partners::Warehouse>(tx, rec.tenant_id, rec.warehouse_id, "warehouse_id");
  }
  (void)tx;
  (void)rec;
  return Status::Ok();
}

template <class T>
Status MasterDataService::AppendEvent(store::Transaction& tx, const RequestContext& ctx,
                                      std::string_view verb, const T* before, const T& after) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : Diff(before, after)) {
    changes.push_back({{"field", c.field},
                       {"old", c.old_value ? nlohmann::json(*c.old_value) : nlohmann::json()},
                       {"new", c.new_value ? nlohmann::json(*c.new_value) : nlohmann::json()}});
  }
  events::BusinessEvent event;
  event.tenant_id = after.tenant_id;
  event.type = std::string(T::Spec().kind) + "." + std::string(verb);
  event.entity = std::string(T::Spec().kind);
  event.entity_id = after.id.value();
  event.actor = ctx.principal.Actor();
  event.request_id = ctx.request_id;
  event.at = after.updated_at;
  event.payload =
      nlohmann::json{
          {"code", after.code}, {"version", after.version}, {"changes", std::move(changes)}}
          .dump();
  auto seq = tx.events().Append(std::move(event));
  return seq.ok() ? Status::Ok() : seq.status();
}

template <class T>
Result<Created<T>> MasterDataService::Create(const RequestContext& ctx, T draft) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, WriteActionOf<T>()));
  const TenantId tenant = ctx.principal.tenant_id;
  draft.tenant_id = tenant;
  draft.status = RecordStatus::kActive;
  if (draft.name.empty()) draft.name = draft.code;  // records whose name is optional
  XB_RETURN_IF_ERROR(Validate(draft));
  // The record an earlier request with the same Idempotency-Key made, if there was one.
  const auto replay = [&](store::Transaction& tx) -> Result<std::optional<Created<T>>> {
    if (!ctx.idempotency_key) return std::optional<Created<T>>();
    XB_ASSIGN_OR_RETURN(auto seen, tx.idempotency().Find(tenant, *ctx.idempotency_key));
    if (!seen) return std::optional<Created<T>>();
    if (seen->request_hash != ctx.request_hash || seen->resource_kind != T::Spec().kind) {
      return InvalidArgument("Idempotency-Key was already used with a different request");
    }
    XB_ASSIGN_OR_RETURN(T existing, store::Records<T>(tx).Get(tenant, seen->resource_id));
    return std::optional<Created<T>>(Created<T>{std::move(existing), true});
  };
  const auto create = [&]() -> Result<Created<T>> {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
    XB_ASSIGN_OR_RETURN(auto earlier, replay(*tx));
    if (earlier) return std::move(*earlier);
    XB_RETURN_IF_ERROR(CheckReferences(*tx, draft));
    const Timestamp now = clock_.Now();
    draft.created_at = now;
    draft.updated_at = now;
    draft.version = 1;
    XB_ASSIGN_OR_RETURN(T stored, store::Records<T>(*tx).Insert(std::move(draft)));
    XB_RETURN_IF_ERROR(AppendEvent<T>(*tx, ctx, "created", nullptr, stored));
    if (ctx.idempotency_key) {
      XB_RETURN_IF_ERROR(
          tx->idempotency().Insert({tenant, *ctx.idempotency_key, ctx.request_hash,
                                    std::string(T::Spec().kind), stored.id.value(), now}));
    }
    XB_RETURN_IF_ERROR(tx->Commit());
    return Created<T>{std::move(stored), false};
  };
  auto created = create();
  if (created.ok() || created.status().code() != ErrorCode::kAlreadyExists ||
      !ctx.idempotency_key) {
    return created;
  }
  // Retries that arrive together can all miss the key (READ COMMITTED) and race to insert; the
  // losers fail on the code or the key once the winner commits. Answer them with its record.
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto earlier, replay(*tx));
  if (earlier) return std::move(*earlier);
  return created;
}

template <class T>
Result<T> MasterDataService::Get(const access::Principal& principal, std::int64_t id) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadMasterData));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return store::Records<T>(*tx).Get(principal.tenant_id, id);
}

template <class T>
Result<Page<T>> MasterDataService::List(const access::Principal& principal,
                                        const ListQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadMasterData));
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return InvalidArgument("limit: must be 1.." + std::to_string(kMaxPageSize), "limit");
  }
  if (query.offset < 0) return InvalidArgument("offset: must not be negative", "offset");
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return store::Records<T>(*tx).List(principal.tenant_id, query);
}

template <class T>
Result<T> MasterDataService::Update(const RequestContext& ctx, std::int64_t id,
                                    const std::function<Status(T&)>& patch,
                                    std::optional<std::int64_t> expected_version) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, WriteActionOf<T>()));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(T before, store::Records<T>(*tx).Get(ctx.principal.tenant_id, id));
  if (expected_version && *expected_version != before.version) {
    return Conflict(std::string(T::Spec().kind) + " " + std::to_string(id) + " is at version " +
                    std::to_string(before.version) + ", not " + std::to_string(*expected_version));
  }
  if (before.status == RecordStatus::kArchived) {
    return FailedPrecondition(std::string(T::Spec().kind) + " " + std::to_string(id) +
                              " is archived");
  }
  T after = before;
  XB_RETURN_IF_ERROR(patch(after));
  after.id = before.id;
  after.tenant_id = before.tenant_id;
  after.status = before.status;
  after.created_at = before.created_at;
  if (ScopeOf(after) != ScopeOf(before)) {
    return InvalidArgument("warehouse_id: a bin cannot move to another warehouse", "warehouse_id");
  }
  XB_RETURN_IF_ERROR(Validate(after));
  if (Diff(&before, after).empty()) return before;  // nothing changed: no version, no event
  XB_RETURN_IF_ERROR(CheckReferences(*tx, after));
  after.version = before.version + 1;
  after.updated_at = clock_.Now();
  XB_RETURN_IF_ERROR(store::Records<T>(*tx).Update(after, before.version));
  XB_RETURN_IF_ERROR(AppendEvent<T>(*tx, ctx, "updated", &before, after));
  XB_RETURN_IF_ERROR(tx->Commit());
  return after;
}

template <class T>
Result<T> MasterDataService::Archive(const RequestContext& ctx, std::int64_t id) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, WriteActionOf<T>()));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(T before, store::Records<T>(*tx).Get(ctx.principal.tenant_id, id));
  if (before.status == RecordStatus::kArchived) return before;  // archiving twice is a no-op
  T after = before;
  after.status = RecordStatus::kArchived;
  after.version = before.version + 1;
  after.updated_at = clock_.Now();
  XB_RETURN_IF_ERROR(store::Records<T>(*tx).Update(after, before.version));
  XB_RETURN_IF_ERROR(AppendEvent<T>(*tx, ctx, "archived", &before, after));
  XB_RETURN_IF_ERROR(tx->Commit());
  return after;
}

template <class T>
Result<ImportOutcome> MasterDataService::Import(const RequestContext& ctx,
                                                const std::vector<ImportRow>& rows,
                                                bool validate_only) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, WriteActionOf<T>()));
  const TenantId tenant = ctx.principal.tenant_id;
  const auto& spec = T::Spec();
  ImportOutcome outcome;
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  const Timestamp now = clock_.Now();
  std::set<std::pair<std::int64_t, std::string>> seen_codes;
  struct Pending {
    std::optional<T> before;
    T after;
  };
  std::vector<Pending> pending;
  pending.reserve(rows.size());
  for (const auto& row : rows) {
    std::string code;
    for (const auto& [name, value] : row.values) {
      if (name == "code" && std::holds_alternative<std::string>(value)) {
        code = std::get<std::string>(value);
      }
    }
    T rec{};
    std::optional<T> before;
    // Rows are matched to existing records by code (and scope, for bins).
    std::int64_t scope = 0;
    for (const auto& [name, value] : row.values) {
      if (name == spec.code_scope && std::holds_alternative<std::int64_t>(value)) {
        scope = std::get<std::int64_t>(value);
      }
    }
    if (!code.empty()) {
      auto existing = store::Records<T>(*tx).GetByCode(tenant, scope, code);
      if (existing.ok()) {
        before = *existing;
        rec = *existing;
      } else if (existing.status().code() != ErrorCode::kNotFound) {
        return existing.status();
      }
    }
    for (const auto& [name, value] : row.values) {
      const auto* f = spec.Find(name);
      if (f != nullptr && !f->has(kReadOnly)) f->set(rec, value);
    }
    rec.tenant_id = tenant;
    if (rec.name.empty()) rec.name = rec.code;
    Status st = Validate(rec);
    if (st.ok()) st = CheckReferences(*tx, rec);
    if (st.ok() && before && before->status == RecordStatus::kArchived) {
      st = FailedPrecondition("code: " + code + " is archived", "code");
    }
    if (st.ok() && !seen_codes.insert({scope, code}).second) {
      st = InvalidArgument("code: " + code + " appears twice in the file", "code");
    }
    if (!st.ok()) {
      std::string reason = st.message();
      const std::string prefix = st.field() + ": ";
      if (!st.field().empty() && reason.rfind(prefix, 0) == 0)
        reason = reason.substr(prefix.size());
      outcome.errors.push_back({row.line, st.field(), reason});
      continue;
    }
    pending.push_back({std::move(before), std::move(rec)});
  }
  // The transaction rolls back: nothing is written.
  if (!outcome.errors.empty() || validate_only) return outcome;
  for (auto& p : pending) {
    T& rec = p.after;
    if (p.before) {
      if (Diff(&*p.before, rec).empty()) continue;
      rec.version = p.before->version + 1;
      rec.updated_at = now;
      XB_RETURN_IF_ERROR(store::Records<T>(*tx).Update(rec, p.before->version));
      XB_RETURN_IF_ERROR(AppendEvent<T>(*tx, ctx, "updated", &*p.before, rec));
      ++outcome.updated;
    } else {
      rec.version = 1;
      rec.created_at = now;
      rec.updated_at = now;
      XB_ASSIGN_OR_RETURN(T stored, store::Records<T>(*tx).Insert(rec));
      XB_RETURN_IF_ERROR(AppendEvent<T>(*tx, ctx, "created", nullptr, stored));
      ++outcome.created;
    }
  }
  XB_RETURN_IF_ERROR(tx->Commit());
  return outcome;
}

template <class T>
Result<std::vector<events::BusinessEvent>> MasterDataService::History(
    const access::Principal& principal, std::int64_t id) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadMasterData));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(T rec, store::Records<T>(*tx).Get(principal.tenant_id, id));
  events::EventQuery query;
  query.entity = std::string(T::Spec().kind);
  query.entity_id = rec.id.value();
  query.limit = 1000;
  return tx->events().List(principal.tenant_id, query);
}

#define XB_INSTANTIATE(T)                                                                          \
  template std::vector<FieldChange> Diff<T>(const T*, const T&);                                   \
  template Result<Created<T>> MasterDataService::Create<T>(const RequestContext&, T);              \
  template Result<T> MasterDataService::Get<T>(const access::Principal&, std::int64_t);            \
  template Result<Page<T>> MasterDataService::List<T>(const access::Principal&, const ListQuery&); \
  template Result<T> MasterDataService::Update<T>(const RequestContext&, std::int64_t,             \
                                                  const std::function<Status(T&)>&,                \
                                                  std::optional<std::int64_t>);                    \
  template Result<T> MasterDataService::Archive<T>(const RequestContext&, std::int64_t);           \
  template Result<ImportOutcome> MasterDataService::Import<T>(                                     \
      const RequestContext&, const std::vector<ImportRow>&, bool);                                 \
  template Result<std::vector<events::BusinessEvent>> MasterDataService::History<T>(               \
      const access::Principal&, std::int64_t);

XB_INSTANTIATE(catalog::Sku)
XB_INSTANTIATE(partners::Supplier)
XB_INSTANTIATE(partners::Brand)
XB_INSTANTIATE(partners::Channel)
XB_INSTANTIATE(partners::Carrier)
XB_INSTANTIATE(partners::Warehouse)
XB_INSTANTIATE(partners::Bin)

}  // namespace xb::masterdata
