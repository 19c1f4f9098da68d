#include "flows/demo/demo_orders.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/catalog/sku.h"
#include "domain/customs/rules.h"
#include "domain/customs/tax.h"
#include "domain/inventory/inventory.h"
#include "domain/orders/orders.h"
#include "domain/partners/partners.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/orders/declaration_builder.h"
#include "flows/orders/order_intake.h"
#include "flows/orders/quota_book.h"
#include "flows/orders/rule_cache.h"

namespace xb::demo {
namespace {

// A small deterministic generator (the same one-liner as the master data's and the stock's).
class Rng {
 public:
  explicit Rng(std::uint32_t seed) : state_(seed == 0 ? 1 : seed) {}
  std::int64_t Uniform(std::int64_t lo, std::int64_t hi) {  // inclusive
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return lo + static_cast<std::int64_t>(state_ % static_cast<std::uint32_t>(hi - lo + 1));
  }
  template <class C>
  const auto& Pick(const C& items) {
    return items[static_cast<std::size_t>(Uniform(0, static_cast<std::int64_t>(items.size()) - 1))];
  }

 private:
  std::uint32_t state_;
};

std::string Pad(std::int64_t v, std::size_t width) {
  std::string s = std::to_string(v);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

struct Person {
  std::string name;
  std::string id_number;
  std::string phone;
};

struct Town {
  const char* province;
  const char* city;
  const char* district;
  const char* street;
};

constexpr std::array<const char*, 12> kNames = {"张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆",
                                                "赵磊", "黄敏", "周杰", "吴婷", "徐丽", "孙浩"};
constexpr std::array<const char*, 6> kRegions = {"110101", "310104", "440305",
                                                 "330203", "320106", "510107"};
constexpr std::array<Town, 6> kTowns = {{
    {"浙江", "杭州", "西湖区", "文三路"},
    {"上海", "上海", "浦东新区", "张杨路"},
    {"广东", "深圳", "南山区", "科技南路"},
    {"北京", "北京", "朝阳区", "建国路"},
    {"江苏", "南京", "鼓楼区", "中山北路"},
    {"四川", "成都", "武侯区", "人民南路"},
}};

// A resident identity card number with its GB 11643 (ISO 7064 MOD 11-2) check character.
std::string IdentityNumber(Rng& rng) {
  const std::string body = std::string(rng.Pick(kRegions)) + Pad(rng.Uniform(1965, 2002), 4) +
                           Pad(rng.Uniform(1, 12), 2) + Pad(rng.Uniform(1, 28), 2) +
                           Pad(rng.Uniform(0, 999), 3);
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                   3, 7, 9,  10, 5, 8, 4, 2};
  static constexpr std::string_view kCheck = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < kWeights.size(); ++i) sum += (body[i] - '0') * kWeights[i];
  return body + kCheck[static_cast<std::size_t>(sum % 11)];
}

Person NewPerson(Rng& rng, std::size_t n) {
  return {kNames[n % kNames.size()], IdentityNumber(rng),
          "13" + Pad(rng.Uniform(0, 9), 1) + Pad(rng.Uniform(0, 99'999'999), 8)};
}

// A plausible shelf price in fen by the kind of goods (HS chapter).
std::int64_t PriceFen(Rng& rng, const catalog::Sku& sku) {
  const std::string_view hs = sku.hs_code;
  std::int64_t lo = 99;
  std::int64_t hi = 299;
  if (hs.starts_with("1901")) {
    lo = 198;
    hi = 428;
  } else if (hs.starts_with("9619")) {
    lo = 89;
    hi = 199;
  } else if (hs.starts_with("3304")) {
    lo = 260;
    hi = 980;
  } else if (hs.starts_with("2106")) {
    lo = 79;
    hi = 329;
  }
  return rng.Uniform(lo, hi) * 100 + rng.Uniform(0, 9) * 10;
}

struct LineSpec {
  const catalog::Sku* sku = nullptr;
  std::int64_t quantity = 1;
  std::int64_t price_fen = 0;
};

// Everything one load needs, with the engine and intake it runs.
class Loader {
 public:
  Loader(store::Database& db, const Clock& clock, TenantId tenant, Date today, std::uint32_t seed)
      : db_(db), clock_(clock), tenant_(tenant), today_(today), rng_(seed) {}

  Status Prepare();
  bool AlreadyLoaded() const { return already_loaded_; }
  Status Start();
  void Stop();
  void Place(const std::vector<LineSpec>& lines, std::optional<std::size_t> person = {},
             std::int64_t freight_fen = 0, bool other_payer = false, bool cancel = false);
  void Run(const DemoOrdersSize& size);
  DemoOrdersCounts& counts() { return counts_; }

 private:
  std::int64_t Available(std::int64_t warehouse, const catalog::Sku& sku) const {
    return engine_->Available(inventory::PoolKey{tenant_, warehouse, sku.id.value(), "own"});
  }
  const catalog::Sku* StockedSku(std::string_view hs_prefix = "");
  std::size_t NewBuyer() {
    people_.push_back(NewPerson(rng_, people_.size()));
    return people_.size() - 1;
  }

  store::Database& db_;
  const Clock& clock_;
  TenantId tenant_;
  Date today_;
  Rng rng_;
  bool already_loaded_ = false;

  std::vector<partners::Channel> channels_;
  std::int64_t bonded_ = 0;
  std::int64_t overseas_ = 0;
  std::vector<catalog::Sku> skus_;
  std::vector<const catalog::Sku*> listed_;    // on the positive list in force today
  std::vector<const catalog::Sku*> unlisted_;  // not on it
  std::shared_ptr<const customs::RuleBook> book_;
  std::vector<Person> people_;
  std::map<std::pair<std::string, int>, std::int64_t> used_;  // identity, year -> dutiable fen

  std::unique_ptr<inventory_flow::ReservationEngine> engine_;
  std::unique_ptr<orders_flow::QuotaBook> quota_;
  std::unique_ptr<orders_flow::RuleCache> rules_;
  std::unique_ptr<orders_flow::OrderIntake> intake_;
  int next_no_ = 1;
  DemoOrdersCounts counts_;
};

Status Loader::Prepare() {
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  ListQuery all;
  all.limit = kMaxPageSize;
  XB_ASSIGN_OR_RETURN(auto channels, tx->channels().List(tenant_, all));
  channels_ = std::move(channels.items);
  XB_ASSIGN_OR_RETURN(auto warehouses, tx->warehouses().List(tenant_, all));
  for (const auto& wh : warehouses.items) {
    if (wh.kind == partners::WarehouseKind::kBonded && bonded_ == 0) bonded_ = wh.id.value();
    if (wh.kind == partners::WarehouseKind::kOverseas && overseas_ == 0) overseas_ = wh.id.value();
  }
  if (channels_.empty() || bonded_ == 0 || overseas_ == 0) {
    return FailedPrecondition(
        "demo orders need the demo master data: a sales channel, a bonded and an overseas "
        "warehouse");
  }
  XB_ASSIGN_OR_RETURN(auto first, tx->orders().FindByChannelNo(tenant_, channels_[0].id.value(),
                                                               kFirstDemoOrderNo));
  if (first) {
    already_loaded_ = true;
    return Status::Ok();
  }
  for (std::int64_t offset = 0;; offset += kMaxPageSize) {
    ListQuery page_query;
    page_query.limit = kMaxPageSize;
    page_query.offset = offset;
    XB_ASSIGN_OR_RETURN(auto page, tx->skus().List(tenant_, page_query));
    for (auto& sku : page.items) skus_.push_back(std::move(sku));
    if (offset + kMaxPageSize >= page.total) break;
  }
  XB_ASSIGN_OR_RETURN(auto book, orders_flow::LoadRuleBook(db_, tenant_));
  book_ = std::make_shared<const customs::RuleBook>(std::move(book));
  for (const auto& sku : skus_) {
    const bool listed = sku.positive_list && book_->PositiveListed(sku.hs_code, today_) != nullptr;
    (listed ? listed_ : unlisted_).push_back(&sku);
  }
  return Status::Ok();
}

Status Loader::Start() {
  engine_ = std::make_unique<inventory_flow::ReservationEngine>(db_, clock_);
  XB_RETURN_IF_ERROR(engine_->Start());
  quota_ = std::make_unique<orders_flow::QuotaBook>();
  rules_ = std::make_unique<orders_flow::RuleCache>(db_);
  intake_ = std::make_unique<orders_flow::OrderIntake>(db_, clock_, *engine_, *quota_, *rules_);
  return intake_->Start();
}

void Loader::Stop() {
  if (intake_) intake_->Stop();
  if (engine_) engine_->Stop();
}

// A SKU on the positive list with bonded stock (optionally of an HS chapter), chosen at random.
const catalog::Sku* Loader::StockedSku(std::string_view hs_prefix) {
  std::vector<const catalog::Sku*> found;
  for (const auto* sku : listed_) {
    if (!sku->hs_code.starts_with(hs_prefix)) continue;
    if (Available(bonded_, *sku) >= 3) found.push_back(sku);
  }
  if (found.empty()) return nullptr;
  return rng_.Pick(found);
}

// Places one order through the intake: the tax declared is what the engine computes for the
// order's date and the buyer's year so far; paid = goods + freight + tax.
void Loader::Place(const std::vector<LineSpec>& lines, std::optional<std::size_t> person,
                   std::int64_t freight_fen, bool other_payer, bool cancel) {
  const std::string no = "DEMO-" + Pad(next_no_, 4);
  const partners::Channel& channel =
      next_no_ == 1 ? channels_[0]
                    : channels_[static_cast<std::size_t>(next_no_) % channels_.size()];
  ++next_no_;
  const std::size_t who = person ? *person : NewBuyer();
  const Person& buyer = people_[who];
  const Town& town = kTowns[who % kTowns.size()];
  const Date date = Date::FromDays(static_cast<std::int32_t>(today_.days() - rng_.Uniform(0, 12)));

  orders_flow::OrderRequest r;
  r.channel_id = channel.id.value();
  r.channel_order_no = no;
  r.order_date = date;
  r.policy = "speed_first";
  r.buyer = {buyer.name, "id_card", buyer.id_number, buyer.phone};
  r.address = {buyer.name,
               buyer.phone,
               town.province,
               town.city,
               town.district,
               std::string(town.street) + " " + std::to_string(rng_.Uniform(1, 899)) + " 号",
               ""};
  r.freight_fen = freight_fen;

  // The tax as the intake computes it (same input builder, same rule book).
  orders::Order probe;
  probe.order_date = date;
  probe.freight_fen = freight_fen;
  std::vector<orders_flow::SkuFacts> facts;
  std::int64_t goods = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const LineSpec& l = lines[i];
    r.lines.push_back({l.sku->id.value(), l.quantity, l.price_fen, 0});
    orders::OrderLine ol;
    ol.line_no = static_cast<std::int64_t>(i) + 1;
    ol.sku_id = l.sku->id.value();
    ol.quantity = l.quantity;
    ol.unit_price_fen = l.price_fen;
    probe.lines.push_back(ol);
    facts.push_back(orders_flow::FactsOf(*l.sku));
    goods += l.quantity * l.price_fen;
  }
  const auto used_key = std::make_pair(buyer.id_number, date.year());
  std::int64_t tax = 0;
  if (auto input = orders_flow::TaxInputOf(probe, facts, used_[used_key]); input.ok()) {
    if (auto quote = customs::QuoteTax(*input, *book_); quote.ok()) tax = quote->total_fen;
  }
  r.tax_fen = tax;
  r.paid_fen = goods + freight_fen + tax;
  const Person& payer = other_payer ? people_[(who + 1) % people_.size()] : buyer;
  r.payment = {"PAY" + Pad(date.days(), 6) + Pad(next_no_, 5), payer.name, "id_card",
               payer.id_number, r.paid_fen};

  auto answer = intake_->SubmitAndWait(tenant_, "demo", std::move(r));
  if (!answer.ok()) {
    counts_.refused.push_back({no, answer.status().field(), answer.status().message()});
    return;
  }
  const orders::Order& order = answer->order;
  ++counts_.accepted;
  used_[used_key] += order.DutiableFen();
  if (order.customs_channel == "cbec_full_rate") ++counts_.full_rate;
  std::set<std::string> shipments;
  for (const auto& l : order.lines) {
    switch (l.mode) {
      case orders::Mode::kBonded1210:
        ++counts_.bonded_lines;
        break;
      case orders::Mode::kDirectMail9610:
        ++counts_.direct_mail_lines;
        break;
      case orders::Mode::kBackorder:
        ++counts_.backorder_lines;
        break;
    }
    if (!l.shipment_ref.empty()) shipments.insert(l.shipment_ref);
  }
  if (shipments.size() > 1) ++counts_.split_orders;
  if (cancel) {
    auto cancelled = intake_->Cancel(tenant_, order.id, "demo",
                                     "the buyer cancelled before customs declared the order");
    if (cancelled.ok()) {
      ++counts_.cancelled;
    } else {
      counts_.refused.push_back({no, "cancel", cancelled.status().message()});
    }
  }
}

void Loader::Run(const DemoOrdersSize& size) {
  for (int i = 0; i < 8; ++i) NewBuyer();  // regular customers, who come back
  const auto regular_lines = [&]() {
    std::vector<LineSpec> lines;
    const std::int64_t n = rng_.Uniform(1, 3) == 3 ? 2 : 1;
    std::set<std::int64_t> seen;
    for (std::int64_t k = 0; k < n; ++k) {
      const catalog::Sku* sku = StockedSku();
      if (sku == nullptr || !seen.insert(sku->id.value()).second) continue;
      lines.push_back({sku, rng_.Uniform(1, 2), PriceFen(rng_, *sku)});
    }
    return lines;
  };
  const auto regular_buyer = [&]() { return static_cast<std::size_t>(rng_.Uniform(0, 7)); };
  // A line the bonded warehouse cannot cover but the overseas one can: one unit more than the
  // bonded stock, at a price that keeps the order within the single-transaction limit.
  const auto direct_mail_line = [&](std::int64_t budget_fen) -> std::optional<LineSpec> {
    std::vector<std::pair<const catalog::Sku*, std::int64_t>> found;
    for (const auto* sku : listed_) {
      const std::int64_t in_bonded = Available(bonded_, *sku);
      if (Available(overseas_, *sku) > in_bonded + 1 && in_bonded + 1 <= 300) {
        found.emplace_back(sku, in_bonded + 1);
      }
    }
    if (found.empty()) return std::nullopt;
    const auto& [sku, qty] = rng_.Pick(found);
    const std::int64_t price =
        std::max<std::int64_t>(100, std::min(PriceFen(rng_, *sku), budget_fen / qty / 10 * 10));
    return LineSpec{sku, qty, price};
  };

  // Ordinary orders from the bonded warehouse (1210), a few with freight.
  for (int i = 0; i < size.regular; ++i) {
    auto lines = regular_lines();
    if (lines.empty()) continue;
    Place(lines, regular_buyer(), rng_.Uniform(0, 3) == 0 ? 1000 : 0);
  }
  // One order split over both: a bonded line and a direct-mail line, two declarations.
  if (const catalog::Sku* sku = StockedSku(); sku != nullptr) {
    if (auto line = direct_mail_line(300'000); line && line->sku != sku) {
      Place({{sku, 1, PriceFen(rng_, *sku)}, *line}, regular_buyer(), 1500);
    }
  }
  // Direct mail from the overseas warehouse (9610) when the bonded stock cannot cover a line.
  for (int i = 0; i < 3; ++i) {
    if (auto line = direct_mail_line(400'000)) Place({*line}, regular_buyer());
  }
  // A line nobody has in stock is backordered; the rest of the order ships.
  for (const auto* sku : listed_) {
    if (Available(bonded_, *sku) == 0 && Available(overseas_, *sku) == 0) {
      if (const catalog::Sku* stocked = StockedSku(); stocked != nullptr) {
        Place({{stocked, 1, PriceFen(rng_, *stocked)}, {sku, 1, PriceFen(rng_, *sku)}},
              regular_buyer());
      }
      break;
    }
  }
  // A single indivisible item over the single-transaction limit: cross-border, taxed in full.
  if (const catalog::Sku* sku = StockedSku("3304"); sku != nullptr) {
    Place({{sku, 1, 588'000}}, NewBuyer());
  }
  // Two orders cancelled by their buyers after acceptance.
  for (int i = 0; i < 2; ++i) {
    auto lines = regular_lines();
    if (!lines.empty()) Place(lines, regular_buyer(), 0, false, true);
  }
  // Refused by the rules, changing nothing: not on the positive list; several items over the
  // single-transaction limit; paid by someone other than the buyer.
  if (!unlisted_.empty()) {
    const catalog::Sku* sku = rng_.Pick(unlisted_);
    Place({{sku, 1, PriceFen(rng_, *sku)}}, regular_buyer());
  }
  if (const catalog::Sku* sku = StockedSku(); sku != nullptr) {
    Place({{sku, 3, 180'000}}, regular_buyer());
  }
  if (auto lines = regular_lines(); !lines.empty()) Place(lines, regular_buyer(), 0, true);
}

}  // namespace

Result<DemoOrdersCounts> LoadDemoOrders(store::Database& db, const Clock& clock, TenantId tenant,
                                        Date today, const DemoOrdersSize& size) {
  Loader loader(db, clock, tenant, today, size.seed);
  XB_RETURN_IF_ERROR(loader.Prepare());
  if (loader.AlreadyLoaded()) {
    DemoOrdersCounts counts;
    counts.skipped = true;
    return counts;
  }
  Status started = loader.Start();
  if (!started.ok()) {
    loader.Stop();
    return started;
  }
  loader.Run(size);
  loader.Stop();
  return std::move(loader.counts());
}

}  // namespace xb::demo
