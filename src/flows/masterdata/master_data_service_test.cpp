#include "flows/masterdata/master_data_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "adapters/memory/memory_database.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::masterdata {
namespace {

using access::Principal;
using access::Role;
using catalog::Sku;
using partners::Bin;
using partners::Brand;
using partners::Supplier;
using partners::Warehouse;

constexpr std::int64_t kStart = 1'764'059'400'000'000;  // 2025-11-25T08:30:00Z
const TenantId kAlpha(1);
const TenantId kBeta(2);

Brand MakeBrand(std::string code, std::string name = "Aptamil") {
  Brand b;
  b.code = std::move(code);
  b.name = std::move(name);
  b.country = "DE";
  return b;
}

Supplier MakeSupplier(std::string code) {
  Supplier s;
  s.code = std::move(code);
  s.name = "Bellamy's Organic";
  s.kind = partners::SupplierKind::kManufacturer;
  s.country = "AU";
  s.currency = "AUD";
  return s;
}

Sku MakeSku(std::string code, std::string name = "澳洲奶粉 Aptamil Gold+ 900g") {
  Sku s;
  s.code = std::move(code);
  s.name = std::move(name);
  s.category = catalog::Category::kMaternalInfant;
  s.hs_code = "1901101000";
  s.legal_unit = catalog::LegalUnit::kKilogram;
  s.legal_quantity = Milli{900};
  s.weight_g = 1100;
  s.origin_country = "AU";
  return s;
}

Warehouse MakeWarehouse(std::string code) {
  Warehouse w;
  w.code = std::move(code);
  w.name = "宁波保税仓";
  w.kind = partners::WarehouseKind::kBonded;
  w.country = "CN";
  w.operator_kind = partners::Operator::kSelf;
  w.account_book_no = "T3105W000123";
  return w;
}

Bin MakeBin(std::string code, std::int64_t warehouse_id) {
  Bin b;
  b.code = std::move(code);
  b.name = "Pick face " + b.code;
  b.warehouse_id = warehouse_id;
  b.kind = partners::BinKind::kPick;
  return b;
}

class MasterDataServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = memory::NewMemoryDatabase();
    auto tx = db_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    for (const char* code : {"alpha", "beta"}) {
      access::Tenant t;
      t.code = code;
      t.name = code;
      t.created_at = clock_.Now();
      ASSERT_TRUE((*tx)->tenants().Insert(t).ok());
    }
    ASSERT_TRUE((*tx)->Commit().ok());
    svc_ = std::make_unique<MasterDataService>(*db_, clock_);
  }

  static RequestContext Ctx(Role role = Role::kAdmin, TenantId tenant = kAlpha) {
    RequestContext ctx;
    ctx.principal = Principal{tenant, access::ApiKeyId(12), role, "test key"};
    ctx.request_id = "req-1";
    return ctx;
  }

  static RequestContext Retry(std::string key, std::string hash, TenantId tenant = kAlpha) {
    RequestContext ctx = Ctx(Role::kAdmin, tenant);
    ctx.idempotency_key = std::move(key);
    ctx.request_hash = std::move(hash);
    return ctx;
  }

  template <class T>
  T Create(T draft, const RequestContext& ctx = Ctx()) {
    auto r = svc_->Create<T>(ctx, std::move(draft));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->record : T{};
  }

  template <class T>
  Page<T> List(const ListQuery& q = {}, TenantId tenant = kAlpha) {
    auto r = svc_->List<T>(Ctx(Role::kReadOnly, tenant).principal, q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Page<T>{};
  }

  template <class T>
  std::vector<events::BusinessEvent> History(std::int64_t id, TenantId tenant = kAlpha) {
    auto r = svc_->History<T>(Ctx(Role::kReadOnly, tenant).principal, id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<events::BusinessEvent>{};
  }

  std::vector<events::BusinessEvent> AllEvents(TenantId tenant = kAlpha) {
    auto tx = db_->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto r = (*tx)->events().List(tenant, events::EventQuery{});
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<events::BusinessEvent>{};
  }

  FakeClock clock_{Timestamp::FromMicros(kStart)};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<MasterDataService> svc_;
};

std::vector<std::string> Codes(const auto& page) {
  std::vector<std::string> out;
  for (const auto& r : page.items) out.push_back(r.code);
  return out;
}

// --- create and read -------------------------------------------------------------------------

TEST_F(MasterDataServiceTest, CreateAssignsIdVersionTenantAndTimestamps) {
  auto r = svc_->Create<Brand>(Ctx(), MakeBrand("APTAMIL"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->replayed);
  const Brand& b = r->record;
  EXPECT_GT(b.id.value(), 0);
  EXPECT_EQ(b.tenant_id, kAlpha);
  EXPECT_EQ(b.version, 1);
  EXPECT_EQ(b.status, RecordStatus::kActive);
  EXPECT_EQ(b.created_at.micros(), kStart);
  EXPECT_EQ(b.updated_at.micros(), kStart);
  EXPECT_EQ(b.code, "APTAMIL");
}

TEST_F(MasterDataServiceTest, CreateIgnoresTheCallersTenantAndStatus) {
  Brand draft = MakeBrand("A2");
  draft.tenant_id = kBeta;
  draft.status = RecordStatus::kArchived;
  const Brand b = Create(draft);
  EXPECT_EQ(b.tenant_id, kAlpha);
  EXPECT_EQ(b.status, RecordStatus::kActive);
}

TEST_F(MasterDataServiceTest, GetReturnsTheStoredRecord) {
  Sku draft = MakeSku("APT-1");
  draft.gtin = "9310160814616";
  draft.shelf_life_days = 720;
  draft.positive_list = true;
  const Sku created = Create(draft);
  auto got = svc_->Get<Sku>(Ctx(Role::kDevice).principal, created.id.value());
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->code, "APT-1");
  EXPECT_EQ(got->name, "澳洲奶粉 Aptamil Gold+ 900g");
  EXPECT_EQ(got->gtin, std::optional<std::string>("9310160814616"));
  EXPECT_EQ(got->shelf_life_days, std::optional<std::int64_t>(720));
  EXPECT_EQ(got->legal_quantity.value, 900);
  EXPECT_TRUE(got->positive_list);
  EXPECT_EQ(got->brand_id, std::nullopt);
  EXPECT_EQ(got->version, 1);
}

TEST_F(MasterDataServiceTest, GetOfAnUnknownIdIsNotFound) {
  EXPECT_EQ(svc_->Get<Sku>(Ctx().principal, 4711).status().code(), ErrorCode::kNotFound);
}

TEST_F(MasterDataServiceTest, CreateRefusesAnInvalidRecordNamingTheFieldAndStoresNothing) {
  Sku draft = MakeSku("BAD-GTIN");
  draft.gtin = "9310160814617";
  auto r = svc_->Create<Sku>(Ctx(), draft);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "gtin");
  EXPECT_EQ(List<Sku>().total, 0);
  EXPECT_TRUE(AllEvents().empty());
}

TEST_F(MasterDataServiceTest, DuplicateCodeIsRejected) {
  Create(MakeBrand("APTAMIL"));
  auto r = svc_->Create<Brand>(Ctx(), MakeBrand("APTAMIL", "Another"));
  EXPECT_EQ(r.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(r.status().field(), "code");
  EXPECT_EQ(r.status().message(), "code: brand APTAMIL already exists");
  EXPECT_EQ(List<Brand>().total, 1);
  EXPECT_EQ(AllEvents().size(), 1U);
}

// --- list ------------------------------------------------------------------------------------

TEST_F(MasterDataServiceTest, ListFiltersByEqualityAndSearchesCaseInsensitively) {
  Sku a = MakeSku("APT-1", "澳洲奶粉 Aptamil 1");
  Sku b = MakeSku("APT-2", "澳洲奶粉 Aptamil 2");
  Sku c = MakeSku("SWIS-1", "Swisse Vitamin C");
  c.category = catalog::Category::kFoodHealth;
  Sku d = MakeSku("LAMER-1", "La Mer Crème");
  d.category = catalog::Category::kCosmetics;
  d.consumption_tax_class = catalog::ConsumptionTaxClass::kHighEndCosmetics;
  d.hs_code = "33049900";
  for (const auto& s : {a, b, c, d}) Create(s);

  ListQuery by_category;
  by_category.equals = {{"category", std::string("maternal_infant")}};
  EXPECT_EQ(Codes(List<Sku>(by_category)), (std::vector<std::string>{"APT-1", "APT-2"}));

  ListQuery search;
  search.search = "aptAMIL";
  EXPECT_EQ(Codes(List<Sku>(search)), (std::vector<std::string>{"APT-1", "APT-2"}));
  search.search = "奶粉";
  EXPECT_EQ(List<Sku>(search).total, 2);
  search.search = "swis";  // matches the code as well as the name
  EXPECT_EQ(Codes(List<Sku>(search)), (std::vector<std::string>{"SWIS-1"}));

  ListQuery both;
  both.search = "1";
  both.equals = {{"category", std::string("maternal_infant")}};
  EXPECT_EQ(Codes(List<Sku>(both)), (std::vector<std::string>{"APT-1"}));
}

TEST_F(MasterDataServiceTest, ListPagesAndSorts) {
  for (const char* code : {"C", "A", "E", "B", "D"}) Create(MakeBrand(code));
  ListQuery q;
  q.sort = "code";
  q.limit = 2;
  q.offset = 1;
  const auto page = List<Brand>(q);
  EXPECT_EQ(Codes(page), (std::vector<std::string>{"B", "C"}));
  EXPECT_EQ(page.total, 5);
  EXPECT_EQ(page.limit, 2);
  EXPECT_EQ(page.offset, 1);
  q.descending = true;
  q.offset = 0;
  EXPECT_EQ(Codes(List<Brand>(q)), (std::vector<std::string>{"E", "D"}));
}

TEST_F(MasterDataServiceTest, ListRefusesOutOfRangePaging) {
  const Principal p = Ctx().principal;
  ListQuery q;
  q.limit = 0;
  EXPECT_EQ(svc_->List<Brand>(p, q).status().field(), "limit");
  q.limit = kMaxPageSize + 1;
  EXPECT_EQ(svc_->List<Brand>(p, q).status().code(), ErrorCode::kInvalidArgument);
  q.limit = kMaxPageSize;
  EXPECT_TRUE(svc_->List<Brand>(p, q).ok());
  q.offset = -1;
  EXPECT_EQ(svc_->List<Brand>(p, q).status().field(), "offset");
}

TEST_F(MasterDataServiceTest, ListRefusesUnknownSortAndFilterFields) {
  const Principal p = Ctx().principal;
  ListQuery q;
  q.sort = "colour";
  EXPECT_EQ(svc_->List<Brand>(p, q).status().code(), ErrorCode::kInvalidArgument);
  ListQuery f;
  f.equals = {{"colour", std::string("red")}};
  EXPECT_EQ(svc_->List<Brand>(p, f).status().code(), ErrorCode::kInvalidArgument);
}

// --- references ------------------------------------------------------------------------------

TEST_F(MasterDataServiceTest, SkuBrandMustExist) {
  Sku draft = MakeSku("APT-1");
  draft.brand_id = 99;
  auto r = svc_->Create<Sku>(Ctx(), draft);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "brand_id");
  EXPECT_EQ(r.status().message(), "brand_id: no brand with id 99");
}

TEST_F(MasterDataServiceTest, SkuBrandMustBeActive) {
  const Brand brand = Create(MakeBrand("OLD"));
  ASSERT_TRUE(svc_->Archive<Brand>(Ctx(), brand.id.value()).ok());
  Sku draft = MakeSku("APT-1");
  draft.brand_id = brand.id.value();
  auto r = svc_->Create<Sku>(Ctx(), draft);
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.status().field(), "brand_id");
}

TEST_F(MasterDataServiceTest, SkuWithAnActiveBrandIsCreated) {
  const Brand brand = Create(MakeBrand("APTAMIL"));
  Sku draft = MakeSku("APT-1");
  draft.brand_id = brand.id.value();
  const Sku sku = Create(draft);
  EXPECT_EQ(sku.brand_id, std::optional<std::int64_t>(brand.id.value()));
}

TEST_F(MasterDataServiceTest, SkuCannotReferenceAnotherTenantsBrand) {
  const Brand theirs = Create(MakeBrand("THEIRS"), Ctx(Role::kAdmin, kBeta));
  Sku draft = MakeSku("APT-1");
  draft.brand_id = theirs.id.value();
  auto r = svc_->Create<Sku>(Ctx(), draft);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "brand_id");
}

TEST_F(MasterDataServiceTest, UpdateCannotPointASkuAtAMissingBrand) {
  const Sku sku = Create(MakeSku("APT-1"));
  auto r = svc_->Update<Sku>(
      Ctx(), sku.id.value(),
      [](Sku& s) {
        s.brand_id = 77;
        return Status::Ok();
      },
      std::nullopt);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "brand_id");
}

TEST_F(MasterDataServiceTest, BrandOwnerSupplierMustExist) {
  Brand draft = MakeBrand("BELLAMY");
  draft.owner_supplier_id = 5;
  EXPECT_EQ(svc_->Create<Brand>(Ctx(), draft).status().field(), "owner_supplier_id");
  const Supplier s = Create(MakeSupplier("BELLAMY-SUP"));
  draft.owner_supplier_id = s.id.value();
  EXPECT_TRUE(svc_->Create<Brand>(Ctx(), draft).ok());
}

TEST_F(MasterDataServiceTest, BinNeedsAnActiveWarehouseOfItsTenant) {
  auto missing = svc_->Create<Bin>(Ctx(), MakeBin("A-01", 42));
  EXPECT_EQ(missing.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(missing.status().field(), "warehouse_id");
  EXPECT_EQ(missing.status().message(), "warehouse_id: no warehouse with id 42");

  const Warehouse theirs = Create(MakeWarehouse("THEIRS"), Ctx(Role::kAdmin, kBeta));
  EXPECT_EQ(svc_->Create<Bin>(Ctx(), MakeBin("A-01", theirs.id.value())).status().code(),
            ErrorCode::kInvalidArgument);

  const Warehouse ours = Create(MakeWarehouse("NB-1"));
  const Bin bin = Create(MakeBin("A-01", ours.id.value()));
  EXPECT_EQ(bin.warehouse_id, ours.id.value());

  ASSERT_TRUE(svc_->Archive<Warehouse>(Ctx(), ours.id.value()).ok());
  auto archived = svc_->Create<Bin>(Ctx(), MakeBin("A-02", ours.id.value()));
  EXPECT_EQ(archived.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(archived.status().field(), "warehouse_id");
}

TEST_F(MasterDataServiceTest, SameBinCodeIsFineInTwoWarehouses) {
  const Warehouse w1 = Create(MakeWarehouse("NB-1"));
  const Warehouse w2 = Create(MakeWarehouse("NB-2"));
  Create(MakeBin("A-01", w1.id.value()));
  Create(MakeBin("A-01", w2.id.value()));
  EXPECT_EQ(svc_->Create<Bin>(Ctx(), MakeBin("A-01", w1.id.value())).status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(List<Bin>().total, 2);
}

// --- update ----------------------------------------------------------------------------------

TEST_F(MasterDataServiceTest, UpdateAppliesThePatchAndBumpsTheVersion) {
  const Brand b = Create(MakeBrand("APTAMIL", "Aptamil"));
  clock_.AdvanceMicros(5'000'000);
  auto r = svc_->Update<Brand>(
      Ctx(), b.id.value(),
      [](Brand& x) {
        x.name = "Aptamil 爱他美";
        return Status::Ok();
      },
      1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->name, "Aptamil 爱他美");
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(r->created_at.micros(), kStart);
  EXPECT_EQ(r->updated_at.micros(), kStart + 5'000'000);
  auto got = svc_->Get<Brand>(Ctx().principal, b.id.value());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "Aptamil 爱他美");
  EXPECT_EQ(got->version, 2);
}

TEST_F(MasterDataServiceTest, UpdateWithAStaleVersionIsAConflict) {
  const Brand b = Create(MakeBrand("APTAMIL"));
  const auto rename = [](std::string name) {
    return [name](Brand& x) {
      x.name = name;
      return Status::Ok();
    };
  };
  ASSERT_TRUE(svc_->Update<Brand>(Ctx(), b.id.value(), rename("first"), 1).ok());
  auto stale = svc_->Update<Brand>(Ctx(), b.id.value(), rename("second"), 1);
  EXPECT_EQ(stale.status().code(), ErrorCode::kConflict);
  EXPECT_EQ(stale.status().message(),
            "brand " + std::to_string(b.id.value()) + " is at version 2, not 1");
  auto got = svc_->Get<Brand>(Ctx().principal, b.id.value());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "first");
  EXPECT_EQ(got->version, 2);
}

TEST_F(MasterDataServiceTest, UpdateWithoutAnExpectedVersionAppliesToTheLatest) {
  const Brand b = Create(MakeBrand("APTAMIL"));
  for (const char* name : {"one", "two"}) {
    ASSERT_TRUE(svc_->Update<Brand>(
                        Ctx(), b.id.value(),
                        [name](Brand& x) {
                          x.name = name;
                          return Status::Ok();
                        },
                        std::nullopt)
                    .ok());
  }
  EXPECT_EQ(svc_->Get<Brand>(Ctx().principal, b.id.value())->version, 3);
}

TEST_F(MasterDataServiceTest, UpdateThatChangesNothingKeepsTheVersionAndWritesNoEvent) {
  const Brand b = Create(MakeBrand("APTAMIL", "Aptamil"));
  clock_.AdvanceMicros(1'000'000);
  auto r = svc_->Update<Brand>(
      Ctx(), b.id.value(),
      [](Brand& x) {
        x.name = "Aptamil";
        return Status::Ok();
      },
      1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->version, 1);
  EXPECT_EQ(r->updated_at.micros(), kStart);
  EXPECT_EQ(History<Brand>(b.id.value()).size(), 1U);
}

TEST_F(MasterDataServiceTest, UpdateCannotChangeIdTenantStatusOrCreationTime) {
  const Brand b = Create(MakeBrand("APTAMIL"));
  auto r = svc_->Update<Brand>(
      Ctx(), b.id.value(),
      [](Brand& x) {
        x.id = partners::BrandId(999);
        x.tenant_id = kBeta;
        x.status = RecordStatus::kArchived;
        x.created_at = Timestamp::FromMicros(1);
        x.name = "renamed";
        return Status::Ok();
      },
      1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, b.id);
  EXPECT_EQ(r->tenant_id, kAlpha);
  EXPECT_EQ(r->status, RecordStatus::kActive);
  EXPECT_EQ(r->created_at.micros(), kStart);
  EXPECT_EQ(List<Brand>({}, kBeta).total, 0);
}

TEST_F(MasterDataServiceTest, UpdateReturnsThePatchError) {
  const Brand b = Create(MakeBrand("APTAMIL"));
  auto r = svc_->Update<Brand>(
      Ctx(), b.id.value(), [](Brand&) { return InvalidArgument("country: bad", "country"); }, 1);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "country");
}

TEST_F(MasterDataServiceTest, UpdateValidatesThePatchedRecord) {
  const Brand b = Create(MakeBrand("APTAMIL"));
  auto r = svc_->Update<Brand>(
      Ctx(), b.id.value(),
      [](Brand& x) {
        x.country = "de";
        return Status::Ok();
      },
      1);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "country");
  EXPECT_EQ(svc_->Get<Brand>(Ctx().principal, b.id.value())->country, "DE");
}

TEST_F(MasterDataServiceTest, UpdateCannotMoveABinToAnotherWarehouse) {
  const Warehouse w1 = Create(MakeWarehouse("NB-1"));
  const Warehouse w2 = Create(MakeWarehouse("NB-2"));
  const Bin bin = Create(MakeBin("A-01", w1.id.value()));
  auto r = svc_->Update<Bin>(
      Ctx(), bin.id.value(),
      [&](Bin& x) {
        x.warehouse_id = w2.id.value();
        return Status::Ok();
      },
      1);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "warehouse_id");
}

TEST_F(MasterDataServiceTest, UpdateToACodeInUseIsRejected) {
  Create(MakeBrand("APTAMIL"));
  const Brand other = Create(MakeBrand("A2"));
  auto r = svc_->Update<Brand>(
      Ctx(), other.id.value(),
      [](Brand& x) {
        x.code = "APTAMIL";
        return Status::Ok();
      },
      1);
  EXPECT_EQ(r.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(r.status().field(), "code");
  ListQuery q;
  q.equals = {{"code", std::string("APTAMIL")}};
  EXPECT_EQ(List<Brand>(q).total, 1);
}

TEST_F(MasterDataServiceTest, UpdateOfAnUnknownRecordIsNotFound) {
  auto r = svc_->Update<Brand>(
      Ctx(), 404, [](Brand&) { return Status::Ok(); }, std::nullopt);
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
}

// --- archive ---------------------------------------------------------------------------------

TEST_F(MasterDataServiceTest, ArchiveIsIdempotent) {
  const Brand b = Create(MakeBrand("APTAMIL"));
  clock_.AdvanceMicros(1'000);
  auto first = svc_->Archive<Brand>(Ctx(), b.id.value());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->status, RecordStatus::kArchived);
  EXPECT_EQ(first->version, 2);
  EXPECT_EQ(first->updated_at.micros(), kStart + 1'000);
  clock_.AdvanceMicros(1'000);
  auto second = svc_->Archive<Brand>(Ctx(), b.id.value());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->status, RecordStatus::kArchived);
  EXPECT_EQ(second->version, 2);
  EXPECT_EQ(second->updated_at.micros(), kStart + 1'000);
  const auto history = History<Brand>(b.id.value());
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[1].type, "brand.archived");
}

TEST_F(MasterDataServiceTest, ArchivedRecordsRefuseUpdates) {
  const Brand b = Create(MakeBrand("APTAMIL"));
  ASSERT_TRUE(svc_->Archive<Brand>(Ctx(), b.id.value()).ok());
  auto r = svc_->Update<Brand>(
      Ctx(), b.id.value(),
      [](Brand& x) {
        x.name = "revived";
        return Status::Ok();
      },
      std::nullopt);
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(svc_->Get<Brand>(Ctx().principal, b.id.value())->name, "Aptamil");
}

TEST_F(MasterDataServiceTest, ArchivedRecordsAreListedOnlyWhenAskedFor) {
  const Brand a = Create(MakeBrand("A"));
  Create(MakeBrand("B"));
  ASSERT_TRUE(svc_->Archive<Brand>(Ctx(), a.id.value()).ok());
  EXPECT_EQ(Codes(List<Brand>()), (std::vector<std::string>{"B"}));
  ListQuery archived;
  archived.include_active = false;
  archived.include_archived = true;
  EXPECT_EQ(Codes(List<Brand>(archived)), (std::vector<std::string>{"A"}));
  ListQuery all;
  all.include_archived = true;
  EXPECT_EQ(Codes(List<Brand>(all)), (std::vector<std::string>{"A", "B"}));
}

TEST_F(MasterDataServiceTest, ArchiveOfAnUnknownRecordIsNotFound) {
  EXPECT_EQ(svc_->Archive<Brand>(Ctx(), 9).status().code(), ErrorCode::kNotFound);
}

// --- idempotency -----------------------------------------------------------------------------

TEST_F(MasterDataServiceTest, IdempotencyKeyReplayReturnsTheSameRecord) {
  auto first = svc_->Create<Brand>(Retry("key-1", "hash-a"), MakeBrand("APTAMIL"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->replayed);
  clock_.AdvanceMicros(1'000'000);
  auto again = svc_->Create<Brand>(Retry("key-1", "hash-a"), MakeBrand("APTAMIL"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->record.id, first->record.id);
  EXPECT_EQ(again->record.version, 1);
  EXPECT_EQ(again->record.created_at.micros(), kStart);
  EXPECT_EQ(List<Brand>().total, 1);
  EXPECT_EQ(AllEvents().size(), 1U);
}

TEST_F(MasterDataServiceTest, IdempotencyKeyWithADifferentBodyIsRefused) {
  ASSERT_TRUE(svc_->Create<Brand>(Retry("key-1", "hash-a"), MakeBrand("APTAMIL")).ok());
  auto other = svc_->Create<Brand>(Retry("key-1", "hash-b"), MakeBrand("A2"));
  EXPECT_EQ(other.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(other.status().message(), "Idempotency-Key was already used with a different request");
  EXPECT_EQ(Codes(List<Brand>()), (std::vector<std::string>{"APTAMIL"}));
}

TEST_F(MasterDataServiceTest, IdempotencyKeyUsedForAnotherKindIsRefused) {
  ASSERT_TRUE(svc_->Create<Brand>(Retry("key-1", "hash-a"), MakeBrand("APTAMIL")).ok());
  auto sku = svc_->Create<Sku>(Retry("key-1", "hash-a"), MakeSku("APT-1"));
  EXPECT_EQ(sku.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(List<Sku>().total, 0);
}

TEST_F(MasterDataServiceTest, IdempotencyKeysAreScopedPerTenant) {
  auto a = svc_->Create<Brand>(Retry("key-1", "hash-a", kAlpha), MakeBrand("APTAMIL"));
  auto b = svc_->Create<Brand>(Retry("key-1", "hash-a", kBeta), MakeBrand("APTAMIL"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_FALSE(b->replayed);
  EXPECT_NE(a->record.id, b->record.id);
  EXPECT_EQ(b->record.tenant_id, kBeta);
}

TEST_F(MasterDataServiceTest, AFailedCreateDoesNotConsumeItsIdempotencyKey) {
  Sku bad = MakeSku("APT-1");
  bad.brand_id = 99;
  EXPECT_FALSE(svc_->Create<Sku>(Retry("key-1", "hash-a"), bad).ok());
  auto good = svc_->Create<Sku>(Retry("key-1", "hash-a"), MakeSku("APT-1"));
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_FALSE(good->replayed);
}

// --- import ----------------------------------------------------------------------------------

ImportRow SkuRow(std::int64_t line, std::string code,
                 std::vector<std::pair<std::string, FieldValue>> extra = {}) {
  ImportRow row;
  row.line = line;
  row.values = {{"code", std::move(code)},
                {"name", std::string("澳洲奶粉")},
                {"category", std::string("maternal_infant")},
                {"hs_code", std::string("1901101000")},
                {"legal_unit", std::string("kg")},
                {"legal_quantity", std::int64_t{900}},
                {"origin_country", std::string("AU")}};
  for (auto& e : extra) row.values.push_back(std::move(e));
  return row;
}

TEST_F(MasterDataServiceTest, ImportCreatesNewCodesAndUpdatesKnownOnes) {
  const Sku existing = Create(MakeSku("APT-1", "old name"));
  auto r = svc_->Import<Sku>(
      Ctx(), {SkuRow(2, "APT-1"), SkuRow(3, "APT-2", {{"gtin", std::string("9310160814616")}})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->errors.empty());
  EXPECT_EQ(r->created, 1);
  EXPECT_EQ(r->updated, 1);
  auto updated = svc_->Get<Sku>(Ctx().principal, existing.id.value());
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->name, "澳洲奶粉");
  EXPECT_EQ(updated->version, 2);
  ListQuery q;
  q.equals = {{"code", std::string("APT-2")}};
  const auto page = List<Sku>(q);
  ASSERT_EQ(page.items.size(), 1U);
  EXPECT_EQ(page.items[0].gtin, std::optional<std::string>("9310160814616"));
  EXPECT_EQ(page.items[0].version, 1);
  EXPECT_EQ(page.items[0].legal_quantity.value, 900);
}

TEST_F(MasterDataServiceTest, ImportIsAllOrNothingAndReportsEveryBadRow) {
  auto r = svc_->Import<Sku>(
      Ctx(), {SkuRow(2, "GOOD-1"), SkuRow(3, "BAD-GTIN", {{"gtin", std::string("9310160814617")}}),
              SkuRow(4, "GOOD-2"), SkuRow(5, "NO-BRAND", {{"brand_id", std::int64_t{99}}}),
              SkuRow(6, "BAD-HS", {{"hs_code", std::string("1901")}})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->errors.size(), 3U);
  EXPECT_EQ(r->errors[0].line, 3);
  EXPECT_EQ(r->errors[0].column, "gtin");
  EXPECT_EQ(r->errors[0].reason, "check digit is wrong (expected 6)");
  EXPECT_EQ(r->errors[1].line, 5);
  EXPECT_EQ(r->errors[1].column, "brand_id");
  EXPECT_EQ(r->errors[1].reason, "no brand with id 99");
  EXPECT_EQ(r->errors[2].line, 6);
  EXPECT_EQ(r->errors[2].column, "hs_code");
  EXPECT_EQ(r->created, 0);
  EXPECT_EQ(r->updated, 0);
  EXPECT_EQ(List<Sku>().total, 0);
  EXPECT_TRUE(AllEvents().empty());
}

TEST_F(MasterDataServiceTest, ImportRefusesACodeThatAppearsTwice) {
  auto r = svc_->Import<Sku>(Ctx(), {SkuRow(2, "APT-1"), SkuRow(3, "APT-1")});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->errors.size(), 1U);
  EXPECT_EQ(r->errors[0].line, 3);
  EXPECT_EQ(r->errors[0].column, "code");
  EXPECT_EQ(r->errors[0].reason, "APT-1 appears twice in the file");
  EXPECT_EQ(List<Sku>().total, 0);
}

TEST_F(MasterDataServiceTest, ImportRefusesAnArchivedCode) {
  const Sku s = Create(MakeSku("APT-1"));
  ASSERT_TRUE(svc_->Archive<Sku>(Ctx(), s.id.value()).ok());
  auto r = svc_->Import<Sku>(Ctx(), {SkuRow(2, "APT-1")});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->errors.size(), 1U);
  EXPECT_EQ(r->errors[0].column, "code");
  EXPECT_EQ(r->errors[0].reason, "APT-1 is archived");
}

TEST_F(MasterDataServiceTest, ImportOfUnchangedRowsChangesNothing) {
  ASSERT_TRUE(svc_->Import<Sku>(Ctx(), {SkuRow(2, "APT-1")}).ok());
  auto again = svc_->Import<Sku>(Ctx(), {SkuRow(2, "APT-1")});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(again->updated, 0);
  EXPECT_EQ(AllEvents().size(), 1U);
}

TEST_F(MasterDataServiceTest, ImportMatchesBinsByCodeWithinTheirWarehouse) {
  const Warehouse w1 = Create(MakeWarehouse("NB-1"));
  const Warehouse w2 = Create(MakeWarehouse("NB-2"));
  const Bin existing = Create(MakeBin("A-01", w1.id.value()));
  const auto bin_row = [](std::int64_t line, std::int64_t warehouse, std::string name) {
    ImportRow row;
    row.line = line;
    row.values = {{"code", std::string("A-01")},
                  {"name", std::move(name)},
                  {"warehouse_id", warehouse},
                  {"kind", std::string("storage")}};
    return row;
  };
  auto r = svc_->Import<Bin>(
      Ctx(), {bin_row(2, w1.id.value(), "renamed"), bin_row(3, w2.id.value(), "new")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->errors.empty());
  EXPECT_EQ(r->updated, 1);
  EXPECT_EQ(r->created, 1);
  EXPECT_EQ(svc_->Get<Bin>(Ctx().principal, existing.id.value())->name, "renamed");
  EXPECT_EQ(List<Bin>().total, 2);
}

// --- history ---------------------------------------------------------------------------------

TEST_F(MasterDataServiceTest, HistoryRecordsEachChangeWithItsFields) {
  const Brand b = Create(MakeBrand("APTAMIL", "Aptamil"));
  clock_.AdvanceMicros(7);
  RequestContext ctx = Ctx();
  ctx.request_id = "req-2";
  ASSERT_TRUE(svc_->Update<Brand>(
                      ctx, b.id.value(),
                      [](Brand& x) {
                        x.name = "Aptamil 爱他美";
                        x.owner_supplier_id.reset();
                        return Status::Ok();
                      },
                      1)
                  .ok());
  const auto history = History<Brand>(b.id.value());
  ASSERT_EQ(history.size(), 2U);

  const auto& created = history[0];
  EXPECT_EQ(created.type, "brand.created");
  EXPECT_EQ(created.entity, "brand");
  EXPECT_EQ(created.entity_id, b.id.value());
  EXPECT_EQ(created.actor, "key:12");
  EXPECT_EQ(created.request_id, "req-1");
  EXPECT_EQ(created.at.micros(), kStart);
  const auto c = nlohmann::json::parse(created.payload);
  EXPECT_EQ(c["code"], "APTAMIL");
  EXPECT_EQ(c["version"], 1);
  bool saw_name = false;
  for (const auto& change : c["changes"]) {
    EXPECT_NE(change["field"], "version");
    EXPECT_NE(change["field"], "owner_supplier_id");  // absent values are not listed on create
    EXPECT_TRUE(change["old"].is_null());
    if (change["field"] == "name") {
      saw_name = true;
      EXPECT_EQ(change["new"], "Aptamil");
    }
  }
  EXPECT_TRUE(saw_name);

  const auto& updated = history[1];
  EXPECT_EQ(updated.type, "brand.updated");
  EXPECT_EQ(updated.request_id, "req-2");
  EXPECT_EQ(updated.at.micros(), kStart + 7);
  EXPECT_GT(updated.seq, created.seq);
  const auto u = nlohmann::json::parse(updated.payload);
  EXPECT_EQ(u["version"], 2);
  EXPECT_EQ(u["changes"],
            nlohmann::json::parse(R"([{"field":"name","old":"Aptamil","new":"Aptamil 爱他美"}])"));
}

TEST_F(MasterDataServiceTest, HistoryShowsAbsentValuesAsNull) {
  Sku draft = MakeSku("APT-1");
  draft.shelf_life_days = 720;
  const Sku s = Create(draft);
  ASSERT_TRUE(svc_->Update<Sku>(
                      Ctx(), s.id.value(),
                      [](Sku& x) {
                        x.shelf_life_days.reset();
                        x.legal_quantity = Milli{20500};
                        return Status::Ok();
                      },
                      1)
                  .ok());
  const auto history = History<Sku>(s.id.value());
  ASSERT_EQ(history.size(), 2U);
  const auto u = nlohmann::json::parse(history[1].payload);
  EXPECT_EQ(u["changes"], nlohmann::json::parse(R"([
      {"field":"legal_quantity","old":"0.9","new":"20.5"},
      {"field":"shelf_life_days","old":"720","new":null}])"));
}

TEST_F(MasterDataServiceTest, HistoryOfAnotherRecordIsSeparate) {
  const Brand a = Create(MakeBrand("A"));
  const Brand b = Create(MakeBrand("B"));
  ASSERT_TRUE(svc_->Archive<Brand>(Ctx(), b.id.value()).ok());
  EXPECT_EQ(History<Brand>(a.id.value()).size(), 1U);
  EXPECT_EQ(History<Brand>(b.id.value()).size(), 2U);
  EXPECT_EQ(svc_->History<Brand>(Ctx().principal, 999).status().code(), ErrorCode::kNotFound);
}

// --- roles and tenants -----------------------------------------------------------------------

TEST_F(MasterDataServiceTest, WrongRoleIsPermissionDenied) {
  EXPECT_EQ(svc_->Create<Warehouse>(Ctx(Role::kBuyer), MakeWarehouse("NB-1")).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->Create<Sku>(Ctx(Role::kWarehouseOperator), MakeSku("APT-1")).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->Create<Brand>(Ctx(Role::kPlanner), MakeBrand("A")).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->Import<Sku>(Ctx(Role::kReadOnly), {SkuRow(2, "APT-1")}).status().code(),
            ErrorCode::kPermissionDenied);

  const Brand b = Create(MakeBrand("A"), Ctx(Role::kBuyer));
  EXPECT_EQ(
      svc_->Update<Brand>(
              Ctx(Role::kDevice), b.id.value(), [](Brand&) { return Status::Ok(); }, std::nullopt)
          .status()
          .code(),
      ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->Archive<Brand>(Ctx(Role::kCustomsBroker), b.id.value()).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->Get<Brand>(Ctx(Role::kReadOnly).principal, b.id.value())->status,
            RecordStatus::kActive);
  EXPECT_EQ(List<Sku>().total, 0);
}

TEST_F(MasterDataServiceTest, RolesWriteTheirOwnRecords) {
  EXPECT_TRUE(svc_->Create<Sku>(Ctx(Role::kPlanner), MakeSku("APT-1")).ok());
  EXPECT_TRUE(svc_->Create<Warehouse>(Ctx(Role::kWarehouseOperator), MakeWarehouse("NB")).ok());
  EXPECT_TRUE(svc_->Create<Supplier>(Ctx(Role::kBuyer), MakeSupplier("S")).ok());
}

TEST_F(MasterDataServiceTest, ASecondTenantNeverSeesTheFirstTenantsRecords) {
  const Brand ours = Create(MakeBrand("APTAMIL"));
  const RequestContext beta = Ctx(Role::kAdmin, kBeta);
  EXPECT_EQ(svc_->Get<Brand>(beta.principal, ours.id.value()).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(List<Brand>({}, kBeta).total, 0);
  EXPECT_EQ(svc_->Update<Brand>(
                    beta, ours.id.value(),
                    [](Brand& x) {
                      x.name = "hijacked";
                      return Status::Ok();
                    },
                    std::nullopt)
                .status()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(svc_->Archive<Brand>(beta, ours.id.value()).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(svc_->History<Brand>(beta.principal, ours.id.value()).status().code(),
            ErrorCode::kNotFound);
  // The same code is free in the other tenant, and its events are numbered separately.
  const Brand theirs = Create(MakeBrand("APTAMIL"), beta);
  EXPECT_EQ(theirs.tenant_id, kBeta);
  EXPECT_EQ(svc_->Get<Brand>(Ctx().principal, ours.id.value())->name, "Aptamil");
  const auto beta_events = AllEvents(kBeta);
  ASSERT_EQ(beta_events.size(), 1U);
  EXPECT_EQ(beta_events[0].seq, 1);
  EXPECT_EQ(beta_events[0].entity_id, theirs.id.value());
  EXPECT_EQ(AllEvents(kAlpha).size(), 1U);
}

// --- diff and field text ---------------------------------------------------------------------

TEST(FieldTextTest, RendersEachTypeAsTheAuditTrailShowsIt) {
  EXPECT_EQ(FieldText(std::monostate{}, FieldType::kText), std::nullopt);
  EXPECT_EQ(FieldText(std::string("澳洲"), FieldType::kText), "澳洲");
  EXPECT_EQ(FieldText(true, FieldType::kBool), "true");
  EXPECT_EQ(FieldText(false, FieldType::kBool), "false");
  EXPECT_EQ(FieldText(std::int64_t{-42}, FieldType::kInt), "-42");
  EXPECT_EQ(FieldText(std::int64_t{20500}, FieldType::kMilli), "20.5");
  EXPECT_EQ(FieldText(std::int64_t{kStart}, FieldType::kTimestamp), "2025-11-25T08:30:00Z");
}

TEST(DiffTest, ListsOnlyChangedFieldsAndNeverVersionOrTimes) {
  Brand before = MakeBrand("A");
  Brand after = before;
  after.version = 9;
  after.updated_at = Timestamp::FromMicros(5);
  EXPECT_TRUE(Diff(&before, after).empty());
  after.country = "FR";
  after.owner_supplier_id = 4;
  const auto changes = Diff(&before, after);
  ASSERT_EQ(changes.size(), 2U);
  EXPECT_EQ(changes[0].field, "country");
  EXPECT_EQ(changes[0].old_value, "DE");
  EXPECT_EQ(changes[0].new_value, "FR");
  EXPECT_EQ(changes[1].field, "owner_supplier_id");
  EXPECT_EQ(changes[1].old_value, std::nullopt);
  EXPECT_EQ(changes[1].new_value, "4");
}

}  // namespace
}  // namespace xb::masterdata
