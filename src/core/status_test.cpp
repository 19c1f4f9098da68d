#include "core/status.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb {
namespace {

struct CodeCase {
  ErrorCode code;
  const char* name;
  int http;
  int exit;
};

const std::vector<CodeCase>& AllCodes() {
  static const std::vector<CodeCase> cases = {
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
  };
  return cases;
}

TEST(ErrorCodeTest, EveryCodeHasItsCanonicalNameHttpStatusAndExitCode) {
  for (const auto& c : AllCodes()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ErrorCodeName(c.code), c.name);
    EXPECT_EQ(HttpStatusOf(c.code), c.http);
    EXPECT_EQ(ExitCodeOf(c.code), c.exit);
  }
}

TEST(ErrorCodeTest, NamesParseBackToTheirCodes) {
  for (const auto& c : AllCodes()) {
    SCOPED_TRACE(c.name);
    const auto parsed = ErrorCodeFromName(c.name);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, c.code);
  }
}

TEST(ErrorCodeTest, UnknownOrWronglyCasedNamesDoNotParse) {
  EXPECT_FALSE(ErrorCodeFromName("").has_value());
  EXPECT_FALSE(ErrorCodeFromName("not_found").has_value());
  EXPECT_FALSE(ErrorCodeFromName("TEAPOT").has_value());
}

TEST(ErrorCodeTest, AnOutOfRangeCodeIsTreatedAsInternal) {
  const auto bogus = static_cast<ErrorCode>(99);
  EXPECT_EQ(ErrorCodeName(bogus), "INTERNAL");
  EXPECT_EQ(HttpStatusOf(bogus), 500);
  EXPECT_EQ(ExitCodeOf(bogus), 1);
}

TEST(StatusTest, DefaultStatusIsOk) {
  const Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.field(), "");
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, ToStringIsTheCodeNameAndTheMessage) {
  const Status s = NotFound("no sku with id 7");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "NOT_FOUND: no sku with id 7");
}

TEST(StatusTest, ConstructorsSetTheirCodeMessageAndField) {
  EXPECT_EQ(InvalidArgument("bad", "gtin").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(InvalidArgument("bad", "gtin").field(), "gtin");
  EXPECT_EQ(InvalidArgument("bad").field(), "");
  EXPECT_EQ(NotFound("m").code(), ErrorCode::kNotFound);
  EXPECT_EQ(AlreadyExists("m", "code").code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(AlreadyExists("m", "code").field(), "code");
  EXPECT_EQ(Conflict("m").code(), ErrorCode::kConflict);
  EXPECT_EQ(FailedPrecondition("m", "brand_id").code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(FailedPrecondition("m", "brand_id").field(), "brand_id");
  EXPECT_EQ(PermissionDenied("m").code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Unauthenticated("m").code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(Unavailable("m").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(Internal("m").code(), ErrorCode::kInternal);
  EXPECT_EQ(Internal("the message").message(), "the message");
}

TEST(ResultTest, HoldsAValue) {
  Result<std::string> r(std::string("425.00"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(r.value(), "425.00");
  EXPECT_EQ(*r, "425.00");
  EXPECT_EQ(r->size(), 6U);
  r.value() += "!";
  EXPECT_EQ(*r, "425.00!");
  const std::string moved = std::move(r).value();
  EXPECT_EQ(moved, "425.00!");
}

TEST(ResultTest, HoldsAnError) {
  const Result<int> r(Conflict("stale"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kConflict);
  EXPECT_EQ(r.status().message(), "stale");
}

TEST(ResultDeathTest, AnOkStatusWithoutAValueAborts) {
  EXPECT_DEATH(
      {
        Result<int> r{Status::Ok()};
        (void)r;
      },
      "");
}

Status FailWhen(bool fail) {
  if (fail) return InvalidArgument("asked to fail", "flag");
  return Status::Ok();
}

Status Chain(bool fail, int& reached) {
  XB_RETURN_IF_ERROR(FailWhen(fail));
  reached = 1;
  return Status::Ok();
}

TEST(MacroTest, ReturnIfErrorReturnsTheFirstErrorAndOtherwiseContinues) {
  int reached = 0;
  const Status failed = Chain(true, reached);
  EXPECT_EQ(failed.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(failed.field(), "flag");
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(Chain(false, reached).ok());
  EXPECT_EQ(reached, 1);
}

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument(std::to_string(n) + " is odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  XB_ASSIGN_OR_RETURN(int half, Half(n));
  XB_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(MacroTest, AssignOrReturnUnwrapsValuesAndPropagatesErrors) {
  const auto ok = Quarter(12);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 3);
  const auto odd = Quarter(6);  // 6 -> 3 -> odd
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(odd.status().message(), "3 is odd");
}

}  // namespace
}  // namespace xb
