// What every storage contract suite shares: helpers that fail a test at once on an unexpected
// error, and the fixture base that gives each test a scratch database of the adapter named by the
// test parameter ("memory", "sqlite" or "postgresql"). PostgreSQL runs only when XB_TEST_PG_URL
// names a server where that role may CREATE DATABASE; each test then works in a database of its
// own that is dropped afterwards.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <source_location>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "adapters/storage/open_database.h"
#include "core/status.h"
#include "flows/store/unit_of_work.h"

namespace xb::contract {

// Helpers throw on an unexpected error; GoogleTest reports the exception as a failure of the test
// with this message, so a broken step names itself instead of cascading into null dereferences.
[[noreturn]] inline void Fail(const Status& s, std::source_location loc) {
  throw std::runtime_error(std::string(loc.file_name()) + ":" + std::to_string(loc.line()) +
                           ": unexpected " + s.ToString());
}

template <class T>
T Must(Result<T> r, std::source_location loc = std::source_location::current()) {
  if (!r.ok()) Fail(r.status(), loc);
  return std::move(r).value();
}

inline void MustOk(const Status& s, std::source_location loc = std::source_location::current()) {
  if (!s.ok()) Fail(s, loc);
}

inline std::string UniqueSuffix() {
  static std::atomic<int> counter{0};
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(micros % 1'000'000'000);
}

// Runs one statement on a fresh libpq connection; returns the error text, empty on success.
inline std::string PgExec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string err = PQerrorMessage(conn);
    PQfinish(conn);
    return "cannot connect: " + err;
  }
  PGresult* res = PQexec(conn, sql.c_str());
  const auto st = PQresultStatus(res);
  std::string err =
      (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? "" : PQresultErrorMessage(res);
  PQclear(res);
  PQfinish(conn);
  return err;
}

// "postgresql://u@h:p/db?x=y" with the database replaced.
inline std::string WithDatabase(const std::string& url, const std::string& database) {
  const auto authority = url.find("://") + 3;
  const auto query = url.find('?', authority);
  const auto path = url.find('/', authority);
  const auto end_of_authority = std::min(path, query);
  const std::string params = query == std::string::npos ? "" : url.substr(query);
  return url.substr(0, end_of_authority) + "/" + database + params;
}

class ScratchDatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Opens db_ for the test parameter, naming files and databases with `prefix`. Skips the test
  // for PostgreSQL without XB_TEST_PG_URL; a caller checks IsSkipped() and HasFatalFailure().
  void OpenScratch(const std::string& prefix) {
    const std::string& kind = GetParam();
    if (kind == "memory") {
      url_ = "memory:";
    } else if (kind == "sqlite") {
      sqlite_path_ =
          (std::filesystem::temp_directory_path() / (prefix + UniqueSuffix() + ".db")).string();
      url_ = "sqlite:" + sqlite_path_;
    } else {
      const char* env = std::getenv("XB_TEST_PG_URL");
      if (env == nullptr || *env == '\0') {
        GTEST_SKIP() << "PostgreSQL contract tests skipped because XB_TEST_PG_URL is unset";
      }
      pg_admin_url_ = env;
      const std::string name = prefix + UniqueSuffix();
      // A UTF-8 character type, as production servers have, where the server offers one: with
      // it, LOWER() folds more than ASCII, which the search rules must not trip over.
      const std::string create =
          "CREATE DATABASE \"" + name + "\" TEMPLATE template0 ENCODING 'UTF8'";
      std::string err = PgExec(pg_admin_url_, create + " LC_CTYPE 'C.UTF-8'");
      if (!err.empty()) err = PgExec(pg_admin_url_, create);
      ASSERT_EQ(err, "") << "cannot create a scratch database on XB_TEST_PG_URL";
      pg_database_ = name;
      url_ = WithDatabase(pg_admin_url_, name);
    }
    auto db = storage::OpenDatabase(url_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }

  void TearDown() override {
    db_.reset();
    if (!sqlite_path_.empty()) {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(sqlite_path_ + suffix, ec);
      }
    }
    if (!pg_database_.empty()) {
      const std::string drop = "DROP DATABASE IF EXISTS \"" + pg_database_ + "\"";
      if (!PgExec(pg_admin_url_, drop + " WITH (FORCE)").empty()) {
        EXPECT_EQ(PgExec(pg_admin_url_, drop), "") << "could not drop " << pg_database_;
      }
    }
  }

  std::unique_ptr<store::Transaction> Write() { return Must(db_->Begin(store::TxMode::kWrite)); }
  std::unique_ptr<store::Transaction> Read() { return Must(db_->Begin(store::TxMode::kRead)); }

  std::string url_;
  std::unique_ptr<store::Database> db_;
  std::string sqlite_path_;  // sqlite only

 private:
  std::string pg_admin_url_;
  std::string pg_database_;
};

}  // namespace xb::contract
