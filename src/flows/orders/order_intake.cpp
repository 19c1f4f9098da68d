#include "flows/orders/order_intake.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <future>
#include <nlohmann/json.hpp>
#include <span>
#include <utility>

#include "domain/customs/documents.h"
#include "domain/customs/returns.h"

namespace xb::orders_flow {

using inventory_flow::ReservationEngine;
using inventory_flow::ReserveAnswer;
using inventory_flow::ReserveRequest;
using Json = nlohmann::json;
using orders::Mode;
using orders::Order;
using orders::OrderState;

namespace {

// Replays answered from memory: the most recent accepted keys, oldest forgotten first.
constexpr std::size_t kRecentKept = 100'000;
constexpr std::string_view kKeyPrefix = "order:";

// FNV-1a, 64 bits, over a canonical text of the request: stable across processes and versions.
class Fnv {
 public:
  explicit Fnv(std::uint64_t seed) : h_(seed) {}
  void Add(std::string_view s) {
    for (char c : s) {
      h_ ^= static_cast<unsigned char>(c);
      h_ *= 0x100000001b3ULL;
    }
    h_ ^= 0x1f;
    h_ *= 0x100000001b3ULL;
  }
  void Add(std::int64_t v) {
    std::array<char, 24> buf{};
    const auto end = std::to_chars(buf.data(), buf.data() + buf.size(), v).ptr;
    Add(std::string_view(buf.data(), static_cast<std::size_t>(end - buf.data())));
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_;
};

std::string Hex(std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[v & 0xF];
    v >>= 4;
  }
  return out;
}

std::string FlightKey(TenantId tenant, std::int64_t channel, const std::string& no) {
  return std::to_string(tenant.value()) + '\x1f' + std::to_string(channel) + '\x1f' + no;
}

std::string StateName(OrderState s) {
  return std::string(orders::EnumChoices(s)[static_cast<std::size_t>(s)]);
}

std::string ModeName(Mode m) {
  return std::string(orders::EnumChoices(m)[static_cast<std::size_t>(m)]);
}

// `text` as JSON, as nlohmann's dump() writes it: plain ASCII copied, anything else through
// nlohmann itself.
void AppendJsonString(std::string_view text, std::string& out) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
      out += Json(std::string(text)).dump();
      return;
    }
  }
  out += '"';
  out += text;
  out += '"';
}

// The "order.accepted" payload, as nlohmann's dump() of the object would write it (members in
// name order).
std::string AcceptedPayload(const Order& o, std::int64_t dutiable_fen,
                            std::span<const Shipment> shipments) {
  std::string out;
  out.reserve(192);
  out += "{\"channel_id\":";
  out += std::to_string(o.channel_id);
  out += ",\"channel_order_no\":";
  AppendJsonString(o.channel_order_no, out);
  out += ",\"customs_channel\":";
  AppendJsonString(o.customs_channel, out);
  out += ",\"dutiable\":\"";
  customs::AppendFen(dutiable_fen, out);
  out += "\",\"lines\":";
  out += std::to_string(o.lines.size());
  out += ",\"order_id\":";
  out += std::to_string(o.id.value());
  out += ",\"shipments\":[";
  for (std::size_t i = 0; i < shipments.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(shipments[i].shipment_ref, out);
  }
  out += "],\"tax\":\"";
  customs::AppendFen(o.tax_fen, out);
  out += "\"}";
  return out;
}

Status Refusal(const std::string& rule, const std::string& message) {
  return FailedPrecondition(rule + ": " + message, rule);
}

// The numbers of a general-trade refusal named by `rule` (the quote's first violation).
RefusalDetails GeneralTradeDetails(const std::string& rule, const customs::TaxInput& input,
                                   const customs::TaxQuote& quote, const customs::RuleBook& book,
                                   std::span<const SkuFacts> facts) {
  const auto limit = [&](customs::RuleKind kind) {
    const customs::RuleRow* row = book.Find(kind, "", input.date);
    return row != nullptr && row->amount_fen ? customs::FenToString(*row->amount_fen)
                                             : std::string();
  };
  if (rule == "single_limit") {
    return {{"limit", limit(customs::RuleKind::kSingleLimit)},
            {"amount", customs::FenToString(quote.dutiable_fen)}};
  }
  if (rule == "annual_limit") {
    return {{"limit", limit(customs::RuleKind::kAnnualLimit)},
            {"used", customs::FenToString(input.annual_used_fen)},
            {"amount", customs::FenToString(quote.dutiable_fen)}};
  }
  if (rule == "positive_list") {
    for (const SkuFacts& f : facts) {
      if (book.PositiveListed(f.hs_code, input.date) == nullptr) {
        return {{"sku_code", f.code}, {"hs_code", f.hs_code}};
      }
    }
  }
  return {};
}

// The numbers of a goods_cap refusal: the cap (HS prefix, quantity and unit, rule row id) and
// the identity's usage, in the cap's unit.
RefusalDetails GoodsCapDetails(const customs::GoodsCapDemand& d, std::int64_t used_milli) {
  return {
      {"hs_prefix", d.hs_prefix},
      {"cap", customs::MilliToString(d.cap_milli)},
      {"unit", d.unit},
      {"used", customs::MilliToString(used_milli)},
      {"requested", customs::MilliToString(d.requested_milli)},
      {"remaining", customs::MilliToString(std::max<std::int64_t>(d.cap_milli - used_milli, 0))},
      {"rule_id", std::to_string(d.rule.value())}};
}

}  // namespace

std::string RequestHash(const OrderRequest& r) {
  const auto hash = [&r](std::uint64_t seed) {
    Fnv f(seed);
    f.Add(r.channel_id);
    f.Add(r.channel_order_no);
    f.Add(std::int64_t{r.order_date.days()});
    f.Add(r.policy);
    for (const auto* s :
         {&r.buyer.name, &r.buyer.id_type, &r.buyer.id_number, &r.buyer.phone, &r.address.consignee,
          &r.address.phone, &r.address.province, &r.address.city, &r.address.district,
          &r.address.street, &r.address.postal_code, &r.payment.payment_no, &r.payment.payer_name,
          &r.payment.payer_id_type, &r.payment.payer_id_number}) {
      f.Add(*s);
    }
    f.Add(r.payment.amount_fen);
    f.Add(static_cast<std::int64_t>(r.lines.size()));
    for (const auto& l : r.lines) {
      f.Add(l.sku_id);
      f.Add(l.quantity);
      f.Add(l.unit_price_fen);
      f.Add(l.discount_fen);
    }
    for (std::int64_t v : {r.freight_fen, r.insurance_fen, r.discount_fen, r.tax_fen, r.paid_fen}) {
      f.Add(v);
    }
    return f.value();
  };
  return Hex(hash(0xcbf29ce484222325ULL)) + Hex(hash(0x84222325cbf29ce4ULL));
}

// What intake reads of a tenant's master data, cached.
struct OrderIntake::TenantCatalog {
  struct WarehouseFacts {
    std::int64_t id = 0;
    std::string code;
    Mode mode = Mode::kBonded1210;
    std::string ems_no;
  };
  Timestamp loaded_at;
  std::vector<WarehouseFacts> warehouses;                   // bonded and overseas, active
  std::unordered_map<std::int64_t, std::int64_t> channels;  // id -> min remaining shelf life
};

// One order on its way through intake.
struct OrderIntake::Pending {
  TenantId tenant;
  std::string actor;
  OrderRequest request;
  Done done;
  RefusalDetails details;  // of a refusal by a rule
  std::string hash;
  std::string flight_key;
  Timestamp now;
  Order order;
  std::shared_ptr<const TenantCatalog> catalog;
  std::vector<SkuFacts> facts;  // of the order's SKUs
  std::int64_t min_shelf_days = 0;
  QuotaKey quota_key;
  std::int64_t quota_amount = 0;
  bool quota_reserved = false;
  std::vector<customs::GoodsCapDemand> cap_demands;  // goods caps the order takes from
  bool caps_reserved = false;
  // Reservations: answers arrive on engine threads.
  std::mutex mu;
  std::size_t waiting = 0;
  std::vector<std::int64_t> reserved;  // reservation ids made
  Status reserve_error;
  Order stored;  // what the store answered to the insert
};

OrderIntake::OrderIntake(store::Database& db, const Clock& clock, ReservationEngine& engine,
                         QuotaBook& quota, RuleCache& rules, IntakeOptions options)
    : db_(db),
      clock_(clock),
      engine_(engine),
      quota_(quota),
      rules_(rules),
      options_(std::move(options)) {}

OrderIntake::~OrderIntake() { Stop(); }

Status OrderIntake::Start() {
  if (running_.load() || committer_) return FailedPrecondition("order intake is already started");
  const int year = Date::OfTimestamp(clock_.Now()).year();
  XB_RETURN_IF_ERROR(quota_.Load(db_, year - 1));
  XB_RETURN_IF_ERROR(options_.goods_caps->Load(db_, year - 1));
  {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
    XB_ASSIGN_OR_RETURN(auto max_ids, tx->orders().MaxIds());
    next_order_id_.store(max_ids.first + 1);
    next_line_id_.store(max_ids.second + 1);
  }
  XB_RETURN_IF_ERROR(ReleaseOrphans());
  committer_ = std::make_unique<inventory_flow::GroupCommitter>(db_, options_.commit);
  {
    std::lock_guard lock(release_mu_);
    release_stop_ = false;
  }
  releaser_ = std::thread([this] { ReleaseLoop(); });
  {
    std::lock_guard lock(cancel_mu_);
    cancel_stop_ = false;
  }
  canceller_ = std::thread([this] { CancelLoop(); });
  running_.store(true);
  return Status::Ok();
}

void OrderIntake::Stop() {
  running_.store(false);
  {
    // Orders in flight finish first (their reservations answer through the engine).
    std::unique_lock lock(flight_mu_);
    drained_cv_.wait(lock, [this] { return in_flight_count_.load() == 0; });
  }
  {
    // Cancels queued are run (or refused, the intake no longer running) before the committer
    // stops.
    std::lock_guard lock(cancel_mu_);
    cancel_stop_ = true;
  }
  cancel_cv_.notify_all();
  if (canceller_.joinable()) canceller_.join();
  if (committer_) committer_->Stop();
  {
    std::lock_guard lock(release_mu_);
    release_stop_ = true;
  }
  release_cv_.notify_all();
  if (releaser_.joinable()) releaser_.join();
}

// Reservations whose order never became durable (a crash between the two writes), or whose
// order was cancelled or rejected without its release being written: released now.
Status OrderIntake::ReleaseOrphans() {
  std::vector<std::pair<TenantId, std::int64_t>> orphans;
  {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
    XB_ASSIGN_OR_RETURN(auto active, tx->inventory().LoadActiveReservations());
    for (const auto& r : active) {
      if (!r.client_key.starts_with(kKeyPrefix)) continue;
      const std::string rest = r.client_key.substr(kKeyPrefix.size());
      const std::size_t colon = rest.find(':');
      std::int64_t order_id = 0;
      try {
        order_id = std::stoll(rest.substr(0, colon));
      } catch (...) {
        continue;
      }
      auto order = tx->orders().GetOrder(r.tenant_id, orders::OrderId(order_id));
      if (!order.ok() && order.status().code() != ErrorCode::kNotFound) return order.status();
      if (!order.ok() || order->state == OrderState::kCancelled ||
          order->state == OrderState::kRejected) {
        orphans.emplace_back(r.tenant_id, r.id.value());
      }
    }
  }
  for (const auto& [tenant, id] : orphans) {
    auto released = engine_.Release(tenant, inventory::ReservationId(id));
    if (!released.ok()) return released.status();
  }
  return Status::Ok();
}

void OrderIntake::ReleaseLater(TenantId tenant, const std::vector<std::int64_t>& reservation_ids) {
  if (reservation_ids.empty()) return;
  {
    std::lock_guard lock(release_mu_);
    for (std::int64_t id : reservation_ids) to_release_.emplace_back(tenant, id);
  }
  release_cv_.notify_one();
}

void OrderIntake::ReleaseLoop() {
  std::unique_lock lock(release_mu_);
  while (true) {
    release_cv_.wait(lock, [this] { return release_stop_ || !to_release_.empty(); });
    if (to_release_.empty()) return;  // stopping and nothing left
    auto [tenant, id] = to_release_.front();
    to_release_.pop_front();
    lock.unlock();
    // A release that cannot be written now is left to the next start (ReleaseOrphans).
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto released = engine_.Release(tenant, inventory::ReservationId(id));
      if (released.ok() || released.status().code() != ErrorCode::kConflict) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    lock.lock();
  }
}

std::string OrderIntake::SigningKey(TenantId tenant) const {
  auto it = options_.signing_keys.find(tenant.value());
  return it == options_.signing_keys.end() ? "default" : it->second;
}

Result<std::shared_ptr<const OrderIntake::TenantCatalog>> OrderIntake::CatalogOf(TenantId tenant,
                                                                                 bool missed) {
  const Timestamp now = clock_.Now();
  {
    std::lock_guard lock(catalog_mu_);
    auto it = catalogs_.find(tenant.value());
    if (it != catalogs_.end()) {
      const std::int64_t age = now.micros() - it->second->loaded_at.micros();
      const std::int64_t limit =
          missed
              ? 100'000
              : std::chrono::duration_cast<std::chrono::microseconds>(options_.places_ttl).count();
      if (age < limit) return it->second;
    }
  }
  auto catalog = std::make_shared<TenantCatalog>();
  catalog->loaded_at = now;
  {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
    ListQuery q;
    q.limit = kMaxPageSize;
    for (q.offset = 0;; q.offset += q.limit) {
      XB_ASSIGN_OR_RETURN(auto page, tx->warehouses().List(tenant, q));
      for (const auto& w : page.items) {
        if (w.kind != partners::WarehouseKind::kBonded &&
            w.kind != partners::WarehouseKind::kOverseas) {
          continue;
        }
        catalog->warehouses.push_back(
            {w.id.value(), w.code,
             w.kind == partners::WarehouseKind::kBonded ? Mode::kBonded1210 : Mode::kDirectMail9610,
             w.account_book_no.value_or("")});
      }
      if (page.items.empty() || q.offset + q.limit >= page.total) break;
    }
    for (q.offset = 0;; q.offset += q.limit) {
      XB_ASSIGN_OR_RETURN(auto page, tx->channels().List(tenant, q));
      for (const auto& c : page.items) {
        catalog->channels[c.id.value()] = c.min_remaining_shelf_life_days.value_or(0);
      }
      if (page.items.empty() || q.offset + q.limit >= page.total) break;
    }
  }
  std::shared_ptr<const TenantCatalog> shared = std::move(catalog);
  std::lock_guard lock(catalog_mu_);
  catalogs_[tenant.value()] = shared;
  return shared;
}

Result<std::optional<SkuFacts>> OrderIntake::SkuOf(TenantId tenant, std::int64_t sku_id,
                                                   Timestamp now) {
  const std::int64_t ttl =
      std::chrono::duration_cast<std::chrono::microseconds>(options_.catalog_ttl).count();
  {
    std::lock_guard lock(catalog_mu_);
    auto& skus = skus_[tenant.value()];
    auto it = skus.find(sku_id);
    if (it != skus.end() && now.micros() - it->second.read_at.micros() < ttl) {
      return std::optional<SkuFacts>(it->second.facts);
    }
  }
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  auto sku = tx->skus().Get(tenant, sku_id);
  if (!sku.ok()) {
    if (sku.status().code() == ErrorCode::kNotFound) return std::optional<SkuFacts>();
    return sku.status();
  }
  SkuFacts facts = FactsOf(*sku);
  std::lock_guard lock(catalog_mu_);
  skus_[tenant.value()][sku_id] = CachedSku{facts, now};
  return std::optional<SkuFacts>(std::move(facts));
}

// ---- submit ----

void OrderIntake::Submit(TenantId tenant, std::string actor, OrderRequest request, Done done) {
  if (!running_.load(std::memory_order_acquire)) {
    done(Unavailable("order intake is not running"), {});
    return;
  }
  auto p = std::make_shared<Pending>();
  p->tenant = tenant;
  p->actor = std::move(actor);
  p->request = std::move(request);
  p->done = std::move(done);
  p->hash = RequestHash(p->request);
  p->flight_key = FlightKey(tenant, p->request.channel_id, p->request.channel_order_no);
  {
    std::unique_lock lock(flight_mu_);
    if (auto it = recent_.find(p->flight_key); it != recent_.end()) {
      // Answered before: a replay (same body) or a duplicate (another body), from memory.
      const bool same = it->second.first == p->hash;
      const orders::OrderId first(it->second.second);
      lock.unlock();
      if (!same) {
        p->done(AlreadyExists("channel_order_no: duplicate channel order number " +
                                  p->request.channel_order_no,
                              "channel_order_no"),
                {});
        return;
      }
      auto stored = [&]() -> Result<Order> {
        XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
        return tx->orders().GetOrder(tenant, first);
      }();
      if (!stored.ok()) {
        p->done(stored.status(), {});
        return;
      }
      replayed_.fetch_add(1, std::memory_order_relaxed);
      p->done(IntakeAnswer{std::move(stored).value(), true}, {});
      return;
    }
    auto [it, fresh] = in_flight_.try_emplace(p->flight_key);
    if (!fresh) {
      // One request per key at a time: tried again once the first is answered.
      it->second.push_back([this, p]() mutable {
        Submit(p->tenant, std::move(p->actor), std::move(p->request), std::move(p->done));
      });
      return;
    }
    in_flight_count_.fetch_add(1);
  }
  Begin(std::move(p));
}

Result<IntakeAnswer> OrderIntake::SubmitAndWait(TenantId tenant, std::string actor,
                                                OrderRequest request) {
  std::promise<Result<IntakeAnswer>> answer;
  auto ready = answer.get_future();
  Submit(
      tenant, std::move(actor), std::move(request),
      [&answer](Result<IntakeAnswer> a, const RefusalDetails&) { answer.set_value(std::move(a)); });
  return ready.get();
}

void OrderIntake::Begin(std::shared_ptr<Pending> p) {
  p->now = clock_.Now();
  Status checked = Check(*p);
  if (!checked.ok()) {
    if (checked.code() == ErrorCode::kFailedPrecondition) {
      // A retry of an order accepted earlier is judged by its first answer, not refused again
      // (its quota and stock are taken already).
      auto replay = ReplayStored(p->tenant, p->request, p->hash);
      if (!replay.ok() || replay->replayed) {
        p->details.clear();
        Finish(std::move(p), std::move(replay));
        return;
      }
    }
    Fail(std::move(p), std::move(checked));
    return;
  }
  ReserveLines(std::move(p));
}

// Everything decided in memory: on success the order is built (ids, tax, routes) and its quota
// is reserved; on failure nothing is held.
Status OrderIntake::Check(Pending& p) {
  const OrderRequest& r = p.request;
  Order& o = p.order;
  o.tenant_id = p.tenant;
  o.channel_id = r.channel_id;
  o.channel_order_no = r.channel_order_no;
  o.request_hash = p.hash;
  o.order_date = r.order_date;
  o.state = OrderState::kReceived;
  o.buyer = r.buyer;
  o.address = r.address;
  o.payment = r.payment;
  o.freight_fen = r.freight_fen;
  o.insurance_fen = r.insurance_fen;
  o.discount_fen = r.discount_fen;
  o.tax_fen = r.tax_fen;
  o.paid_fen = r.paid_fen;
  o.policy = r.policy.empty()
                 ? std::string(orders::EnumChoices(
                       options_.default_policy)[static_cast<std::size_t>(options_.default_policy)])
                 : r.policy;
  o.lines.reserve(r.lines.size());
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    orders::OrderLine l;
    l.line_no = static_cast<std::int64_t>(i) + 1;
    l.sku_id = r.lines[i].sku_id;
    l.quantity = r.lines[i].quantity;
    l.unit_price_fen = r.lines[i].unit_price_fen;
    l.discount_fen = r.lines[i].discount_fen;
    o.lines.push_back(std::move(l));
  }
  XB_RETURN_IF_ERROR(orders::Validate(o));
  if (Status st = customs::ValidateIdentity({o.buyer.name, o.buyer.id_type, o.buyer.id_number});
      !st.ok()) {
    return InvalidArgument("buyer.id_number: " + st.message(), "buyer.id_number");
  }
  const int this_year = Date::OfTimestamp(p.now).year();
  if (o.order_date.year() < this_year - 1) {
    return InvalidArgument("order_date: more than a year before this year", "order_date");
  }

  // Catalog facts.
  p.facts.reserve(o.lines.size());
  for (std::size_t i = 0; i < o.lines.size(); ++i) {
    XB_ASSIGN_OR_RETURN(auto facts, SkuOf(p.tenant, o.lines[i].sku_id, p.now));
    if (!facts || !facts->active) {
      const std::string field = "lines[" + std::to_string(i) + "].sku_id";
      return InvalidArgument(field + ": unknown SKU " + std::to_string(o.lines[i].sku_id) +
                                 (facts ? " (archived)" : ""),
                             field);
    }
    o.lines[i].sku_code = facts->code;
    p.facts.push_back(std::move(*facts));
  }
  XB_ASSIGN_OR_RETURN(p.catalog, CatalogOf(p.tenant, false));
  if (!p.catalog->channels.contains(o.channel_id)) {
    XB_ASSIGN_OR_RETURN(p.catalog, CatalogOf(p.tenant, true));
  }
  auto channel = p.catalog->channels.find(o.channel_id);
  if (channel == p.catalog->channels.end()) {
    return InvalidArgument("channel_id: no channel with id " + std::to_string(o.channel_id),
                           "channel_id");
  }
  p.min_shelf_days = channel->second;

  // Tax with the rules of the order's date; the channel decision uses the identity's year.
  XB_ASSIGN_OR_RETURN(auto book, rules_.Get(p.tenant));
  p.quota_key = QuotaKey{p.tenant, o.buyer.id_type, o.buyer.id_number, o.order_date.year()};
  XB_ASSIGN_OR_RETURN(auto input, TaxInputOf(o, p.facts, quota_.Used(p.quota_key)));
  XB_ASSIGN_OR_RETURN(auto quote, customs::QuoteTax(input, *book));
  if (quote.channel == customs::Channel::kGeneralTrade) {
    // Named by the first violation: single_limit, annual_limit, positive_list, goods_cap.
    std::string rule = quote.violations.empty() ? "general_trade" : quote.violations[0].rule;
    std::string why;
    for (const auto& v : quote.violations) why += (why.empty() ? "" : "; ") + v.message;
    if (why.empty()) {
      for (const auto& reason : quote.reasons) why += (why.empty() ? "" : "; ") + reason;
    }
    p.details = GeneralTradeDetails(rule, input, quote, *book, p.facts);
    return Refusal(rule, "not a cross-border retail order (general trade): " + why);
  }
  o.customs_channel =
      std::string(customs::EnumChoices(quote.channel)[static_cast<std::size_t>(quote.channel)]);
  for (const auto& t : quote.lines) {
    std::int64_t line_no = 0;  // ref = line_no (TaxInputOf)
    std::from_chars(t.ref.data(), t.ref.data() + t.ref.size(), line_no);
    for (auto& l : o.lines) {
      if (l.line_no != line_no) continue;
      l.dutiable_fen = t.dutiable_fen;
      l.tariff_fen = t.tariff_fen;
      l.consumption_tax_fen = t.consumption_tax_fen;
      l.vat_fen = t.vat_fen;
    }
  }

  // Positive list (跨境电子商务零售进口商品清单): the rule table and the catalog's flag.
  for (std::size_t i = 0; i < o.lines.size(); ++i) {
    const SkuFacts& f = p.facts[i];
    const bool listed = book->PositiveListed(f.hs_code, o.order_date) != nullptr;
    if (!listed || !f.positive_list) p.details = {{"sku_code", f.code}, {"hs_code", f.hs_code}};
    if (!listed) {
      return Refusal("positive_list", "SKU " + f.code + " (HS " + f.hs_code +
                                          ") is not on the positive list on " +
                                          o.order_date.ToIso8601());
    }
    if (!f.positive_list) {
      return Refusal("positive_list", "SKU " + f.code + " (HS " + f.hs_code +
                                          ") is marked in the catalog as not on the positive list");
    }
  }

  // Buyer = payer (GACC 2018 No.194): name and identity.
  if (o.buyer.name != o.payment.payer_name || o.buyer.id_type != o.payment.payer_id_type ||
      o.buyer.id_number != o.payment.payer_id_number) {
    std::string differs;
    for (const auto& [name, same] :
         {std::pair{"name", o.buyer.name == o.payment.payer_name},
          std::pair{"id_type", o.buyer.id_type == o.payment.payer_id_type},
          std::pair{"id_number", o.buyer.id_number == o.payment.payer_id_number}}) {
      if (!same) differs += (differs.empty() ? "" : ",") + std::string(name);
    }
    p.details = {{"differs", differs}};
    return Refusal("buyer_is_payer", "the payer's name or identity is not the buyer's (buyer " +
                                         customs::MaskIdNumber(o.buyer.id_number) + ", payer " +
                                         customs::MaskIdNumber(o.payment.payer_id_number) + ")");
  }

  // The declared tax is the computed tax; paid = goods + freight + insurance − discount + tax.
  if (o.tax_fen != quote.total_fen) {
    p.details = {{"expected", customs::FenToString(quote.total_fen)},
                 {"declared", customs::FenToString(o.tax_fen)}};
    return Refusal("tax_amount",
                   "declared tax " + customs::FenToString(o.tax_fen) + " is not the computed tax " +
                       customs::FenToString(quote.total_fen) + " (" + o.customs_channel +
                       ", consumption tax " + customs::FenToString(quote.consumption_tax_fen) +
                       ", VAT " + customs::FenToString(quote.vat_fen) + ", tariff " +
                       customs::FenToString(quote.tariff_fen) + ")");
  }
  o.goods_fen = 0;
  for (const auto& l : o.lines) o.goods_fen += l.quantity * l.unit_price_fen - l.discount_fen;
  if (Status paid = orders::CheckPaidEquation(o); !paid.ok()) {
    const std::int64_t expected =
        o.goods_fen + o.freight_fen + o.insurance_fen - o.discount_fen + o.tax_fen;
    p.details = {{"expected", customs::FenToString(expected)},
                 {"paid", customs::FenToString(o.paid_fen)},
                 {"payment_amount", customs::FenToString(o.payment.amount_fen)}};
    return paid;
  }

  // The annual quota, reserved in memory: the check that concurrent orders cannot pass together.
  const customs::RuleRow* annual = book->Find(customs::RuleKind::kAnnualLimit, "", o.order_date);
  if (annual == nullptr || !annual->amount_fen) {
    return Refusal("annual_limit", "no annual limit rule in force on " + o.order_date.ToIso8601());
  }
  p.quota_amount = quote.dutiable_fen;
  if (Status st = quota_.Reserve(p.quota_key, p.quota_amount, *annual->amount_fen); !st.ok()) {
    p.details = {{"limit", customs::FenToString(*annual->amount_fen)},
                 {"used", customs::FenToString(quota_.Used(p.quota_key))},
                 {"amount", customs::FenToString(p.quota_amount)}};
    return st;
  }
  p.quota_reserved = true;
  // Goods-specific yearly caps (sugar, rice ...), reserved in memory the same way.
  XB_ASSIGN_OR_RETURN(p.cap_demands, customs::GoodsCapDemands(input.lines, *book, o.order_date));
  GoodsCapRefusal refusal;
  if (Status st = options_.goods_caps->Reserve(p.quota_key, p.cap_demands, &refusal); !st.ok()) {
    p.details = GoodsCapDetails(p.cap_demands[refusal.demand], refusal.used_milli);
    return st;
  }
  p.caps_reserved = !p.cap_demands.empty();

  // Routing: candidates from the tenant's bonded and overseas warehouses, stock that meets the
  // channel's shelf life.
  const Date today = Date::OfTimestamp(p.now);
  std::vector<orders::LineNeed> needs;
  needs.reserve(o.lines.size());
  for (const auto& l : o.lines) {
    orders::LineNeed need{l.line_no, l.sku_id, l.quantity, {}};
    for (const auto& w : p.catalog->warehouses) {
      std::int64_t available = 0;
      for (const auto& lot : engine_.Lots(
               inventory::PoolKey{p.tenant, w.id, l.sku_id, std::string(inventory::kOwnStock)})) {
        if (lot.available > 0 &&
            inventory::MeetsShelfLife(lot.expiry_date, today, p.min_shelf_days)) {
          available += lot.available;
        }
      }
      if (available <= 0) continue;
      const ModeCost& cost = w.mode == Mode::kBonded1210 ? options_.bonded : options_.direct_mail;
      need.candidates.push_back(
          {w.id, w.code, w.mode, available, cost.delivery_days, cost.unit_cost_fen});
    }
    needs.push_back(std::move(need));
  }
  const orders::RoutingPolicy policy = o.policy == "cost_first"
                                           ? orders::RoutingPolicy::kCostFirst
                                           : orders::RoutingPolicy::kSpeedFirst;
  const auto routes = orders::Route(needs, policy);
  for (std::size_t i = 0; i < routes.size() && i < o.lines.size(); ++i) {
    o.lines[i].mode = routes[i].mode;
    o.lines[i].warehouse_id = routes[i].warehouse_id;
    o.lines[i].shipment_ref = routes[i].shipment_ref;
    o.lines[i].route_note = routes[i].note;
  }

  // Ids, in memory.
  o.id = orders::OrderId(next_order_id_.fetch_add(1));
  for (auto& l : o.lines) l.id = next_line_id_.fetch_add(1);
  o.state = OrderState::kAccepted;
  o.created_at = p.now;
  o.updated_at = p.now;
  return Status::Ok();
}

void OrderIntake::ReserveLines(std::shared_ptr<Pending> p) {
  std::vector<std::size_t> routed;
  for (std::size_t i = 0; i < p->order.lines.size(); ++i) {
    if (p->order.lines[i].mode != Mode::kBackorder) routed.push_back(i);
  }
  if (routed.empty()) {
    Persist(std::move(p));
    return;
  }
  {
    std::lock_guard lock(p->mu);
    p->waiting = routed.size();
  }
  for (std::size_t i : routed) {
    const orders::OrderLine& l = p->order.lines[i];
    ReserveRequest req;
    req.tenant_id = p->tenant;
    req.warehouse_id = l.warehouse_id;
    req.sku_id = l.sku_id;
    req.quantity = l.quantity;
    req.order_ref = "order:" + std::to_string(p->order.id.value());
    req.client_key = req.order_ref + ":" + std::to_string(l.line_no);
    req.min_remaining_days = p->min_shelf_days;
    req.hold_for = std::chrono::seconds(0);  // confirmed; released if the order fails
    engine_.ReserveAsync(req, [this, p, i](Result<ReserveAnswer> answer) {
      bool last = false;
      {
        std::lock_guard lock(p->mu);
        orders::OrderLine& line = p->order.lines[i];
        if (answer.ok()) {
          line.reservation_id = answer->reservation.id.value();
          p->reserved.push_back(line.reservation_id);
        } else if (answer.status().code() == ErrorCode::kFailedPrecondition) {
          // Another order took the stock since routing: the line waits for stock.
          line.route_note = "backorder: " + ModeName(line.mode) + " warehouse " +
                            std::to_string(line.warehouse_id) +
                            " could not reserve: " + answer.status().message();
          line.mode = Mode::kBackorder;
          line.warehouse_id = 0;
          line.shipment_ref.clear();
        } else if (p->reserve_error.ok()) {
          p->reserve_error = answer.status();
        }
        last = --p->waiting == 0;
      }
      if (!last) return;
      if (!p->reserve_error.ok()) {
        Status error = p->reserve_error;
        Fail(p, std::move(error));
        return;
      }
      Persist(p);
    });
  }
}

void OrderIntake::Persist(std::shared_ptr<Pending> p) {
  Order& o = p->order;
  // Declarations: one per shipment, queued, with their records matched.
  std::vector<customs::Declaration> declarations;
  const auto shipments = ShipmentsOf(o);
  for (const auto& s : shipments) {
    DeclarationInput in;
    in.order = &o;
    in.shipment = &s;
    in.all_shipments = shipments;
    in.skus = p->facts;
    for (const auto& w : p->catalog->warehouses) {
      if (w.id == s.warehouse_id) in.ems_no = w.ems_no;
    }
    in.signing_key = SigningKey(p->tenant);
    in.now = p->now;
    auto d = BuildDeclaration(in);
    if (!d.ok()) {
      Fail(p, d.status());
      return;
    }
    declarations.push_back(std::move(d).value());
  }

  std::vector<orders::OrderEvent> timeline;
  const auto event = [&](std::string state, std::string detail) {
    orders::OrderEvent e;
    e.tenant_id = p->tenant;
    e.order_id = o.id;
    e.at = p->now;
    e.state = std::move(state);
    e.detail = std::move(detail);
    timeline.push_back(std::move(e));
  };
  event("received", "channel " + std::to_string(o.channel_id) + " order " + o.channel_order_no);
  std::string routes;
  std::int64_t backorder = 0;
  for (const auto& s : shipments) routes += (routes.empty() ? "" : ", ") + s.shipment_ref;
  for (const auto& l : o.lines) backorder += l.mode == Mode::kBackorder ? 1 : 0;
  event("accepted",
        o.customs_channel + ", tax " + customs::FenToString(o.tax_fen) +
            ", shipments: " + (routes.empty() ? "none" : routes) +
            (backorder > 0 ? ", " + std::to_string(backorder) + " line(s) backordered" : ""));

  customs::QuotaEntry entry;
  entry.tenant_id = p->tenant;
  entry.id_type = o.buyer.id_type;
  entry.id_number = o.buyer.id_number;
  entry.year = o.order_date.year();
  entry.amount_fen = p->quota_amount;
  entry.kind = customs::QuotaEntryKind::kOrder;
  entry.order_id = o.id.value();
  entry.ref = "order:" + std::to_string(o.id.value());
  entry.at = p->now;

  events::BusinessEvent accepted;
  accepted.tenant_id = p->tenant;
  accepted.type = "order.accepted";
  accepted.entity = "order";
  accepted.entity_id = o.id.value();
  accepted.actor = p->actor;
  accepted.at = p->now;
  accepted.payload = AcceptedPayload(o, p->quota_amount, shipments);

  auto work = [p, declarations = std::move(declarations), timeline = std::move(timeline), entry,
               caps = GoodsCapBook::EntriesOf(p->quota_key, p->cap_demands, o.id.value(), p->now),
               accepted = std::move(accepted)](store::Transaction& tx) -> Status {
    XB_ASSIGN_OR_RETURN(p->stored, tx.orders().InsertOrder(p->order));
    std::vector<orders::OrderEvent> events = timeline;
    XB_RETURN_IF_ERROR(tx.orders().AppendEvents(events));
    customs::QuotaEntry quota = entry;
    XB_RETURN_IF_ERROR(tx.customs().AppendQuota(std::span<customs::QuotaEntry>(&quota, 1)));
    if (!caps.empty()) XB_RETURN_IF_ERROR(tx.customs().AppendGoodsCapUsage(caps));
    for (const auto& d : declarations) {
      XB_RETURN_IF_ERROR(tx.customs().InsertDeclaration(d).status());
    }
    return tx.events().Append(accepted).status();
  };
  committer_->Submit(std::move(work), [this, p](Status written) mutable {
    if (written.ok()) {
      accepted_.fetch_add(1, std::memory_order_relaxed);
      Order stored = std::move(p->stored);
      {
        std::lock_guard lock(flight_mu_);
        if (recent_.size() >= kRecentKept && !recent_order_.empty()) {
          recent_.erase(recent_order_.front());
          recent_order_.pop_front();
        }
        if (recent_.try_emplace(p->flight_key, p->hash, stored.id.value()).second) {
          recent_order_.push_back(p->flight_key);
        }
      }
      Finish(p, IntakeAnswer{std::move(stored), false});
      return;
    }
    if (written.code() == ErrorCode::kAlreadyExists) {
      // Stored by an earlier request (before a restart): that order's answer.
      auto first = ReplayStored(p->tenant, p->request, p->hash);
      if ((first.ok() && first->replayed) || first.status().code() == ErrorCode::kAlreadyExists) {
        Undo(*p);
        Finish(p, std::move(first));
        return;
      }
    }
    Fail(p, std::move(written));
  });
}

Result<IntakeAnswer> OrderIntake::ReplayStored(TenantId tenant, const OrderRequest& request,
                                               const std::string& hash) {
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto found, tx->orders().FindByChannelNo(tenant, request.channel_id,
                                                               request.channel_order_no));
  if (!found) return IntakeAnswer{Order{}, false};  // none: not a replay
  if (found->request_hash != hash) {
    return AlreadyExists(
        "channel_order_no: duplicate channel order number " + request.channel_order_no,
        "channel_order_no");
  }
  replayed_.fetch_add(1, std::memory_order_relaxed);
  return IntakeAnswer{std::move(*found), true};
}

// Gives back what a failed order holds: its reservations (later, on the releaser) and quota.
void OrderIntake::Undo(Pending& p) {
  std::vector<std::int64_t> reserved;
  {
    std::lock_guard lock(p.mu);
    reserved.swap(p.reserved);
  }
  ReleaseLater(p.tenant, reserved);
  if (p.quota_reserved) {
    quota_.Undo(p.quota_key, p.quota_amount);
    p.quota_reserved = false;
  }
  if (p.caps_reserved) {
    options_.goods_caps->Undo(p.quota_key, p.cap_demands);
    p.caps_reserved = false;
  }
}

void OrderIntake::Fail(std::shared_ptr<Pending> p, Status status) {
  Undo(*p);
  refused_.fetch_add(1, std::memory_order_relaxed);
  Finish(std::move(p), std::move(status));
}

void OrderIntake::Finish(std::shared_ptr<Pending> p, Result<IntakeAnswer> answer) {
  std::vector<std::function<void()>> waiters;
  {
    std::lock_guard lock(flight_mu_);
    auto it = in_flight_.find(p->flight_key);
    if (it != in_flight_.end()) {
      waiters.swap(it->second);
      in_flight_.erase(it);
    }
  }
  Done done = std::move(p->done);
  if (answer.ok()) p->details.clear();
  done(std::move(answer), p->details);
  // Retries of the same key go again now; the drain of Stop waits for them too.
  for (auto& retry : waiters) retry();
  {
    std::lock_guard lock(flight_mu_);
    in_flight_count_.fetch_sub(1);
  }
  drained_cv_.notify_all();
}

// ---- cancel ----

Result<Order> OrderIntake::Cancel(TenantId tenant, orders::OrderId id, std::string actor,
                                  std::string reason) {
  if (!running_.load() || !committer_) return Unavailable("order intake is not running");
  if (reason.size() > 500) return InvalidArgument("reason: at most 500 characters", "reason");
  Order cancelled;
  std::int64_t restored = 0;
  std::vector<customs::GoodsCapEntry> caps_restored;
  Status written;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const Timestamp now = clock_.Now();
    written = committer_->Run([&](store::Transaction& tx) -> Status {
      XB_ASSIGN_OR_RETURN(Order order, tx.orders().GetOrder(tenant, id));
      XB_RETURN_IF_ERROR(orders::CheckTransition(order.state, OrderState::kCancelled));
      // Declarations customs has not answered are withdrawn; the submitter skips them.
      customs::DeclarationQuery q;
      q.order_id = id.value();
      q.limit = 100;
      XB_ASSIGN_OR_RETURN(auto declarations, tx.customs().ListDeclarations(tenant, q));
      for (auto& d : declarations.first) {
        auto next = customs::ApplyReceipt(d.state, customs::ReceiptKind::kCancelled);
        if (!next.ok()) continue;  // already final
        d.state = *next;
        d.reason = reason.empty() ? "order cancelled" : reason;
        d.next_attempt_at.reset();
        d.updated_at = now;
        XB_RETURN_IF_ERROR(tx.customs().UpdateDeclaration(d));
      }
      // The quota the order still holds (its entry less earlier restores) comes back.
      XB_ASSIGN_OR_RETURN(auto entries,
                          tx.customs().ListQuota(tenant, order.buyer.id_type, order.buyer.id_number,
                                                 order.order_date.year()));
      std::int64_t held = 0;
      for (const auto& e : entries) {
        if (e.order_id == id.value()) held += e.amount_fen;
      }
      if (held > 0) {
        customs::QuotaEntry back;
        back.tenant_id = tenant;
        back.id_type = order.buyer.id_type;
        back.id_number = order.buyer.id_number;
        back.year = order.order_date.year();
        back.amount_fen = -held;
        back.kind = customs::QuotaEntryKind::kCancel;
        back.order_id = id.value();
        back.ref = "cancel:" + std::to_string(id.value());
        back.at = now;
        XB_RETURN_IF_ERROR(tx.customs().AppendQuota(std::span<customs::QuotaEntry>(&back, 1)));
      }
      XB_ASSIGN_OR_RETURN(auto caps, tx.customs().ListGoodsCapUsage(tenant, order.buyer.id_type,
                                                                    order.buyer.id_number,
                                                                    order.order_date.year()));
      caps_restored =
          customs::GoodsCapRestores(caps, id.value(), {}, customs::GoodsCapEntryKind::kCancel,
                                    "cancel:" + std::to_string(id.value()), now);
      XB_RETURN_IF_ERROR(tx.customs().AppendGoodsCapUsage(caps_restored));
      const OrderState before = order.state;
      order.state = OrderState::kCancelled;
      order.reason = reason;
      order.updated_at = now;
      XB_RETURN_IF_ERROR(tx.orders().UpdateOrder(order));
      orders::OrderEvent e;
      e.tenant_id = tenant;
      e.order_id = id;
      e.at = now;
      e.state = "cancelled";
      e.detail = reason.empty() ? "cancelled" : reason;
      XB_RETURN_IF_ERROR(tx.orders().AppendEvents(std::span<orders::OrderEvent>(&e, 1)));
      events::BusinessEvent ev;
      ev.tenant_id = tenant;
      ev.type = "order.cancelled";
      ev.entity = "order";
      ev.entity_id = id.value();
      ev.actor = actor;
      ev.at = now;
      ev.payload = Json{{"order_id", id.value()},
                        {"channel_order_no", order.channel_order_no},
                        {"from", StateName(before)},
                        {"quota_restored", customs::FenToString(held)}}
                       .dump();
      XB_RETURN_IF_ERROR(tx.events().Append(std::move(ev)).status());
      cancelled = order;
      restored = held;
      return Status::Ok();
    });
    if (written.code() != ErrorCode::kConflict) break;
  }
  if (!written.ok()) return written;
  if (restored > 0) {
    quota_.Restore(QuotaKey{tenant, cancelled.buyer.id_type, cancelled.buyer.id_number,
                            cancelled.order_date.year()},
                   restored);
  }
  options_.goods_caps->Restore(caps_restored);
  // The stock comes back once the cancel is durable. A release that fails now is done at the
  // next start (ReleaseOrphans: reservations of cancelled orders).
  for (const auto& l : cancelled.lines) {
    if (l.reservation_id <= 0) continue;
    auto released = engine_.Release(tenant, inventory::ReservationId(l.reservation_id));
    if (!released.ok() && released.status().code() != ErrorCode::kNotFound) {
      return released.status();
    }
  }
  return cancelled;
}

void OrderIntake::CancelAsync(TenantId tenant, orders::OrderId id, std::string actor,
                              std::string reason, CancelDone done) {
  {
    std::lock_guard lock(cancel_mu_);
    if (running_.load() && !cancel_stop_) {
      cancels_.push_back([this, tenant, id, actor = std::move(actor), reason = std::move(reason),
                          done = std::move(done)]() mutable {
        done(Cancel(tenant, id, std::move(actor), std::move(reason)));
      });
      cancel_cv_.notify_one();
      return;
    }
  }
  done(Unavailable("order intake is not running"));
}

void OrderIntake::CancelLoop() {
  std::unique_lock lock(cancel_mu_);
  while (true) {
    cancel_cv_.wait(lock, [this] { return cancel_stop_ || !cancels_.empty(); });
    if (cancels_.empty()) return;  // stopping and nothing left
    auto cancel = std::move(cancels_.front());
    cancels_.pop_front();
    lock.unlock();
    cancel();
    lock.lock();
  }
}

IntakeStats OrderIntake::stats() const {
  IntakeStats s;
  s.accepted = accepted_.load();
  s.refused = refused_.load();
  s.replayed = replayed_.load();
  s.in_flight = in_flight_count_.load();
  if (committer_) s.commit = committer_->stats();
  return s;
}

}  // namespace xb::orders_flow
