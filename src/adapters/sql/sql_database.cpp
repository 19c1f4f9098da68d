#include "adapters/sql/sql_database.h"

#include <map>
#include <thread>

#include "adapters/sql/customs_stores.h"
#include "adapters/sql/inventory_stores.h"
#include "adapters/sql/orders_stores.h"
#include "adapters/sql/pending_rows.h"
#include "adapters/sql/sourcing_stores.h"
#include "adapters/sql/sql_record_store.h"
#include "adapters/sql/warehouse_stores.h"
#include "core/text.h"

namespace xb::sql {
namespace {

using access::ApiKey;
using access::IdempotencyRecord;
using access::Tenant;

class SqlTenantStore final : public access::TenantStore {
 public:
  explicit SqlTenantStore(Connection& c) : c_(c) {}
  Result<Tenant> Insert(Tenant t) override {
    // Built in column order (not by inserting at the front: GCC 12 -O2 then reports a bogus
    // -Wmaybe-uninitialized in the variant's string, which -Werror turns into a build failure).
    std::vector<Value> p;
    if (t.id.assigned()) p.emplace_back(t.id.value());
    p.emplace_back(t.code);
    p.emplace_back(t.name);
    p.emplace_back(t.active);
    p.emplace_back(t.created_at.micros());
    std::string sql;
    if (t.id.assigned()) {
      sql =
          "INSERT INTO access_tenant (id, code, name, active, created_at) "
          "VALUES (?, ?, ?, ?, ?) RETURNING id";
    } else {
      sql =
          "INSERT INTO access_tenant (code, name, active, created_at) VALUES (?, ?, ?, ?) "
          "RETURNING id";
    }
    auto rows = c_.Query(sql, p);
    if (!rows.ok()) {
      if (rows.status().code() == ErrorCode::kAlreadyExists) {
        return AlreadyExists("code: tenant '" + t.code + "' exists", "code");
      }
      return rows.status();
    }
    t.id = TenantId(AsInt(rows->at(0)[0]));
    return t;
  }
  Result<Tenant> Get(TenantId id) override {
    const Value p[] = {id.value()};
    XB_ASSIGN_OR_RETURN(auto rows,
                        c_.Query("SELECT id, code, name, active, created_at FROM access_tenant "
                                 "WHERE id = ?",
                                 p));
    if (rows.empty()) return NotFound("no tenant " + std::to_string(id.value()));
    return Decode(rows[0]);
  }
  Result<std::vector<Tenant>> List() override {
    XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, code, name, active, created_at FROM "
                                            "access_tenant ORDER BY id",
                                            {}));
    std::vector<Tenant> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(Decode(r));
    return out;
  }

 private:
  static Tenant Decode(const Row& r) {
    return {TenantId(AsInt(r[0])), r[1].value_or(""), r[2].value_or(""), AsBool(r[3]),
            Timestamp::FromMicros(AsInt(r[4]))};
  }
  Connection& c_;
};

constexpr std::string_view kKeyColumns =
    "id, tenant_id, name, role, prefix, secret_hash, created_at, revoked_at";

class SqlKeyStore final : public access::KeyStore {
 public:
  explicit SqlKeyStore(Connection& c) : c_(c) {}
  Result<ApiKey> Insert(ApiKey k) override {
    const Value p[] = {k.tenant_id.value(),
                       k.name,
                       std::string(access::RoleName(k.role)),
                       k.prefix,
                       k.secret_hash,
                       k.created_at.micros()};
    XB_ASSIGN_OR_RETURN(auto rows, c_.Query("INSERT INTO access_api_key (tenant_id, name, role, "
                                            "prefix, secret_hash, created_at) VALUES "
                                            "(?, ?, ?, ?, ?, ?) RETURNING id",
                                            p));
    k.id = access::ApiKeyId(AsInt(rows.at(0)[0]));
    return k;
  }
  Result<ApiKey> FindByHash(std::string_view hash) override {
    const Value p[] = {std::string(hash)};
    return One(c_.Query(
        "SELECT " + std::string(kKeyColumns) + " FROM access_api_key WHERE secret_hash = ?", p));
  }
  Result<ApiKey> Get(TenantId tenant, access::ApiKeyId id) override {
    const Value p[] = {tenant.value(), id.value()};
    return One(c_.Query("SELECT " + std::string(kKeyColumns) +
                            " FROM access_api_key WHERE tenant_id = ? AND id = ?",
                        p));
  }
  Result<std::vector<ApiKey>> List(TenantId tenant) override {
    const Value p[] = {tenant.value()};
    XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kKeyColumns) +
                                                " FROM access_api_key WHERE tenant_id = ? "
                                                "ORDER BY id",
                                            p));
    std::vector<ApiKey> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(Decode(r));
    return out;
  }
  Status Revoke(TenantId tenant, access::ApiKeyId id, Timestamp at) override {
    const Value p[] = {at.micros(), tenant.value(), id.value()};
    XB_ASSIGN_OR_RETURN(std::int64_t n,
                        c_.Execute("UPDATE access_api_key SET revoked_at = ? WHERE tenant_id = ? "
                                   "AND id = ? AND revoked_at IS NULL",
                                   p));
    if (n > 0) return Status::Ok();
    // Nothing changed: already revoked (fine, the first time stays) or no such key of the tenant.
    auto key = Get(tenant, id);
    return key.ok() ? Status::Ok() : key.status();
  }
  Result<std::int64_t> Count() override {
    XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT COUNT(*) FROM access_api_key", {}));
    return AsInt(rows.at(0)[0]);
  }

 private:
  static ApiKey Decode(const Row& r) {
    ApiKey k;
    k.id = access::ApiKeyId(AsInt(r[0]));
    k.tenant_id = TenantId(AsInt(r[1]));
    k.name = r[2].value_or("");
    k.role = access::RoleFromName(r[3].value_or("")).value_or(access::Role::kReadOnly);
    k.prefix = r[4].value_or("");
    k.secret_hash = r[5].value_or("");
    k.created_at = Timestamp::FromMicros(AsInt(r[6]));
    if (r[7]) k.revoked_at = Timestamp::FromMicros(AsInt(r[7]));
    return k;
  }
  static Result<ApiKey> One(Result<std::vector<Row>> rows) {
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return NotFound("no such API key");
    return Decode(rows->front());
  }
  Connection& c_;
};

class SqlIdempotencyStore final : public access::IdempotencyStore {
 public:
  explicit SqlIdempotencyStore(Connection& c) : c_(c) {}
  Result<std::optional<IdempotencyRecord>> Find(TenantId tenant, std::string_view key) override {
    const Value p[] = {tenant.value(), std::string(key)};
    XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT request_hash, resource_kind, resource_id, "
                                            "created_at FROM access_idempotency WHERE "
                                            "tenant_id = ? AND idem_key = ?",
                                            p));
    if (rows.empty()) return std::optional<IdempotencyRecord>();
    const auto& r = rows[0];
    return std::optional<IdempotencyRecord>(
        IdempotencyRecord{tenant, std::string(key), r[0].value_or(""), r[1].value_or(""),
                          AsInt(r[2]), Timestamp::FromMicros(AsInt(r[3]))});
  }
  Status Insert(const IdempotencyRecord& rec) override {
    const Value p[] = {rec.tenant_id.value(), rec.key,         rec.request_hash,
                       rec.resource_kind,     rec.resource_id, rec.created_at.micros()};
    XB_ASSIGN_OR_RETURN(std::int64_t n,
                        c_.Execute("INSERT INTO access_idempotency (tenant_id, idem_key, "
                                   "request_hash, resource_kind, resource_id, created_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?)",
                                   p));
    (void)n;
    return Status::Ok();
  }

 private:
  Connection& c_;
};

// Appends are written behind: the first of a tenant in a transaction takes the next number from
// the tenant row (which locks the row until the transaction ends, so the numbers stay gapless and
// ordered across writers); later ones count on in memory. The rows and the counter are written in
// multi-row statements at commit, or before the log is read (pending_rows.h). A group-committed
// batch of thousands of orders thus costs a few statements for its events, not two per order.
class SqlEventLog final : public events::EventLog {
 public:
  explicit SqlEventLog(Connection& c)
      : c_(c),
        rows_(
            "INSERT INTO events_log (tenant_id, seq, type, entity, entity_id, actor, "
            "request_id, at, payload)",
            9) {}
  Result<std::int64_t> Append(events::BusinessEvent e) override {
    std::int64_t seq = 0;
    auto it = last_seq_.find(e.tenant_id.value());
    if (it == last_seq_.end()) {
      const Value tp[] = {e.tenant_id.value()};
      XB_ASSIGN_OR_RETURN(auto rows, c_.Query("UPDATE access_tenant SET event_seq = event_seq + 1 "
                                              "WHERE id = ? RETURNING event_seq",
                                              tp));
      if (rows.empty()) return NotFound("no tenant " + std::to_string(e.tenant_id.value()));
      seq = AsInt(rows[0][0]);
      last_seq_[e.tenant_id.value()] = seq;
    } else {
      seq = ++it->second;
      unwritten_counters_[e.tenant_id.value()] = seq;
    }
    auto& p = rows_.values();
    p.emplace_back(e.tenant_id.value());
    p.emplace_back(seq);
    p.emplace_back(std::move(e.type));
    p.emplace_back(std::move(e.entity));
    p.emplace_back(e.entity_id);
    p.emplace_back(std::move(e.actor));
    p.emplace_back(std::move(e.request_id));
    p.emplace_back(e.at.micros());
    p.emplace_back(std::move(e.payload));
    XB_RETURN_IF_ERROR(rows_.FlushFull(c_));
    return seq;
  }
  // Writes the counters and rows kept back.
  Status Flush() {
    for (const auto& [tenant, seq] : unwritten_counters_) {
      const Value p[] = {seq, tenant};
      XB_RETURN_IF_ERROR(
          c_.Execute("UPDATE access_tenant SET event_seq = ? WHERE id = ?", p).status());
    }
    unwritten_counters_.clear();
    return rows_.Flush(c_);
  }
  Result<std::vector<events::BusinessEvent>> List(TenantId tenant,
                                                  const events::EventQuery& q) override {
    XB_RETURN_IF_ERROR(Flush());
    std::string sql =
        "SELECT seq, type, entity, entity_id, actor, request_id, at, payload FROM events_log "
        "WHERE tenant_id = ? AND seq > ?";
    std::vector<Value> p{tenant.value(), q.after_seq};
    if (q.entity) {
      sql += " AND entity = ?";
      p.emplace_back(*q.entity);
    }
    if (q.entity_id) {
      sql += " AND entity_id = ?";
      p.emplace_back(*q.entity_id);
    }
    if (q.type) {
      sql += " AND type = ?";
      p.emplace_back(*q.type);
    }
    sql += " ORDER BY seq LIMIT ?";
    p.emplace_back(q.limit);
    XB_ASSIGN_OR_RETURN(auto rows, c_.Query(sql, p));
    std::vector<events::BusinessEvent> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
      events::BusinessEvent e;
      e.tenant_id = tenant;
      e.seq = AsInt(r[0]);
      e.type = r[1].value_or("");
      e.entity = r[2].value_or("");
      e.entity_id = AsInt(r[3]);
      e.actor = r[4].value_or("");
      e.request_id = r[5].value_or("");
      e.at = Timestamp::FromMicros(AsInt(r[6]));
      e.payload = r[7].value_or("{}");
      out.push_back(std::move(e));
    }
    return out;
  }

 private:
  Connection& c_;
  std::map<std::int64_t, std::int64_t> last_seq_;            // tenant -> last number handed out
  std::map<std::int64_t, std::int64_t> unwritten_counters_;  // tenant -> counter to write
  PendingRows rows_;
};

class SqlTransaction final : public store::Transaction {
 public:
  // `writer`: the connection came from AcquireWriter and goes back there.
  SqlTransaction(SqlDatabase& db, std::unique_ptr<Connection> conn, bool writer)
      : db_(db),
        conn_(std::move(conn)),
        skus_(*conn_),
        suppliers_(*conn_),
        brands_(*conn_),
        channels_(*conn_),
        carriers_(*conn_),
        warehouses_(*conn_),
        bins_(*conn_),
        tenants_(*conn_),
        keys_(*conn_),
        idempotency_(*conn_),
        events_(*conn_),
        procurement_(*conn_),
        evaluation_(*conn_),
        inventory_(*conn_),
        warehouse_(*conn_),
        customs_(*conn_),
        orders_(*conn_),
        writer_(writer) {}

  ~SqlTransaction() override {
    if (!conn_) return;  // given back at commit
    if (!done_) (void)conn_->Rollback();
    if (writer_) {
      db_.ReleaseWriter(std::move(conn_));
    } else {
      db_.Release(std::move(conn_));
    }
  }

  RecordStore<catalog::Sku>& skus() override { return skus_; }
  RecordStore<partners::Supplier>& suppliers() override { return suppliers_; }
  RecordStore<partners::Brand>& brands() override { return brands_; }
  RecordStore<partners::Channel>& channels() override { return channels_; }
  RecordStore<partners::Carrier>& carriers() override { return carriers_; }
  RecordStore<partners::Warehouse>& warehouses() override { return warehouses_; }
  RecordStore<partners::Bin>& bins() override { return bins_; }
  access::TenantStore& tenants() override { return tenants_; }
  access::KeyStore& keys() override { return keys_; }
  access::IdempotencyStore& idempotency() override { return idempotency_; }
  events::EventLog& events() override { return events_; }
  procurement::ProcurementStore& procurement() override { return procurement_; }
  suppliers::EvaluationStore& evaluation() override { return evaluation_; }
  inventory::InventoryStore& inventory() override { return inventory_; }
  warehouse::WarehouseStore& warehouse() override { return warehouse_; }
  customs::CustomsStore& customs() override { return customs_; }
  orders::OrdersStore& orders() override { return orders_; }

  Status Commit() override { return Finish(true); }
  Status CommitNoSync() override { return Finish(false); }

 private:
  Status Finish(bool durable) {
    // A failed COMMIT can leave the transaction open (SQLite keeps it on SQLITE_BUSY); the
    // destructor then rolls it back so that no pooled connection stays inside a transaction.
    // The rows the event log and the customs and orders stores kept back go first
    // (pending_rows.h).
    Status st = customs_.Flush();
    if (st.ok()) st = orders_.Flush();
    if (st.ok()) st = events_.Flush();
    if (!writer_) {
      if (st.ok()) st = durable ? conn_->Commit() : conn_->CommitNoSync();
      done_ = st.ok();
    } else {
      // The writer connection goes back before the sync, as COMMIT releases SQLite's lock before
      // Connection::Commit syncs: the next writer's transaction runs meanwhile, and one sync may
      // cover both. The stores are not used after a commit.
      if (st.ok()) st = conn_->CommitNoSync();
      done_ = st.ok();
      if (done_) {
        db_.ReleaseWriter(std::move(conn_));
        if (durable) st = db_.SyncCommitted();
      }
    }
    if (done_ && inventory_.move_due()) db_.LedgerMoveDue();
    return st;
  }

  SqlDatabase& db_;
  std::unique_ptr<Connection> conn_;
  SqlRecordStore<catalog::Sku> skus_;
  SqlRecordStore<partners::Supplier> suppliers_;
  SqlRecordStore<partners::Brand> brands_;
  SqlRecordStore<partners::Channel> channels_;
  SqlRecordStore<partners::Carrier> carriers_;
  SqlRecordStore<partners::Warehouse> warehouses_;
  SqlRecordStore<partners::Bin> bins_;
  SqlTenantStore tenants_;
  SqlKeyStore keys_;
  SqlIdempotencyStore idempotency_;
  SqlEventLog events_;
  SqlProcurementStore procurement_;
  SqlEvaluationStore evaluation_;
  SqlInventoryStore inventory_;
  SqlWarehouseStore warehouse_;
  SqlCustomsStore customs_;
  SqlOrdersStore orders_;
  const bool writer_;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<SqlDatabase>> SqlDatabase::Open(ConnectionFactory factory,
                                                       std::size_t max_connections) {
  std::unique_ptr<SqlDatabase> db(new SqlDatabase(std::move(factory), max_connections));
  {
    XB_ASSIGN_OR_RETURN(auto conn, db->Acquire());
    db->dialect_ = conn->dialect();
    db->single_writer_ = db->dialect_ == Dialect::kSqlite;
    db->commit_sync_ = conn->commit_sync();
    db->Release(std::move(conn));
  }
  XB_RETURN_IF_ERROR(db->Migrate());
  db->maintenance_ = std::make_unique<Maintenance>(*db);
  return db;
}

// Background steps of the database, on a thread of their own: the ledger's per-SKU look-up move,
// in short write transactions of its own, so that no posting does it. A failed step is tried
// again when the next posting asks for it.
class SqlDatabase::Maintenance {
 public:
  explicit Maintenance(SqlDatabase& db) : db_(db), thread_([this] { Run(); }) {}
  ~Maintenance() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  void LedgerMoveDue() {
    {
      std::lock_guard lock(mu_);
      ledger_move_due_ = true;
    }
    cv_.notify_one();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || ledger_move_due_; });
      if (stop_) return;
      ledger_move_due_ = false;
      lock.unlock();
      (void)MoveLedger();  // a failed move is tried again when a posting next asks for it
      lock.lock();
    }
  }

  // Each slice of the move takes the writer connection in turn with the postings
  // (AcquireWriter): a posting that asks while a slice runs goes next.
  Result<std::int64_t> MoveLedger() {
    return MoveRecentMovements(
        [this] { return db_.AcquireWriter(); },
        [this](std::unique_ptr<Connection> c) { db_.ReleaseWriter(std::move(c)); },
        [this] {
          std::lock_guard lock(mu_);
          return !stop_;
        });
  }

  SqlDatabase& db_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool ledger_move_due_ = false;
  std::thread thread_;  // last: starts once the rest is set up
};

SqlDatabase::SqlDatabase(ConnectionFactory factory, std::size_t max_connections)
    : factory_(std::move(factory)), max_(max_connections) {}

SqlDatabase::~SqlDatabase() = default;

void SqlDatabase::LedgerMoveDue() {
  if (maintenance_) maintenance_->LedgerMoveDue();
}

Status SqlDatabase::SyncCommitted() {
  return commit_sync_ ? commit_sync_->SyncCommitted() : Status::Ok();
}

std::string_view SqlDatabase::dialect() const {
  return dialect_ == Dialect::kSqlite ? "sqlite" : "postgresql";
}

Result<std::unique_ptr<Connection>> SqlDatabase::Acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return conn;
  }
  ++open_;
  lock.unlock();
  auto conn = factory_();
  if (!conn.ok()) {
    lock.lock();
    --open_;
    cv_.notify_one();
  }
  return conn;
}

void SqlDatabase::Release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mu_);
  if (conn && conn->healthy()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  cv_.notify_one();
}

Result<std::unique_ptr<store::Transaction>> SqlDatabase::Begin(store::TxMode mode) {
  const bool writer = single_writer_ && mode == store::TxMode::kWrite;
  XB_ASSIGN_OR_RETURN(auto conn, writer ? AcquireWriter() : Acquire());
  Status st = conn->Begin(mode == store::TxMode::kWrite);
  if (!st.ok()) {
    if (writer) {
      ReleaseWriter(std::move(conn));
    } else {
      Release(std::move(conn));
    }
    return st;
  }
  return std::unique_ptr<store::Transaction>(new SqlTransaction(*this, std::move(conn), writer));
}

// As long as SQLite's busy handler waits for the lock (sqlite_connection.cpp).
constexpr std::chrono::seconds kWriterWait(10);

Result<std::unique_ptr<Connection>> SqlDatabase::AcquireWriter() {
  if (!single_writer_) return Acquire();
  if (!writers_.Acquire(kWriterWait)) {
    return Unavailable("database is busy: other writers held it for " +
                       std::to_string(kWriterWait.count()) + " s");
  }
  if (writer_) return std::move(writer_);
  auto conn = factory_();  // first use, or the last one broke
  if (!conn.ok()) writers_.Release();
  return conn;
}

void SqlDatabase::ReleaseWriter(std::unique_ptr<Connection> conn) {
  if (!single_writer_) return Release(std::move(conn));
  if (conn && conn->healthy()) writer_ = std::move(conn);
  writers_.Release();
}

Status SqlDatabase::Migrate() {
  XB_ASSIGN_OR_RETURN(auto conn, Acquire());
  struct Return {
    SqlDatabase* db;
    std::unique_ptr<Connection>* conn;
    ~Return() { db->Release(std::move(*conn)); }
  } give_back{this, &conn};
  XB_RETURN_IF_ERROR(
      conn->ExecScript("CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, "
                       "name TEXT NOT NULL, applied_at TEXT NOT NULL)"));
  for (const auto& m : MigrationsFor(dialect_)) {
    XB_RETURN_IF_ERROR(conn->Begin(true));
    const Value p[] = {std::int64_t{m.version}};
    auto seen = conn->Query("SELECT version FROM schema_migration WHERE version = ?", p);
    if (!seen.ok()) {
      (void)conn->Rollback();
      return seen.status();
    }
    if (!seen->empty()) {
      XB_RETURN_IF_ERROR(conn->Rollback());
      continue;
    }
    Status st = conn->ExecScript(m.script);
    if (st.ok()) {
      const Value row[] = {std::int64_t{m.version}, std::string(m.name),
                           SystemClock().Now().ToIso8601()};
      auto n = conn->Execute(
          "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)", row);
      st = n.ok() ? Status::Ok() : n.status();
    }
    if (!st.ok()) {
      (void)conn->Rollback();
      return Internal("migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                      ") failed: " + st.message());
    }
    XB_RETURN_IF_ERROR(conn->Commit());
  }
  return Status::Ok();
}

Result<int> SqlDatabase::SchemaVersion() {
  XB_ASSIGN_OR_RETURN(auto conn, Acquire());
  auto rows = conn->Query("SELECT COALESCE(MAX(version), 0) FROM schema_migration", {});
  Release(std::move(conn));
  if (!rows.ok()) return rows.status();
  return static_cast<int>(AsInt(rows->at(0)[0]));
}

}  // namespace xb::sql
