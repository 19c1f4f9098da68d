// JSON for master records, written once against the record's field list: rendering, and parsing
// a create or patch body with a 400 that names the field for unknown fields, wrong types,
// read-only fields and values outside an enum.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/record.h"

namespace xb::http {

enum class BodyMode { kCreate, kPatch };

template <class T>
nlohmann::json RecordToJson(const T& rec);

// Appends exactly the text of RecordToJson(rec).dump() (keys in name order, as nlohmann orders
// them) without building the JSON object: the fast path of every response that carries records.
template <class T>
void AppendRecordJson(const T& rec, std::string& out);

// Applies the fields of `body` to `rec`. In kCreate mode every required field must be present.
// In kPatch mode "version" is accepted and returned through expected_version.
template <class T>
Status ApplyJson(const nlohmann::json& body, BodyMode mode, T& rec,
                 std::optional<std::int64_t>* expected_version);

// Converts one JSON value to a field value for `field`, or explains why it does not fit.
template <class T>
Result<FieldValue> JsonToField(const FieldSpec<T>& field, const nlohmann::json& value);

// A field value parsed from query text (list filters): ints, bools, enums, text.
template <class T>
Result<FieldValue> TextToField(const FieldSpec<T>& field, const std::string& text);

}  // namespace xb::http
