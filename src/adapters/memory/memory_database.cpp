#include "adapters/memory/memory_database.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>

#include "adapters/memory/customs_stores.h"
#include "adapters/memory/inventory_stores.h"
#include "adapters/memory/orders_stores.h"
#include "adapters/memory/sourcing_stores.h"
#include "core/text.h"

namespace xb::memory {
namespace {

template <class T>
struct Table {
  std::map<std::int64_t, T> rows;
  std::int64_t next_id = 1;
};

struct State {
  Table<catalog::Sku> skus;
  Table<partners::Supplier> suppliers;
  Table<partners::Brand> brands;
  Table<partners::Channel> channels;
  Table<partners::Carrier> carriers;
  Table<partners::Warehouse> warehouses;
  Table<partners::Bin> bins;
  std::map<std::int64_t, access::Tenant> tenants;
  std::map<std::int64_t, std::int64_t> event_seq;  // tenant -> last seq
  std::int64_t next_tenant = 1;
  std::map<std::int64_t, access::ApiKey> keys;
  std::int64_t next_key = 1;
  std::map<std::pair<std::int64_t, std::string>, access::IdempotencyRecord> idempotency;
  std::vector<events::BusinessEvent> events;
  ProcurementState procurement;
  EvaluationState evaluation;
  InventoryState inventory;
  WarehouseState warehouse;
  CustomsState customs;
  OrdersState orders;
};

bool LessValue(const FieldValue& a, const FieldValue& b) { return a < b; }

template <class T>
class MemoryRecordStore final : public RecordStore<T> {
 public:
  explicit MemoryRecordStore(Table<T>& table) : t_(table) {}

  Result<T> Insert(T rec) override {
    for (const auto& [id, row] : t_.rows) {
      if (row.tenant_id == rec.tenant_id && row.code == rec.code && Scope(row) == Scope(rec)) {
        return CodeTaken(rec);
      }
    }
    rec.id = decltype(rec.id)(t_.next_id++);
    t_.rows[rec.id.value()] = rec;
    return rec;
  }

  Result<T> Get(TenantId tenant, std::int64_t id) override {
    auto it = t_.rows.find(id);
    if (it == t_.rows.end() || it->second.tenant_id != tenant) {
      return NotFound("no " + std::string(T::Spec().kind) + " with id " + std::to_string(id));
    }
    return it->second;
  }

  Result<T> GetByCode(TenantId tenant, std::int64_t scope, std::string_view code) override {
    for (const auto& [id, row] : t_.rows) {
      if (row.tenant_id == tenant && row.code == code && Scope(row) == scope) return row;
    }
    return NotFound("no " + std::string(T::Spec().kind) + " with code " + std::string(code));
  }

  Status Update(const T& rec, std::int64_t expected_version) override {
    auto it = t_.rows.find(rec.id.value());
    if (it == t_.rows.end() || it->second.tenant_id != rec.tenant_id) {
      return NotFound("no " + std::string(T::Spec().kind) + " with id " +
                      std::to_string(rec.id.value()));
    }
    if (it->second.version != expected_version) {
      return Conflict(std::string(T::Spec().kind) + " " + std::to_string(rec.id.value()) +
                      " changed meanwhile (now version " + std::to_string(it->second.version) +
                      ")");
    }
    // As in the SQL stores: the code scope (a bin's warehouse) never changes on update, and the
    // code stays unique within it.
    T updated = rec;
    if constexpr (std::is_same_v<T, partners::Bin>) updated.warehouse_id = it->second.warehouse_id;
    for (const auto& [id, row] : t_.rows) {
      if (id != updated.id.value() && row.tenant_id == updated.tenant_id &&
          row.code == updated.code && Scope(row) == Scope(updated)) {
        return CodeTaken(updated);
      }
    }
    it->second = std::move(updated);
    return Status::Ok();
  }

  Result<Page<T>> List(TenantId tenant, const ListQuery& q) override {
    const auto& spec = T::Spec();
    for (const auto& [name, value] : q.equals) {
      if (spec.Find(name) == nullptr) return InvalidArgument("unknown filter '" + name + "'", name);
    }
    const auto* sort = spec.Find(q.sort);
    if (sort == nullptr) return InvalidArgument("sort: unknown field '" + q.sort + "'", "sort");
    std::vector<const T*> hits;
    for (const auto& [id, row] : t_.rows) {
      if (row.tenant_id != tenant) continue;
      const bool archived = row.status == RecordStatus::kArchived;
      if (archived ? !q.include_archived : !q.include_active) continue;
      bool match = true;
      for (const auto& [name, value] : q.equals) {
        if (spec.Find(name)->get(row) != value) match = false;
      }
      if (match && !q.search.empty()) {
        bool any = false;
        for (const auto& f : spec.fields) {
          if (!f.has(kSearchable)) continue;
          const FieldValue v = f.get(row);
          if (const auto* s = std::get_if<std::string>(&v); s && ContainsIgnoreCase(*s, q.search)) {
            any = true;
          }
        }
        match = any;
      }
      if (match) hits.push_back(&row);
    }
    std::stable_sort(hits.begin(), hits.end(), [&](const T* a, const T* b) {
      const FieldValue va = sort->get(*a);
      const FieldValue vb = sort->get(*b);
      if (va == vb)
        return q.descending ? a->id.value() > b->id.value() : a->id.value() < b->id.value();
      return q.descending ? LessValue(vb, va) : LessValue(va, vb);
    });
    Page<T> page;
    page.total = static_cast<std::int64_t>(hits.size());
    page.limit = q.limit;
    page.offset = q.offset;
    for (std::int64_t i = q.offset; i < page.total && i < q.offset + q.limit; ++i) {
      page.items.push_back(*hits[static_cast<std::size_t>(i)]);
    }
    return page;
  }

 private:
  // As the SQL stores report a taken code: on the code field.
  static Status CodeTaken(const T& rec) {
    return AlreadyExists(
        "code: " + std::string(T::Spec().kind) + " " + rec.code + " already exists", "code");
  }
  static std::int64_t Scope(const T& rec) {
    if constexpr (std::is_same_v<T, partners::Bin>) {
      return rec.warehouse_id;
    } else {
      (void)rec;
      return 0;
    }
  }
  Table<T>& t_;
};

class MemoryTenantStore final : public access::TenantStore {
 public:
  explicit MemoryTenantStore(State& s) : s_(s) {}
  Result<access::Tenant> Insert(access::Tenant t) override {
    for (const auto& [id, row] : s_.tenants) {
      if (row.code == t.code) return AlreadyExists("code: tenant '" + t.code + "' exists", "code");
    }
    t.id = TenantId(s_.next_tenant++);
    s_.tenants[t.id.value()] = t;
    return t;
  }
  Result<access::Tenant> Get(TenantId id) override {
    auto it = s_.tenants.find(id.value());
    if (it == s_.tenants.end()) return NotFound("no tenant " + std::to_string(id.value()));
    return it->second;
  }
  Result<std::vector<access::Tenant>> List() override {
    std::vector<access::Tenant> out;
    for (const auto& [id, t] : s_.tenants) out.push_back(t);
    return out;
  }

 private:
  State& s_;
};

class MemoryKeyStore final : public access::KeyStore {
 public:
  explicit MemoryKeyStore(State& s) : s_(s) {}
  Result<access::ApiKey> Insert(access::ApiKey k) override {
    for (const auto& [id, row] : s_.keys) {
      if (row.secret_hash == k.secret_hash) return AlreadyExists("key exists");
    }
    k.id = access::ApiKeyId(s_.next_key++);
    s_.keys[k.id.value()] = k;
    return k;
  }
  Result<access::ApiKey> FindByHash(std::string_view hash) override {
    for (const auto& [id, row] : s_.keys) {
      if (row.secret_hash == hash) return row;
    }
    return NotFound("no such API key");
  }
  Result<access::ApiKey> Get(TenantId tenant, access::ApiKeyId id) override {
    auto it = s_.keys.find(id.value());
    if (it == s_.keys.end() || it->second.tenant_id != tenant) return NotFound("no such API key");
    return it->second;
  }
  Result<std::vector<access::ApiKey>> List(TenantId tenant) override {
    std::vector<access::ApiKey> out;
    for (const auto& [id, k] : s_.keys) {
      if (k.tenant_id == tenant) out.push_back(k);
    }
    return out;
  }
  Status Revoke(TenantId tenant, access::ApiKeyId id, Timestamp at) override {
    auto it = s_.keys.find(id.value());
    if (it == s_.keys.end() || it->second.tenant_id != tenant) return NotFound("no such API key");
    if (!it->second.revoked_at) it->second.revoked_at = at;
    return Status::Ok();
  }
  Result<std::int64_t> Count() override { return static_cast<std::int64_t>(s_.keys.size()); }

 private:
  State& s_;
};

class MemoryIdempotencyStore final : public access::IdempotencyStore {
 public:
  explicit MemoryIdempotencyStore(State& s) : s_(s) {}
  Result<std::optional<access::IdempotencyRecord>> Find(TenantId tenant,
                                                        std::string_view key) override {
    auto it = s_.idempotency.find({tenant.value(), std::string(key)});
    if (it == s_.idempotency.end()) return std::optional<access::IdempotencyRecord>();
    return std::optional<access::IdempotencyRecord>(it->second);
  }
  Status Insert(const access::IdempotencyRecord& rec) override {
    const auto [it, inserted] =
        s_.idempotency.emplace(std::make_pair(rec.tenant_id.value(), rec.key), rec);
    (void)it;
    return inserted ? Status::Ok() : AlreadyExists("idempotency key already recorded");
  }

 private:
  State& s_;
};

class MemoryEventLog final : public events::EventLog {
 public:
  explicit MemoryEventLog(State& s) : s_(s) {}
  Result<std::int64_t> Append(events::BusinessEvent e) override {
    if (s_.tenants.count(e.tenant_id.value()) == 0) {
      return NotFound("no tenant " + std::to_string(e.tenant_id.value()));
    }
    e.seq = ++s_.event_seq[e.tenant_id.value()];
    const std::int64_t seq = e.seq;
    s_.events.push_back(std::move(e));
    return seq;
  }
  Result<std::vector<events::BusinessEvent>> List(TenantId tenant,
                                                  const events::EventQuery& q) override {
    std::vector<events::BusinessEvent> out;
    for (const auto& e : s_.events) {
      if (e.tenant_id != tenant || e.seq <= q.after_seq) continue;
      if (q.entity && e.entity != *q.entity) continue;
      if (q.entity_id && e.entity_id != *q.entity_id) continue;
      if (q.type && e.type != *q.type) continue;
      out.push_back(e);
      if (static_cast<std::int64_t>(out.size()) >= q.limit) break;
    }
    return out;
  }

 private:
  State& s_;
};

class MemoryDatabase;

class MemoryTransaction final : public store::Transaction {
 public:
  // Readers look at the shared state; writers at a private copy swapped in on commit.
  MemoryTransaction(State& shared, std::shared_mutex& mu, bool write)
      : shared_(shared),
        write_(write),
        read_lock_(write ? std::shared_lock<std::shared_mutex>() : std::shared_lock(mu)),
        write_lock_(write ? std::unique_lock(mu) : std::unique_lock<std::shared_mutex>()),
        work_(write ? std::make_unique<State>(shared) : nullptr),
        s_(write ? *work_ : shared),
        skus_(s_.skus),
        suppliers_(s_.suppliers),
        brands_(s_.brands),
        channels_(s_.channels),
        carriers_(s_.carriers),
        warehouses_(s_.warehouses),
        bins_(s_.bins),
        tenants_(s_),
        keys_(s_),
        idempotency_(s_),
        events_(s_),
        procurement_(s_.procurement),
        evaluation_(s_.evaluation),
        inventory_(s_.inventory),
        warehouse_(s_.warehouse),
        customs_(s_.customs),
        orders_(s_.orders) {}

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

  Status Commit() override {
    if (write_ && work_) {
      shared_ = std::move(*work_);
      work_.reset();
    }
    return Status::Ok();
  }

 private:
  State& shared_;
  bool write_;
  std::shared_lock<std::shared_mutex> read_lock_;
  std::unique_lock<std::shared_mutex> write_lock_;
  std::unique_ptr<State> work_;
  State& s_;
  MemoryRecordStore<catalog::Sku> skus_;
  MemoryRecordStore<partners::Supplier> suppliers_;
  MemoryRecordStore<partners::Brand> brands_;
  MemoryRecordStore<partners::Channel> channels_;
  MemoryRecordStore<partners::Carrier> carriers_;
  MemoryRecordStore<partners::Warehouse> warehouses_;
  MemoryRecordStore<partners::Bin> bins_;
  MemoryTenantStore tenants_;
  MemoryKeyStore keys_;
  MemoryIdempotencyStore idempotency_;
  MemoryEventLog events_;
  MemoryProcurementStore procurement_;
  MemoryEvaluationStore evaluation_;
  MemoryInventoryStore inventory_;
  MemoryWarehouseStore warehouse_;
  MemoryCustomsStore customs_;
  MemoryOrdersStore orders_;
};

class MemoryDatabase final : public store::Database {
 public:
  Result<std::unique_ptr<store::Transaction>> Begin(store::TxMode mode) override {
    return std::unique_ptr<store::Transaction>(
        new MemoryTransaction(state_, mu_, mode == store::TxMode::kWrite));
  }
  std::string_view dialect() const override { return "memory"; }
  Result<int> SchemaVersion() override { return 1; }

 private:
  std::shared_mutex mu_;
  State state_;
};

}  // namespace

std::unique_ptr<store::Database> NewMemoryDatabase() { return std::make_unique<MemoryDatabase>(); }

}  // namespace xb::memory
