// Read side of orders for the API, the command line and the console: an order, lists, its
// timeline, its tax breakdown recomputed with the rules used, and its declarations with the four
// records, each check's result and customs' receipts. Plain read transactions; needs no running
// intake. Personal data is returned whole: views mask it (customs::MaskIdNumber, MaskPhone).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/status.h"
#include "domain/customs/customs_store.h"
#include "domain/customs/tax.h"
#include "domain/orders/orders.h"
#include "flows/orders/rule_cache.h"
#include "flows/store/unit_of_work.h"

namespace xb::orders_flow {

struct OrderTax {
  customs::TaxQuote quote;              // lines' ref = the order line's line_no
  std::int64_t annual_used_before = 0;  // the identity's total this year before the order
  std::vector<customs::RuleRow> rules;  // the rows named in the quote's rules_used
};

struct DeclarationView {
  customs::Declaration declaration;  // with its four records and checks
  std::vector<customs::Receipt> receipts;
};

class OrderQueries {
 public:
  OrderQueries(store::Database& db, RuleCache& rules) : db_(db), rules_(rules) {}

  Result<orders::Order> Get(TenantId tenant, orders::OrderId id);
  // Newest first; the second value is the total matching the query (without paging).
  Result<std::pair<std::vector<orders::Order>, std::int64_t>> List(TenantId tenant,
                                                                   const orders::OrderQuery& q);
  Result<std::vector<orders::OrderEvent>> Timeline(TenantId tenant, orders::OrderId id);
  // The tax quote of the order recomputed with the rules of its date and today's catalog facts.
  Result<OrderTax> Tax(TenantId tenant, orders::OrderId id);
  Result<std::vector<DeclarationView>> Documents(TenantId tenant, orders::OrderId id);

 private:
  store::Database& db_;
  RuleCache& rules_;
};

}  // namespace xb::orders_flow
