// A SKU: one sellable article as customs and the warehouse see it (GTIN, HS code, tax classes,
// legal unit and quantity, weight and size, shelf life, positive-list flag, origin).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/record.h"
#include "core/record_field.h"

namespace xb::catalog {

struct SkuTag {};
using SkuId = Id<SkuTag>;

// The paper's consumer categories (fast-moving goods dominate cross-border imports).
enum class Category {
  kMaternalInfant,
  kCosmetics,
  kClothing,
  kDailyNecessities,
  kElectronics,
  kFoodHealth,
  kOther
};
std::span<const std::string_view> EnumChoices(Category);

// VAT band: standard 13% since 2019-04-01, reduced 9% (some foods, books, farm goods).
enum class VatClass { kStandard, kReduced };
std::span<const std::string_view> EnumChoices(VatClass);

// Consumption-tax class: high-end cosmetics are taxed when the unit price passes a threshold
// (Cai Shui [2016] No.103); the rate itself lives in the customs rule tables.
enum class ConsumptionTaxClass { kNone, kHighEndCosmetics };
std::span<const std::string_view> EnumChoices(ConsumptionTaxClass);

// The legal (statutory) unit customs declares quantities in.
enum class LegalUnit { kGram, kKilogram, kMillilitre, kLitre, kPiece };
std::span<const std::string_view> EnumChoices(LegalUnit);

struct Sku : MasterRecord<SkuTag> {
  std::optional<std::string> gtin;
  std::optional<std::int64_t> brand_id;
  Category category = Category::kOther;
  std::string hs_code;
  VatClass vat_class = VatClass::kStandard;
  ConsumptionTaxClass consumption_tax_class = ConsumptionTaxClass::kNone;
  LegalUnit legal_unit = LegalUnit::kPiece;
  Milli legal_quantity{1000};  // legal units per SKU unit
  std::int64_t weight_g = 0;
  std::int64_t length_mm = 0;
  std::int64_t width_mm = 0;
  std::int64_t height_mm = 0;
  std::optional<std::int64_t> shelf_life_days;
  bool positive_list = false;
  std::string origin_country;

  static const RecordSpec<Sku>& Spec();
};

// Rules beyond the field list: GTIN check digit, HS code length, country code, positive
// legal quantity and shelf life. Returns the first violation, naming the field.
Status Validate(const Sku& sku);

}  // namespace xb::catalog
