// Migration 0010 (orders and declarations keyed by id alone) on databases that already hold orders
// and declarations, on SQLite and PostgreSQL: rows written under the schema before it read back
// the same afterwards, look-ups by (tenant, id) still check the tenant, and numbering goes on.
// PostgreSQL runs only with XB_TEST_PG_URL (see contract_support.h).
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "adapters/postgres/pg_connection.h"
#include "adapters/sql/customs_stores.h"
#include "adapters/sql/orders_stores.h"
#include "adapters/sql/sql_database.h"
#include "adapters/sqlite/sqlite_connection.h"
#include "contract_support.h"

namespace xb::contract {
namespace {

using customs::Declaration;
using customs::DeclarationState;
using orders::Order;

constexpr int kMigration = 10;

Timestamp At(std::int64_t s) {
  return Timestamp::FromMicros(1'795'000'000'000'000 + s * 1'000'000);
}

Order SampleOrder(TenantId tenant, std::int64_t id, const std::string& channel_no) {
  Order o;
  o.id = orders::OrderId(id);
  o.tenant_id = tenant;
  o.channel_id = 1;
  o.channel_order_no = channel_no;
  o.request_hash = "sha256:" + channel_no;
  o.order_date = Date::FromDays(20'412);
  o.state = orders::OrderState::kAccepted;
  o.buyer = {"张三", "id_card", "110101199003071234", "13800138000"};
  o.address = {"张三", "13800138000", "浙江", "宁波", "北仑", "保税区 \"1\" 号\n", "315800"};
  o.payment = {"P-" + channel_no, "张三", "id_card", "110101199003071234", 22'820};
  for (std::int64_t n = 1; n <= 2; ++n) {
    orders::OrderLine l;
    l.id = id * 10 + n;
    l.line_no = n;
    l.sku_id = n;
    l.sku_code = "SKU-" + std::to_string(n);
    l.quantity = n;
    l.unit_price_fen = 10'000;
    l.mode = orders::Mode::kBonded1210;
    l.shipment_ref = "W3-1210";
    o.lines.push_back(l);
  }
  o.goods_fen = 30'000;
  o.paid_fen = 22'820;
  o.customs_channel = "cbec";
  o.policy = "speed_first";
  o.created_at = o.updated_at = At(id);
  return o;
}

Declaration SampleDeclaration(TenantId tenant, std::int64_t order_id, const std::string& key,
                              DeclarationState state, Timestamp created) {
  Declaration d;
  d.tenant_id = tenant;
  d.order_id = order_id;
  d.shipment_ref = "W3-1210";
  d.signing_key = key;
  d.state = state;
  d.order.order_no = "TM-" + std::to_string(order_id);
  d.order.buyer = {"张三", "id_card", "110101199003071234"};
  d.order.goods_fen = 30'000;
  d.list.order_no = d.order.order_no;
  d.list.trade_mode = "1210";
  d.checks = {{"present", true, "4 of 4"}};
  d.created_at = d.updated_at = created;
  return d;
}

class OrdersMigrationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      path_ =
          (std::filesystem::temp_directory_path() / ("xb_mig_" + UniqueSuffix() + ".db")).string();
      url_ = "sqlite:" + path_;
      return;
    }
    const char* env = std::getenv("XB_TEST_PG_URL");
    if (env == nullptr || *env == '\0') GTEST_SKIP() << "XB_TEST_PG_URL is unset";
    admin_url_ = env;
    database_ = "xb_mig_" + UniqueSuffix();
    ASSERT_EQ(PgExec(admin_url_, "CREATE DATABASE \"" + database_ + "\" TEMPLATE template0"), "");
    url_ = WithDatabase(admin_url_, database_);
  }

  void TearDown() override {
    if (!path_.empty()) {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ec);
    }
    if (!database_.empty()) {
      (void)PgExec(admin_url_, "DROP DATABASE IF EXISTS \"" + database_ + "\" WITH (FORCE)");
    }
  }

  sql::Dialect dialect() const {
    return GetParam() == "sqlite" ? sql::Dialect::kSqlite : sql::Dialect::kPostgresql;
  }

  std::unique_ptr<sql::Connection> Raw() {
    return Must(GetParam() == "sqlite" ? sqlite::OpenConnection(path_)
                                       : postgres::OpenConnection(url_));
  }

  // The schema as it was before migration `below`, recorded as SqlDatabase records it.
  void MigrateBelow(sql::Connection& c, int below) {
    MustOk(c.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT "
        "NULL, applied_at TEXT NOT NULL)"));
    for (const auto& m : sql::MigrationsFor(dialect())) {
      if (m.version >= below) continue;
      MustOk(c.Begin(true));
      MustOk(c.ExecScript(m.script));
      const sql::Value row[] = {std::int64_t{m.version}, std::string(m.name),
                                std::string("2026-11-26T00:00:00Z")};
      Must(c.Execute("INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
                     row));
      MustOk(c.Commit());
    }
  }

  std::vector<std::string> Indexes(sql::Connection& c, const std::string& table) {
    const sql::Value p[] = {table};
    const auto rows = Must(c.Query(
        GetParam() == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name"
            : "SELECT indexname FROM pg_indexes WHERE tablename = ? ORDER BY indexname",
        p));
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r[0].value_or(""));
    return out;
  }

  std::string url_;

 private:
  std::string path_;
  std::string admin_url_;
  std::string database_;
};

TEST_P(OrdersMigrationTest, OrdersAndDeclarationsWrittenBeforeTheMigrationReadBackAfterIt) {
  if (IsSkipped()) return;
  const TenantId alpha(1);
  const TenantId beta(2);
  std::vector<Order> orders;
  std::vector<Declaration> declarations;
  {
    auto raw = Raw();
    MigrateBelow(*raw, kMigration);
    // The stores' statements fit both schemas: rows written as the previous release wrote them.
    MustOk(raw->Begin(true));
    sql::SqlOrdersStore orders_store(*raw);
    sql::SqlCustomsStore customs_store(*raw);
    orders.push_back(Must(orders_store.InsertOrder(SampleOrder(alpha, 7, "TM-7"))));
    orders.push_back(Must(orders_store.InsertOrder(SampleOrder(beta, 8, "TM-7"))));
    orders.push_back(Must(orders_store.InsertOrder(SampleOrder(alpha, 9, "TM-9"))));
    declarations.push_back(Must(customs_store.InsertDeclaration(
        SampleDeclaration(alpha, 7, "k1", DeclarationState::kQueued, At(20)))));
    declarations.push_back(Must(customs_store.InsertDeclaration(
        SampleDeclaration(beta, 8, "k2", DeclarationState::kQueued, At(10)))));
    declarations.push_back(Must(customs_store.InsertDeclaration(
        SampleDeclaration(alpha, 9, "k1", DeclarationState::kSubmitted, At(5)))));
    MustOk(orders_store.Flush());
    MustOk(customs_store.Flush());
    MustOk(raw->Commit());
  }

  auto db = Must(storage::OpenDatabase(url_));
  EXPECT_EQ(Must(db->SchemaVersion()), sql::MigrationsFor(dialect()).back().version);
  {
    auto rd = Must(db->Begin(store::TxMode::kRead));
    for (const auto& want : orders) {
      const Order got = Must(rd->orders().GetOrder(want.tenant_id, want.id));
      EXPECT_EQ(got.channel_order_no, want.channel_order_no);
      EXPECT_EQ(got.request_hash, want.request_hash);
      EXPECT_EQ(got.address.street, want.address.street);
      EXPECT_EQ(got.paid_fen, want.paid_fen);
      EXPECT_EQ(got.created_at, want.created_at);
      EXPECT_EQ(got.version, want.version);
      ASSERT_EQ(got.lines.size(), 2U);
      EXPECT_EQ(got.lines[1].id, want.lines[1].id);
      EXPECT_EQ(got.lines[1].sku_code, want.lines[1].sku_code);
    }
    // The id alone finds the row; the tenant is still checked.
    EXPECT_EQ(rd->orders().GetOrder(beta, orders::OrderId(7)).status().code(),
              ErrorCode::kNotFound);
    const auto found = Must(rd->orders().FindByChannelNo(beta, 1, "TM-7"));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id.value(), 8);
    const auto [listed, total] = Must(rd->orders().ListOrders(alpha, {}));
    EXPECT_EQ(total, 2);
    ASSERT_EQ(listed.size(), 2U);
    EXPECT_EQ(listed[0].id.value(), 9);  // newest first
    EXPECT_EQ(listed[1].id.value(), 7);
    EXPECT_EQ(Must(rd->orders().MaxIds()), std::make_pair(std::int64_t{9}, std::int64_t{92}));

    for (const auto& want : declarations) {
      const Declaration got = Must(rd->customs().GetDeclaration(want.tenant_id, want.id));
      EXPECT_EQ(got.list.list_no, want.list.list_no);
      EXPECT_EQ(got.state, want.state);
      EXPECT_EQ(got.order.order_no, want.order.order_no);
      EXPECT_EQ(got.order.buyer.name, want.order.buyer.name);
      ASSERT_EQ(got.checks.size(), 1U);
      EXPECT_EQ(got.checks[0].detail, "4 of 4");
      const auto by_list =
          Must(rd->customs().FindDeclarationByListNo(want.tenant_id, want.list.list_no));
      ASSERT_TRUE(by_list.has_value());
      EXPECT_EQ(by_list->id, want.id);
    }
    EXPECT_EQ(rd->customs().GetDeclaration(beta, declarations[0].id).status().code(),
              ErrorCode::kNotFound);
    EXPECT_EQ(Must(rd->customs().QueuedSigningKeys()), (std::vector<std::string>{"k1", "k2"}));
    const auto due = Must(rd->customs().DueForSigningKey(At(100), "k1", 10));
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].id, declarations[0].id);
    customs::DeclarationQuery submitted;
    submitted.state = DeclarationState::kSubmitted;
    const auto [sent, n_sent] = Must(rd->customs().ListDeclarations(alpha, submitted));
    EXPECT_EQ(n_sent, 1);
  }

  // Writing goes on: numbering after the highest, a channel order number still taken once.
  {
    auto tx = Must(db->Begin(store::TxMode::kWrite));
    Order next = SampleOrder(alpha, 0, "TM-10");
    next.id = orders::OrderId();
    for (auto& l : next.lines) l.id = 0;
    const Order stored = Must(tx->orders().InsertOrder(next));
    EXPECT_EQ(stored.id.value(), 10);
    EXPECT_EQ(tx->orders().InsertOrder(SampleOrder(alpha, 11, "TM-9")).status().code(),
              ErrorCode::kAlreadyExists);
    const Declaration d = Must(tx->customs().InsertDeclaration(
        SampleDeclaration(alpha, 10, "k3", DeclarationState::kQueued, At(30))));
    EXPECT_GT(d.id.value(), declarations.back().id.value());
    MustOk(tx->Commit());
  }
  db.reset();

  // What the migration leaves: the indexes that serve the queries, and no others.
  auto raw = Raw();
  if (GetParam() == "sqlite") {
    EXPECT_EQ(Indexes(*raw, "orders_order"),
              (std::vector<std::string>{"orders_order_date", "orders_order_state",
                                        "sqlite_autoindex_orders_order_1"}));
    EXPECT_EQ(Indexes(*raw, "customs_declaration"),
              (std::vector<std::string>{"customs_declaration_due", "customs_declaration_order",
                                        "customs_declaration_state",
                                        "sqlite_autoindex_customs_declaration_1"}));
    // `id` is the rowid.
    const auto pk = Must(
        raw->Query("SELECT name, type FROM pragma_table_info('orders_order') WHERE pk > 0", {}));
    ASSERT_EQ(pk.size(), 1U);
    EXPECT_EQ(pk[0][0].value_or(""), "id");
    EXPECT_EQ(pk[0][1].value_or(""), "INTEGER");
  } else {
    EXPECT_EQ(
        Indexes(*raw, "orders_order"),
        (std::vector<std::string>{"orders_order_date", "orders_order_pkey", "orders_order_state",
                                  "orders_order_tenant_id_channel_id_channel_order_no_key"}));
    EXPECT_EQ(Indexes(*raw, "customs_declaration"),
              (std::vector<std::string>{"customs_declaration_due", "customs_declaration_order",
                                        "customs_declaration_pkey", "customs_declaration_state",
                                        "customs_declaration_tenant_id_list_no_key"}));
  }
}

INSTANTIATE_TEST_SUITE_P(Adapters, OrdersMigrationTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::contract
