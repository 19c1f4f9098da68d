#include "adapters/memory/sourcing_stores.h"

#include <algorithm>
#include <utility>

namespace xb::memory {

using procurement::GoodsReceipt;
using procurement::PriceListEntry;
using procurement::PurchaseOrder;
using suppliers::Band;
using suppliers::IndicatorScore;
using suppliers::TreeStatus;
using suppliers::TreeVersion;

namespace {

template <class T>
std::pair<std::vector<T>, std::int64_t> Slice(const std::vector<const T*>& hits, std::int64_t limit,
                                              std::int64_t offset) {
  std::vector<T> page;
  const auto total = static_cast<std::int64_t>(hits.size());
  for (std::int64_t i = std::max<std::int64_t>(offset, 0); i < total && i < offset + limit; ++i) {
    page.push_back(*hits[static_cast<std::size_t>(i)]);
  }
  return {std::move(page), total};
}

Status OrderCodeTaken(const std::string& code) {
  return AlreadyExists("code: purchase order '" + code + "' exists", "code");
}

// Sorts lines by number; as in the SQL stores, a number may appear only once.
template <class Line>
Status SortLines(std::vector<Line>& lines) {
  std::sort(lines.begin(), lines.end(),
            [](const Line& a, const Line& b) { return a.line_no < b.line_no; });
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].line_no == lines[i - 1].line_no) {
      return InvalidArgument("lines: line " + std::to_string(lines[i].line_no) + " appears twice",
                             "lines");
    }
  }
  return Status::Ok();
}

}  // namespace

// --- price list ------------------------------------------------------------------------------

Result<PriceListEntry> MemoryProcurementStore::InsertPrice(PriceListEntry entry) {
  entry.id = procurement::PriceListEntryId(s_.next_price++);
  s_.prices[entry.id.value()] = entry;
  return entry;
}

Result<PriceListEntry> MemoryProcurementStore::GetPrice(TenantId tenant,
                                                        procurement::PriceListEntryId id) {
  auto it = s_.prices.find(id.value());
  if (it == s_.prices.end() || it->second.tenant_id != tenant) {
    return NotFound("no price list entry with id " + std::to_string(id.value()));
  }
  return it->second;
}

Status MemoryProcurementStore::UpdatePrice(const PriceListEntry& entry,
                                           std::int64_t expected_version) {
  XB_ASSIGN_OR_RETURN(PriceListEntry current, GetPrice(entry.tenant_id, entry.id));
  if (current.version != expected_version) {
    return Conflict("price list entry " + std::to_string(entry.id.value()) +
                    " changed meanwhile (now version " + std::to_string(current.version) + ")");
  }
  PriceListEntry updated = entry;
  updated.created_at = current.created_at;
  s_.prices[entry.id.value()] = std::move(updated);
  return Status::Ok();
}

Result<std::pair<std::vector<PriceListEntry>, std::int64_t>> MemoryProcurementStore::ListPrices(
    TenantId tenant, const procurement::PriceListQuery& q) {
  std::vector<const PriceListEntry*> hits;
  for (const auto& [id, e] : s_.prices) {
    if (e.tenant_id != tenant) continue;
    if (!q.include_inactive && !e.active) continue;
    if (q.supplier_id && e.supplier_id != *q.supplier_id) continue;
    if (q.sku_id && e.sku_id != *q.sku_id) continue;
    if (q.valid_on && (e.valid_from > *q.valid_on || (e.valid_to && *e.valid_to < *q.valid_on))) {
      continue;
    }
    hits.push_back(&e);
  }
  return Slice(hits, q.limit, q.offset);
}

// --- purchase orders -------------------------------------------------------------------------

Result<PurchaseOrder> MemoryProcurementStore::InsertOrder(PurchaseOrder po) {
  for (const auto& [id, row] : s_.orders) {
    if (row.tenant_id == po.tenant_id && row.code == po.code) return OrderCodeTaken(po.code);
  }
  XB_RETURN_IF_ERROR(SortLines(po.lines));
  po.id = procurement::PurchaseOrderId(s_.next_order++);
  s_.orders[po.id.value()] = po;
  return po;
}

Result<PurchaseOrder> MemoryProcurementStore::GetOrder(TenantId tenant,
                                                       procurement::PurchaseOrderId id) {
  auto it = s_.orders.find(id.value());
  if (it == s_.orders.end() || it->second.tenant_id != tenant) {
    return NotFound("no purchase order with id " + std::to_string(id.value()));
  }
  return it->second;
}

Status MemoryProcurementStore::UpdateOrder(const PurchaseOrder& po, std::int64_t expected_version) {
  XB_ASSIGN_OR_RETURN(PurchaseOrder current, GetOrder(po.tenant_id, po.id));
  if (current.version != expected_version) {
    return Conflict("purchase order " + std::to_string(po.id.value()) +
                    " changed meanwhile (now version " + std::to_string(current.version) + ")");
  }
  for (const auto& [id, row] : s_.orders) {
    if (id != po.id.value() && row.tenant_id == po.tenant_id && row.code == po.code) {
      return OrderCodeTaken(po.code);
    }
  }
  PurchaseOrder updated = po;
  updated.created_at = current.created_at;
  XB_RETURN_IF_ERROR(SortLines(updated.lines));
  s_.orders[po.id.value()] = std::move(updated);
  return Status::Ok();
}

Result<std::pair<std::vector<PurchaseOrder>, std::int64_t>> MemoryProcurementStore::ListOrders(
    TenantId tenant, const procurement::PurchaseOrderQuery& q) {
  std::vector<const PurchaseOrder*> hits;
  for (const auto& [id, po] : s_.orders) {
    if (po.tenant_id != tenant) continue;
    if (q.supplier_id && po.supplier_id != *q.supplier_id) continue;
    if (q.warehouse_id && po.warehouse_id != *q.warehouse_id) continue;
    if (q.status && po.status != *q.status) continue;
    if (q.ordered_from && po.order_date < *q.ordered_from) continue;
    if (q.ordered_to && po.order_date > *q.ordered_to) continue;
    hits.push_back(&po);
  }
  // Newest first: by order date, then by id, both descending.
  std::sort(hits.begin(), hits.end(), [](const PurchaseOrder* a, const PurchaseOrder* b) {
    if (a->order_date != b->order_date) return a->order_date > b->order_date;
    return a->id > b->id;
  });
  return Slice(hits, q.limit, q.offset);
}

// --- goods receipts --------------------------------------------------------------------------

Result<GoodsReceipt> MemoryProcurementStore::InsertReceipt(GoodsReceipt receipt) {
  const auto order =
      GetOrder(receipt.tenant_id, procurement::PurchaseOrderId(receipt.purchase_order_id));
  if (!order.ok()) return order.status();
  XB_RETURN_IF_ERROR(SortLines(receipt.lines));
  receipt.id = procurement::GoodsReceiptId(s_.next_receipt++);
  s_.receipts[receipt.id.value()] = receipt;
  return receipt;
}

Result<std::vector<GoodsReceipt>> MemoryProcurementStore::ListReceipts(
    TenantId tenant, std::optional<std::int64_t> order_id, std::optional<std::int64_t> supplier_id,
    std::optional<Date> from, std::optional<Date> to) {
  std::vector<GoodsReceipt> out;
  for (const auto& [id, r] : s_.receipts) {
    if (r.tenant_id != tenant) continue;
    if (order_id && r.purchase_order_id != *order_id) continue;
    if (from && r.received_on < *from) continue;
    if (to && r.received_on > *to) continue;
    if (supplier_id) {
      auto po = s_.orders.find(r.purchase_order_id);
      if (po == s_.orders.end() || po->second.supplier_id != *supplier_id) continue;
    }
    out.push_back(r);
  }
  // In the order goods arrived: by receipt date, then by id.
  std::stable_sort(out.begin(), out.end(), [](const GoodsReceipt& a, const GoodsReceipt& b) {
    return a.received_on < b.received_on;
  });
  return out;
}

// --- indicator tree versions -----------------------------------------------------------------

Status MemoryEvaluationStore::CheckUnique(const TreeVersion& version) const {
  for (const auto& [id, row] : s_.trees) {
    if (id == version.id.value() || row.tenant_id != version.tenant_id) continue;
    if (row.version_no == version.version_no) {
      return AlreadyExists("tree version number " + std::to_string(version.version_no) + " exists",
                           "version_no");
    }
    if (row.status == TreeStatus::kActive && version.status == TreeStatus::kActive) {
      return AlreadyExists("tree version " + std::to_string(id) +
                           " is active; retire it before activating another");
    }
  }
  return Status::Ok();
}

Result<TreeVersion> MemoryEvaluationStore::InsertTree(TreeVersion version) {
  version.id = suppliers::TreeVersionId(0);
  XB_RETURN_IF_ERROR(CheckUnique(version));
  version.id = suppliers::TreeVersionId(s_.next_tree++);
  s_.trees[version.id.value()] = version;
  return version;
}

Result<TreeVersion> MemoryEvaluationStore::GetTree(TenantId tenant, suppliers::TreeVersionId id) {
  auto it = s_.trees.find(id.value());
  if (it == s_.trees.end() || it->second.tenant_id != tenant) {
    return NotFound("no tree version with id " + std::to_string(id.value()));
  }
  return it->second;
}

Status MemoryEvaluationStore::UpdateTree(const TreeVersion& version,
                                         std::int64_t expected_version) {
  XB_ASSIGN_OR_RETURN(TreeVersion current, GetTree(version.tenant_id, version.id));
  if (current.version != expected_version) {
    return Conflict("tree version " + std::to_string(version.id.value()) +
                    " changed meanwhile (now version " + std::to_string(current.version) + ")");
  }
  XB_RETURN_IF_ERROR(CheckUnique(version));
  TreeVersion updated = version;
  updated.created_at = current.created_at;
  updated.created_by = current.created_by;
  s_.trees[version.id.value()] = std::move(updated);
  return Status::Ok();
}

Result<std::vector<TreeVersion>> MemoryEvaluationStore::ListTrees(TenantId tenant) {
  std::vector<TreeVersion> out;
  for (const auto& [id, t] : s_.trees) {
    if (t.tenant_id == tenant) out.push_back(t);
  }
  std::stable_sort(out.begin(), out.end(), [](const TreeVersion& a, const TreeVersion& b) {
    return a.version_no < b.version_no;
  });
  return out;
}

Result<std::optional<TreeVersion>> MemoryEvaluationStore::ActiveTree(TenantId tenant) {
  for (const auto& [id, t] : s_.trees) {
    if (t.tenant_id == tenant && t.status == TreeStatus::kActive) {
      return std::optional<TreeVersion>(t);
    }
  }
  return std::optional<TreeVersion>();
}

// --- scores ----------------------------------------------------------------------------------

Status MemoryEvaluationStore::UpsertScore(const IndicatorScore& score) {
  const auto tree = GetTree(score.tenant_id, score.tree_version_id);
  if (!tree.ok()) return tree.status();
  s_.scores[{score.tenant_id.value(), score.supplier_id, score.tree_version_id.value(),
             score.period, score.indicator}] = score;
  return Status::Ok();
}

Result<std::vector<IndicatorScore>> MemoryEvaluationStore::ListScores(
    TenantId tenant, suppliers::TreeVersionId tree, std::optional<std::int64_t> supplier_id,
    std::optional<std::string> period) {
  // The map's key order is the listing order: supplier, then period, then indicator.
  std::vector<IndicatorScore> out;
  for (const auto& [key, s] : s_.scores) {
    if (s.tenant_id != tenant || s.tree_version_id != tree) continue;
    if (supplier_id && s.supplier_id != *supplier_id) continue;
    if (period && s.period != *period) continue;
    out.push_back(s);
  }
  return out;
}

// --- bands -----------------------------------------------------------------------------------

Result<std::vector<Band>> MemoryEvaluationStore::GetBands(TenantId tenant) {
  auto it = s_.bands.find(tenant.value());
  if (it == s_.bands.end() || it->second.empty()) return suppliers::DefaultBands();
  return it->second;
}

Status MemoryEvaluationStore::SetBands(TenantId tenant, const std::vector<Band>& bands) {
  s_.bands[tenant.value()] = bands;
  return Status::Ok();
}

}  // namespace xb::memory
