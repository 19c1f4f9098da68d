#include "adapters/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <cstring>
#include <unordered_map>

namespace xb::postgres {
namespace {

Status MapError(const PGresult* res, PGconn* conn) {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  const std::string code = state != nullptr ? state : "";
  if (code == "23505") return AlreadyExists("already exists (" + msg + ")");
  if (code == "40001" || code == "40P01") return Conflict("concurrent change: " + msg);
  if (code.rfind("23", 0) == 0) return FailedPrecondition("constraint violated: " + msg);
  if (code.empty() || code.rfind("08", 0) == 0 || code.rfind("57", 0) == 0 ||
      code.rfind("53", 0) == 0) {
    return Unavailable("postgresql: " + msg);
  }
  return Internal("postgresql: " + msg);
}

class PgConnection final : public sql::Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }

  sql::Dialect dialect() const override { return sql::Dialect::kPostgresql; }
  bool healthy() const override { return PQstatus(conn_) == CONNECTION_OK; }

  Status ExecScript(std::string_view script) override {
    PGresult* res = PQexec(conn_, std::string(script).c_str());
    const auto st = PQresultStatus(res);
    Status out =
        (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? Status::Ok() : MapError(res, conn_);
    PQclear(res);
    return out;
  }

  Result<std::vector<sql::Row>> Query(std::string_view sql,
                                      std::span<const sql::Value> params) override {
    XB_ASSIGN_OR_RETURN(PGresult * res, Run(sql, params));
    std::vector<sql::Row> rows;
    const int n = PQntuples(res);
    const int cols = PQnfields(res);
    rows.reserve(static_cast<std::size_t>(n));
    for (int r = 0; r < n; ++r) {
      sql::Row row(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(res, r, c) != 0) continue;
        row[static_cast<std::size_t>(c)] =
            std::string(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c)));
      }
      rows.push_back(std::move(row));
    }
    PQclear(res);
    return rows;
  }

  Result<std::int64_t> Execute(std::string_view sql, std::span<const sql::Value> params) override {
    XB_ASSIGN_OR_RETURN(PGresult * res, Run(sql, params));
    const char* tuples = PQcmdTuples(res);
    const std::int64_t n = (tuples != nullptr && *tuples != '\0') ? std::atoll(tuples) : 0;
    PQclear(res);
    return n;
  }

  Status Begin(bool write) override {
    return ExecScript(write ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN READ ONLY");
  }
  Status Commit() override { return ExecScript("COMMIT"); }
  Status Rollback() override {
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return Status::Ok();
    return ExecScript("ROLLBACK");
  }

 private:
  Result<PGresult*> Run(std::string_view sql, std::span<const sql::Value> params) {
    const std::string key(sql);
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      std::string name = "xb" + std::to_string(prepared_.size() + 1);
      PGresult* res = PQprepare(conn_, name.c_str(), NumberPlaceholders(sql).c_str(), 0, nullptr);
      if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        Status st = MapError(res, conn_);
        PQclear(res);
        return st;
      }
      PQclear(res);
      it = prepared_.emplace(key, std::move(name)).first;
    }
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& v = params[i];
      if (std::holds_alternative<std::monostate>(v)) continue;
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        text[i] = std::to_string(*n);
      } else if (const auto* b = std::get_if<bool>(&v)) {
        text[i] = *b ? "true" : "false";
      } else {
        text[i] = std::get<std::string>(v);
      }
      values[i] = text[i].c_str();
    }
    PGresult* res = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                                   values.data(), nullptr, nullptr, 0);
    const auto st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      Status err = MapError(res, conn_);
      PQclear(res);
      return err;
    }
    return res;
  }

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;
};

}  // namespace

std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool in_single = false;
  bool in_double = false;
  for (char c : sql) {
    if (c == '\'' && !in_double) in_single = !in_single;
    if (c == '"' && !in_single) in_double = !in_double;
    if (c == '?' && !in_single && !in_double) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::unique_ptr<sql::Connection>> OpenConnection(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return Unavailable("cannot connect to PostgreSQL: " + msg);
  }
  auto c = std::make_unique<PgConnection>(conn);
  XB_RETURN_IF_ERROR(c->ExecScript("SET client_min_messages = warning; SET TIME ZONE 'UTC'"));
  return std::unique_ptr<sql::Connection>(std::move(c));
}

}  // namespace xb::postgres
