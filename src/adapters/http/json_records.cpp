#include "adapters/http/json_records.h"

#include <algorithm>
#include <cmath>

#include "adapters/json_text/json_text.h"
#include "core/text.h"
#include "domain/catalog/sku.h"
#include "domain/partners/partners.h"

namespace xb::http {
namespace {

std::string Choices(std::span<const std::string_view> choices) {
  std::string out;
  for (auto c : choices) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}

// The fields of T in the order nlohmann's object (a std::map) prints them.
template <class T>
const std::vector<const FieldSpec<T>*>& FieldsByName() {
  static const std::vector<const FieldSpec<T>*> sorted = [] {
    std::vector<const FieldSpec<T>*> v;
    for (const auto& f : T::Spec().fields) v.push_back(&f);
    std::sort(v.begin(), v.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
    return v;
  }();
  return sorted;
}

}  // namespace

template <class T>
void AppendRecordJson(const T& rec, std::string& out) {
  char sep = '{';
  for (const auto* f : FieldsByName<T>()) {
    out += sep;
    sep = ',';
    out += '"';
    out += f->name;
    out += "\":";
    const FieldValue v = f->get(rec);
    if (std::holds_alternative<std::monostate>(v)) {
      out += "null";
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      json_text::AppendString(*s, out);
    } else if (const auto* b = std::get_if<bool>(&v)) {
      out += *b ? "true" : "false";
    } else {
      const auto n = std::get<std::int64_t>(v);
      if (f->type == FieldType::kTimestamp) {
        out += '"';  // ISO 8601 text needs no escaping
        out += Timestamp::FromMicros(n).ToIso8601();
        out += '"';
      } else if (f->type == FieldType::kMilli) {
        out += nlohmann::json(static_cast<double>(n) / 1000.0).dump();
      } else {
        json_text::AppendInt(n, out);
      }
    }
  }
  out += sep == '{' ? "{}" : "}";
}

template <class T>
nlohmann::json RecordToJson(const T& rec) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& f : T::Spec().fields) {
    const FieldValue v = f.get(rec);
    const std::string name(f.name);
    if (std::holds_alternative<std::monostate>(v)) {
      out[name] = nullptr;
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      out[name] = *s;
    } else if (const auto* b = std::get_if<bool>(&v)) {
      out[name] = *b;
    } else {
      const auto n = std::get<std::int64_t>(v);
      if (f.type == FieldType::kTimestamp) {
        out[name] = Timestamp::FromMicros(n).ToIso8601();
      } else if (f.type == FieldType::kMilli) {
        out[name] = static_cast<double>(n) / 1000.0;
      } else {
        out[name] = n;
      }
    }
  }
  return out;
}

template <class T>
Result<FieldValue> JsonToField(const FieldSpec<T>& f, const nlohmann::json& v) {
  const std::string name(f.name);
  if (v.is_null()) {
    if (f.has(kNullable)) return FieldValue{};
    return InvalidArgument(name + ": cannot be null", name);
  }
  switch (f.type) {
    case FieldType::kText: {
      if (!v.is_string()) return InvalidArgument(name + ": must be a string", name);
      const auto& s = v.get_ref<const std::string&>();
      if (!IsCleanUtf8(s)) return InvalidArgument(name + ": holds control characters", name);
      std::string trimmed(Trim(s));
      if (trimmed.empty() && f.has(kNullable)) return FieldValue{};
      return FieldValue(std::move(trimmed));
    }
    case FieldType::kEnum: {
      if (!v.is_string()) return InvalidArgument(name + ": must be a string", name);
      const auto& s = v.get_ref<const std::string&>();
      for (auto c : f.choices) {
        if (c == s) return FieldValue(s);
      }
      return InvalidArgument(name + ": must be one of " + Choices(f.choices), name);
    }
    case FieldType::kInt:
      if (!v.is_number_integer()) return InvalidArgument(name + ": must be an integer", name);
      if (v.is_number_unsigned() &&
          v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
        return InvalidArgument(name + ": is too large", name);
      }
      return FieldValue(v.get<std::int64_t>());
    case FieldType::kBool:
      if (!v.is_boolean()) return InvalidArgument(name + ": must be true or false", name);
      return FieldValue(v.get<bool>());
    case FieldType::kMilli: {
      std::optional<std::int64_t> milli;
      if (v.is_string()) {
        milli = ParseMilli(v.get_ref<const std::string&>());
      } else if (v.is_number_integer()) {
        const auto n = v.get<std::int64_t>();
        if (n >= 0 && n < 1'000'000'000'000) milli = n * 1000;
      } else if (v.is_number_float()) {
        const double d = v.get<double>();
        const double scaled = d * 1000.0;
        const auto rounded = std::llround(scaled);
        if (d >= 0 && d < 1e12 && std::abs(scaled - static_cast<double>(rounded)) < 1e-6) {
          milli = rounded;
        }
      }
      if (!milli) {
        return InvalidArgument(name + ": must be a non-negative number with at most 3 decimals",
                               name);
      }
      return FieldValue(*milli);
    }
    case FieldType::kTimestamp: {
      if (!v.is_string()) return InvalidArgument(name + ": must be an ISO 8601 time", name);
      auto t = Timestamp::ParseIso8601(v.get_ref<const std::string&>());
      if (!t.ok()) return InvalidArgument(name + ": " + t.status().message(), name);
      return FieldValue(t->micros());
    }
  }
  return Internal("unhandled field type");
}

template <class T>
Result<FieldValue> TextToField(const FieldSpec<T>& f, const std::string& text) {
  const std::string name(f.name);
  if (text == "null" && f.has(kNullable)) return FieldValue{};
  switch (f.type) {
    case FieldType::kInt:
    case FieldType::kTimestamp: {
      auto n = ParseInt64(text);
      if (!n) return InvalidArgument(name + ": must be an integer", name);
      return FieldValue(*n);
    }
    case FieldType::kMilli: {
      auto m = ParseMilli(text);
      if (!m) return InvalidArgument(name + ": must be a number", name);
      return FieldValue(*m);
    }
    case FieldType::kBool:
      if (text == "true" || text == "1") return FieldValue(true);
      if (text == "false" || text == "0") return FieldValue(false);
      return InvalidArgument(name + ": must be true or false", name);
    case FieldType::kEnum:
      for (auto c : f.choices) {
        if (c == text) return FieldValue(text);
      }
      return InvalidArgument(name + ": must be one of " + Choices(f.choices), name);
    case FieldType::kText:
      return FieldValue(text);
  }
  return Internal("unhandled field type");
}

template <class T>
Status ApplyJson(const nlohmann::json& body, BodyMode mode, T& rec,
                 std::optional<std::int64_t>* expected_version) {
  if (!body.is_object()) return InvalidArgument("the body must be a JSON object");
  const auto& spec = T::Spec();
  for (const auto& [key, value] : body.items()) {
    if (key == "version" && mode == BodyMode::kPatch && expected_version != nullptr) {
      if (!value.is_number_integer())
        return InvalidArgument("version: must be an integer", "version");
      *expected_version = value.template get<std::int64_t>();
      continue;
    }
    const auto* f = spec.Find(key);
    if (f == nullptr) return InvalidArgument("unknown field '" + key + "'", key);
    if (f->has(kReadOnly)) return InvalidArgument(key + ": is read-only", key);
    if (mode == BodyMode::kPatch && key == spec.code_scope) {
      return InvalidArgument(key + ": cannot be changed", key);
    }
    XB_ASSIGN_OR_RETURN(FieldValue fv, JsonToField(*f, value));
    f->set(rec, fv);
  }
  if (mode == BodyMode::kCreate) {
    for (const auto& f : spec.fields) {
      if (f.has(kRequired) && !f.has(kReadOnly) && !body.contains(std::string(f.name))) {
        return InvalidArgument(std::string(f.name) + ": is required", std::string(f.name));
      }
    }
  }
  return Status::Ok();
}

#define XB_JSON_INSTANTIATE(T)                                                                     \
  template nlohmann::json RecordToJson<T>(const T&);                                               \
  template void AppendRecordJson<T>(const T&, std::string&);                                       \
  template Status ApplyJson<T>(const nlohmann::json&, BodyMode, T&, std::optional<std::int64_t>*); \
  template Result<FieldValue> JsonToField<T>(const FieldSpec<T>&, const nlohmann::json&);          \
  template Result<FieldValue> TextToField<T>(const FieldSpec<T>&, const std::string&);
XB_JSON_INSTANTIATE(catalog::Sku)
XB_JSON_INSTANTIATE(partners::Supplier)
XB_JSON_INSTANTIATE(partners::Brand)
XB_JSON_INSTANTIATE(partners::Channel)
XB_JSON_INSTANTIATE(partners::Carrier)
XB_JSON_INSTANTIATE(partners::Warehouse)
XB_JSON_INSTANTIATE(partners::Bin)

}  // namespace xb::http
