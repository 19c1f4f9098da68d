// The storage ports of every module, reached through one transaction, so that a use case that
// touches several modules (and the event log) commits all of it or none of it.
#pragma once

#include <memory>
#include <string_view>
#include <type_traits>

#include "core/record.h"
#include "core/status.h"
#include "domain/access/access.h"
#include "domain/catalog/sku.h"
#include "domain/customs/customs_store.h"
#include "domain/events/event_log.h"
#include "domain/inventory/inventory.h"
#include "domain/orders/orders.h"
#include "domain/partners/partners.h"
#include "domain/procurement/procurement.h"
#include "domain/suppliers/evaluation.h"
#include "domain/warehouse/tasks.h"

namespace xb::store {

// One transaction. Destroying it without Commit() rolls back. Not thread-safe: one per request.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual RecordStore<catalog::Sku>& skus() = 0;
  virtual RecordStore<partners::Supplier>& suppliers() = 0;
  virtual RecordStore<partners::Brand>& brands() = 0;
  virtual RecordStore<partners::Channel>& channels() = 0;
  virtual RecordStore<partners::Carrier>& carriers() = 0;
  virtual RecordStore<partners::Warehouse>& warehouses() = 0;
  virtual RecordStore<partners::Bin>& bins() = 0;
  virtual access::TenantStore& tenants() = 0;
  virtual access::KeyStore& keys() = 0;
  virtual access::IdempotencyStore& idempotency() = 0;
  virtual events::EventLog& events() = 0;
  virtual procurement::ProcurementStore& procurement() = 0;
  virtual suppliers::EvaluationStore& evaluation() = 0;
  virtual inventory::InventoryStore& inventory() = 0;
  virtual warehouse::WarehouseStore& warehouse() = 0;
  virtual customs::CustomsStore& customs() = 0;
  virtual orders::OrdersStore& orders() = 0;
  // Makes every write durable. kConflict when a concurrent transaction won (retry the use case).
  virtual Status Commit() = 0;
  // Commits like Commit() (visible to every later transaction, errors alike) without waiting
  // until the writes are durable: Database::SyncCommitted() makes them so. A crash before that
  // may lose them, and with them every later such commit, never an earlier one. For a group
  // committer that writes the next batch while the last one is being synced; nobody may be told
  // "done" before the sync. Adapters whose commits are durable anyway keep this default.
  virtual Status CommitNoSync() { return Commit(); }
};

enum class TxMode { kRead, kWrite };

// A database: SQLite file, PostgreSQL server or memory. Safe for concurrent use.
class Database {
 public:
  virtual ~Database() = default;
  virtual Result<std::unique_ptr<Transaction>> Begin(TxMode mode) = 0;
  // "sqlite", "postgresql" or "memory".
  virtual std::string_view dialect() const = 0;
  // The schema version after migrations.
  virtual Result<int> SchemaVersion() = 0;
  // Makes durable every transaction committed (CommitNoSync) before this call. Thread-safe; may
  // run while others write. An error means those commits are visible but maybe not durable: the
  // adapter then refuses further writes (kUnavailable) until it is opened again, since the
  // storage can no longer be trusted. Default: nothing to do (every commit is durable).
  virtual Status SyncCommitted() { return Status::Ok(); }
};

// Records<T>(tx): the store of record type T.
template <class T>
RecordStore<T>& Records(Transaction& tx) {
  if constexpr (std::is_same_v<T, catalog::Sku>)
    return tx.skus();
  else if constexpr (std::is_same_v<T, partners::Supplier>)
    return tx.suppliers();
  else if constexpr (std::is_same_v<T, partners::Brand>)
    return tx.brands();
  else if constexpr (std::is_same_v<T, partners::Channel>)
    return tx.channels();
  else if constexpr (std::is_same_v<T, partners::Carrier>)
    return tx.carriers();
  else if constexpr (std::is_same_v<T, partners::Warehouse>)
    return tx.warehouses();
  else
    return tx.bins();
}

}  // namespace xb::store
