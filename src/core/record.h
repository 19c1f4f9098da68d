// Master records described by data: each record type lists its fields once (name, type, rules,
// accessors), and the JSON codec, CSV import/export, SQL and in-memory stores, list filters and
// the audit diff are all written once against that list.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"

namespace xb {

// A field's value as stores and codecs see it. monostate is "absent" (a NULL).
using FieldValue = std::variant<std::monostate, std::int64_t, bool, std::string>;

enum class FieldType {
  kInt,        // int64
  kBool,       // bool
  kText,       // UTF-8 string
  kEnum,       // one of `choices`, stored as its text
  kMilli,      // non-negative decimal with 3 decimals, held as thousandths (int64)
  kTimestamp,  // UTC microseconds (int64), rendered as ISO 8601
};

enum FieldFlag : unsigned {
  kRequired = 1U << 0,    // must be present and non-empty on create
  kReadOnly = 1U << 1,    // set by the system (id, version, timestamps), never by a request
  kFilterable = 1U << 2,  // may be used as an equality filter in lists
  kSearchable = 1U << 3,  // matched by the free-text `q` of lists
  kNullable = 1U << 4,    // may be absent
};

template <class T>
struct FieldSpec {
  std::string_view name;
  FieldType type;
  unsigned flags;
  std::span<const std::string_view> choices;  // for kEnum
  FieldValue (*get)(const T&);
  void (*set)(T&, const FieldValue&);  // the value's alternative matches `type` (or monostate)
  std::size_t max_length = 200;        // for kText

  bool has(unsigned flag) const { return (flags & flag) != 0; }
};

enum class RecordStatus { kActive, kArchived };
std::string_view RecordStatusName(RecordStatus s);

template <class T>
struct RecordSpec {
  std::string_view kind;    // "sku": event names, messages
  std::string_view plural;  // "skus": URL segment
  std::string_view table;   // "catalog_sku": owning module prefix
  // Codes are unique per tenant, or per tenant and this field's value (bins: per warehouse).
  std::string_view code_scope;
  std::vector<FieldSpec<T>> fields;

  const FieldSpec<T>* Find(std::string_view name) const {
    for (const auto& f : fields) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }
};

// Fields every master record has. Records inherit from MasterRecord<Tag>.
template <class Tag>
struct MasterRecord {
  Id<Tag> id;
  TenantId tenant_id;
  std::string code;
  std::string name;
  RecordStatus status = RecordStatus::kActive;
  std::int64_t version = 0;
  Timestamp created_at;
  Timestamp updated_at;
};

inline constexpr std::string_view kStatusChoices[] = {"active", "archived"};

// The specs of the MasterRecord fields, to start every record's field list.
template <class T>
std::vector<FieldSpec<T>> CommonFieldSpecs() {
  using V = FieldValue;
  return {
      {"id",
       FieldType::kInt,
       kReadOnly | kFilterable,
       {},
       [](const T& t) -> V { return t.id.value(); },
       [](T& t, const V& v) { t.id = decltype(t.id)(std::get<std::int64_t>(v)); }},
      {"code",
       FieldType::kText,
       kRequired | kSearchable | kFilterable,
       {},
       [](const T& t) -> V { return t.code; },
       [](T& t, const V& v) { t.code = std::get<std::string>(v); },
       64},
      {"name",
       FieldType::kText,
       kRequired | kSearchable,
       {},
       [](const T& t) -> V { return t.name; },
       [](T& t, const V& v) { t.name = std::get<std::string>(v); },
       200},
      {"status", FieldType::kEnum, kReadOnly | kFilterable, kStatusChoices,
       [](const T& t) -> V { return std::string(RecordStatusName(t.status)); },
       [](T& t, const V& v) {
         t.status = std::get<std::string>(v) == "archived" ? RecordStatus::kArchived
                                                           : RecordStatus::kActive;
       }},
      {"version",
       FieldType::kInt,
       kReadOnly,
       {},
       [](const T& t) -> V { return t.version; },
       [](T& t, const V& v) { t.version = std::get<std::int64_t>(v); }},
      {"created_at",
       FieldType::kTimestamp,
       kReadOnly,
       {},
       [](const T& t) -> V { return t.created_at.micros(); },
       [](T& t, const V& v) { t.created_at = Timestamp::FromMicros(std::get<std::int64_t>(v)); }},
      {"updated_at",
       FieldType::kTimestamp,
       kReadOnly,
       {},
       [](const T& t) -> V { return t.updated_at.micros(); },
       [](T& t, const V& v) { t.updated_at = Timestamp::FromMicros(std::get<std::int64_t>(v)); }},
  };
}

// A list request: free text, equality filters on filterable fields, status, paging, order.
struct ListQuery {
  std::string search;
  std::vector<std::pair<std::string, FieldValue>> equals;
  bool include_active = true;
  bool include_archived = false;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
  std::string sort = "id";  // a field name
  bool descending = false;
};

inline constexpr std::int64_t kMaxPageSize = 500;

template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
  std::int64_t limit = 0;
  std::int64_t offset = 0;
};

// The port every master-record store implements. Codes are unique per tenant (and scope);
// updates are optimistic: they fail with kConflict when the stored version moved on.
template <class T>
class RecordStore {
 public:
  virtual ~RecordStore() = default;
  // Stores a new record; `rec.id` is assigned. kAlreadyExists when the code is taken.
  virtual Result<T> Insert(T rec) = 0;
  virtual Result<T> Get(TenantId tenant, std::int64_t id) = 0;
  // scope is the code_scope field's value (0 when the spec has none).
  virtual Result<T> GetByCode(TenantId tenant, std::int64_t scope, std::string_view code) = 0;
  // Writes `rec` (whose version is already incremented) if the stored version equals
  // `expected_version`; kConflict otherwise, kNotFound when absent.
  virtual Status Update(const T& rec, std::int64_t expected_version) = 0;
  virtual Result<Page<T>> List(TenantId tenant, const ListQuery& query) = 0;
};

}  // namespace xb
