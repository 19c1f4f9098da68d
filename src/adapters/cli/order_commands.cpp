#include "adapters/cli/order_commands.h"

#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "adapters/http/orders_json.h"
#include "core/text.h"
#include "domain/customs/documents.h"
#include "flows/customs/customs_service.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/orders/order_intake.h"
#include "flows/orders/order_queries.h"
#include "flows/orders/quota_book.h"
#include "flows/orders/rule_cache.h"

namespace xb::cli {
namespace {

using nlohmann::json;

access::Principal CliPrincipal(std::int64_t tenant) {
  return {TenantId(tenant), access::ApiKeyId(0), access::Role::kAdmin, "command line"};
}

std::string Cell(std::string text, std::size_t width, bool right = false) {
  if (text.size() >= width) return text;
  const std::string pad(width - text.size(), ' ');
  return right ? pad + text : text + pad;
}

std::string Fen(std::int64_t fen) { return customs::FenToString(fen); }

}  // namespace

Result<std::string> RunOrdersList(store::Database& db, const OrdersListOptions& options) {
  orders::OrderQuery q;
  if (!options.state.empty()) {
    q.state = http::EnumOfText<orders::OrderState>(options.state);
    if (!q.state) {
      return InvalidArgument(
          "--state: must be one of " + http::EnumChoicesText<orders::OrderState>(), "state");
    }
  }
  if (options.limit < 1 || options.limit > 500) {
    return InvalidArgument("--limit: must be 1..500", "limit");
  }
  q.limit = options.limit;
  orders_flow::RuleCache rules(db);
  orders_flow::OrderQueries queries(db, rules);
  XB_ASSIGN_OR_RETURN(auto page, queries.List(TenantId(options.tenant), q));
  std::ostringstream out;
  if (options.json) {
    json items = json::array();
    for (const auto& o : page.first) items.push_back(http::OrderToJson(o));
    out << json{{"items", std::move(items)}, {"total", page.second}}.dump() << "\n";
    return out.str();
  }
  out << Cell("id", 8, true) << "  " << Cell("channel order", 18) << " " << Cell("date", 10) << "  "
      << Cell("state", 15) << " " << Cell("channel", 14) << " " << Cell("lines", 5, true) << " "
      << Cell("goods", 10, true) << " " << Cell("tax", 9, true) << " " << Cell("paid", 10, true)
      << "  buyer\n";
  for (const auto& o : page.first) {
    out << Cell(std::to_string(o.id.value()), 8, true) << "  " << Cell(o.channel_order_no, 18)
        << " " << o.order_date.ToIso8601() << "  " << Cell(http::EnumText(o.state), 15) << " "
        << Cell(o.customs_channel, 14) << " " << Cell(std::to_string(o.lines.size()), 5, true)
        << " " << Cell(Fen(o.goods_fen), 10, true) << " " << Cell(Fen(o.tax_fen), 9, true) << " "
        << Cell(Fen(o.paid_fen), 10, true) << "  " << o.buyer.name << " "
        << customs::MaskIdNumber(o.buyer.id_number) << "\n";
  }
  out << page.first.size() << " of " << page.second << " order(s)\n";
  return out.str();
}

Result<std::string> RunOrderShow(store::Database& db, const OrderShowOptions& options) {
  orders_flow::RuleCache rules(db);
  orders_flow::OrderQueries queries(db, rules);
  const TenantId tenant(options.tenant);
  const orders::OrderId id(options.id);
  XB_ASSIGN_OR_RETURN(auto order, queries.Get(tenant, id));
  XB_ASSIGN_OR_RETURN(auto timeline, queries.Timeline(tenant, id));
  auto tax = queries.Tax(tenant, id);
  std::ostringstream out;
  if (options.json) {
    json j = http::OrderToJson(order);
    json events = json::array();
    for (const auto& e : timeline) events.push_back(http::OrderEventToJson(e));
    j["timeline"] = std::move(events);
    j["tax_quote"] = tax.ok() ? http::OrderTaxToJson(*tax) : json();
    out << j.dump() << "\n";
    return out.str();
  }
  const json view = http::OrderToJson(order);  // masked fields, as the API shows them
  out << "order " << order.id.value() << "  " << order.channel_order_no << " (channel "
      << order.channel_id << ")  " << order.order_date.ToIso8601() << "  "
      << http::EnumText(order.state) << "\n";
  out << "buyer    " << order.buyer.name << "  " << order.buyer.id_type << " "
      << view["buyer"]["id_number"].get<std::string>() << "  "
      << view["buyer"]["phone"].get<std::string>() << "\n";
  out << "address  " << order.address.consignee << ", " << order.address.province << " "
      << order.address.city << " " << order.address.district << " " << order.address.street << "  "
      << view["address"]["phone"].get<std::string>() << "\n";
  out << "payment  " << order.payment.payment_no << "  " << order.payment.payer_name << "  "
      << view["payment"]["payer_id_number"].get<std::string>() << "  "
      << Fen(order.payment.amount_fen) << "\n";
  out << "customs  " << (order.customs_channel.empty() ? "-" : order.customs_channel) << ", policy "
      << (order.policy.empty() ? "-" : order.policy) << "\n";
  out << "line  sku             qty      price   dutiable      tax  mode       warehouse  "
         "shipment\n";
  for (const auto& l : order.lines) {
    out << Cell(std::to_string(l.line_no), 4, true) << "  "
        << Cell(l.sku_code.empty() ? std::to_string(l.sku_id) : l.sku_code, 14) << " "
        << Cell(std::to_string(l.quantity), 5, true) << " " << Cell(Fen(l.unit_price_fen), 10, true)
        << " " << Cell(Fen(l.dutiable_fen), 10, true) << " "
        << Cell(Fen(l.tariff_fen + l.consumption_tax_fen + l.vat_fen), 8, true) << "  "
        << Cell(http::EnumText(l.mode), 9) << "  "
        << Cell(l.warehouse_id == 0 ? "-" : std::to_string(l.warehouse_id), 9) << "  "
        << l.shipment_ref << "\n";
    if (!l.route_note.empty()) out << "      " << l.route_note << "\n";
  }
  out << "goods " << Fen(order.goods_fen) << "  freight " << Fen(order.freight_fen)
      << "  insurance " << Fen(order.insurance_fen) << "  discount " << Fen(order.discount_fen)
      << "  tax " << Fen(order.tax_fen) << "  paid " << Fen(order.paid_fen) << "\n";
  if (tax.ok()) {
    out << "tax quote (" << http::EnumText(tax->quote.channel) << ", share "
        << tax->quote.tax_share.ToString() << "): tariff " << Fen(tax->quote.tariff_fen)
        << ", consumption tax " << Fen(tax->quote.consumption_tax_fen) << ", VAT "
        << Fen(tax->quote.vat_fen) << ", total " << Fen(tax->quote.total_fen) << "\n";
  }
  if (!order.reason.empty()) out << "reason   " << order.reason << "\n";
  out << "timeline\n";
  for (const auto& e : timeline) {
    out << "  " << e.at.ToIso8601() << "  " << Cell(e.state, 15) << " " << e.detail << "\n";
  }
  return out.str();
}

Result<CommandOutput> RunOrdersImport(store::Database& db, const Clock& clock, std::string_view csv,
                                      const OrdersImportOptions& options) {
  std::vector<http::CsvRowError> errors;
  XB_ASSIGN_OR_RETURN(auto groups, http::OrderBodiesFromCsv(csv, errors));
  std::vector<orders_flow::OrderRequest> requests;
  for (const auto& g : groups) {
    auto request = http::OrderRequestFromJson(g.body);
    if (!request.ok()) {
      errors.push_back({g.first_line, request.status().field(), request.status().message()});
      continue;
    }
    requests.push_back(std::move(*request));
  }
  if (!errors.empty()) {
    std::string message = std::to_string(errors.size()) + " problem(s); nothing was imported";
    for (const auto& e : errors) {
      message += "\n  line " + std::to_string(e.line) + (e.column.empty() ? "" : ", " + e.column) +
                 ": " + e.reason;
    }
    return InvalidArgument(message);
  }
  if (requests.empty()) return InvalidArgument("the file has no orders");

  inventory_flow::ReservationEngine engine(db, clock);
  XB_RETURN_IF_ERROR(engine.Start());
  orders_flow::QuotaBook quota;
  orders_flow::RuleCache rules(db);
  orders_flow::OrderIntake intake(db, clock, engine, quota, rules);
  if (Status st = intake.Start(); !st.ok()) {
    engine.Stop();
    return st;
  }
  std::int64_t accepted = 0, replayed = 0, refused = 0;
  json results = json::array();
  std::ostringstream out;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto answer = intake.SubmitAndWait(TenantId(options.tenant), "cli", requests[i]);
    json r = {{"line", groups[i].first_line}, {"channel_order_no", groups[i].channel_order_no}};
    if (answer.ok()) {
      (answer->replayed ? replayed : accepted) += 1;
      r["status"] = answer->replayed ? 200 : 201;
      r["order_id"] = answer->order.id.value();
      r["state"] = http::EnumText(answer->order.state);
      if (!options.json) {
        out << (answer->replayed ? "already taken " : "taken ") << groups[i].channel_order_no
            << ": order " << answer->order.id.value() << " (" << http::EnumText(answer->order.state)
            << ")\n";
      }
    } else {
      ++refused;
      r["status"] = HttpStatusOf(answer.status().code());
      r["error"] = http::ErrorToJson(answer.status())["error"];
      if (!options.json) {
        out << "refused " << groups[i].channel_order_no << " (line " << groups[i].first_line << ")"
            << (answer.status().field().empty() ? "" : " [" + answer.status().field() + "]") << ": "
            << answer.status().message() << "\n";
      }
    }
    results.push_back(std::move(r));
  }
  intake.Stop();
  engine.Stop();
  if (options.json) {
    out << json{{"accepted", accepted},
                {"replayed", replayed},
                {"refused", refused},
                {"results", std::move(results)}}
               .dump()
        << "\n";
  } else {
    out << accepted << " order(s) taken, " << replayed << " already taken, " << refused
        << " refused\n";
  }
  return CommandOutput{out.str(), refused > 0 ? ExitCodeOf(ErrorCode::kFailedPrecondition) : 0};
}

Result<std::string> RunQuota(store::Database& db, const Clock& clock, std::istream& in,
                             const QuotaOptions& options) {
  std::string line;
  std::getline(in, line);
  const std::string number(Trim(line));
  if (number.empty()) {
    return InvalidArgument("the identity number is read from standard input; none was given",
                           "id_number");
  }
  customs_flow::CustomsService customs(db, clock);
  customs_flow::QuotaLookup lookup;
  lookup.id_type = options.id_type;
  lookup.id_number = number;
  lookup.year = options.year != 0 ? options.year : Date::OfTimestamp(clock.Now()).year();
  XB_ASSIGN_OR_RETURN(auto view, customs.Quota({CliPrincipal(options.tenant), "cli"}, lookup));
  std::ostringstream out;
  if (options.json) {
    out << http::QuotaViewToJson(view).dump() << "\n";
    return out.str();
  }
  out << view.id_type << " " << customs::MaskIdNumber(view.id_number_masked) << ", " << view.year
      << ": used " << Fen(view.used_fen) << " of " << Fen(view.limit_fen) << ", remaining "
      << Fen(view.remaining_fen) << "\n";
  for (const auto& e : view.entries) {
    out << "  " << e.at.ToIso8601() << "  " << Cell(http::EnumText(e.kind), 7) << " "
        << Cell(Fen(e.amount_fen), 10, true) << "  " << e.ref << "\n";
  }
  return out.str();
}

}  // namespace xb::cli
