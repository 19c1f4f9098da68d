// JSON forms of consumer orders and of customs records (rules, positive list, tax quotes,
// declarations with their three documents, receipts, quota, returns, the bonded account book),
// shared by the HTTP routes and the command line. Money is CNY in decimal strings ("425.00"),
// dates "YYYY-MM-DD", times RFC 3339 UTC. Personal data is masked in every view: identity numbers
// (customs::MaskIdNumber) and phones (customs::MaskPhone) are never rendered whole. Request
// readers refuse unknown fields, wrong types and bad values with kInvalidArgument naming the
// field ("lines[1].quantity"); they check form only, the rules live in the flows and the domain.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/customs/customs_store.h"
#include "domain/customs/documents.h"
#include "domain/customs/returns.h"
#include "domain/customs/rules.h"
#include "domain/customs/tax.h"
#include "domain/orders/orders.h"
#include "flows/customs/account_book_service.h"
#include "flows/customs/customs_service.h"
#include "flows/customs/return_service.h"
#include "flows/orders/order_intake.h"
#include "flows/orders/order_queries.h"

namespace xb::http {

// --- orders ----------------------------------------------------------------------------------

// POST /api/v1/orders.
Result<orders_flow::OrderRequest> OrderRequestFromJson(const nlohmann::json& body);
// The same request read from the body's text without building a JSON object, when the body is
// one that OrderRequestFromJson takes as it is; nullopt for anything else (bad JSON, an unknown
// member, a wrong type or value, null, a repeated member): the caller then takes ParseBody and
// OrderRequestFromJson, whose errors name the field.
std::optional<orders_flow::OrderRequest> OrderRequestFromText(std::string_view text);
// The order view: masked buyer, address phone and payer; money as decimal strings.
nlohmann::json OrderToJson(const orders::Order& order);
// Appends exactly the text of OrderToJson(order).dump() (keys in nlohmann's order) without
// building the JSON object: the answer of an intake.
void AppendOrderJson(const orders::Order& order, std::string& out);
nlohmann::json OrderEventToJson(const orders::OrderEvent& event);

// POST /api/v1/orders/import: one row per order line, rows of one order grouped by
// channel_order_no (in the file's order). Columns: OrderCsvColumns(); a row's order-level cells
// must agree with the first row of its order. Each group becomes an order request body as POST
// /api/v1/orders takes it. Every bad cell is reported with its line.
struct CsvRowError {
  std::int64_t line = 0;
  std::string column;
  std::string reason;
};
struct OrderCsvGroup {
  std::int64_t first_line = 0;
  std::string channel_order_no;
  nlohmann::json body;
};
std::span<const std::string_view> OrderCsvColumns();
Result<std::vector<OrderCsvGroup>> OrderBodiesFromCsv(std::string_view text,
                                                      std::vector<CsvRowError>& errors);

// --- tax -------------------------------------------------------------------------------------

// The tax calculator's input (`xborder tax quote`, POST /api/v1/tax/quote):
// {"date","annual_used","freight"?,"insurance"?,"discount"?,"lines":[{"ref"?,"value","quantity",
//  "legal_quantity","legal_unit","hs_code"?,"vat_rate"?,"vat_class"?,
//  "consumption_tax":"none"|"high_end_cosmetics"|"<rate>","tariff_rate"?}]}.
Result<customs::TaxInput> TaxInputFromJson(const nlohmann::json& body);
// {"channel","tax_share","lines":[...],"dutiable","tariff","consumption_tax","vat","total_tax",
//  "reasons":[...]}; each line with its rates, amounts, unit price, rule ids and notes.
nlohmann::json TaxQuoteToJson(const customs::TaxQuote& quote);
nlohmann::json ViolationToJson(const customs::Violation& violation);
// GET /api/v1/orders/{id}/tax: the quote, the identity's total before the order and the rule rows
// used.
nlohmann::json OrderTaxToJson(const orders_flow::OrderTax& tax);

// --- rules -----------------------------------------------------------------------------------

// {"kind","key"?,"rate"?,"amount"?,"quantity"?,"unit"?,"valid_from","valid_to"?,"source"}.
Result<customs::RuleRow> RuleFromJson(const nlohmann::json& body);
nlohmann::json RuleToJson(const customs::RuleRow& rule);
nlohmann::json PositiveListLineToJson(const customs::PositiveListLine& line);

// --- quota -----------------------------------------------------------------------------------

// {"id_type","id_number","year"}.
Result<customs_flow::QuotaLookup> QuotaLookupFromJson(const nlohmann::json& body);
nlohmann::json QuotaEntryToJson(const customs::QuotaEntry& entry);
// {"id_type","id_number" (masked),"year","used","limit","remaining","entries":[...]}.
nlohmann::json QuotaViewToJson(const customs_flow::QuotaView& view);

// --- declarations and receipts ---------------------------------------------------------------

// The declaration without its documents (lists).
nlohmann::json DeclarationSummaryToJson(const customs::Declaration& declaration);
// With the three documents and the list side by side (masked), each check and the receipts.
nlohmann::json DeclarationToJson(const customs::Declaration& declaration,
                                 std::span<const customs::Receipt> receipts);
// {"receipt_id","list_no","kind","reason"?,"at"?}; `at` defaults to `now`.
Result<customs::Receipt> ReceiptFromJson(const nlohmann::json& body, Timestamp now);
nlohmann::json ReceiptToJson(const customs::Receipt& receipt);
// {"keys":[{"signing_key","queued","submitted","oldest_queued_at","rate_per_s"}],
//  "submitted_total","receipts_total","submitter_running"}.
nlohmann::json QueueViewToJson(const customs_flow::QueueView& view);

// --- returns ---------------------------------------------------------------------------------

// POST /api/v1/orders/{id}/returns: {"reason","lines":[{"line_no","quantity"}]}.
Result<customs_flow::ReturnDraft> ReturnDraftFromJson(const nlohmann::json& body,
                                                      std::int64_t order_id);
// POST /api/v1/returns/{id}/receive: {"lines":[{"line_no","lot_number","expiry_date","bin_id"}]}.
Result<customs_flow::ReceiveDraft> ReceiveDraftFromJson(const nlohmann::json& body);
nlohmann::json ReturnToJson(const customs::Return& r);

// --- bonded account book ---------------------------------------------------------------------

// {"warehouse_id","sku_id","kind":"inbound"|"adjustment","quantity","ref"?}; the book (ems_no)
// comes from the path.
Result<customs_flow::InboundDraft> InboundDraftFromJson(const nlohmann::json& body);
nlohmann::json AccountEntryToJson(const customs::AccountEntry& entry);
nlohmann::json ReconciliationToJson(const customs_flow::Reconciliation& r);

// --- errors ----------------------------------------------------------------------------------

// The error body {"error":{"code","message","field"?,"rule"?}}: a refusal by a customs or order
// rule (kFailedPrecondition whose field is the rule's code) also names it as "rule".
nlohmann::json ErrorToJson(const Status& status);
// The same with the refusal's numbers as "details" ({"limit":"5000.00","amount":"5200.00"}) when
// there are any.
nlohmann::json ErrorToJson(const Status& status,
                           std::span<const std::pair<std::string, std::string>> details);

// --- enums -----------------------------------------------------------------------------------

// The enum's text ("accepted", "1210") and its reverse; nullopt when unknown.
template <class E>
std::string EnumText(E e) {
  return std::string(EnumChoices(e)[static_cast<std::size_t>(e)]);
}
template <class E>
std::optional<E> EnumOfText(std::string_view text) {
  const auto choices = EnumChoices(E{});
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}
// "a, b, c": the enum's choices, for messages.
template <class E>
std::string EnumChoicesText() {
  std::string out;
  for (const auto c : EnumChoices(E{})) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}

}  // namespace xb::http
