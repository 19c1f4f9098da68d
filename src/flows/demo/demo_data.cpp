#include "flows/demo/demo_data.h"

#include <array>
#include <string>
#include <vector>

#include "domain/catalog/gtin.h"

namespace xb::demo {
namespace {

using masterdata::ImportRow;
using V = FieldValue;

// A small deterministic generator (the standard distributions differ between libraries).
class Rng {
 public:
  explicit Rng(std::uint32_t seed) : state_(seed | 1U) {}
  std::uint32_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }
  int Uniform(int lo, int hi) {
    return lo + static_cast<int>(Next() % static_cast<std::uint32_t>(hi - lo + 1));
  }
  template <class C>
  const auto& Pick(const C& c) {
    return c[Next() % c.size()];
  }

 private:
  std::uint32_t state_;
};

struct Origin {
  const char* country;
  const char* gs1_prefix;  // GS1 member organisation prefix of that country
  const char* currency;
  const char* place;
};
constexpr std::array<Origin, 8> kOrigins = {{
    {"AU", "93", "AUD", "Sydney"},
    {"NZ", "94", "NZD", "Auckland"},
    {"JP", "45", "JPY", "Osaka"},
    {"KR", "880", "KRW", "Seoul"},
    {"DE", "40", "EUR", "Hamburg"},
    {"FR", "30", "EUR", "Lyon"},
    {"US", "0", "USD", "Portland"},
    {"GB", "50", "GBP", "Leeds"},
}};

struct CategoryLine {
  const char* category;
  const char* hs_code;  // China's 10-digit tariff lines for typical CBEC goods
  const char* vat_class;
  const char* consumption_tax_class;
  const char* legal_unit;
  const char* legal_quantity;
  int weight_g;
  int shelf_life_days;  // 0: none
  std::array<const char*, 4> nouns;
};
constexpr std::array<CategoryLine, 8> kLines = {{
    {"maternal_infant",
     "1901101010",
     "standard",
     "none",
     "kg",
     "0.9",
     1050,
     730,
     {"Infant Formula Stage 1", "Infant Formula Stage 2", "Toddler Milk Stage 3",
      "Goat Milk Formula"}},
    {"maternal_infant",
     "9619001100",
     "standard",
     "none",
     "piece",
     "1",
     1200,
     0,
     {"Nappies Size M", "Nappies Size L", "Baby Wipes", "Pull-Ups XL"}},
    {"cosmetics",
     "3304990099",
     "standard",
     "high_end_cosmetics",
     "g",
     "50",
     180,
     1095,
     {"Night Repair Serum", "Hydrating Face Cream", "Eye Contour Gel", "Vitamin C Essence"}},
    {"cosmetics",
     "3304100091",
     "standard",
     "high_end_cosmetics",
     "g",
     "3.5",
     40,
     1095,
     {"Matte Lipstick", "Lip Balm", "Tinted Lip Oil", "Lip Liner"}},
    {"clothing",
     "6109100022",
     "standard",
     "none",
     "piece",
     "1",
     220,
     0,
     {"Merino T-Shirt", "Cotton Tee", "Thermal Top", "Kids Sweatshirt"}},
    {"daily_necessities",
     "3305100090",
     "standard",
     "none",
     "ml",
     "400",
     450,
     1095,
     {"Shampoo", "Conditioner", "Body Wash", "Hand Soap"}},
    {"electronics",
     "8509800000",
     "standard",
     "none",
     "piece",
     "1",
     900,
     0,
     {"Electric Toothbrush", "Hair Dryer", "Milk Frother", "Facial Cleansing Brush"}},
    {"food_health",
     "2106909090",
     "reduced",
     "none",
     "kg",
     "0.2",
     260,
     540,
     {"Fish Oil Capsules", "Manuka Honey", "Probiotic Sachets", "Vitamin D Drops"}},
}};

constexpr std::array<const char*, 16> kBrandStems = {
    "Southern Cross", "Kiwi Meadow", "Sakura",  "Hanbit",  "Nordwald", "Belle Rive",
    "Cascade",        "Thistle",     "Outback", "Tasman",  "Fuji Dew", "Seoul Glow",
    "Alpenhof",       "Provence",    "Redwood", "Highland"};

constexpr std::array<const char*, 6> kSupplierSuffixes = {"Pty Ltd", "Ltd", "Co., Ltd.",
                                                          "GmbH",    "SAS", "Inc."};

std::string Pad(int n, int width) {
  std::string s = std::to_string(n);
  if (static_cast<int>(s.size()) < width)
    s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
  return s;
}

std::string MakeGtin(const Origin& origin, int serial) {
  // GTIN-13 (GTIN-12 for the US): GS1 prefix + company + item, then the check digit.
  const std::string prefix = origin.gs1_prefix;
  const int payload_len = prefix == "0" ? 11 : 12;
  std::string body = prefix + Pad(serial, payload_len - static_cast<int>(prefix.size()));
  return body + std::to_string(catalog::Gs1CheckDigit(body));
}

ImportRow Row(std::int64_t line, std::vector<std::pair<std::string, V>> values) {
  return ImportRow{line, std::move(values)};
}

template <class T>
Result<std::int64_t> ImportAll(masterdata::MasterDataService& service,
                               const masterdata::RequestContext& ctx,
                               const std::vector<ImportRow>& rows) {
  XB_ASSIGN_OR_RETURN(auto outcome, service.Import<T>(ctx, rows));
  if (!outcome.errors.empty()) {
    const auto& e = outcome.errors.front();
    return Internal("demo " + std::string(T::Spec().kind) + " row " + std::to_string(e.line) +
                    " rejected: " + e.column + ": " + e.reason);
  }
  return static_cast<std::int64_t>(rows.size());
}

template <class T>
Result<std::int64_t> IdOf(masterdata::MasterDataService& service, const access::Principal& p,
                          const std::string& code) {
  ListQuery q;
  q.equals.emplace_back("code", code);
  q.limit = 1;
  XB_ASSIGN_OR_RETURN(auto page, service.List<T>(p, q));
  if (page.items.empty()) return NotFound("demo record " + code + " missing");
  return page.items.front().id.value();
}

}  // namespace

Result<DemoCounts> LoadDemoData(masterdata::MasterDataService& service,
                                const masterdata::RequestContext& ctx, const DemoSize& size) {
  Rng rng(size.seed);
  DemoCounts counts;
  const auto& p = ctx.principal;

  // Warehouses: one of each kind the chain uses.
  std::vector<ImportRow> warehouses = {
      Row(2, {{"code", V("AU-SYD-OS1")},
              {"name", V("Sydney overseas warehouse")},
              {"kind", V("overseas")},
              {"country", V("AU")},
              {"operator", V("3pl")},
              {"operator_name", V("Harbour Fulfilment Pty Ltd")},
              {"address", V("12 Wharf Rd, Botany NSW 2019")}}),
      Row(3, {{"code", V("CN-NGB-BW1")},
              {"name", V("Ningbo bonded warehouse")},
              {"kind", V("bonded")},
              {"country", V("CN")},
              {"operator", V("self")},
              {"customs_area_code", V("3105")},
              {"account_book_no", V("T3105W000123")},
              {"address", V("Ningbo Bonded Zone, Beilun, Zhejiang")}}),
      Row(4, {{"code", V("CN-HGH-DW1")},
              {"name", V("Hangzhou domestic warehouse")},
              {"kind", V("domestic")},
              {"country", V("CN")},
              {"operator", V("3pl")},
              {"operator_name", V("Qiantang Logistics Co., Ltd.")},
              {"address", V("Xiaoshan District, Hangzhou, Zhejiang")}}),
  };
  XB_ASSIGN_OR_RETURN(counts.warehouses, ImportAll<partners::Warehouse>(service, ctx, warehouses));

  std::vector<ImportRow> bins;
  for (const char* wh : {"AU-SYD-OS1", "CN-NGB-BW1", "CN-HGH-DW1"}) {
    XB_ASSIGN_OR_RETURN(std::int64_t wh_id, IdOf<partners::Warehouse>(service, p, wh));
    for (int i = 0; i < size.bins_per_warehouse; ++i) {
      const bool special = i < 3;
      const char* kind = i == 0   ? "receiving"
                         : i == 1 ? "shipping"
                         : i == 2 ? "quarantine"
                                  : (i % 4 == 0 ? "pick" : "storage");
      const std::string code = special ? std::string(kind == std::string("receiving")  ? "RCV-01"
                                                     : kind == std::string("shipping") ? "SHP-01"
                                                                                       : "QUA-01")
                                       : "A" + Pad(i / 10 + 1, 2) + "-" + Pad(i % 10 + 1, 2);
      bins.push_back(Row(static_cast<std::int64_t>(bins.size()) + 2,
                         {{"code", V(code)},
                          {"name", V(std::string(wh) + " " + code)},
                          {"warehouse_id", V(wh_id)},
                          {"zone", V(std::string(special ? "DOCK" : "A"))},
                          {"kind", V(std::string(kind))},
                          {"capacity_units", V(std::int64_t{special ? 0 : 500})}}));
    }
  }
  XB_ASSIGN_OR_RETURN(counts.bins, ImportAll<partners::Bin>(service, ctx, bins));

  std::vector<ImportRow> channels = {
      Row(2, {{"code", V("TMALL-GLOBAL")},
              {"name", V("Tmall Global flagship")},
              {"platform", V("tmall_global")},
              {"shop_id", V("TG-884120")}}),
      Row(3, {{"code", V("JD-WORLDWIDE")},
              {"name", V("JD Worldwide store")},
              {"platform", V("jd_worldwide")},
              {"shop_id", V("JDW-10233")}}),
      Row(4, {{"code", V("DOUYIN")}, {"name", V("Douyin live shop")}, {"platform", V("douyin")}}),
      Row(5, {{"code", V("OWN-STORE")},
              {"name", V("Own mini-program store")},
              {"platform", V("own_store")}}),
  };
  XB_ASSIGN_OR_RETURN(counts.channels, ImportAll<partners::Channel>(service, ctx, channels));

  std::vector<ImportRow> carriers = {
      Row(2, {{"code", V("EMS-INTL")},
              {"name", V("EMS International")},
              {"kind", V("international_express")},
              {"country", V("CN")},
              {"tracking_url", V("https://track.example.org/ems/{waybill}")}}),
      Row(3, {{"code", V("AIR-SYD-NGB")},
              {"name", V("Air line-haul SYD-NGB")},
              {"kind", V("line_haul_air")},
              {"country", V("AU")}}),
      Row(4, {{"code", V("SEA-SYD-NGB")},
              {"name", V("Sea freight SYD-NGB")},
              {"kind", V("line_haul_sea")},
              {"country", V("AU")}}),
      Row(5, {{"code", V("SF-EXPRESS")},
              {"name", V("SF Express")},
              {"kind", V("domestic_last_mile")},
              {"country", V("CN")},
              {"tracking_url", V("https://track.example.org/sf/{waybill}")}}),
      Row(6, {{"code", V("ZTO")},
              {"name", V("ZTO Express")},
              {"kind", V("domestic_last_mile")},
              {"country", V("CN")}}),
      Row(7, {{"code", V("NGB-BROKER")},
              {"name", V("Ningbo customs brokerage")},
              {"kind", V("customs_broker")},
              {"country", V("CN")}}),
  };
  XB_ASSIGN_OR_RETURN(counts.carriers, ImportAll<partners::Carrier>(service, ctx, carriers));

  std::vector<ImportRow> suppliers;
  for (int i = 0; i < size.suppliers; ++i) {
    const Origin& o = kOrigins[static_cast<std::size_t>(i) % kOrigins.size()];
    const std::string stem = kBrandStems[static_cast<std::size_t>(i) % kBrandStems.size()];
    const char* kind = i % 5 == 0   ? "distributor"
                       : i % 7 == 0 ? "authorised_agent"
                                    : "manufacturer";
    const std::string name =
        stem + " " + (i >= 16 ? std::string(o.place) + " " : "") +
        kSupplierSuffixes[static_cast<std::size_t>(i) % kSupplierSuffixes.size()];
    suppliers.push_back(Row(
        i + 2, {{"code", V("SUP-" + Pad(i + 1, 3))},
                {"name", V(name)},
                {"kind", V(std::string(kind))},
                {"country", V(std::string(o.country))},
                {"currency", V(std::string(o.currency))},
                {"contact_name", V("Export desk")},
                {"contact_email", V("export" + std::to_string(i + 1) + "@supplier.example.org")},
                {"payment_terms_days", V(std::int64_t{rng.Uniform(1, 4) * 15})}}));
  }
  XB_ASSIGN_OR_RETURN(counts.suppliers, ImportAll<partners::Supplier>(service, ctx, suppliers));

  // One brand per supplier for the first 30 suppliers (brand owners); the rest are distributors.
  const int brand_count = size.suppliers < 30 ? size.suppliers : 30;
  std::vector<ImportRow> brands;
  std::vector<std::int64_t> brand_ids;
  for (int i = 0; i < brand_count; ++i) {
    const Origin& o = kOrigins[static_cast<std::size_t>(i) % kOrigins.size()];
    XB_ASSIGN_OR_RETURN(std::int64_t sup,
                        IdOf<partners::Supplier>(service, p, "SUP-" + Pad(i + 1, 3)));
    const std::string name =
        std::string(kBrandStems[static_cast<std::size_t>(i) % kBrandStems.size()]) +
        (i >= 16 ? " " + std::string(o.place) : "");
    brands.push_back(Row(i + 2, {{"code", V("BR-" + Pad(i + 1, 3))},
                                 {"name", V(name)},
                                 {"country", V(std::string(o.country))},
                                 {"owner_supplier_id", V(sup)}}));
  }
  XB_ASSIGN_OR_RETURN(counts.brands, ImportAll<partners::Brand>(service, ctx, brands));
  for (int i = 0; i < brand_count; ++i) {
    XB_ASSIGN_OR_RETURN(std::int64_t id, IdOf<partners::Brand>(service, p, "BR-" + Pad(i + 1, 3)));
    brand_ids.push_back(id);
  }

  std::vector<ImportRow> skus;
  for (int i = 0; i < size.skus; ++i) {
    const CategoryLine& line = rng.Pick(kLines);
    const std::size_t b = brand_ids.empty() ? 0 : rng.Next() % brand_ids.size();
    const Origin& o = kOrigins[b % kOrigins.size()];
    const std::string brand_name = kBrandStems[b % kBrandStems.size()];
    const std::string noun = line.nouns[rng.Next() % line.nouns.size()];
    std::vector<std::pair<std::string, V>> v = {
        {"code", V("SKU-" + Pad(i + 1, 5))},
        {"name", V(brand_name + " " + noun + " #" + std::to_string(i + 1))},
        {"gtin", V(MakeGtin(o, 100000 + i))},
        {"category", V(std::string(line.category))},
        {"hs_code", V(std::string(line.hs_code))},
        {"vat_class", V(std::string(line.vat_class))},
        {"consumption_tax_class", V(std::string(line.consumption_tax_class))},
        {"legal_unit", V(std::string(line.legal_unit))},
        {"legal_quantity", V(std::int64_t{0})},
        {"weight_g", V(std::int64_t{line.weight_g + rng.Uniform(-20, 40)})},
        {"length_mm", V(std::int64_t{rng.Uniform(60, 300)})},
        {"width_mm", V(std::int64_t{rng.Uniform(40, 200)})},
        {"height_mm", V(std::int64_t{rng.Uniform(20, 250)})},
        {"positive_list", V(rng.Uniform(0, 19) != 0)},
        {"origin_country", V(std::string(o.country))},
    };
    // legal_quantity is held in thousandths.
    const std::string lq = line.legal_quantity;
    const auto dot = lq.find('.');
    std::int64_t milli = std::stoll(lq.substr(0, dot)) * 1000;
    if (dot != std::string::npos) {
      std::string frac = lq.substr(dot + 1);
      frac.resize(3, '0');
      milli += std::stoll(frac);
    }
    v[8].second = V(milli);
    if (!brand_ids.empty()) v.emplace_back("brand_id", V(brand_ids[b]));
    if (line.shelf_life_days > 0)
      v.emplace_back("shelf_life_days", V(std::int64_t{line.shelf_life_days}));
    skus.push_back(Row(i + 2, std::move(v)));
  }
  XB_ASSIGN_OR_RETURN(counts.skus, ImportAll<catalog::Sku>(service, ctx, skus));
  return counts;
}

}  // namespace xb::demo
