#include "adapters/postgres/pg_connection.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::postgres {
namespace {

TEST(NumberPlaceholdersTest, NumbersEachPlaceholderInOrder) {
  EXPECT_EQ(NumberPlaceholders("SELECT ?"), "SELECT $1");
  EXPECT_EQ(NumberPlaceholders("UPDATE t SET a = ?, b = ? WHERE id = ? AND version = ?"),
            "UPDATE t SET a = $1, b = $2 WHERE id = $3 AND version = $4");
}

TEST(NumberPlaceholdersTest, CountsPastNine) {
  std::string sql = "VALUES (";
  std::string want = "VALUES (";
  for (int i = 1; i <= 12; ++i) {
    sql += i == 1 ? "?" : ", ?";
    want += (i == 1 ? "$" : ", $") + std::to_string(i);
  }
  EXPECT_EQ(NumberPlaceholders(sql + ")"), want + ")");
}

TEST(NumberPlaceholdersTest, LeavesQuestionMarksInStringLiteralsAlone) {
  EXPECT_EQ(NumberPlaceholders("SELECT ? , '?'"), "SELECT $1 , '?'");
  EXPECT_EQ(NumberPlaceholders("SELECT 'it''s ?', ?"), "SELECT 'it''s ?', $1");
  EXPECT_EQ(NumberPlaceholders("WHERE x LIKE ? ESCAPE '\\'"), "WHERE x LIKE $1 ESCAPE '\\'");
}

TEST(NumberPlaceholdersTest, LeavesQuestionMarksInQuotedIdentifiersAlone) {
  EXPECT_EQ(NumberPlaceholders("SELECT \"why?\" FROM t WHERE \"a'b\" = ?"),
            "SELECT \"why?\" FROM t WHERE \"a'b\" = $1");
}

TEST(NumberPlaceholdersTest, LeavesSqlWithoutPlaceholdersUnchanged) {
  EXPECT_EQ(NumberPlaceholders(""), "");
  EXPECT_EQ(NumberPlaceholders("SELECT COUNT(*) FROM access_api_key"),
            "SELECT COUNT(*) FROM access_api_key");
}

TEST(OpenConnectionTest, UnreachableServerIsUnavailable) {
  // Port 1 on the loopback refuses at once; the URL carries a timeout in case it does not.
  auto conn = OpenConnection("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
  EXPECT_EQ(conn.status().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace xb::postgres
