#include "domain/catalog/sku.h"

#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::catalog {
namespace {

// A complete, valid SKU: Aptamil infant formula from Australia.
Sku ValidSku() {
  Sku s;
  s.code = "APT-GOLD-1";
  s.name = "澳洲奶粉 Aptamil Gold+ 1 900g";
  s.gtin = "9310160814616";
  s.brand_id = 3;
  s.category = Category::kMaternalInfant;
  s.hs_code = "1901101000";
  s.vat_class = VatClass::kReduced;
  s.legal_unit = LegalUnit::kKilogram;
  s.legal_quantity = Milli{900};
  s.weight_g = 1100;
  s.length_mm = 130;
  s.width_mm = 130;
  s.height_mm = 180;
  s.shelf_life_days = 720;
  s.positive_list = true;
  s.origin_country = "AU";
  return s;
}

TEST(SkuValidateTest, AcceptsACompleteSku) {
  const Status s = Validate(ValidSku());
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(SkuValidateTest, AcceptsASkuWithoutOptionalFields) {
  Sku s = ValidSku();
  s.gtin.reset();
  s.brand_id.reset();
  s.shelf_life_days.reset();
  const Status st = Validate(s);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

struct Rule {
  const char* what;
  std::function<void(Sku&)> breaks;
  const char* field;
  const char* message;
};

TEST(SkuValidateTest, EachRuleNamesItsField) {
  const std::vector<Rule> rules = {
      {"empty code", [](Sku& s) { s.code.clear(); }, "code", "code: is required"},
      {"long code", [](Sku& s) { s.code = std::string(65, 'C'); }, "code",
       "code: longer than 64 bytes"},
      {"empty name", [](Sku& s) { s.name.clear(); }, "name", "name: is required"},
      {"long name", [](Sku& s) { s.name = std::string(201, 'n'); }, "name",
       "name: longer than 200 bytes"},
      {"gtin check digit", [](Sku& s) { s.gtin = "9310160814617"; }, "gtin",
       "gtin: check digit is wrong (expected 6)"},
      {"gtin letters", [](Sku& s) { s.gtin = "93101608146X"; }, "gtin",
       "gtin: must contain digits only"},
      {"gtin length", [](Sku& s) { s.gtin = "123456789012345"; }, "gtin",
       "gtin: longer than 14 bytes"},
      {"empty hs_code", [](Sku& s) { s.hs_code.clear(); }, "hs_code", "hs_code: is required"},
      {"short hs_code", [](Sku& s) { s.hs_code = "190110"; }, "hs_code",
       "hs_code: must be 8 or 10 digits, got 6"},
      {"hs_code letters", [](Sku& s) { s.hs_code = "1901101A"; }, "hs_code",
       "hs_code: must contain digits only"},
      {"lower-case origin", [](Sku& s) { s.origin_country = "au"; }, "origin_country",
       "origin_country: must be an ISO 3166 alpha-2 code like \"AU\""},
      {"empty origin", [](Sku& s) { s.origin_country.clear(); }, "origin_country",
       "origin_country: is required"},
      {"zero legal quantity", [](Sku& s) { s.legal_quantity = Milli{0}; }, "legal_quantity",
       "legal_quantity: must be greater than 0"},
      {"negative legal quantity", [](Sku& s) { s.legal_quantity = Milli{-1}; }, "legal_quantity",
       "legal_quantity: must not be negative"},
      {"negative weight", [](Sku& s) { s.weight_g = -1; }, "weight_g",
       "weight_g: must not be negative"},
      {"negative length", [](Sku& s) { s.length_mm = -1; }, "length_mm",
       "length_mm: must not be negative"},
      {"negative width", [](Sku& s) { s.width_mm = -1; }, "width_mm",
       "width_mm: must not be negative"},
      {"negative height", [](Sku& s) { s.height_mm = -1; }, "height_mm",
       "height_mm: must not be negative"},
      {"zero shelf life", [](Sku& s) { s.shelf_life_days = 0; }, "shelf_life_days",
       "shelf_life_days: must be greater than 0 when given"},
      {"negative shelf life", [](Sku& s) { s.shelf_life_days = -30; }, "shelf_life_days",
       "shelf_life_days: must not be negative"},
      {"zero brand id", [](Sku& s) { s.brand_id = 0; }, "brand_id", "brand_id: must be a brand id"},
      {"negative brand id", [](Sku& s) { s.brand_id = -2; }, "brand_id",
       "brand_id: must not be negative"},
      {"name with a line break", [](Sku& s) { s.name = "Aptamil\nGold"; }, "name",
       "name: is not clean UTF-8 text"},
      {"name with broken UTF-8", [](Sku& s) { s.name = "\xE6\xBE"; }, "name",
       "name: is not clean UTF-8 text"},
  };
  for (const auto& rule : rules) {
    SCOPED_TRACE(rule.what);
    Sku s = ValidSku();
    rule.breaks(s);
    const Status st = Validate(s);
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(st.field(), rule.field);
    EXPECT_EQ(st.message(), rule.message);
  }
}

TEST(SkuValidateTest, SystemFieldsAreNotTheCallersToBreak) {
  // id, version and timestamps are read-only: their values never fail validation.
  Sku s = ValidSku();
  s.version = -1;
  s.created_at = Timestamp::FromMicros(-5);
  EXPECT_TRUE(Validate(s).ok());
}

TEST(SkuSpecTest, DescribesTheCatalogTable) {
  const auto& spec = Sku::Spec();
  EXPECT_EQ(spec.kind, "sku");
  EXPECT_EQ(spec.plural, "skus");
  EXPECT_EQ(spec.table, "catalog_sku");
  EXPECT_EQ(spec.code_scope, "");
  ASSERT_NE(spec.Find("gtin"), nullptr);
  EXPECT_TRUE(spec.Find("gtin")->has(kNullable));
  EXPECT_TRUE(spec.Find("gtin")->has(kSearchable));
  EXPECT_EQ(spec.Find("gtin")->max_length, 14U);
  EXPECT_EQ(spec.Find("legal_quantity")->type, FieldType::kMilli);
  EXPECT_EQ(spec.Find("created_at")->type, FieldType::kTimestamp);
  EXPECT_TRUE(spec.Find("id")->has(kReadOnly));
  EXPECT_FALSE(spec.Find("hs_code")->has(kNullable));
  EXPECT_EQ(spec.Find("no_such_field"), nullptr);
}

TEST(SkuSpecTest, EnumFieldsReadAndWriteTheirChoiceNames) {
  const auto& spec = Sku::Spec();
  const auto* category = spec.Find("category");
  ASSERT_NE(category, nullptr);
  ASSERT_EQ(category->choices.size(), 7U);
  EXPECT_EQ(category->choices[0], "maternal_infant");
  Sku s = ValidSku();
  EXPECT_EQ(category->get(s), FieldValue(std::string("maternal_infant")));
  category->set(s, std::string("cosmetics"));
  EXPECT_EQ(s.category, Category::kCosmetics);
  EXPECT_EQ(EnumName(LegalUnit::kMillilitre), "ml");
  EXPECT_EQ(EnumFromName<VatClass>("reduced"), VatClass::kReduced);
  EXPECT_EQ(EnumFromName<VatClass>("zero"), std::nullopt);
  EXPECT_EQ(EnumName(ConsumptionTaxClass::kHighEndCosmetics), "high_end_cosmetics");
}

TEST(SkuSpecTest, OptionalFieldsReadAsAbsentWhenUnset) {
  const auto& spec = Sku::Spec();
  Sku s = ValidSku();
  s.gtin.reset();
  EXPECT_TRUE(std::holds_alternative<std::monostate>(spec.Find("gtin")->get(s)));
  spec.Find("gtin")->set(s, std::string("96385074"));
  EXPECT_EQ(s.gtin, std::optional<std::string>("96385074"));
  spec.Find("shelf_life_days")->set(s, std::monostate{});
  EXPECT_FALSE(s.shelf_life_days.has_value());
  spec.Find("legal_quantity")->set(s, std::int64_t{20500});
  EXPECT_EQ(s.legal_quantity.value, 20500);
  spec.Find("positive_list")->set(s, false);
  EXPECT_FALSE(s.positive_list);
}

}  // namespace
}  // namespace xb::catalog
