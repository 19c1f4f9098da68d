#include "domain/partners/partners.h"

#include "core/money.h"
#include "core/text.h"

namespace xb::partners {
namespace {

constexpr std::string_view kSupplierKinds[] = {"manufacturer", "distributor", "authorised_agent"};
constexpr std::string_view kPlatforms[] = {"tmall_global", "jd_worldwide", "kaola", "douyin",
                                           "pinduoduo",    "own_store",    "other"};
constexpr std::string_view kCarrierKinds[] = {"international_express", "line_haul_air",
                                              "line_haul_sea", "domestic_last_mile",
                                              "customs_broker"};
constexpr std::string_view kWarehouseKinds[] = {"overseas", "bonded", "domestic", "transit"};
constexpr std::string_view kOperators[] = {"self", "3pl"};
constexpr std::string_view kBinKinds[] = {"storage", "pick", "receiving", "shipping", "quarantine"};

Status CheckCountry(std::string_view country, const char* field) {
  if (!IsCountryCodeForm(country)) {
    return InvalidArgument(std::string(field) + ": must be an ISO 3166 alpha-2 code like \"DE\"",
                           field);
  }
  return Status::Ok();
}

Status CheckEmail(const std::optional<std::string>& email) {
  if (!email || email->empty()) return Status::Ok();
  const auto at = email->find('@');
  if (at == std::string::npos || at == 0 || email->find('.', at) == std::string::npos ||
      email->back() == '.' || email->find(' ') != std::string::npos) {
    return InvalidArgument("contact_email: not an e-mail address", "contact_email");
  }
  return Status::Ok();
}

}  // namespace

std::span<const std::string_view> EnumChoices(SupplierKind) { return kSupplierKinds; }
std::span<const std::string_view> EnumChoices(Platform) { return kPlatforms; }
std::span<const std::string_view> EnumChoices(CarrierKind) { return kCarrierKinds; }
std::span<const std::string_view> EnumChoices(WarehouseKind) { return kWarehouseKinds; }
std::span<const std::string_view> EnumChoices(Operator) { return kOperators; }
std::span<const std::string_view> EnumChoices(BinKind) { return kBinKinds; }

const RecordSpec<Supplier>& Supplier::Spec() {
  static const RecordSpec<Supplier> spec = [] {
    using S = Supplier;
    RecordSpec<S> s{"supplier", "suppliers", "partners_supplier", "", CommonFieldSpecs<S>()};
    s.fields.push_back(Field<S, &S::kind>("kind", kRequired | kFilterable));
    s.fields.push_back(Field<S, &S::country>("country", kRequired | kFilterable, 2));
    s.fields.push_back(Field<S, &S::currency>("currency", kRequired | kFilterable, 3));
    s.fields.push_back(Field<S, &S::contact_name>("contact_name", kSearchable, 120));
    s.fields.push_back(Field<S, &S::contact_email>("contact_email", 0, 200));
    s.fields.push_back(Field<S, &S::payment_terms_days>("payment_terms_days", 0));
    return s;
  }();
  return spec;
}

Status Validate(const Supplier& supplier) {
  XB_RETURN_IF_ERROR(CheckFields(Supplier::Spec(), supplier));
  XB_RETURN_IF_ERROR(CheckCountry(supplier.country, "country"));
  if (!Currency::Of(supplier.currency).ok()) {
    return InvalidArgument("currency: must be an ISO 4217 code like \"EUR\"", "currency");
  }
  XB_RETURN_IF_ERROR(CheckEmail(supplier.contact_email));
  if (supplier.payment_terms_days > 365) {
    return InvalidArgument("payment_terms_days: at most 365", "payment_terms_days");
  }
  return Status::Ok();
}

const RecordSpec<Brand>& Brand::Spec() {
  static const RecordSpec<Brand> spec = [] {
    using S = Brand;
    RecordSpec<S> s{"brand", "brands", "partners_brand", "", CommonFieldSpecs<S>()};
    s.fields.push_back(Field<S, &S::country>("country", kRequired | kFilterable, 2));
    s.fields.push_back(Field<S, &S::owner_supplier_id>("owner_supplier_id", kFilterable));
    return s;
  }();
  return spec;
}

Status Validate(const Brand& brand) {
  XB_RETURN_IF_ERROR(CheckFields(Brand::Spec(), brand));
  return CheckCountry(brand.country, "country");
}

const RecordSpec<Channel>& Channel::Spec() {
  static const RecordSpec<Channel> spec = [] {
    using S = Channel;
    RecordSpec<S> s{"channel", "channels", "partners_channel", "", CommonFieldSpecs<S>()};
    s.fields.push_back(Field<S, &S::platform>("platform", kRequired | kFilterable));
    s.fields.push_back(Field<S, &S::shop_id>("shop_id", kSearchable, 64));
    s.fields.push_back(
        Field<S, &S::min_remaining_shelf_life_days>("min_remaining_shelf_life_days", 0));
    return s;
  }();
  return spec;
}

Status Validate(const Channel& channel) {
  XB_RETURN_IF_ERROR(CheckFields(Channel::Spec(), channel));
  if (channel.min_remaining_shelf_life_days && *channel.min_remaining_shelf_life_days > 3650) {
    return InvalidArgument("min_remaining_shelf_life_days: at most 3650",
                           "min_remaining_shelf_life_days");
  }
  return Status::Ok();
}

const RecordSpec<Carrier>& Carrier::Spec() {
  static const RecordSpec<Carrier> spec = [] {
    using S = Carrier;
    RecordSpec<S> s{"carrier", "carriers", "partners_carrier", "", CommonFieldSpecs<S>()};
    s.fields.push_back(Field<S, &S::kind>("kind", kRequired | kFilterable));
    s.fields.push_back(Field<S, &S::country>("country", kRequired | kFilterable, 2));
    s.fields.push_back(Field<S, &S::tracking_url>("tracking_url", 0, 300));
    return s;
  }();
  return spec;
}

Status Validate(const Carrier& carrier) {
  XB_RETURN_IF_ERROR(CheckFields(Carrier::Spec(), carrier));
  XB_RETURN_IF_ERROR(CheckCountry(carrier.country, "country"));
  if (carrier.tracking_url && !carrier.tracking_url->empty() &&
      carrier.tracking_url->rfind("https://", 0) != 0 &&
      carrier.tracking_url->rfind("http://", 0) != 0) {
    return InvalidArgument("tracking_url: must start with http:// or https://", "tracking_url");
  }
  return Status::Ok();
}

const RecordSpec<Warehouse>& Warehouse::Spec() {
  static const RecordSpec<Warehouse> spec = [] {
    using S = Warehouse;
    RecordSpec<S> s{"warehouse", "warehouses", "partners_warehouse", "", CommonFieldSpecs<S>()};
    s.fields.push_back(Field<S, &S::kind>("kind", kRequired | kFilterable));
    s.fields.push_back(Field<S, &S::country>("country", kRequired | kFilterable, 2));
    s.fields.push_back(Field<S, &S::operator_kind>("operator", kRequired | kFilterable));
    s.fields.push_back(Field<S, &S::operator_name>("operator_name", kSearchable, 120));
    s.fields.push_back(Field<S, &S::customs_area_code>("customs_area_code", kFilterable, 10));
    s.fields.push_back(Field<S, &S::account_book_no>("account_book_no", kFilterable, 20));
    s.fields.push_back(Field<S, &S::address>("address", 0, 300));
    return s;
  }();
  return spec;
}

Status Validate(const Warehouse& warehouse) {
  XB_RETURN_IF_ERROR(CheckFields(Warehouse::Spec(), warehouse));
  XB_RETURN_IF_ERROR(CheckCountry(warehouse.country, "country"));
  if (warehouse.kind == WarehouseKind::kBonded && warehouse.country != "CN") {
    return InvalidArgument("country: a bonded warehouse lies in a Chinese customs zone (CN)",
                           "country");
  }
  if (warehouse.kind == WarehouseKind::kOverseas && warehouse.country == "CN") {
    return InvalidArgument("country: an overseas warehouse is outside China", "country");
  }
  if (warehouse.operator_kind == Operator::kThirdParty &&
      (!warehouse.operator_name || warehouse.operator_name->empty())) {
    return InvalidArgument("operator_name: name the 3PL that runs the warehouse", "operator_name");
  }
  if (warehouse.account_book_no && !warehouse.account_book_no->empty() &&
      warehouse.kind != WarehouseKind::kBonded) {
    return InvalidArgument("account_book_no: only bonded warehouses have a customs account book",
                           "account_book_no");
  }
  return Status::Ok();
}

const RecordSpec<Bin>& Bin::Spec() {
  static const RecordSpec<Bin> spec = [] {
    using S = Bin;
    RecordSpec<S> s{"bin", "bins", "partners_bin", "warehouse_id", CommonFieldSpecs<S>()};
    // A bin is known by its code; a name is optional and defaults to the code.
    for (auto& f : s.fields) {
      if (f.name == "name") f.flags &= ~kRequired;
    }
    s.fields.push_back(Field<S, &S::warehouse_id>("warehouse_id", kRequired | kFilterable));
    s.fields.push_back(Field<S, &S::zone>("zone", kFilterable, 32));
    s.fields.push_back(Field<S, &S::kind>("kind", kRequired | kFilterable));
    s.fields.push_back(Field<S, &S::capacity_units>("capacity_units", 0));
    return s;
  }();
  return spec;
}

Status Validate(const Bin& bin) {
  XB_RETURN_IF_ERROR(CheckFields(Bin::Spec(), bin));
  if (bin.warehouse_id <= 0) return InvalidArgument("warehouse_id: is required", "warehouse_id");
  return Status::Ok();
}

}  // namespace xb::partners
