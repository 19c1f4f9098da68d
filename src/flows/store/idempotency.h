// Idempotent requests (ARCHITECTURE.md): the key a client sends is recorded, with a hash of the
// request and the resource it made, in the same transaction as the change. One implementation
// for every use case; `Context` is a flow's request context (principal, idempotency_key,
// request_hash).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"
#include "flows/store/unit_of_work.h"

namespace xb::store {

// The id of what an earlier request with ctx's key made, if any; the same key with another
// request (or for another kind of resource) is refused.
template <typename Context>
Result<std::optional<std::int64_t>> Replayed(Transaction& tx, const Context& ctx,
                                             std::string_view kind) {
  if (!ctx.idempotency_key) return std::optional<std::int64_t>();
  XB_ASSIGN_OR_RETURN(auto seen,
                      tx.idempotency().Find(ctx.principal.tenant_id, *ctx.idempotency_key));
  if (!seen) return std::optional<std::int64_t>();
  if (seen->request_hash != ctx.request_hash || seen->resource_kind != kind) {
    return InvalidArgument("Idempotency-Key was already used with a different request");
  }
  return std::optional<std::int64_t>(seen->resource_id);
}

// Records ctx's key (if any) for the resource `id` of `kind`, in tx.
template <typename Context>
Status Remember(Transaction& tx, const Context& ctx, std::string_view kind, std::int64_t id,
                Timestamp now) {
  if (!ctx.idempotency_key) return Status::Ok();
  return tx.idempotency().Insert({ctx.principal.tenant_id, *ctx.idempotency_key, ctx.request_hash,
                                  std::string(kind), id, now});
}

}  // namespace xb::store
