#include "domain/catalog/sku.h"

#include "domain/catalog/gtin.h"

namespace xb::catalog {

namespace {
constexpr std::string_view kCategories[] = {
    "maternal_infant", "cosmetics",   "clothing", "daily_necessities",
    "electronics",     "food_health", "other"};
constexpr std::string_view kVatClasses[] = {"standard", "reduced"};
constexpr std::string_view kConsumptionTaxClasses[] = {"none", "high_end_cosmetics"};
constexpr std::string_view kLegalUnits[] = {"g", "kg", "ml", "l", "piece"};
}  // namespace

std::span<const std::string_view> EnumChoices(Category) { return kCategories; }
std::span<const std::string_view> EnumChoices(VatClass) { return kVatClasses; }
std::span<const std::string_view> EnumChoices(ConsumptionTaxClass) {
  return kConsumptionTaxClasses;
}
std::span<const std::string_view> EnumChoices(LegalUnit) { return kLegalUnits; }

const RecordSpec<Sku>& Sku::Spec() {
  static const RecordSpec<Sku> spec = [] {
    RecordSpec<Sku> s{"sku", "skus", "catalog_sku", "", CommonFieldSpecs<Sku>()};
    s.fields.push_back(Field<Sku, &Sku::gtin>("gtin", kFilterable | kSearchable, 14));
    s.fields.push_back(Field<Sku, &Sku::brand_id>("brand_id", kFilterable));
    s.fields.push_back(Field<Sku, &Sku::category>("category", kRequired | kFilterable));
    s.fields.push_back(Field<Sku, &Sku::hs_code>("hs_code", kRequired | kFilterable, 10));
    s.fields.push_back(Field<Sku, &Sku::vat_class>("vat_class", kFilterable));
    s.fields.push_back(
        Field<Sku, &Sku::consumption_tax_class>("consumption_tax_class", kFilterable));
    s.fields.push_back(Field<Sku, &Sku::legal_unit>("legal_unit", kRequired));
    s.fields.push_back(Field<Sku, &Sku::legal_quantity>("legal_quantity", kRequired));
    s.fields.push_back(Field<Sku, &Sku::weight_g>("weight_g", 0));
    s.fields.push_back(Field<Sku, &Sku::length_mm>("length_mm", 0));
    s.fields.push_back(Field<Sku, &Sku::width_mm>("width_mm", 0));
    s.fields.push_back(Field<Sku, &Sku::height_mm>("height_mm", 0));
    s.fields.push_back(Field<Sku, &Sku::shelf_life_days>("shelf_life_days", 0));
    s.fields.push_back(Field<Sku, &Sku::positive_list>("positive_list", kFilterable));
    s.fields.push_back(
        Field<Sku, &Sku::origin_country>("origin_country", kRequired | kFilterable, 2));
    return s;
  }();
  return spec;
}

Status Validate(const Sku& sku) {
  XB_RETURN_IF_ERROR(CheckFields(Sku::Spec(), sku));
  if (sku.gtin) XB_RETURN_IF_ERROR(ValidateGtin(*sku.gtin));
  XB_RETURN_IF_ERROR(ValidateHsCode(sku.hs_code));
  XB_RETURN_IF_ERROR(ValidateCountryCode(sku.origin_country, "origin_country"));
  if (sku.legal_quantity.value <= 0) {
    return InvalidArgument("legal_quantity: must be greater than 0", "legal_quantity");
  }
  if (sku.shelf_life_days && *sku.shelf_life_days <= 0) {
    return InvalidArgument("shelf_life_days: must be greater than 0 when given", "shelf_life_days");
  }
  if (sku.brand_id && *sku.brand_id <= 0) {
    return InvalidArgument("brand_id: must be a brand id", "brand_id");
  }
  return Status::Ok();
}

}  // namespace xb::catalog
