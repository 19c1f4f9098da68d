// JSON text written straight into a std::string, byte for byte what nlohmann::json's
// dump(-1, ' ', false, error_handler_t::replace) prints for the same value, without building a
// json tree first: the record views, the order-intake answer and the declaration documents are
// written this way on hot paths. Stateless functions; an Object belongs to one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace xb::json_text {

// Appends `s` as a JSON string: quote, backslash and control characters escaped (\b \t \n \f \r,
// the others as \u00xx), every other byte of valid UTF-8 as it is (no \u escapes). Text that is
// not valid UTF-8 (RFC 3629) goes through nlohmann itself, which replaces each invalid sequence
// with U+FFFD; so the output is always valid UTF-8 and always what dump() with `replace` prints.
void AppendString(std::string_view s, std::string& out);

// Appends `n` in decimal, as dump() prints an integer.
void AppendInt(std::int64_t n, std::string& out);

// One JSON object, written member by member: '{' when made, '}' when destroyed. nlohmann prints
// an object's keys in byte order, so callers add the members in that order; keys are written as
// given (plain ASCII names, no escaping).
class Object {
 public:
  explicit Object(std::string& out) : out_(out) { out_ += '{'; }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  ~Object() { out_ += '}'; }

  // Writes the key; the caller appends the value to the string returned (an array, an Object).
  std::string& Key(std::string_view key) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += key;
    out_ += "\":";
    return out_;
  }
  void Text(std::string_view key, std::string_view value) { AppendString(value, Key(key)); }
  void Int(std::string_view key, std::int64_t value) { AppendInt(value, Key(key)); }
  void Bool(std::string_view key, bool value) { Key(key) += value ? "true" : "false"; }
  void Null(std::string_view key) { Key(key) += "null"; }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace xb::json_text
