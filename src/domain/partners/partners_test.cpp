#include "domain/partners/partners.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::partners {
namespace {

Warehouse Bonded() {
  Warehouse w;
  w.code = "NB-BONDED-1";
  w.name = "宁波保税仓 1号";
  w.kind = WarehouseKind::kBonded;
  w.country = "CN";
  w.operator_kind = Operator::kThirdParty;
  w.operator_name = "Cainiao";
  w.customs_area_code = "3105";
  w.account_book_no = "T3105W000123";
  w.address = "宁波市北仑区保税区";
  return w;
}

Warehouse Overseas() {
  Warehouse w;
  w.code = "SYD-1";
  w.name = "Sydney consolidation";
  w.kind = WarehouseKind::kOverseas;
  w.country = "AU";
  w.operator_kind = Operator::kSelf;
  return w;
}

void ExpectInvalid(const Status& s, const std::string& field, const std::string& message) {
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.ToString();
  EXPECT_EQ(s.field(), field);
  EXPECT_EQ(s.message(), message);
}

TEST(WarehouseValidateTest, AcceptsABondedWarehouseInChina) {
  const Status s = Validate(Bonded());
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(WarehouseValidateTest, AcceptsASelfRunOverseasWarehouse) {
  const Status s = Validate(Overseas());
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(WarehouseValidateTest, BondedWarehouseMustBeInChina) {
  Warehouse w = Bonded();
  w.country = "HK";
  ExpectInvalid(Validate(w), "country",
                "country: a bonded warehouse lies in a Chinese customs zone (CN)");
}

TEST(WarehouseValidateTest, OverseasWarehouseMustNotBeInChina) {
  Warehouse w = Overseas();
  w.country = "CN";
  ExpectInvalid(Validate(w), "country", "country: an overseas warehouse is outside China");
}

TEST(WarehouseValidateTest, DomesticAndTransitWarehousesMayBeAnywhere) {
  for (auto kind : {WarehouseKind::kDomestic, WarehouseKind::kTransit}) {
    for (const char* country : {"CN", "AU", "HK"}) {
      SCOPED_TRACE(country);
      Warehouse w = Overseas();
      w.kind = kind;
      w.country = country;
      EXPECT_TRUE(Validate(w).ok());
    }
  }
}

TEST(WarehouseValidateTest, ThirdPartyWarehouseNeedsTheOperatorName) {
  Warehouse w = Bonded();
  w.operator_name.reset();
  ExpectInvalid(Validate(w), "operator_name",
                "operator_name: name the 3PL that runs the warehouse");
  w.operator_name = "";
  ExpectInvalid(Validate(w), "operator_name",
                "operator_name: name the 3PL that runs the warehouse");
}

TEST(WarehouseValidateTest, SelfRunWarehouseNeedsNoOperatorName) {
  Warehouse w = Bonded();
  w.operator_kind = Operator::kSelf;
  w.operator_name.reset();
  EXPECT_TRUE(Validate(w).ok());
}

TEST(WarehouseValidateTest, OnlyBondedWarehousesHaveAnAccountBook) {
  for (auto kind : {WarehouseKind::kOverseas, WarehouseKind::kDomestic, WarehouseKind::kTransit}) {
    Warehouse w = Overseas();
    w.kind = kind;
    w.account_book_no = "T3105W000123";
    ExpectInvalid(Validate(w), "account_book_no",
                  "account_book_no: only bonded warehouses have a customs account book");
    w.account_book_no = "";  // an empty value is no account book
    EXPECT_TRUE(Validate(w).ok());
  }
}

TEST(WarehouseValidateTest, CountryMustBeAnAlpha2Code) {
  Warehouse w = Overseas();
  w.country = "aus";
  ExpectInvalid(Validate(w), "country", "country: longer than 2 bytes");
  w.country = "au";
  ExpectInvalid(Validate(w), "country", "country: must be an ISO 3166 alpha-2 code like \"DE\"");
  w.country = "";
  ExpectInvalid(Validate(w), "country", "country: is required");
}

TEST(WarehouseValidateTest, LongTextFieldsAreRefusedByName) {
  Warehouse w = Bonded();
  w.account_book_no = std::string(21, '1');
  ExpectInvalid(Validate(w), "account_book_no", "account_book_no: longer than 20 bytes");
  w = Bonded();
  w.address = std::string(301, 'a');
  ExpectInvalid(Validate(w), "address", "address: longer than 300 bytes");
}

Supplier ValidSupplier() {
  Supplier s;
  s.code = "BELLAMY";
  s.name = "Bellamy's Organic";
  s.kind = SupplierKind::kManufacturer;
  s.country = "AU";
  s.currency = "AUD";
  s.contact_name = "Jane Citizen";
  s.contact_email = "jane@bellamys.com.au";
  s.payment_terms_days = 45;
  return s;
}

TEST(SupplierValidateTest, AcceptsAValidSupplier) {
  const Status s = Validate(ValidSupplier());
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(SupplierValidateTest, AcceptsPlausibleEmailsAndNoEmail) {
  for (const char* email : {"a@b.co", "first.last+tag@example.com.au", "x@sub.domain.cn"}) {
    SCOPED_TRACE(email);
    Supplier s = ValidSupplier();
    s.contact_email = email;
    EXPECT_TRUE(Validate(s).ok());
  }
  Supplier s = ValidSupplier();
  s.contact_email.reset();
  EXPECT_TRUE(Validate(s).ok());
  s.contact_email = "";
  EXPECT_TRUE(Validate(s).ok());
}

TEST(SupplierValidateTest, RefusesMalformedEmails) {
  for (const char* email : {"jane", "jane.example.com", "@example.com", "jane@example",
                            "jane@example.com.", "jane doe@example.com", "jane@exa mple.com"}) {
    SCOPED_TRACE(email);
    Supplier s = ValidSupplier();
    s.contact_email = email;
    ExpectInvalid(Validate(s), "contact_email", "contact_email: not an e-mail address");
  }
}

TEST(SupplierValidateTest, CurrencyMustBeThreeUpperCaseLetters) {
  for (const char* currency : {"aud", "AU", "A1D"}) {
    SCOPED_TRACE(currency);
    Supplier s = ValidSupplier();
    s.currency = currency;
    ExpectInvalid(Validate(s), "currency", "currency: must be an ISO 4217 code like \"EUR\"");
  }
  Supplier s = ValidSupplier();
  s.currency = "AUDD";
  ExpectInvalid(Validate(s), "currency", "currency: longer than 3 bytes");
}

TEST(SupplierValidateTest, PaymentTermsAreZeroTo365Days) {
  Supplier s = ValidSupplier();
  s.payment_terms_days = 0;
  EXPECT_TRUE(Validate(s).ok());
  s.payment_terms_days = 365;
  EXPECT_TRUE(Validate(s).ok());
  s.payment_terms_days = 366;
  ExpectInvalid(Validate(s), "payment_terms_days", "payment_terms_days: at most 365");
  s.payment_terms_days = -1;
  ExpectInvalid(Validate(s), "payment_terms_days", "payment_terms_days: must not be negative");
}

TEST(SupplierValidateTest, CountryIsChecked) {
  Supplier s = ValidSupplier();
  s.country = "de";
  ExpectInvalid(Validate(s), "country", "country: must be an ISO 3166 alpha-2 code like \"DE\"");
}

TEST(BrandValidateTest, NeedsACountry) {
  Brand b;
  b.code = "APTAMIL";
  b.name = "Aptamil 爱他美";
  b.country = "DE";
  EXPECT_TRUE(Validate(b).ok());
  b.country = "Germany";
  ExpectInvalid(Validate(b), "country", "country: longer than 2 bytes");
  b.country = "";
  ExpectInvalid(Validate(b), "country", "country: is required");
}

TEST(ChannelValidateTest, NeedsCodeAndName) {
  Channel c;
  c.code = "TMALL-1";
  c.name = "天猫国际旗舰店";
  c.platform = Platform::kTmallGlobal;
  c.shop_id = "tm-88";
  EXPECT_TRUE(Validate(c).ok());
  c.name = "";
  ExpectInvalid(Validate(c), "name", "name: is required");
  c.name = "ok";
  c.shop_id = std::string(65, 's');
  ExpectInvalid(Validate(c), "shop_id", "shop_id: longer than 64 bytes");
}

TEST(ChannelValidateTest, MinRemainingShelfLifeIsOptionalAndZeroTo3650Days) {
  Channel c;
  c.code = "TMALL-1";
  c.name = "Tmall";
  EXPECT_TRUE(Validate(c).ok());
  c.min_remaining_shelf_life_days = 0;
  EXPECT_TRUE(Validate(c).ok());
  c.min_remaining_shelf_life_days = 3650;
  EXPECT_TRUE(Validate(c).ok());
  c.min_remaining_shelf_life_days = 3651;
  ExpectInvalid(Validate(c), "min_remaining_shelf_life_days",
                "min_remaining_shelf_life_days: at most 3650");
  c.min_remaining_shelf_life_days = -1;
  ExpectInvalid(Validate(c), "min_remaining_shelf_life_days",
                "min_remaining_shelf_life_days: must not be negative");
}

TEST(CarrierValidateTest, TrackingUrlMustBeHttp) {
  Carrier c;
  c.code = "SF";
  c.name = "SF Express 顺丰";
  c.kind = CarrierKind::kDomesticLastMile;
  c.country = "CN";
  c.tracking_url = "https://www.sf-express.com/track?waybill={waybill}";
  EXPECT_TRUE(Validate(c).ok());
  c.tracking_url = "http://track.example/{waybill}";
  EXPECT_TRUE(Validate(c).ok());
  c.tracking_url.reset();
  EXPECT_TRUE(Validate(c).ok());
  for (const char* url : {"ftp://x/{waybill}", "javascript:alert(1)", "www.sf-express.com"}) {
    SCOPED_TRACE(url);
    c.tracking_url = url;
    ExpectInvalid(Validate(c), "tracking_url", "tracking_url: must start with http:// or https://");
  }
}

TEST(BinValidateTest, NeedsAWarehouse) {
  Bin b;
  b.code = "A-01-01";
  b.name = "Aisle A, rack 1, level 1";
  b.warehouse_id = 4;
  b.kind = BinKind::kPick;
  EXPECT_TRUE(Validate(b).ok());
  b.warehouse_id = 0;
  ExpectInvalid(Validate(b), "warehouse_id", "warehouse_id: is required");
  b.warehouse_id = -3;
  ExpectInvalid(Validate(b), "warehouse_id", "warehouse_id: must not be negative");
}

TEST(BinSpecTest, CodesAreScopedPerWarehouse) {
  EXPECT_EQ(Bin::Spec().code_scope, "warehouse_id");
  EXPECT_EQ(Warehouse::Spec().code_scope, "");
  EXPECT_EQ(Warehouse::Spec().Find("operator")->type, FieldType::kEnum);
  EXPECT_EQ(Warehouse::Spec().Find("operator")->choices.size(), 2U);
}

}  // namespace
}  // namespace xb::partners
