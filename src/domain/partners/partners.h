// The parties and places of the chain: suppliers and brands abroad, sales channels (platforms),
// carriers, and warehouses of the four kinds with their bins.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/record.h"
#include "core/record_field.h"

namespace xb::partners {

struct SupplierTag {};
struct BrandTag {};
struct ChannelTag {};
struct CarrierTag {};
struct WarehouseTag {};
struct BinTag {};
using SupplierId = Id<SupplierTag>;
using BrandId = Id<BrandTag>;
using ChannelId = Id<ChannelTag>;
using CarrierId = Id<CarrierTag>;
using WarehouseId = Id<WarehouseTag>;
using BinId = Id<BinTag>;

enum class SupplierKind { kManufacturer, kDistributor, kAuthorisedAgent };
std::span<const std::string_view> EnumChoices(SupplierKind);

struct Supplier : MasterRecord<SupplierTag> {
  SupplierKind kind = SupplierKind::kManufacturer;
  std::string country;
  std::string currency;
  std::optional<std::string> contact_name;
  std::optional<std::string> contact_email;
  std::int64_t payment_terms_days = 30;
  static const RecordSpec<Supplier>& Spec();
};
Status Validate(const Supplier& supplier);

struct Brand : MasterRecord<BrandTag> {
  std::string country;
  std::optional<std::int64_t> owner_supplier_id;  // the brand owner, when it is a supplier
  static const RecordSpec<Brand>& Spec();
};
Status Validate(const Brand& brand);

// The platforms the paper names, and a merchant's own store.
enum class Platform { kTmallGlobal, kJdWorldwide, kKaola, kDouyin, kPinduoduo, kOwnStore, kOther };
std::span<const std::string_view> EnumChoices(Platform);

struct Channel : MasterRecord<ChannelTag> {
  Platform platform = Platform::kOther;
  std::optional<std::string> shop_id;  // the platform's id for the shop
  // Goods reserved for this channel's orders must have at least this many days of shelf life
  // left (the platform's rule); absent: no minimum beyond not being expired.
  std::optional<std::int64_t> min_remaining_shelf_life_days;
  static const RecordSpec<Channel>& Spec();
};
Status Validate(const Channel& channel);

enum class CarrierKind {
  kInternationalExpress,
  kLineHaulAir,
  kLineHaulSea,
  kDomesticLastMile,
  kCustomsBroker
};
std::span<const std::string_view> EnumChoices(CarrierKind);

struct Carrier : MasterRecord<CarrierTag> {
  CarrierKind kind = CarrierKind::kInternationalExpress;
  std::string country;
  std::optional<std::string> tracking_url;  // with {waybill} where the number goes
  static const RecordSpec<Carrier>& Spec();
};
Status Validate(const Carrier& carrier);

// Overseas (abroad), bonded (inside a special customs supervision zone: goods stored before duty
// and tax), domestic (duty paid), transit (consolidation hub).
enum class WarehouseKind { kOverseas, kBonded, kDomestic, kTransit };
std::span<const std::string_view> EnumChoices(WarehouseKind);
enum class Operator { kSelf, kThirdParty };
std::span<const std::string_view> EnumChoices(Operator);

struct Warehouse : MasterRecord<WarehouseTag> {
  WarehouseKind kind = WarehouseKind::kOverseas;
  std::string country;
  Operator operator_kind = Operator::kSelf;
  std::optional<std::string> operator_name;      // the 3PL's name
  std::optional<std::string> customs_area_code;  // bonded: the supervision zone's customs code
  std::optional<std::string> account_book_no;    // bonded: customs account book (emsNo)
  std::optional<std::string> address;
  static const RecordSpec<Warehouse>& Spec();
};
// Bonded warehouses are in China and name their account book; overseas ones are not in China.
Status Validate(const Warehouse& warehouse);

enum class BinKind { kStorage, kPick, kReceiving, kShipping, kQuarantine };
std::span<const std::string_view> EnumChoices(BinKind);

struct Bin : MasterRecord<BinTag> {
  std::int64_t warehouse_id = 0;
  std::optional<std::string> zone;
  BinKind kind = BinKind::kStorage;
  std::int64_t capacity_units = 0;  // 0: unlimited
  static const RecordSpec<Bin>& Spec();
};
Status Validate(const Bin& bin);

}  // namespace xb::partners
