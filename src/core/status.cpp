#include "core/status.h"

#include <array>

namespace xb {
namespace {

struct CodeRow {
  ErrorCode code;
  std::string_view name;
  int http;
  int exit;
};

constexpr std::array<CodeRow, 10> kCodes = {{
    {ErrorCode::kOk, "OK", 200, 0},
    {ErrorCode::kInvalidArgument, "INVALID_ARGUMENT", 400, 2},
    {ErrorCode::kUnauthenticated, "UNAUTHENTICATED", 401, 6},
    {ErrorCode::kPermissionDenied, "PERMISSION_DENIED", 403, 6},
    {ErrorCode::kNotFound, "NOT_FOUND", 404, 3},
    {ErrorCode::kAlreadyExists, "ALREADY_EXISTS", 409, 4},
    {ErrorCode::kConflict, "CONFLICT", 409, 4},
    {ErrorCode::kFailedPrecondition, "FAILED_PRECONDITION", 422, 5},
    {ErrorCode::kUnavailable, "UNAVAILABLE", 503, 7},
    {ErrorCode::kInternal, "INTERNAL", 500, 1},
}};

const CodeRow& RowOf(ErrorCode code) {
  for (const auto& row : kCodes) {
    if (row.code == code) return row;
  }
  return kCodes.back();
}

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) { return RowOf(code).name; }

std::optional<ErrorCode> ErrorCodeFromName(std::string_view name) {
  for (const auto& row : kCodes) {
    if (row.name == name) return row.code;
  }
  return std::nullopt;
}

int HttpStatusOf(ErrorCode code) { return RowOf(code).http; }
int ExitCodeOf(ErrorCode code) { return RowOf(code).exit; }

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(ErrorCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Status InvalidArgument(std::string message, std::string field) {
  return {ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
}
Status NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message)}; }
Status AlreadyExists(std::string message, std::string field) {
  return {ErrorCode::kAlreadyExists, std::move(message), std::move(field)};
}
Status Conflict(std::string message) { return {ErrorCode::kConflict, std::move(message)}; }
Status FailedPrecondition(std::string message, std::string field) {
  return {ErrorCode::kFailedPrecondition, std::move(message), std::move(field)};
}
Status PermissionDenied(std::string message) {
  return {ErrorCode::kPermissionDenied, std::move(message)};
}
Status Unauthenticated(std::string message) {
  return {ErrorCode::kUnauthenticated, std::move(message)};
}
Status Unavailable(std::string message) { return {ErrorCode::kUnavailable, std::move(message)}; }
Status Internal(std::string message) { return {ErrorCode::kInternal, std::move(message)}; }

}  // namespace xb
