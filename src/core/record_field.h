// Field<T, &T::member>(name, flags): builds a FieldSpec from a member pointer, so a record's field
// list is one line per field. Supported member types: std::string, std::int64_t, bool, Milli,
// Timestamp, Id<Tag>, enums with an ADL-visible EnumChoices(E) and std::optional of any of these.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/record.h"
#include "core/text.h"

namespace xb {

// A non-negative decimal held in thousandths (legal quantity 20.5 g -> 20500).
struct Milli {
  std::int64_t value = 0;
  friend bool operator==(const Milli&, const Milli&) = default;
};

namespace record_internal {

template <class V>
struct IsOptional : std::false_type {};
template <class V>
struct IsOptional<std::optional<V>> : std::true_type {
  using Inner = V;
};
template <class V>
struct Unwrap {
  using type = V;
};
template <class V>
struct Unwrap<std::optional<V>> {
  using type = V;
};
template <class V>
struct IsId : std::false_type {};
template <class Tag>
struct IsId<Id<Tag>> : std::true_type {};

template <class V>
constexpr FieldType TypeOf() {
  if constexpr (std::is_same_v<V, std::string>)
    return FieldType::kText;
  else if constexpr (std::is_same_v<V, bool>)
    return FieldType::kBool;
  else if constexpr (std::is_same_v<V, Milli>)
    return FieldType::kMilli;
  else if constexpr (std::is_same_v<V, Timestamp>)
    return FieldType::kTimestamp;
  else if constexpr (std::is_enum_v<V>)
    return FieldType::kEnum;
  else
    return FieldType::kInt;  // std::int64_t and Id<Tag>
}

template <class V>
FieldValue ToValue(const V& v) {
  if constexpr (IsOptional<V>::value) {
    if (!v) return std::monostate{};
    return ToValue(*v);
  } else if constexpr (std::is_same_v<V, std::string>) {
    return v;
  } else if constexpr (std::is_same_v<V, bool>) {
    return v;
  } else if constexpr (std::is_same_v<V, Milli>) {
    return v.value;
  } else if constexpr (std::is_same_v<V, Timestamp>) {
    return v.micros();
  } else if constexpr (std::is_enum_v<V>) {
    return std::string(EnumChoices(V{})[static_cast<std::size_t>(v)]);
  } else if constexpr (IsId<V>::value) {
    return v.value();
  } else {
    return static_cast<std::int64_t>(v);
  }
}

template <class V>
void FromValue(const FieldValue& fv, V& out) {
  if constexpr (IsOptional<V>::value) {
    if (std::holds_alternative<std::monostate>(fv)) {
      out.reset();
    } else {
      typename IsOptional<V>::Inner inner{};
      FromValue(fv, inner);
      out = std::move(inner);
    }
  } else if (std::holds_alternative<std::monostate>(fv)) {
    out = V{};
  } else if constexpr (std::is_same_v<V, std::string>) {
    out = std::get<std::string>(fv);
  } else if constexpr (std::is_same_v<V, bool>) {
    out = std::get<bool>(fv);
  } else if constexpr (std::is_same_v<V, Milli>) {
    out.value = std::get<std::int64_t>(fv);
  } else if constexpr (std::is_same_v<V, Timestamp>) {
    out = Timestamp::FromMicros(std::get<std::int64_t>(fv));
  } else if constexpr (std::is_enum_v<V>) {
    const auto choices = EnumChoices(V{});
    const auto& text = std::get<std::string>(fv);
    for (std::size_t i = 0; i < choices.size(); ++i) {
      if (choices[i] == text) out = static_cast<V>(i);
    }
  } else if constexpr (IsId<V>::value) {
    out = V(std::get<std::int64_t>(fv));
  } else {
    out = std::get<std::int64_t>(fv);
  }
}

template <class V>
std::span<const std::string_view> ChoicesOf() {
  if constexpr (IsOptional<V>::value) {
    return ChoicesOf<typename IsOptional<V>::Inner>();
  } else if constexpr (std::is_enum_v<V>) {
    return EnumChoices(V{});
  } else {
    return {};
  }
}

}  // namespace record_internal

template <class T, auto Member>
FieldSpec<T> Field(std::string_view name, unsigned flags, std::size_t max_length = 200) {
  using V = std::remove_cvref_t<decltype(std::declval<T&>().*Member)>;
  constexpr unsigned kNullableFlag = record_internal::IsOptional<V>::value ? kNullable : 0U;
  return FieldSpec<T>{name,
                      record_internal::TypeOf<typename record_internal::Unwrap<V>::type>(),
                      flags | kNullableFlag,
                      record_internal::ChoicesOf<V>(),
                      [](const T& t) -> FieldValue { return record_internal::ToValue(t.*Member); },
                      [](T& t, const FieldValue& v) { record_internal::FromValue(v, t.*Member); },
                      max_length};
}

// Looks up an enum by its text; nullopt when it is not one of the choices.
template <class E>
std::optional<E> EnumFromName(std::string_view name) {
  const auto choices = EnumChoices(E{});
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <class E>
std::string_view EnumName(E e) {
  return EnumChoices(E{})[static_cast<std::size_t>(e)];
}

// Checks what the field list alone can say: required fields present, text length and encoding,
// enum choices, non-negative numbers. Record-specific rules are checked by the record's Validate.
template <class T>
Status CheckFields(const RecordSpec<T>& spec, const T& rec) {
  for (const auto& f : spec.fields) {
    const FieldValue v = f.get(rec);
    if (std::holds_alternative<std::monostate>(v)) {
      if (f.has(kRequired))
        return InvalidArgument(std::string(f.name) + ": is required", std::string(f.name));
      continue;
    }
    if (const auto* s = std::get_if<std::string>(&v)) {
      if (f.has(kRequired) && s->empty()) {
        return InvalidArgument(std::string(f.name) + ": is required", std::string(f.name));
      }
      if (s->size() > f.max_length) {
        return InvalidArgument(
            std::string(f.name) + ": longer than " + std::to_string(f.max_length) + " bytes",
            std::string(f.name));
      }
      if (!IsCleanUtf8(*s)) {
        return InvalidArgument(std::string(f.name) + ": is not clean UTF-8 text",
                               std::string(f.name));
      }
    }
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      if (*n < 0 && !f.has(kReadOnly)) {
        return InvalidArgument(std::string(f.name) + ": must not be negative", std::string(f.name));
      }
    }
  }
  return Status::Ok();
}

}  // namespace xb
