// Use cases on master records (SKUs, suppliers, brands, channels, carriers, warehouses, bins):
// create, read, list, patch, archive, bulk import and history. Each write checks the caller's
// role, validates the record and its references, writes the record and its audit event in one
// transaction, and honours an Idempotency-Key. Thread-safe (state lives in the Database).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"
#include "core/time.h"
#include "domain/access/access.h"
#include "domain/events/event_log.h"
#include "flows/store/unit_of_work.h"

namespace xb::masterdata {

// Who asks, under which request id, and (for creates) the retry key with a hash of the body.
struct RequestContext {
  access::Principal principal;
  std::string request_id;
  std::optional<std::string> idempotency_key;
  std::string request_hash;
};

template <class T>
struct Created {
  T record;
  bool replayed = false;  // true when an earlier request with the same Idempotency-Key made it
};

// One bad row of an import: 1-based line in the file (header is line 1), column, reason.
struct RowError {
  std::int64_t line = 0;
  std::string column;
  std::string reason;
};

struct ImportRow {
  std::int64_t line = 0;
  // Field name -> value; only the columns the file has.
  std::vector<std::pair<std::string, FieldValue>> values;
};

struct ImportOutcome {
  std::int64_t created = 0;
  std::int64_t updated = 0;
  std::vector<RowError> errors;  // non-empty: nothing was written
};

// A field change as the audit trail shows it; values rendered as text, nullopt for absent.
struct FieldChange {
  std::string field;
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
};

// Text form of a field value as the audit trail and CSV export show it.
std::optional<std::string> FieldText(const FieldValue& value, FieldType type);

template <class T>
std::vector<FieldChange> Diff(const T* before, const T& after);

class MasterDataService {
 public:
  MasterDataService(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  template <class T>
  Result<Created<T>> Create(const RequestContext& ctx, T draft);
  template <class T>
  Result<T> Get(const access::Principal& principal, std::int64_t id);
  template <class T>
  Result<Page<T>> List(const access::Principal& principal, const ListQuery& query);
  // Applies `patch` to the stored record; kConflict when expected_version is given and stale.
  template <class T>
  Result<T> Update(const RequestContext& ctx, std::int64_t id,
                   const std::function<Status(T&)>& patch,
                   std::optional<std::int64_t> expected_version);
  template <class T>
  Result<T> Archive(const RequestContext& ctx, std::int64_t id);
  // Creates or updates (matched by code) every row, or nothing when any row is bad.
  template <class T>
  // With validate_only, checks every row the same way and writes nothing.
  Result<ImportOutcome> Import(const RequestContext& ctx, const std::vector<ImportRow>& rows,
                               bool validate_only = false);
  // The record's audit trail, oldest first.
  template <class T>
  Result<std::vector<events::BusinessEvent>> History(const access::Principal& principal,
                                                     std::int64_t id);

 private:
  template <class T>
  Status CheckReferences(store::Transaction& tx, const T& rec);
  template <class T>
  Status AppendEvent(store::Transaction& tx, const RequestContext& ctx, std::string_view verb,
                     const T* before, const T& after);

  store::Database& db_;
  const Clock& clock_;
};

// The role action that writes records of type T.
template <class T>
access::Action WriteActionOf();

}  // namespace xb::masterdata
