// The procurement and supplier-evaluation stores held in memory. Their state is plain values, so
// the memory database copies it with everything else when a writer begins and swaps it in on
// commit; the stores themselves only read and change it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "domain/procurement/procurement.h"
#include "domain/suppliers/evaluation.h"

namespace xb::memory {

struct ProcurementState {
  std::map<std::int64_t, procurement::PriceListEntry> prices;
  std::map<std::int64_t, procurement::PurchaseOrder> orders;
  std::map<std::int64_t, procurement::GoodsReceipt> receipts;
  std::int64_t next_price = 1;
  std::int64_t next_order = 1;
  std::int64_t next_receipt = 1;
};

struct EvaluationState {
  // (tenant, supplier, tree version, period, indicator): the key of one score.
  using ScoreKey = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string, std::string>;
  std::map<std::int64_t, suppliers::TreeVersion> trees;
  std::int64_t next_tree = 1;
  std::map<ScoreKey, suppliers::IndicatorScore> scores;
  std::map<std::int64_t, std::vector<suppliers::Band>> bands;  // by tenant; absent = defaults
};

class MemoryProcurementStore final : public procurement::ProcurementStore {
 public:
  explicit MemoryProcurementStore(ProcurementState& s) : s_(s) {}

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
  ProcurementState& s_;
};

class MemoryEvaluationStore final : public suppliers::EvaluationStore {
 public:
  explicit MemoryEvaluationStore(EvaluationState& s) : s_(s) {}

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
  // kAlreadyExists when another tree of the tenant holds the same number, or is active while
  // `version` is: the same keys the SQL schema keeps unique.
  Status CheckUnique(const suppliers::TreeVersion& version) const;
  EvaluationState& s_;
};

}  // namespace xb::memory
