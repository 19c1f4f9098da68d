#include "flows/orders/order_queries.h"

#include <algorithm>
#include <set>

#include "flows/orders/declaration_builder.h"

namespace xb::orders_flow {

Result<orders::Order> OrderQueries::Get(TenantId tenant, orders::OrderId id) {
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->orders().GetOrder(tenant, id);
}

Result<std::pair<std::vector<orders::Order>, std::int64_t>> OrderQueries::List(
    TenantId tenant, const orders::OrderQuery& q) {
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->orders().ListOrders(tenant, q);
}

Result<std::vector<orders::OrderEvent>> OrderQueries::Timeline(TenantId tenant,
                                                               orders::OrderId id) {
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_RETURN_IF_ERROR(tx->orders().GetOrder(tenant, id).status());
  return tx->orders().ListEvents(tenant, id);
}

Result<OrderTax> OrderQueries::Tax(TenantId tenant, orders::OrderId id) {
  XB_ASSIGN_OR_RETURN(auto book, rules_.Get(tenant));
  OrderTax out;
  orders::Order order;
  std::vector<SkuFacts> facts;
  {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
    XB_ASSIGN_OR_RETURN(order, tx->orders().GetOrder(tenant, id));
    for (const auto& l : order.lines) {
      auto sku = tx->skus().Get(tenant, l.sku_id);
      if (!sku.ok()) {
        if (sku.status().code() == ErrorCode::kNotFound) continue;  // named by TaxInputOf
        return sku.status();
      }
      facts.push_back(FactsOf(*sku));
    }
    XB_ASSIGN_OR_RETURN(auto entries,
                        tx->customs().ListQuota(tenant, order.buyer.id_type, order.buyer.id_number,
                                                order.order_date.year()));
    // The identity's total before this order: the entries written before its own.
    std::int64_t own = 0;
    for (const auto& e : entries) {
      if (e.order_id == id.value() && e.kind == customs::QuotaEntryKind::kOrder) {
        own = e.id;
        break;
      }
    }
    for (const auto& e : entries) {
      if (own == 0 || e.id < own) out.annual_used_before += e.amount_fen;
    }
  }
  XB_ASSIGN_OR_RETURN(auto input, TaxInputOf(order, facts, out.annual_used_before));
  XB_ASSIGN_OR_RETURN(out.quote, customs::QuoteTax(input, *book));
  std::set<std::int64_t> used;
  for (const auto& line : out.quote.lines) {
    for (const auto& r : line.rules_used) used.insert(r.value());
  }
  for (const auto& row : book->rules()) {
    if (used.contains(row.id.value())) out.rules.push_back(row);
  }
  return out;
}

Result<std::vector<DeclarationView>> OrderQueries::Documents(TenantId tenant, orders::OrderId id) {
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_RETURN_IF_ERROR(tx->orders().GetOrder(tenant, id).status());
  customs::DeclarationQuery q;
  q.order_id = id.value();
  q.limit = 100;
  XB_ASSIGN_OR_RETURN(auto page, tx->customs().ListDeclarations(tenant, q));
  std::vector<DeclarationView> views;
  views.reserve(page.first.size());
  for (auto& d : page.first) {
    DeclarationView v;
    XB_ASSIGN_OR_RETURN(v.receipts, tx->customs().ListReceipts(tenant, d.id));
    v.declaration = std::move(d);
    views.push_back(std::move(v));
  }
  std::sort(views.begin(), views.end(), [](const auto& a, const auto& b) {
    return a.declaration.id.value() < b.declaration.id.value();
  });
  return views;
}

}  // namespace xb::orders_flow
