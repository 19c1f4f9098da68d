// Test fixture of the inventory flows: a scratch database of one kind — "memory", "sqlite" (a
// temporary file, removed afterwards) or "postgresql" (a database of its own on the server
// XB_TEST_PG_URL names, dropped afterwards; tests skip without it) — that can be opened again to
// play a restart.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "adapters/storage/open_database.h"
#include "flows/store/unit_of_work.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::inventory_flow::testing {

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

class ScratchDatabase {
 public:
  ScratchDatabase() = default;
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  ~ScratchDatabase() {
    if (!sqlite_path_.empty()) {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(sqlite_path_ + suffix, ec);
      }
    }
    if (!pg_database_.empty()) {
      const std::string drop = "DROP DATABASE IF EXISTS \"" + pg_database_ + "\"";
      if (!PgExec(pg_admin_url_, drop + " WITH (FORCE)").empty()) (void)PgExec(pg_admin_url_, drop);
    }
  }

  // Prepares a database of `kind`; returns a reason to skip, or an empty string.
  std::string Prepare(const std::string& kind) {
    if (kind == "memory") {
      url_ = "memory:";
    } else if (kind == "sqlite") {
      sqlite_path_ =
          (std::filesystem::temp_directory_path() / ("xb_inventory_" + UniqueSuffix() + ".db"))
              .string();
      url_ = "sqlite:" + sqlite_path_;
    } else {
      const char* env = std::getenv("XB_TEST_PG_URL");
      if (env == nullptr || *env == '\0') return "XB_TEST_PG_URL is unset";
      pg_admin_url_ = env;
      const std::string name = "xb_inventory_" + UniqueSuffix();
      const std::string err = PgExec(
          pg_admin_url_, "CREATE DATABASE \"" + name + "\" TEMPLATE template0 ENCODING 'UTF8'");
      if (!err.empty()) return "cannot create a scratch database: " + err;
      pg_database_ = name;
      url_ = WithDatabase(pg_admin_url_, name);
    }
    return "";
  }

  // Opens the database; for sqlite and postgresql again and again on the same data.
  Result<std::unique_ptr<store::Database>> Open() const { return storage::OpenDatabase(url_); }
  bool durable() const { return url_ != "memory:"; }

 private:
  std::string url_;
  std::string sqlite_path_;
  std::string pg_admin_url_;
  std::string pg_database_;
};

// A transaction that hands everything to another one: test doubles derive from it and override
// what they watch or break (Commit, CommitNoSync).
class ForwardingTransaction : public store::Transaction {
 public:
  explicit ForwardingTransaction(std::unique_ptr<store::Transaction> inner)
      : inner_(std::move(inner)) {}
  RecordStore<catalog::Sku>& skus() override { return inner_->skus(); }
  RecordStore<partners::Supplier>& suppliers() override { return inner_->suppliers(); }
  RecordStore<partners::Brand>& brands() override { return inner_->brands(); }
  RecordStore<partners::Channel>& channels() override { return inner_->channels(); }
  RecordStore<partners::Carrier>& carriers() override { return inner_->carriers(); }
  RecordStore<partners::Warehouse>& warehouses() override { return inner_->warehouses(); }
  RecordStore<partners::Bin>& bins() override { return inner_->bins(); }
  access::TenantStore& tenants() override { return inner_->tenants(); }
  access::KeyStore& keys() override { return inner_->keys(); }
  access::IdempotencyStore& idempotency() override { return inner_->idempotency(); }
  events::EventLog& events() override { return inner_->events(); }
  procurement::ProcurementStore& procurement() override { return inner_->procurement(); }
  suppliers::EvaluationStore& evaluation() override { return inner_->evaluation(); }
  inventory::InventoryStore& inventory() override { return inner_->inventory(); }
  warehouse::WarehouseStore& warehouse() override { return inner_->warehouse(); }
  customs::CustomsStore& customs() override { return inner_->customs(); }
  orders::OrdersStore& orders() override { return inner_->orders(); }
  Status Commit() override { return inner_->Commit(); }
  Status CommitNoSync() override { return inner_->CommitNoSync(); }

 protected:
  store::Transaction& inner() { return *inner_; }

 private:
  std::unique_ptr<store::Transaction> inner_;
};

// A database whose commits fail while `fail_commits` is set (kUnavailable, as a full disk would),
// to show what a failed write leaves behind. Everything else goes to the wrapped database.
class FlakyDatabase final : public store::Database {
 public:
  explicit FlakyDatabase(store::Database& inner) : inner_(inner) {}
  std::atomic<bool> fail_commits{false};

  Result<std::unique_ptr<store::Transaction>> Begin(store::TxMode mode) override {
    auto tx = inner_.Begin(mode);
    if (!tx.ok()) return tx.status();
    return std::unique_ptr<store::Transaction>(new Tx(std::move(tx).value(), fail_commits));
  }
  std::string_view dialect() const override { return inner_.dialect(); }
  Result<int> SchemaVersion() override { return inner_.SchemaVersion(); }

 private:
  class Tx final : public ForwardingTransaction {
   public:
    Tx(std::unique_ptr<store::Transaction> inner, std::atomic<bool>& fail)
        : ForwardingTransaction(std::move(inner)), fail_(fail) {}
    Status Commit() override {
      if (fail_.load()) return Unavailable("disk full (test)");
      return inner().Commit();
    }
    Status CommitNoSync() override {
      if (fail_.load()) return Unavailable("disk full (test)");
      return inner().CommitNoSync();
    }

   private:
    std::atomic<bool>& fail_;
  };
  store::Database& inner_;
};

// Adds a tenant and returns its id.
inline TenantId AddTenant(store::Database& db, const std::string& code) {
  auto tx = db.Begin(store::TxMode::kWrite);
  EXPECT_TRUE(tx.ok()) << tx.status().ToString();
  auto t = (*tx)->tenants().Insert({TenantId(), code, code, true, SystemClock().Now()});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE((*tx)->Commit().ok());
  return t.ok() ? t->id : TenantId();
}

}  // namespace xb::inventory_flow::testing
