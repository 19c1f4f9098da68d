// The customs API: /api/v1/tax/quote (the tax calculator), /api/v1/customs/rules, the positive
// list (query, CSV import), /customs/quota/lookup (POST, so an identity number never appears in a
// URL or an access log), /customs/declarations (list, get with the documents, cancel),
// /customs/queue (the outbound backlog), /customs/receipts (customs' answers) and the bonded
// account books (/customs/account-books/{ems_no}/entries, /reconciliation). Handlers only
// translate JSON to use-case calls and back; personal data is masked in every answer.
#pragma once

#include "adapters/http/router.h"
#include "core/time.h"
#include "flows/access/access_service.h"
#include "flows/customs/account_book_service.h"
#include "flows/customs/customs_service.h"
#include "flows/customs/receipt_service.h"
#include "flows/orders/rule_cache.h"

namespace xb::http {

struct CustomsRouteServices {
  customs_flow::CustomsService& customs;
  customs_flow::ReceiptService& receipts;
  customs_flow::AccountBookService& books;
  orders_flow::RuleCache& rules;  // invalidated after a rule or positive-list change
  const Clock& clock;
};

void AddCustomsRoutes(Router& router, access::AccessService& access, CustomsRouteServices services);

}  // namespace xb::http
