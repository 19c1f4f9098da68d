// xborder: the one program. Reads the command line, opens the database, builds the services and
// adapters, and runs the chosen command (serve, demo, migrate, import, export, key, ahp, topsis,
// evaluate, po, stock, reserve, orders, quota).
#include <fcntl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <span>
#include <sstream>

#include "adapters/cli/calculators.h"
#include "adapters/cli/order_commands.h"
#include "adapters/cli/stock_commands.h"
#include "adapters/cli/tax_commands.h"
#include "adapters/crypto/key_crypto.h"
#include "adapters/csv/csv.h"
#include "adapters/customs_gateway/http_customs_gateway.h"
#include "adapters/customs_sandbox/sandbox_server.h"
#include "adapters/http/api.h"
#include "adapters/http/server.h"
#include "adapters/http/sourcing_routes.h"
#include "adapters/storage/open_database.h"
#include "core/money.h"
#include "core/text.h"
#include "domain/customs/rules.h"
#include "flows/access/access_service.h"
#include "flows/customs/receipt_service.h"
#include "flows/customs/submitter.h"
#include "flows/demo/demo_data.h"
#include "flows/demo/demo_orders.h"
#include "flows/demo/demo_stock.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/masterdata/master_data_service.h"
#include "flows/orders/order_intake.h"
#include "flows/orders/quota_book.h"
#include "flows/orders/rule_cache.h"
#include "flows/sourcing/evaluation_service.h"
#include "flows/sourcing/procurement_service.h"
#include "flows/warehouse/warehouse_service.h"

namespace {

using namespace xb;

int Fail(const Status& st) {
  std::cerr << "xborder: " << st.ToString() << "\n";
  return ExitCodeOf(st.code());
}

struct Runtime {
  SystemClock clock;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<masterdata::MasterDataService> masterdata;
  std::unique_ptr<access::AccessService> access;
};

Result<std::unique_ptr<Runtime>> Open(const std::string& url, std::size_t connections) {
  auto rt = std::make_unique<Runtime>();
  XB_ASSIGN_OR_RETURN(rt->db, storage::OpenDatabase(url, connections));
  rt->masterdata = std::make_unique<masterdata::MasterDataService>(*rt->db, rt->clock);
  rt->access =
      std::make_unique<access::AccessService>(*rt->db, rt->clock, crypto::OpenSslKeyCrypto());
  return rt;
}

// The principal of command-line work: an admin of `tenant`, acting as "cli".
masterdata::RequestContext CliContext(std::int64_t tenant) {
  masterdata::RequestContext ctx;
  ctx.principal = {TenantId(tenant), access::ApiKeyId(0), access::Role::kAdmin, "command line"};
  ctx.request_id = "cli";
  return ctx;
}

std::string DefaultWebRoot() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates = {fs::current_path(ec) / "web" / "dist"};
  if (!ec) candidates.push_back(exe.parent_path() / ".." / "share" / "xborder" / "web");
#ifdef XB_SOURCE_DIR
  candidates.emplace_back(fs::path(XB_SOURCE_DIR) / "web" / "dist");
#endif
  for (const auto& c : candidates) {
    if (fs::exists(c / "index.html", ec)) return fs::weakly_canonical(c, ec).string();
  }
  return {};
}

Status WriteSecretFile(const std::string& path, const std::string& secret) {
  const mode_t old = umask(077);
  std::ofstream out(path, std::ios::trunc);
  umask(old);
  if (!out) return Unavailable("cannot write " + path);
  out << secret << "\n";
  return Status::Ok();
}

struct ServeOptions {
  std::string db = "sqlite:xborder.db";
  std::string address = "127.0.0.1";
  int port = 8080;
  // Reservations wait for their group commit without holding an I/O thread (deferred answers),
  // so a thread per core serves them best; other writes wait on their thread for their commit.
  int threads = 2;
  std::string web_root;
  std::string admin_key_file;
  std::size_t max_body = 4 * 1024 * 1024;
  int connections = 8;
  // The customs gateway (http://host:port); empty: declarations queue up and are not submitted.
  std::string customs_gateway;
  // TENANT=KEY: the signing key of a tenant's declarations (others use "default").
  std::vector<std::string> signing_keys;
  double submit_rate = 4.0;  // declarations per second per signing key
  // MODE=VALUE for routing: 1210 / 9610 unit cost (CNY) and delivery days.
  std::vector<std::string> mode_costs, mode_days;
  // The GS1 company prefix of the parcels' SSCCs; GS1's example prefix when not given.
  std::string gs1_company_prefix;
};

// Splits "LEFT=RIGHT" of option `flag`; kInvalidArgument naming the flag otherwise.
Result<std::pair<std::string, std::string>> SplitPair(const std::string& flag,
                                                      const std::string& text,
                                                      const std::string& form) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    return InvalidArgument(flag + ": '" + text + "' is not of the form " + form, flag);
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

// The intake's signing keys and routing costs from the serve flags; kInvalidArgument naming the
// flag and the value when one is malformed.
Result<orders_flow::IntakeOptions> IntakeOptionsOf(const ServeOptions& opt) {
  orders_flow::IntakeOptions out;
  for (const auto& text : opt.signing_keys) {
    XB_ASSIGN_OR_RETURN(auto kv, SplitPair("--signing-key", text, "TENANT_ID=KEY"));
    const auto tenant = ParseInt64(kv.first);
    if (!tenant || *tenant <= 0) {
      return InvalidArgument("--signing-key: tenant '" + kv.first + "' is not a tenant id",
                             "--signing-key");
    }
    if (kv.second.size() > 64) {
      return InvalidArgument("--signing-key: a key name has at most 64 characters",
                             "--signing-key");
    }
    if (!out.signing_keys.emplace(*tenant, kv.second).second) {
      return InvalidArgument("--signing-key: tenant " + kv.first + " is named twice",
                             "--signing-key");
    }
  }
  const auto mode_of = [&out](const std::string& flag,
                              const std::string& mode) -> Result<orders_flow::ModeCost*> {
    if (mode == "1210") return &out.bonded;
    if (mode == "9610") return &out.direct_mail;
    return InvalidArgument(flag + ": mode '" + mode + "' is neither 1210 nor 9610", flag);
  };
  for (const auto& text : opt.mode_costs) {
    XB_ASSIGN_OR_RETURN(auto kv, SplitPair("--mode-cost", text, "MODE=CNY (1210=3.00)"));
    XB_ASSIGN_OR_RETURN(auto* mode, mode_of("--mode-cost", kv.first));
    auto fen = customs::ParseFen(kv.second);
    if (!fen.ok() || *fen < 0) {
      return InvalidArgument("--mode-cost: '" + kv.second + "' is not an amount in CNY (3.00)",
                             "--mode-cost");
    }
    mode->unit_cost_fen = *fen;
  }
  for (const auto& text : opt.mode_days) {
    XB_ASSIGN_OR_RETURN(auto kv, SplitPair("--mode-days", text, "MODE=DAYS (1210=2)"));
    XB_ASSIGN_OR_RETURN(auto* mode, mode_of("--mode-days", kv.first));
    const auto days = ParseInt64(kv.second);
    if (!days || *days < 0 || *days > 365) {
      return InvalidArgument("--mode-days: '" + kv.second + "' is not a number of days (0..365)",
                             "--mode-days");
    }
    mode->delivery_days = *days;
  }
  return out;
}

// SIGINT and SIGTERM end the server cleanly, whichever thread the kernel hands them to: the
// handler only writes the signal's number to a pipe, which the main thread reads. (Blocking them
// and waiting with sigwait needs every thread to block them, also the threads the database and
// the engines started before; one that does not would take the signal's default action and end
// the process at once.)
int stop_pipe[2] = {-1, -1};

extern "C" void OnStopSignal(int sig) {
  const auto byte = static_cast<unsigned char>(sig);
  const ssize_t written = write(stop_pipe[1], &byte, 1);  // async-signal-safe
  (void)written;
}

Status CatchStopSignals() {
  if (pipe2(stop_pipe, O_CLOEXEC) != 0) {
    return Internal(std::string("cannot create the stop signal pipe: ") + std::strerror(errno));
  }
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int sig : {SIGINT, SIGTERM}) {
    if (sigaction(sig, &action, nullptr) != 0) {
      return Internal(std::string("cannot catch signal ") + std::to_string(sig) + ": " +
                      std::strerror(errno));
    }
  }
  return Status::Ok();
}

// Waits for a stop signal and returns its number.
int AwaitStopSignal() {
  unsigned char byte = 0;
  for (;;) {
    const ssize_t n = read(stop_pipe[0], &byte, 1);
    if (n == 1) return byte;
    if (n < 0 && errno == EINTR) continue;
    return SIGTERM;  // the pipe failed: stop rather than serve without a way to be stopped
  }
}

int Serve(Runtime& rt, const ServeOptions& opt) {
  auto parsed_options = IntakeOptionsOf(opt);  // flags checked before anything starts
  if (!parsed_options.ok()) return Fail(parsed_options.status());
  warehouse_flow::WarehouseOptions warehouse_options;
  if (!opt.gs1_company_prefix.empty()) warehouse_options.company_prefix = opt.gs1_company_prefix;
  if (Status st = warehouse_flow::Validate(warehouse_options, "--gs1-company-prefix"); !st.ok()) {
    return Fail(st);
  }
  if (opt.gs1_company_prefix.empty()) {
    spdlog::warn(
        "parcels get SSCCs with GS1's example company prefix {}; give yours with "
        "--gs1-company-prefix",
        warehouse_flow::kExampleCompanyPrefix);
  }
  auto issued = rt.access->Bootstrap();
  if (!issued.ok()) return Fail(issued.status());
  if (*issued) {
    const auto& key = **issued;
    std::cout << "Created the first admin API key (shown once, keep it safe):\n  " << key.secret
              << "\n";
    if (!opt.admin_key_file.empty()) {
      Status st = WriteSecretFile(opt.admin_key_file, key.secret);
      if (!st.ok()) return Fail(st);
    }
  } else if (!opt.admin_key_file.empty() && !std::filesystem::exists(opt.admin_key_file)) {
    std::cerr << "xborder: this database already has keys; " << opt.admin_key_file
              << " was not written (create one with 'xborder key create')\n";
  }
  // The reservation engine rebuilds its books from the database before the first request.
  inventory_flow::ReservationEngine engine(*rt.db, rt.clock);
  if (Status started = engine.Start(); !started.ok()) return Fail(started);
  // Order intake: the quota book is rebuilt from the quota ledger at its start,
  // and the goods-cap book from the goods-cap usage ledger.
  orders_flow::QuotaBook quota;
  orders_flow::RuleCache rules(*rt.db);
  orders_flow::IntakeOptions intake_options = std::move(parsed_options).value();
  const std::shared_ptr<orders_flow::GoodsCapBook> goods_caps = intake_options.goods_caps;
  orders_flow::OrderIntake intake(*rt.db, rt.clock, engine, quota, rules, intake_options);
  if (Status started = intake.Start(); !started.ok()) {
    engine.Stop();
    return Fail(started);
  }
  // The submitter drains the declaration queue into the customs gateway and applies its
  // receipts; without a gateway the queue fills and its backlog shows.
  warehouse_flow::WarehouseService warehouse(*rt.db, rt.clock, &engine,  // pick tasks on release
                                             warehouse_options);
  customs_flow::ReceiptService receipts(*rt.db, rt.clock, &engine, &warehouse,
                                        http::QuotaRestorer(&quota),
                                        http::GoodsCapRestorer(goods_caps.get()));
  std::unique_ptr<customs_gateway::HttpCustomsGateway> gateway;
  std::unique_ptr<customs_flow::Submitter> submitter;
  if (!opt.customs_gateway.empty()) {
    customs_gateway::HttpGatewayOptions gateway_options;
    gateway_options.url = opt.customs_gateway;
    auto created = customs_gateway::HttpCustomsGateway::Create(gateway_options);
    if (!created.ok()) {
      intake.Stop();
      engine.Stop();
      return Fail(created.status());
    }
    gateway = std::move(created).value();
    customs_flow::SubmitterOptions submitter_options;
    submitter_options.rate_per_s = opt.submit_rate;
    submitter = std::make_unique<customs_flow::Submitter>(*rt.db, rt.clock, *gateway, receipts,
                                                          submitter_options);
    if (Status started = submitter->Start(); !started.ok()) {
      intake.Stop();
      engine.Stop();
      return Fail(started);
    }
    spdlog::info("submitting declarations to the customs gateway {}", opt.customs_gateway);
  }
  http::ApiOptions api_options;
  api_options.web_root = opt.web_root.empty() ? DefaultWebRoot() : opt.web_root;
  api_options.warehouse = warehouse_options;
  http::Api api(*rt.db, *rt.masterdata, *rt.access, api_options, &engine,
                {&intake, &quota, &rules, submitter.get(), goods_caps.get()});
  http::ServerOptions server_options;
  server_options.address = opt.address;
  server_options.port = static_cast<std::uint16_t>(opt.port);
  server_options.threads = opt.threads;
  server_options.max_body_bytes = opt.max_body;

  if (Status caught = CatchStopSignals(); !caught.ok()) return Fail(caught);

  http::Server server(server_options, [&api](http::HttpRequest& req, http::HttpResponse& res) {
    api.Handle(req, res);
  });
  Status st = server.Start();
  if (!st.ok()) return Fail(st);
  std::cout << "xborder is serving on http://" << opt.address << ":" << server.port()
            << "/ (database: " << storage::RedactUrl(opt.db) << ", " << rt.db->dialect() << ")"
            << std::endl;
  spdlog::info("listening on {}:{} with {} threads", opt.address, server.port(), opt.threads);
  const int sig = AwaitStopSignal();
  spdlog::info("received signal {}, finishing requests in flight", sig);
  server.Stop();
  if (submitter) submitter->Stop();
  intake.Stop();  // after the last request, before the engine: its reservations finish first
  engine.Stop();  // pending commits finish first
  spdlog::info("stopped");
  return 0;
}

template <class T>
int ImportKind(Runtime& rt, std::int64_t tenant, const std::string& file) {
  std::stringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(file);
    if (!in) return Fail(NotFound("cannot read " + file));
    text << in.rdbuf();
  }
  auto table = csv::Parse(text.str());
  if (!table.ok()) return Fail(table.status());
  std::vector<masterdata::RowError> errors;
  auto rows = csv::ToImportRows<T>(*table, errors);
  masterdata::ImportOutcome outcome;
  if (errors.empty()) {
    auto result = rt.masterdata->Import<T>(CliContext(tenant), rows);
    if (!result.ok()) return Fail(result.status());
    outcome = *result;
    errors = outcome.errors;
  }
  if (!errors.empty()) {
    for (const auto& e : errors) {
      std::cerr << file << ":" << e.line << ": " << e.column << ": " << e.reason << "\n";
    }
    std::cerr << "xborder: " << errors.size() << " problem(s); nothing was imported\n";
    return ExitCodeOf(ErrorCode::kInvalidArgument);
  }
  std::cout << "imported " << (outcome.created + outcome.updated) << " " << T::Spec().plural << " ("
            << outcome.created << " created, " << outcome.updated << " updated)\n";
  return 0;
}

template <class T>
int ExportKind(Runtime& rt, std::int64_t tenant, const std::string& out_path) {
  ListQuery q;
  q.include_archived = true;
  q.limit = kMaxPageSize;
  std::vector<T> all;
  for (q.offset = 0;; q.offset += kMaxPageSize) {
    auto page = rt.masterdata->List<T>(CliContext(tenant).principal, q);
    if (!page.ok()) return Fail(page.status());
    for (auto& r : page->items) all.push_back(std::move(r));
    if (q.offset + kMaxPageSize >= page->total) break;
  }
  const std::string text = csv::Export(all);
  if (out_path == "-") {
    std::cout << text;
  } else {
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    if (!out) return Fail(Unavailable("cannot write " + out_path));
    out << text;
    std::cerr << "exported " << all.size() << " " << T::Spec().plural << " to " << out_path << "\n";
  }
  return 0;
}

template <class F>
int ForKind(const std::string& kind, F&& f) {
  if (kind == "skus") return f(static_cast<catalog::Sku*>(nullptr));
  if (kind == "suppliers") return f(static_cast<partners::Supplier*>(nullptr));
  if (kind == "brands") return f(static_cast<partners::Brand*>(nullptr));
  if (kind == "channels") return f(static_cast<partners::Channel*>(nullptr));
  if (kind == "carriers") return f(static_cast<partners::Carrier*>(nullptr));
  if (kind == "warehouses") return f(static_cast<partners::Warehouse*>(nullptr));
  if (kind == "bins") return f(static_cast<partners::Bin*>(nullptr));
  return Fail(InvalidArgument("unknown kind '" + kind +
                              "' (skus, suppliers, brands, channels, carriers, warehouses, bins)"));
}

sourcing::RequestContext SourcingContext(std::int64_t tenant) {
  const auto md = CliContext(tenant);
  return {md.principal, md.request_id, std::nullopt, ""};
}

std::string Cell(std::string text, std::size_t width, bool right = false) {
  if (text.size() >= width) return text;
  const std::string pad(width - text.size(), ' ');
  return right ? pad + text : text + pad;
}

std::string Fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// `xborder evaluate`: computes the operations-based scores of the period, then prints every
// scored supplier's scorecard, best first.
int Evaluate(Runtime& rt, std::int64_t tenant, const std::string& period, bool as_json) {
  sourcing::EvaluationService eval(*rt.db, rt.clock);
  const auto ctx = SourcingContext(tenant);
  auto outcome = eval.Compute(ctx, period, std::nullopt);
  if (!outcome.ok()) return Fail(outcome.status());
  std::vector<sourcing::SupplierScorecard> cards;
  sourcing::ScorecardQuery q;
  q.period = period;
  q.tree_id = outcome->tree_id;
  q.limit = kMaxPageSize;
  for (q.offset = 0;; q.offset += kMaxPageSize) {
    auto page = eval.Scorecards(ctx.principal, q);
    if (!page.ok()) return Fail(page.status());
    for (auto& c : page->items) cards.push_back(std::move(c));
    if (q.offset + kMaxPageSize >= page->total) break;
  }
  if (as_json) {
    nlohmann::json out = http::ComputeOutcomeToJson(*outcome);
    out["period"] = period;
    nlohmann::json items = nlohmann::json::array();
    for (const auto& c : cards) items.push_back(http::ScorecardToJson(c));
    out["scorecards"] = std::move(items);
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::map<std::int64_t, std::string> codes;
  for (const auto& c : cards) codes[c.supplier_id] = c.supplier_code;
  std::cout << "period " << period << ", tree version " << outcome->tree_id.value() << ": "
            << outcome->computed.size() << " score(s) computed from operations, "
            << outcome->missing.size() << " input(s) missing\n";
  for (const auto& m : outcome->missing) {
    const auto it = codes.find(m.supplier_id);
    std::cout << "  missing " << (it != codes.end() ? it->second : std::to_string(m.supplier_id))
              << " " << m.indicator << ": " << m.reason << "\n";
  }
  std::cout << "rank  supplier              total  band        missing\n";
  for (const auto& c : cards) {
    std::cout << Cell(c.rank ? std::to_string(*c.rank) : "-", 4, true) << "  "
              << Cell(c.supplier_code, 20) << " "
              << Cell(c.card.total ? Fixed2(*c.card.total) : "-", 6, true) << "  "
              << Cell(c.band ? c.band->name : "-", 10) << "  "
              << (c.card.missing.empty() ? ""
                                         : std::to_string(c.card.missing.size()) + " indicator(s)")
              << "\n";
  }
  return 0;
}

// `xborder po list`: the tenant's purchase orders, newest first.
int ListOrders(Runtime& rt, std::int64_t tenant, const std::string& status, bool as_json) {
  sourcing::ProcurementService proc(*rt.db, rt.clock);
  const auto principal = CliContext(tenant).principal;
  procurement::PurchaseOrderQuery q;
  if (!status.empty()) {
    const auto choices = procurement::EnumChoices(procurement::PoStatus{});
    for (std::size_t i = 0; i < choices.size(); ++i) {
      if (choices[i] == status) q.status = static_cast<procurement::PoStatus>(i);
    }
    if (!q.status) {
      return Fail(
          InvalidArgument("--status: must be draft, confirmed, partly_received, received "
                          "or cancelled"));
    }
  }
  std::vector<procurement::PurchaseOrder> orders;
  q.limit = kMaxPageSize;
  for (q.offset = 0;; q.offset += kMaxPageSize) {
    auto page = proc.ListOrders(principal, q);
    if (!page.ok()) return Fail(page.status());
    for (auto& o : page->first) orders.push_back(std::move(o));
    if (page->first.empty() || q.offset + kMaxPageSize >= page->second) break;
  }
  if (as_json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& o : orders) items.push_back(http::OrderToJson(o));
    std::cout << nlohmann::json{{"items", items}, {"total", orders.size()}}.dump() << "\n";
    return 0;
  }
  std::map<std::int64_t, std::string> suppliers;
  std::cout << "code                  status           supplier              ordered     "
               "expected            total\n";
  for (const auto& o : orders) {
    auto it = suppliers.find(o.supplier_id);
    if (it == suppliers.end()) {
      auto s = rt.masterdata->Get<partners::Supplier>(principal, o.supplier_id);
      it = suppliers.emplace(o.supplier_id, s.ok() ? s->code : std::to_string(o.supplier_id)).first;
    }
    const auto cur = Currency::Of(o.currency);
    const std::string total =
        Money(o.TotalMinor(), cur.ok() ? *cur : Currency::Cny()).ToDecimalString() + " " +
        o.currency;
    std::cout << Cell(o.code, 21) << " "
              << Cell(std::string(
                          procurement::EnumChoices(o.status)[static_cast<std::size_t>(o.status)]),
                      16)
              << " " << Cell(it->second, 21) << " " << o.order_date.ToIso8601() << "  "
              << o.expected_date.ToIso8601() << "  " << Cell(total, 16, true) << "\n";
  }
  std::cerr << orders.size() << " purchase order(s)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("xborder");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);

  CLI::App app{"xborder: supply-chain management for cross-border e-commerce imports"};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();

  ServeOptions serve_opt;
  const auto add_serve_options = [&serve_opt](CLI::App* cmd) {
    cmd->add_option("--db", serve_opt.db, "sqlite:PATH, postgresql://... or memory:")
        ->capture_default_str();
    cmd->add_option("--address", serve_opt.address, "address to listen on")->capture_default_str();
    cmd->add_option("--port", serve_opt.port, "port (0: any free port)")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    cmd->add_option("--threads", serve_opt.threads,
                    "I/O threads (a write other than a reservation holds one until it commits)")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    cmd->add_option("--connections", serve_opt.connections, "database connections in the pool")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    cmd->add_option("--web-root", serve_opt.web_root, "directory of the built web console");
    cmd->add_option("--admin-key-file", serve_opt.admin_key_file,
                    "on first start, also write the admin key to this file (mode 0600)");
    cmd->add_option("--max-body-bytes", serve_opt.max_body, "largest accepted request body")
        ->capture_default_str();
    cmd->add_option("--customs-gateway", serve_opt.customs_gateway,
                    "customs gateway URL (http://127.0.0.1:9100 for `xborder customs-sandbox`); "
                    "without it declarations queue up unsubmitted");
    cmd->add_option("--signing-key", serve_opt.signing_keys,
                    "TENANT_ID=KEY: the signing key of a tenant's declarations (repeatable; "
                    "tenants not named use 'default')");
    cmd->add_option("--submit-rate", serve_opt.submit_rate,
                    "declarations submitted per second per signing key")
        ->check(CLI::Range(0.01, 10000.0))
        ->capture_default_str();
    cmd->add_option("--mode-cost", serve_opt.mode_costs,
                    "MODE=CNY: routing cost per unit of a mode (1210=3.00, 9610=25.00; "
                    "repeatable)");
    cmd->add_option("--mode-days", serve_opt.mode_days,
                    "MODE=DAYS: routing delivery days of a mode (1210=2, 9610=9; repeatable)");
    cmd->add_option("--gs1-company-prefix", serve_opt.gs1_company_prefix,
                    "your GS1 company prefix (7-10 digits) for the SSCCs of packed parcels; "
                    "without it GS1's example prefix 0614141 is used");
  };
  auto* serve = app.add_subcommand("serve", "Run the HTTP API and the web console");
  add_serve_options(serve);

  auto* demo = app.add_subcommand("demo", "Load a generated demo dataset, then serve it");
  add_serve_options(demo);
  demo::DemoSize demo_size;
  demo->add_option("--skus", demo_size.skus, "SKUs to generate")->capture_default_str();
  demo->add_option("--suppliers", demo_size.suppliers, "suppliers to generate")
      ->capture_default_str();
  bool demo_load_only = false;
  demo->add_flag("--load-only", demo_load_only, "load the data and exit without serving");

  std::string db_url = "sqlite:xborder.db";
  auto* migrate = app.add_subcommand("migrate", "Apply schema migrations and print the version");
  migrate->add_option("--db", db_url, "database URL")->capture_default_str();

  std::string kind;
  std::string file;
  std::int64_t tenant = 1;
  auto* import = app.add_subcommand("import", "Import records from CSV (all rows or none)");
  import->add_option("kind", kind, "skus, suppliers, brands, channels, carriers, warehouses, bins")
      ->required();
  import->add_option("file", file, "CSV file, or - for standard input")->required();
  import->add_option("--db", db_url, "database URL")->capture_default_str();
  import->add_option("--tenant", tenant, "tenant id")->capture_default_str();

  auto* export_cmd = app.add_subcommand("export", "Export records as CSV");
  std::string out_path = "-";
  export_cmd->add_option("kind", kind, "skus, suppliers, ...")->required();
  export_cmd->add_option("--out", out_path, "output file, - for standard output")
      ->capture_default_str();
  export_cmd->add_option("--db", db_url, "database URL")->capture_default_str();
  export_cmd->add_option("--tenant", tenant, "tenant id")->capture_default_str();

  auto* key = app.add_subcommand("key", "Manage API keys");
  key->require_subcommand(1);
  auto* key_create = key->add_subcommand("create", "Create an API key and print it once");
  std::string key_name;
  std::string key_role = "read_only";
  key_create->add_option("--name", key_name, "what the key is for")->required();
  key_create
      ->add_option("--role", key_role,
                   "admin, buyer, planner, warehouse_operator, device, customs_broker, "
                   "read_only")
      ->capture_default_str();
  key_create->add_option("--tenant", tenant, "tenant id")->capture_default_str();
  key_create->add_option("--db", db_url, "database URL")->capture_default_str();

  cli::CalculatorOptions calc;
  std::string calc_file;
  auto* ahp = app.add_subcommand("ahp", "Derive AHP weights from a pairwise-comparison matrix");
  ahp->add_option("file", calc_file,
                  "JSON {\"criteria\":[...],\"matrix\":[[1,\"1/3\",...],...]}, or - for stdin")
      ->required();
  ahp->add_flag("--json", calc.json, "print JSON instead of a table");
  ahp->add_option("--method", calc.method, "eigenvector (default) or geometric_mean");
  ahp->add_option("--ri-table", calc.ri_table, "saaty (default) or alonso");
  auto* topsis = app.add_subcommand("topsis", "Rank alternatives with TOPSIS");
  topsis
      ->add_option("file", calc_file,
                   "JSON {\"alternatives\":[...],\"criteria\":[{\"name\",\"weight\","
                   "\"kind\"}],\"matrix\":[[...]]}, or - for stdin")
      ->required();
  topsis->add_flag("--json", calc.json, "print JSON instead of a table");

  std::string period;
  bool as_json = false;
  auto* evaluate = app.add_subcommand(
      "evaluate", "Compute the operations-based supplier scores of a period and print the ranking");
  evaluate->add_option("--period", period, "a month like 2026-11 or a quarter like 2026-Q3")
      ->required();
  evaluate->add_option("--db", db_url, "database URL")->capture_default_str();
  evaluate->add_option("--tenant", tenant, "tenant id")->capture_default_str();
  evaluate->add_flag("--json", as_json, "print JSON instead of a table");
  auto* po = app.add_subcommand("po", "Purchase orders");
  po->require_subcommand(1);
  auto* po_list = po->add_subcommand("list", "List purchase orders, newest first");
  std::string po_status;
  po_list->add_option("--status", po_status,
                      "draft, confirmed, partly_received, received or cancelled");
  po_list->add_option("--db", db_url, "database URL")->capture_default_str();
  po_list->add_option("--tenant", tenant, "tenant id")->capture_default_str();
  po_list->add_flag("--json", as_json, "print JSON instead of a table");

  auto* orders_cmd = app.add_subcommand("orders", "Consumer orders");
  orders_cmd->require_subcommand(1);
  cli::OrdersListOptions orders_list_opt;
  auto* orders_list = orders_cmd->add_subcommand("list", "List consumer orders, newest first");
  orders_list->add_option("--state", orders_list_opt.state,
                          "received, accepted, declared, inspection_hold, released, shipped, "
                          "delivered, cancelled, rejected or returned");
  orders_list->add_option("--limit", orders_list_opt.limit, "at most this many (1..500)")
      ->capture_default_str();
  orders_list->add_option("--db", db_url, "database URL")->capture_default_str();
  orders_list->add_option("--tenant", orders_list_opt.tenant, "tenant id")->capture_default_str();
  orders_list->add_flag("--json", orders_list_opt.json, "print JSON instead of a table");
  cli::OrderShowOptions order_show_opt;
  auto* orders_show =
      orders_cmd->add_subcommand("show", "An order: lines and routes, tax, timeline (masked)");
  orders_show->add_option("id", order_show_opt.id, "order id")->required();
  orders_show->add_option("--db", db_url, "database URL")->capture_default_str();
  orders_show->add_option("--tenant", order_show_opt.tenant, "tenant id")->capture_default_str();
  orders_show->add_flag("--json", order_show_opt.json, "print JSON instead of text");
  cli::OrdersImportOptions orders_import_opt;
  std::string orders_file;
  auto* orders_import = orders_cmd->add_subcommand(
      "import",
      "Take orders from CSV, one row per line (directly on the database: only when no server runs "
      "on it; otherwise use POST /api/v1/orders/import)");
  orders_import->add_option("file", orders_file, "CSV file, or - for standard input")->required();
  orders_import->add_option("--db", db_url, "database URL")->capture_default_str();
  orders_import->add_option("--tenant", orders_import_opt.tenant, "tenant id")
      ->capture_default_str();
  orders_import->add_flag("--json", orders_import_opt.json, "print JSON instead of text");
  cli::QuotaOptions quota_opt;
  auto* quota_cmd = app.add_subcommand(
      "quota",
      "The annual CBEC quota of one identity: used, limit, remaining (the ID number is read from "
      "standard input, never from the command line)");
  quota_cmd->add_option("--id-type", quota_opt.id_type, "id_card or passport")
      ->capture_default_str();
  quota_cmd->add_option("--year", quota_opt.year, "calendar year (default: this year)");
  quota_cmd->add_option("--db", db_url, "database URL")->capture_default_str();
  quota_cmd->add_option("--tenant", quota_opt.tenant, "tenant id")->capture_default_str();
  quota_cmd->add_flag("--json", quota_opt.json, "print JSON instead of text");

  cli::StockOptions stock_opt;
  auto* stock_cmd = app.add_subcommand(
      "stock", "Stock per warehouse, SKU and owner: on hand, reserved, available, held, inbound");
  stock_cmd->add_option("--warehouse", stock_opt.warehouse, "warehouse code or id");
  stock_cmd->add_option("--sku", stock_opt.sku, "SKU code or id");
  stock_cmd->add_option("--owner", stock_opt.owner, "owner of the stock (default: every owner)");
  stock_cmd->add_option("--lot", stock_opt.lot,
                        "lot number or id: lists the balances per bin and lot of that lot");
  stock_cmd->add_option("--expires-before", stock_opt.expires_before,
                        "YYYY-MM-DD: balances of lots expiring on or before that day");
  stock_cmd->add_option("--expires-after", stock_opt.expires_after,
                        "YYYY-MM-DD: balances of lots expiring on or after that day");
  stock_cmd->add_option("--db", db_url, "database URL")->capture_default_str();
  stock_cmd->add_option("--tenant", stock_opt.tenant, "tenant id")->capture_default_str();
  stock_cmd->add_flag("--json", stock_opt.json, "print JSON instead of a table");
  cli::StockCardOptions card_opt;
  auto* card_cmd =
      stock_cmd->add_subcommand("card", "Every movement of a SKU with its running balance");
  card_cmd->add_option("sku", card_opt.sku, "SKU code or id")->required();
  card_cmd->add_option("--warehouse", card_opt.warehouse, "warehouse code or id (default: all)");
  card_cmd->add_option("--owner", card_opt.owner, "owner of the stock (default: every owner)");
  card_cmd->add_option("--from", card_opt.from,
                       "YYYY-MM-DD (start of that day, UTC) or RFC 3339 time, inclusive");
  card_cmd->add_option("--to", card_opt.to,
                       "YYYY-MM-DD (through that day, UTC) or RFC 3339 time, exclusive");
  card_cmd->add_option("--db", db_url, "database URL")->capture_default_str();
  card_cmd->add_option("--tenant", card_opt.tenant, "tenant id")->capture_default_str();
  card_cmd->add_flag("--json", card_opt.json, "print JSON instead of a table");
  cli::StockAsOfOptions as_of_opt;
  auto* as_of_cmd = stock_cmd->add_subcommand(
      "as-of", "Stock balances at the end of a past day, or just before a time");
  as_of_cmd->add_option("--at", as_of_opt.at, "YYYY-MM-DD (its end, UTC) or RFC 3339 time")
      ->required();
  as_of_cmd->add_option("--warehouse", as_of_opt.warehouse, "warehouse code or id");
  as_of_cmd->add_option("--sku", as_of_opt.sku, "SKU code or id");
  as_of_cmd->add_option("--owner", as_of_opt.owner, "owner of the stock (default: every owner)");
  as_of_cmd->add_option("--lot", as_of_opt.lot, "lot number or id");
  as_of_cmd->add_option("--db", db_url, "database URL")->capture_default_str();
  as_of_cmd->add_option("--tenant", as_of_opt.tenant, "tenant id")->capture_default_str();
  as_of_cmd->add_flag("--json", as_of_opt.json, "print JSON instead of a table");
  cli::StockExpiringOptions expiring_opt;
  auto* expiring_cmd =
      stock_cmd->add_subcommand("expiring", "Expired and near-expiry stock, soonest expiry first");
  expiring_cmd->add_option("--days", expiring_opt.days, "near expiry: within this many days")
      ->capture_default_str();
  expiring_cmd->add_option("--warehouse", expiring_opt.warehouse, "warehouse code or id");
  expiring_cmd->add_option("--sku", expiring_opt.sku, "SKU code or id");
  expiring_cmd->add_option("--owner", expiring_opt.owner,
                           "owner of the stock (default: every owner)");
  expiring_cmd->add_option("--db", db_url, "database URL")->capture_default_str();
  expiring_cmd->add_option("--tenant", expiring_opt.tenant, "tenant id")->capture_default_str();
  expiring_cmd->add_flag("--json", expiring_opt.json, "print JSON instead of a table");
  cli::ReserveOptions reserve_opt;
  auto* reserve = app.add_subcommand(
      "reserve",
      "Reserve stock for an order, first expired first out (directly on the database: only when "
      "no server runs on it; otherwise use POST /api/v1/reservations)");
  reserve->add_option("--warehouse", reserve_opt.warehouse, "warehouse code or id")->required();
  reserve->add_option("--sku", reserve_opt.sku, "SKU code or id")->required();
  reserve->add_option("--qty", reserve_opt.quantity, "quantity in the SKU's base unit")->required();
  reserve->add_option("--order", reserve_opt.order_ref, "the order reference")->required();
  reserve->add_option("--owner", reserve_opt.owner, "owner of the stock")->capture_default_str();
  reserve->add_option("--hold-seconds", reserve_opt.hold_seconds,
                      "lapse after this many seconds unless confirmed (0: never)");
  reserve->add_option("--min-remaining-days", reserve_opt.min_remaining_days,
                      "days of shelf life the goods must have left");
  reserve->add_option("--key", reserve_opt.key, "idempotency key: a retry reserves once");
  reserve->add_option("--db", db_url, "database URL")->capture_default_str();
  reserve->add_option("--tenant", reserve_opt.tenant, "tenant id")->capture_default_str();
  reserve->add_flag("--json", reserve_opt.json, "print JSON instead of a sentence");

  cli::TaxQuoteOptions tax_opt;
  std::string tax_file;
  auto* tax_cmd = app.add_subcommand("tax", "CBEC tax calculator");
  tax_cmd->require_subcommand(1);
  auto* tax_quote = tax_cmd->add_subcommand(
      "quote", "Channel and tax of an order (rates and limits from the database's rule rows)");
  tax_quote
      ->add_option(
          "file", tax_file,
          "JSON {\"date\",\"annual_used\",\"lines\":[{\"value\",\"quantity\","
          "\"legal_quantity\",\"legal_unit\",\"hs_code\"|\"vat_rate\",...}]}, or - for stdin")
      ->required();
  tax_quote->add_option("--db", db_url, "database URL")->capture_default_str();
  tax_quote->add_option("--tenant", tax_opt.tenant, "tenant id")->capture_default_str();
  tax_quote->add_flag("--json", tax_opt.json, "print JSON instead of a table");

  customs_sandbox::SandboxCommand sandbox_cmd;
  auto* sandbox = app.add_subcommand(
      "customs-sandbox", "Run a stand-in for customs (CEB declarations and receipts over HTTP)");
  sandbox->add_option("--listen", sandbox_cmd.listen, "HOST:PORT to serve on (port 0: any)")
      ->capture_default_str();
  sandbox
      ->add_option("--hold-share", sandbox_cmd.sandbox.hold_share,
                   "share of declarations held for inspection, 0 to 1")
      ->capture_default_str();
  sandbox->add_flag("--reject-malformed", sandbox_cmd.sandbox.reject_malformed,
                    "refuse a declaration failing a check at once (400) instead of answering "
                    "with a rejected receipt");
  sandbox->add_option("--delay-ms", sandbox_cmd.delay_ms, "from accepted to released or held")
      ->capture_default_str();
  sandbox->add_option("--seed", sandbox_cmd.sandbox.seed, "seed of the inspection choice")
      ->capture_default_str();
  sandbox
      ->add_option("--single-limit", sandbox_cmd.single_limit,
                   "single-transaction limit customs applies, CNY")
      ->capture_default_str();
  sandbox->add_option("--data", sandbox_cmd.sandbox.data_file,
                      "file keeping receipts and answers across restarts (default: memory only)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help prints and exits 0; any other command-line mistake is invalid input (exit 2).
    const int rc = app.exit(e);
    return rc == 0 ? 0 : ExitCodeOf(ErrorCode::kInvalidArgument);
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  if (sandbox->parsed()) return customs_sandbox::RunSandboxCommand(sandbox_cmd);
  if (serve->parsed() || demo->parsed()) {
    auto rt = Open(serve_opt.db, static_cast<std::size_t>(serve_opt.connections));
    if (!rt.ok()) return Fail(rt.status());
    if (demo->parsed()) {
      auto issued = (*rt)->access->Bootstrap();
      if (!issued.ok()) return Fail(issued.status());
      std::cerr << "loading the demo dataset (" << demo_size.skus << " SKUs, "
                << demo_size.suppliers << " suppliers)...\n";
      auto counts = demo::LoadDemoData(*(*rt)->masterdata, CliContext(1), demo_size);
      if (!counts.ok()) return Fail(counts.status());
      std::cerr << "demo data: " << counts->warehouses << " warehouses, " << counts->bins
                << " bins, " << counts->channels << " channels, " << counts->carriers
                << " carriers, " << counts->suppliers << " suppliers, " << counts->brands
                << " brands, " << counts->skus << " SKUs\n";
      auto stock = demo::LoadDemoStock(
          *(*rt)->db, TenantId(1), Date::OfTimestamp((*rt)->clock.Now()), demo::DemoStockSize{});
      if (!stock.ok()) return Fail(stock.status());
      if (stock->skipped) {
        std::cerr << "demo stock: already loaded\n";
      } else {
        std::cerr << "demo stock: " << stock->lots << " lots, " << stock->movements << " receipts, "
                  << stock->units << " units\n";
      }
      // Demo orders through the order intake (its own engine: the server is not running yet).
      auto placed = demo::LoadDemoOrders(*(*rt)->db, (*rt)->clock, TenantId(1),
                                         Date::OfTimestamp((*rt)->clock.Now()), {});
      if (!placed.ok()) return Fail(placed.status());
      if (placed->skipped) {
        std::cerr << "demo orders: already loaded\n";
      } else {
        std::cerr << "demo orders: " << placed->accepted
                  << " accepted (lines: " << placed->bonded_lines << " bonded 1210, "
                  << placed->direct_mail_lines << " direct mail 9610, " << placed->backorder_lines
                  << " backordered; " << placed->split_orders << " split, " << placed->full_rate
                  << " taxed in full), " << placed->cancelled << " cancelled, "
                  << placed->refused.size() << " refused\n";
        for (const auto& r : placed->refused) {
          std::cerr << "  refused " << r.channel_order_no << " [" << r.rule << "]: " << r.message
                    << "\n";
        }
      }
      // Every demo run prints a working admin key, also on a database that already has keys.
      std::string secret;
      if (*issued) {
        secret = (*issued)->secret;
      } else {
        const access::Principal operating{TenantId(access::kOperatingTenant), access::ApiKeyId(0),
                                          access::Role::kAdmin, "command line"};
        auto extra = (*rt)->access->CreateKey(operating, TenantId(access::kOperatingTenant),
                                              "demo admin", access::Role::kAdmin, "demo");
        if (!extra.ok()) return Fail(extra.status());
        secret = extra->secret;
      }
      std::cout << "Admin API key for the demo (sign in to the console with it):\n  " << secret
                << "\n";
      if (!serve_opt.admin_key_file.empty()) {
        Status st = WriteSecretFile(serve_opt.admin_key_file, secret);
        if (!st.ok()) return Fail(st);
      }
      if (demo_load_only) return 0;
    }
    return Serve(**rt, serve_opt);
  }
  if (ahp->parsed() || topsis->parsed()) {
    std::stringstream text;
    if (calc_file == "-") {
      text << std::cin.rdbuf();
    } else {
      std::ifstream in(calc_file);
      if (!in) return Fail(NotFound("cannot read " + calc_file));
      text << in.rdbuf();
    }
    auto out = ahp->parsed() ? cli::RunAhp(text.str(), calc) : cli::RunTopsis(text.str(), calc);
    if (!out.ok()) return Fail(out.status());
    std::cout << *out;
    return 0;
  }
  if (migrate->parsed()) {
    auto rt = Open(db_url, 1);
    if (!rt.ok()) return Fail(rt.status());
    auto v = (*rt)->db->SchemaVersion();
    if (!v.ok()) return Fail(v.status());
    std::cout << "schema version " << *v << " (" << (*rt)->db->dialect() << ")\n";
    return 0;
  }
  if (import->parsed() || export_cmd->parsed()) {
    auto rt = Open(db_url, 2);
    if (!rt.ok()) return Fail(rt.status());
    return ForKind(kind, [&](auto* tag) {
      using T = std::remove_pointer_t<decltype(tag)>;
      return import->parsed() ? ImportKind<T>(**rt, tenant, file)
                              : ExportKind<T>(**rt, tenant, out_path);
    });
  }
  if (evaluate->parsed() || po_list->parsed()) {
    auto rt = Open(db_url, 1);
    if (!rt.ok()) return Fail(rt.status());
    return evaluate->parsed() ? Evaluate(**rt, tenant, period, as_json)
                              : ListOrders(**rt, tenant, po_status, as_json);
  }
  if (tax_quote->parsed()) {
    std::stringstream text;
    if (tax_file == "-") {
      text << std::cin.rdbuf();
    } else {
      std::ifstream in(tax_file);
      if (!in) return Fail(NotFound("cannot read " + tax_file));
      text << in.rdbuf();
    }
    auto rt = Open(db_url, 1);
    if (!rt.ok()) return Fail(rt.status());
    auto out = cli::RunTaxQuote(*(*rt)->db, text.str(), tax_opt);
    if (!out.ok()) return Fail(out.status());
    std::cout << *out;
    return 0;
  }
  if (stock_cmd->parsed() || reserve->parsed()) {
    auto rt = Open(db_url, 2);
    if (!rt.ok()) return Fail(rt.status());
    auto out = card_cmd->parsed()    ? cli::RunStockCard(*(*rt)->db, (*rt)->clock, card_opt)
               : as_of_cmd->parsed() ? cli::RunStockAsOf(*(*rt)->db, (*rt)->clock, as_of_opt)
               : expiring_cmd->parsed()
                   ? cli::RunStockExpiring(*(*rt)->db, (*rt)->clock, expiring_opt)
               : reserve->parsed() ? cli::RunReserve(*(*rt)->db, (*rt)->clock, reserve_opt)
                                   : cli::RunStock(*(*rt)->db, (*rt)->clock, stock_opt);
    if (!out.ok()) return Fail(out.status());
    std::cout << *out;
    return 0;
  }
  if (orders_cmd->parsed() || quota_cmd->parsed()) {
    auto rt = Open(db_url, 2);
    if (!rt.ok()) return Fail(rt.status());
    if (orders_import->parsed()) {
      std::stringstream text;
      if (orders_file == "-") {
        text << std::cin.rdbuf();
      } else {
        std::ifstream in(orders_file);
        if (!in) return Fail(NotFound("cannot read " + orders_file));
        text << in.rdbuf();
      }
      auto out = cli::RunOrdersImport(*(*rt)->db, (*rt)->clock, text.str(), orders_import_opt);
      if (!out.ok()) return Fail(out.status());
      std::cout << out->text;
      return out->exit_code;
    }
    auto out = orders_list->parsed() ? cli::RunOrdersList(*(*rt)->db, orders_list_opt)
               : orders_show->parsed()
                   ? cli::RunOrderShow(*(*rt)->db, order_show_opt)
                   : cli::RunQuota(*(*rt)->db, (*rt)->clock, std::cin, quota_opt);
    if (!out.ok()) return Fail(out.status());
    std::cout << *out;
    return 0;
  }
  if (key_create->parsed()) {
    auto rt = Open(db_url, 1);
    if (!rt.ok()) return Fail(rt.status());
    auto bootstrap = (*rt)->access->Bootstrap();  // make sure the operating tenant exists
    if (!bootstrap.ok()) return Fail(bootstrap.status());
    if (*bootstrap) {
      std::cout << "Created the first admin API key:\n  " << (*bootstrap)->secret << "\n";
    }
    const auto role = access::RoleFromName(key_role);
    if (!role) return Fail(InvalidArgument("--role: unknown role '" + key_role + "'"));
    // The command line has the database itself, so it acts as an operating-tenant admin.
    const access::Principal operating{TenantId(access::kOperatingTenant), access::ApiKeyId(0),
                                      access::Role::kAdmin, "command line"};
    auto issued = (*rt)->access->CreateKey(operating, TenantId(tenant), key_name, *role, "cli");
    if (!issued.ok()) return Fail(issued.status());
    std::cout << issued->secret << "\n";
    std::cerr << "created key " << issued->key.id.value() << " (" << key_role << ") for tenant "
              << tenant << "; it is shown only now\n";
    return 0;
  }
  return 0;
}
