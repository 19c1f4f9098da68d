// The SQL implementations of the procurement and supplier-evaluation stores, written once for
// SQLite and PostgreSQL against sql::Connection (tables of migration 0002_sourcing).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/sql/connection.h"
#include "domain/procurement/procurement.h"
#include "domain/suppliers/evaluation.h"

namespace xb::sql {

class SqlProcurementStore final : public procurement::ProcurementStore {
 public:
  explicit SqlProcurementStore(Connection& c) : c_(c) {}

  Result<procurement::PriceListEntry> InsertPrice(procurement::PriceListEntry entry) override;
  Result<procurement::PriceListEntry> GetPrice(TenantId tenant,
                                               procurement::PriceListEntryId id) override;
  Status UpdatePrice(const procurement::PriceListEntry& entry,
                     std::int64_t expected_version) override;
  Result<std::pair<std::vector<procurement::PriceListEntry>, std::int64_t>> ListPrices(
      TenantId tenant, const procurement::PriceListQuery& query) override;

  Result<procurement::PurchaseOrder> InsertOrder(procurement::PurchaseOrder po) override;
  Result<procurement::PurchaseOrder> GetOrder(TenantId tenant,
                                              procurement::PurchaseOrderId id) override;
  Status UpdateOrder(const procurement::PurchaseOrder& po, std::int64_t expected_version) override;
  Result<std::pair<std::vector<procurement::PurchaseOrder>, std::int64_t>> ListOrders(
      TenantId tenant, const procurement::PurchaseOrderQuery& query) override;

  Result<procurement::GoodsReceipt> InsertReceipt(procurement::GoodsReceipt receipt) override;
  Result<std::vector<procurement::GoodsReceipt>> ListReceipts(
      TenantId tenant, std::optional<std::int64_t> order_id,
      std::optional<std::int64_t> supplier_id, std::optional<Date> from,
      std::optional<Date> to) override;

 private:
  // Inserts the order's lines (its header is written).
  Status InsertLines(const procurement::PurchaseOrder& po);
  Connection& c_;
};

class SqlEvaluationStore final : public suppliers::EvaluationStore {
 public:
  explicit SqlEvaluationStore(Connection& c) : c_(c) {}

  Result<suppliers::TreeVersion> InsertTree(suppliers::TreeVersion version) override;
  Result<suppliers::TreeVersion> GetTree(TenantId tenant, suppliers::TreeVersionId id) override;
  Status UpdateTree(const suppliers::TreeVersion& version, std::int64_t expected_version) override;
  Result<std::vector<suppliers::TreeVersion>> ListTrees(TenantId tenant) override;
  Result<std::optional<suppliers::TreeVersion>> ActiveTree(TenantId tenant) override;

  Status UpsertScore(const suppliers::IndicatorScore& score) override;
  Result<std::vector<suppliers::IndicatorScore>> ListScores(
      TenantId tenant, suppliers::TreeVersionId tree, std::optional<std::int64_t> supplier_id,
      std::optional<std::string> period) override;

  Result<std::vector<suppliers::Band>> GetBands(TenantId tenant) override;
  Status SetBands(TenantId tenant, const std::vector<suppliers::Band>& bands) override;

 private:
  // kAlreadyExists naming the key `version` would collide with: its number, or another active
  // version. Checked before writing, since a failed statement ends a PostgreSQL transaction; the
  // unique indexes still catch a concurrent writer.
  Status CheckUnique(const suppliers::TreeVersion& version);
  Connection& c_;
};

}  // namespace xb::sql
