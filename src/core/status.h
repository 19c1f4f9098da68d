// Status and Result<T>: how every layer reports failure. A small, closed set of codes, each
// mapped once to an HTTP status and a process exit code. Values, not exceptions.
#pragma once

#include <cassert>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace xb {

enum class ErrorCode {
  kOk = 0,
  // The caller sent something malformed or out of range; retrying the same request fails again.
  kInvalidArgument,
  // No credentials, or credentials that match nothing.
  kUnauthenticated,
  // Credentials are valid but the role may not do this.
  kPermissionDenied,
  // The addressed record does not exist (or belongs to another tenant).
  kNotFound,
  // A create would duplicate a unique key (a code, a tenant code).
  kAlreadyExists,
  // A concurrent change won: stale version, lost race. Re-read and retry.
  kConflict,
  // The request is well formed but the system's state forbids it (archived record, rule refusal).
  kFailedPrecondition,
  // A dependency (database, gateway) is down or overloaded; retry later.
  kUnavailable,
  // A bug or an invariant broken inside the system.
  kInternal,
};

// The canonical upper-case name ("INVALID_ARGUMENT") used in API error bodies.
std::string_view ErrorCodeName(ErrorCode code);
// Parses a canonical name; nullopt when unknown.
std::optional<ErrorCode> ErrorCodeFromName(std::string_view name);
int HttpStatusOf(ErrorCode code);
// Process exit codes: 0 ok, 2 invalid input, 3 not found, 4 conflict/exists, 5 precondition,
// 6 auth, 7 unavailable, 1 internal.
int ExitCodeOf(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The request field to blame, when one is (e.g. "gtin"); empty otherwise.
  const std::string& field() const { return field_; }
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::string field_;
};

Status InvalidArgument(std::string message, std::string field = {});
Status NotFound(std::string message);
Status AlreadyExists(std::string message, std::string field = {});
Status Conflict(std::string message);
Status FailedPrecondition(std::string message, std::string field = {});
Status PermissionDenied(std::string message);
Status Unauthenticated(std::string message);
Status Unavailable(std::string message);
Status Internal(std::string message);

// Either a value or a non-OK Status.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(v_).ok()) std::abort();   // an OK status carries no value
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace xb

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define XB_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::xb::Status xb_status_ = (expr);        \
    if (!xb_status_.ok()) return xb_status_; \
  } while (false)

#define XB_CONCAT_INNER(a, b) a##b
#define XB_CONCAT(a, b) XB_CONCAT_INNER(a, b)
// Declares `lhs` from a Result, returning its Status early when not OK.
#define XB_ASSIGN_OR_RETURN(lhs, expr) \
  XB_ASSIGN_OR_RETURN_IMPL(XB_CONCAT(xb_result_, __LINE__), lhs, expr)
#define XB_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
