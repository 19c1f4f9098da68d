// The supplier-evaluation and procurement API: /api/v1/evaluation/..., /api/v1/price-lists and
// /api/v1/purchase-orders. Handlers only translate JSON to use-case calls and back; the rules
// live in flows/sourcing and the domain. Money is written as decimal text in the record's
// currency ("1234.50").
#pragma once

#include <nlohmann/json.hpp>

#include "adapters/http/router.h"
#include "domain/procurement/procurement.h"
#include "domain/suppliers/evaluation.h"
#include "flows/access/access_service.h"
#include "flows/sourcing/evaluation_service.h"
#include "flows/sourcing/procurement_service.h"

namespace xb::http {

void AddSourcingRoutes(Router& router, access::AccessService& access,
                       sourcing::EvaluationService& evaluation,
                       sourcing::ProcurementService& procurement);

// The JSON forms of the API, shared with the command line.
nlohmann::json TreeSummaryToJson(const suppliers::TreeVersion& tree);
nlohmann::json TreeToJson(const suppliers::TreeVersion& tree);
nlohmann::json ScorecardToJson(const sourcing::SupplierScorecard& card);
nlohmann::json ComputeOutcomeToJson(const sourcing::ComputeOutcome& outcome);
nlohmann::json PriceToJson(const procurement::PriceListEntry& entry);
nlohmann::json OrderToJson(const procurement::PurchaseOrder& order);
nlohmann::json ReceiptToJson(const procurement::GoodsReceipt& receipt);

}  // namespace xb::http
