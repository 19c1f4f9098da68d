// The store contract: every storage adapter (memory, SQLite, PostgreSQL) behaves the same through
// the store ports. Each test runs once per adapter; PostgreSQL runs only when XB_TEST_PG_URL names
// a server, and then each test works in a database of its own that is dropped afterwards.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <ostream>
#include <source_location>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sql/sql_database.h"
#include "adapters/storage/open_database.h"
#include "contract_support.h"
#include "flows/masterdata/master_data_service.h"
#include "flows/store/unit_of_work.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::contract {
namespace {

using access::ApiKey;
using access::IdempotencyRecord;
using access::Role;
using access::Tenant;
using catalog::Sku;
using events::BusinessEvent;
using events::EventQuery;
using partners::Bin;
using partners::Brand;
using partners::Carrier;
using partners::Channel;
using partners::Supplier;
using partners::Warehouse;
using store::Database;
using store::Records;
using store::Transaction;
using store::TxMode;

constexpr std::int64_t kNow = 1'764'059'400'123'456;  // 2025-11-25T08:30:00.123456Z
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

std::string Show(const FieldValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return "NULL";
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return "\"" + std::get<std::string>(v) + "\"";
}

// Every field of the spec, the tenant included, must be equal.
template <class T>
void ExpectSameRecord(const T& want, const T& got) {
  EXPECT_EQ(got.tenant_id, want.tenant_id) << "tenant_id";
  for (const auto& f : T::Spec().fields) {
    const FieldValue w = f.get(want);
    const FieldValue g = f.get(got);
    EXPECT_TRUE(w == g) << T::Spec().kind << "." << f.name << ": want " << Show(w) << ", got "
                        << Show(g);
  }
}

// --- sample records ---------------------------------------------------------------------------

// Per record type: a minimal valid record (Make), the same with every optional field set and
// unusual values (Fill), and a filterable field with a default and an alternative value.
template <class T>
struct Traits;

template <>
struct Traits<Sku> {
  static Sku Make(std::int64_t /*scope*/) {
    Sku s;
    s.category = catalog::Category::kMaternalInfant;
    s.hs_code = "1901101000";
    s.legal_unit = catalog::LegalUnit::kKilogram;
    s.legal_quantity = Milli{900};
    s.weight_g = 1100;
    s.origin_country = "AU";
    return s;
  }
  static void Fill(Sku& s) {
    s.gtin = "6901028075862";
    s.brand_id = 42;
    s.category = catalog::Category::kElectronics;
    s.hs_code = "8517130000";
    s.vat_class = catalog::VatClass::kReduced;
    s.consumption_tax_class = catalog::ConsumptionTaxClass::kHighEndCosmetics;
    s.legal_unit = catalog::LegalUnit::kMillilitre;
    s.legal_quantity = Milli{20500};
    s.weight_g = 1;
    s.length_mm = 2;
    s.width_mm = 3;
    s.height_mm = kInt64Max;
    s.shelf_life_days = 365;
    s.positive_list = true;
    s.origin_country = "JP";
  }
  static constexpr std::string_view kField = "category";
  static FieldValue Plain() { return std::string("maternal_infant"); }
  static FieldValue Other() { return std::string("cosmetics"); }
  static void SetOther(Sku& s) { s.category = catalog::Category::kCosmetics; }
};

template <>
struct Traits<Supplier> {
  static Supplier Make(std::int64_t /*scope*/) {
    Supplier s;
    s.kind = partners::SupplierKind::kManufacturer;
    s.country = "AU";
    s.currency = "AUD";
    return s;
  }
  static void Fill(Supplier& s) {
    s.kind = partners::SupplierKind::kAuthorisedAgent;
    s.country = "NZ";
    s.currency = "NZD";
    s.contact_name = "李雷 (Li Lei)";
    s.contact_email = "li.lei@example.cn";
    s.payment_terms_days = 90;
  }
  static constexpr std::string_view kField = "kind";
  static FieldValue Plain() { return std::string("manufacturer"); }
  static FieldValue Other() { return std::string("distributor"); }
  static void SetOther(Supplier& s) { s.kind = partners::SupplierKind::kDistributor; }
};

template <>
struct Traits<Brand> {
  static Brand Make(std::int64_t /*scope*/) {
    Brand b;
    b.country = "DE";
    return b;
  }
  static void Fill(Brand& b) {
    b.country = "FR";
    b.owner_supplier_id = 5;
  }
  static constexpr std::string_view kField = "country";
  static FieldValue Plain() { return std::string("DE"); }
  static FieldValue Other() { return std::string("FR"); }
  static void SetOther(Brand& b) { b.country = "FR"; }
};

template <>
struct Traits<Channel> {
  static Channel Make(std::int64_t /*scope*/) {
    Channel c;
    c.platform = partners::Platform::kTmallGlobal;
    return c;
  }
  static void Fill(Channel& c) {
    c.platform = partners::Platform::kDouyin;
    c.shop_id = "dy-抖音-88";
  }
  static constexpr std::string_view kField = "platform";
  static FieldValue Plain() { return std::string("tmall_global"); }
  static FieldValue Other() { return std::string("douyin"); }
  static void SetOther(Channel& c) { c.platform = partners::Platform::kDouyin; }
};

template <>
struct Traits<Carrier> {
  static Carrier Make(std::int64_t /*scope*/) {
    Carrier c;
    c.kind = partners::CarrierKind::kInternationalExpress;
    c.country = "CN";
    return c;
  }
  static void Fill(Carrier& c) {
    c.kind = partners::CarrierKind::kLineHaulSea;
    c.country = "SG";
    c.tracking_url = "https://t.example/track?no={waybill}&x=%20&q=?";
  }
  static constexpr std::string_view kField = "kind";
  static FieldValue Plain() { return std::string("international_express"); }
  static FieldValue Other() { return std::string("customs_broker"); }
  static void SetOther(Carrier& c) { c.kind = partners::CarrierKind::kCustomsBroker; }
};

template <>
struct Traits<Warehouse> {
  static Warehouse Make(std::int64_t /*scope*/) {
    Warehouse w;
    w.kind = partners::WarehouseKind::kOverseas;
    w.country = "AU";
    w.operator_kind = partners::Operator::kSelf;
    return w;
  }
  static void Fill(Warehouse& w) {
    w.kind = partners::WarehouseKind::kBonded;
    w.country = "CN";
    w.operator_kind = partners::Operator::kThirdParty;
    w.operator_name = "菜鸟 Cainiao";
    w.customs_area_code = "3105";
    w.account_book_no = "T3105W000123";
    w.address = "宁波市北仑区保税区 1号, \"Gate\" 3";
  }
  static constexpr std::string_view kField = "kind";
  static FieldValue Plain() { return std::string("overseas"); }
  static FieldValue Other() { return std::string("domestic"); }
  static void SetOther(Warehouse& w) { w.kind = partners::WarehouseKind::kDomestic; }
};

template <>
struct Traits<Bin> {
  static Bin Make(std::int64_t scope) {
    Bin b;
    b.warehouse_id = scope;
    b.kind = partners::BinKind::kStorage;
    return b;
  }
  static void Fill(Bin& b) {
    b.zone = "冷库-A";
    b.kind = partners::BinKind::kQuarantine;
    b.capacity_units = kInt64Max;
  }
  static constexpr std::string_view kField = "kind";
  static FieldValue Plain() { return std::string("storage"); }
  static FieldValue Other() { return std::string("pick"); }
  static void SetOther(Bin& b) { b.kind = partners::BinKind::kPick; }
};

// --- scratch databases ------------------------------------------------------------------------

// Runs a one-value query; nullopt on error.
std::optional<std::string> PgScalar(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::optional<std::string> out;
  if (PQstatus(conn) == CONNECTION_OK) {
    PGresult* res = PQexec(conn, sql.c_str());
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
      out = PQgetvalue(res, 0, 0);
    }
    PQclear(res);
  }
  PQfinish(conn);
  return out;
}

std::optional<std::int64_t> SqliteScalar(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::optional<std::int64_t> out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      out = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db);
  return out;
}

// --- the fixture ------------------------------------------------------------------------------

class StoreContract : public ScratchDatabaseTest {
 protected:
  void SetUp() override {
    OpenScratch("xb_contract_");
    if (IsSkipped() || HasFatalFailure()) return;
    alpha_ = AddTenant("alpha");
    beta_ = AddTenant("beta");
  }

  bool IsSql() const { return GetParam() != "memory"; }

  // --- transactions and tenants ---

  TenantId AddTenant(const std::string& code, bool active = true) {
    auto tx = Write();
    Tenant t;
    t.code = code;
    t.name = "Tenant " + code;
    t.active = active;
    t.created_at = Timestamp::FromMicros(kNow);
    const Tenant stored = Must(tx->tenants().Insert(t));
    MustOk(tx->Commit());
    return stored.id;
  }

  // --- records ---

  // Bins need a warehouse of their tenant (SQLite enforces it); other records need nothing.
  template <class T>
  void Prepare() {
    if constexpr (std::is_same_v<T, Bin>) {
      for (TenantId t : {alpha_, beta_}) {
        if (home_.count(t.value()) != 0) continue;
        Warehouse w = Make<Warehouse>(t, "HOME", "Home warehouse");
        home_[t.value()] = Insert(w).id.value();
      }
    }
  }

  template <class T>
  std::int64_t ScopeOf(TenantId tenant) {
    if constexpr (std::is_same_v<T, Bin>) {
      const auto it = home_.find(tenant.value());
      if (it == home_.end()) throw std::logic_error("Prepare<Bin>() was not called");
      return it->second;
    } else {
      (void)tenant;
      return 0;
    }
  }

  template <class T>
  T Make(TenantId tenant, std::string code, std::string name = "") {
    T rec = Traits<T>::Make(ScopeOf<T>(tenant));
    rec.tenant_id = tenant;
    rec.name = name.empty() ? "Name of " + code : std::move(name);
    rec.code = std::move(code);
    rec.version = 1;
    rec.created_at = Timestamp::FromMicros(kNow);
    rec.updated_at = Timestamp::FromMicros(kNow);
    return rec;
  }

  template <class T>
  T Insert(const T& rec) {
    auto tx = Write();
    T stored = Must(Records<T>(*tx).Insert(rec));
    MustOk(tx->Commit());
    return stored;
  }

  template <class T>
  Result<T> TryGet(TenantId tenant, std::int64_t id) {
    auto tx = Read();
    return Records<T>(*tx).Get(tenant, id);
  }

  template <class T>
  Result<Page<T>> TryList(TenantId tenant, const ListQuery& q) {
    auto tx = Read();
    return Records<T>(*tx).List(tenant, q);
  }

  template <class T>
  std::vector<std::string> ListCodes(TenantId tenant, const ListQuery& q = {}) {
    std::vector<std::string> out;
    for (const auto& r : Must(TryList<T>(tenant, q)).items) out.push_back(r.code);
    return out;
  }

  template <class T>
  Status TryUpdate(const T& rec, std::int64_t expected_version) {
    auto tx = Write();
    XB_RETURN_IF_ERROR(Records<T>(*tx).Update(rec, expected_version));
    return tx->Commit();
  }

  // Runs `check` once per record type, naming the type in failures.
  template <class Fn>
  void ForEachRecordType(Fn&& check) {
    RunFor<Sku>(check);
    RunFor<Supplier>(check);
    RunFor<Brand>(check);
    RunFor<Channel>(check);
    RunFor<Carrier>(check);
    RunFor<Warehouse>(check);
    RunFor<Bin>(check);
  }

  template <class T, class Fn>
  void RunFor(Fn& check) {
    SCOPED_TRACE("record type " + std::string(T::Spec().kind));
    try {
      Prepare<T>();
      check.template operator()<T>();
    } catch (const std::exception& e) {
      ADD_FAILURE() << T::Spec().kind << ": " << e.what();
    }
  }

  // --- access and events ---

  static ApiKey MakeKey(TenantId tenant, const std::string& secret, Role role = Role::kBuyer) {
    ApiKey k;
    k.tenant_id = tenant;
    k.name = "key " + secret;
    k.role = role;
    k.prefix = secret.substr(0, 10);
    k.secret_hash = "sha256:" + secret;
    k.created_at = Timestamp::FromMicros(kNow);
    return k;
  }

  static BusinessEvent MakeEvent(TenantId tenant, std::string type, std::string entity,
                                 std::int64_t entity_id) {
    BusinessEvent e;
    e.tenant_id = tenant;
    e.type = std::move(type);
    e.entity = std::move(entity);
    e.entity_id = entity_id;
    e.actor = "key:1";
    e.request_id = "req";
    e.at = Timestamp::FromMicros(kNow);
    e.payload = "{}";
    return e;
  }

  std::int64_t Append(const BusinessEvent& e) {
    auto tx = Write();
    const std::int64_t seq = Must(tx->events().Append(e));
    MustOk(tx->Commit());
    return seq;
  }

  std::vector<std::int64_t> Seqs(TenantId tenant, const EventQuery& q = {}) {
    auto tx = Read();
    std::vector<std::int64_t> out;
    for (const auto& e : Must(tx->events().List(tenant, q))) out.push_back(e.seq);
    return out;
  }

  TenantId alpha_;
  TenantId beta_;
  std::map<std::int64_t, std::int64_t> home_;  // tenant -> warehouse id for bins
};

using Codes = std::vector<std::string>;

// === record stores: every record type ==========================================================

TEST_P(StoreContract, InsertAssignsDistinctIncreasingPositiveIds) {
  ForEachRecordType([&]<class T>() {
    const T a = Insert(Make<T>(alpha_, "ID-A"));
    const T b = Insert(Make<T>(alpha_, "ID-B"));
    EXPECT_GT(a.id.value(), 0);
    EXPECT_GT(b.id.value(), a.id.value());
    EXPECT_EQ(a.code, "ID-A");
    EXPECT_EQ(a.tenant_id, alpha_);
  });
}

TEST_P(StoreContract, InsertedRecordsReadBackFieldForField) {
  ForEachRecordType([&]<class T>() {
    const T sparse = Insert(Make<T>(alpha_, "RT-SPARSE", "澳洲奶粉 Aptamil 爱他美"));
    T full = Make<T>(alpha_, "RT-FULL", "Quote \" apostrophe ' question ? backslash \\ percent %");
    Traits<T>::Fill(full);
    full.status = RecordStatus::kArchived;
    full.version = 7;
    full.created_at = Timestamp::FromMicros(-1);  // 1969-12-31T23:59:59.999999Z
    full.updated_at = Timestamp::FromMicros(kNow + 1);
    full = Insert(full);
    for (const T* want : std::vector<const T*>{&sparse, &full}) {
      SCOPED_TRACE(want->code);
      ExpectSameRecord(*want, Must(TryGet<T>(alpha_, want->id.value())));
      auto tx = Read();
      ExpectSameRecord(*want,
                       Must(Records<T>(*tx).GetByCode(alpha_, ScopeOf<T>(alpha_), want->code)));
    }
  });
}

TEST_P(StoreContract, GetOfAnUnknownIdOrCodeIsNotFound) {
  ForEachRecordType([&]<class T>() {
    Insert(Make<T>(alpha_, "KNOWN"));
    EXPECT_EQ(TryGet<T>(alpha_, 987'654).status().code(), ErrorCode::kNotFound);
    auto tx = Read();
    EXPECT_EQ(Records<T>(*tx).GetByCode(alpha_, ScopeOf<T>(alpha_), "UNKNOWN").status().code(),
              ErrorCode::kNotFound);
    EXPECT_EQ(Records<T>(*tx).GetByCode(alpha_, ScopeOf<T>(alpha_), "known").status().code(),
              ErrorCode::kNotFound);  // codes are case-sensitive
  });
}

TEST_P(StoreContract, DuplicateCodeIsRejected) {
  ForEachRecordType([&]<class T>() {
    Insert(Make<T>(alpha_, "DUP", "first"));
    {
      auto tx = Write();
      const auto again = Records<T>(*tx).Insert(Make<T>(alpha_, "DUP", "second"));
      EXPECT_EQ(again.status().code(), ErrorCode::kAlreadyExists) << again.status().ToString();
      // The error names the field to blame and no database internals.
      EXPECT_EQ(again.status().field(), "code");
      EXPECT_EQ(again.status().message(),
                "code: " + std::string(T::Spec().kind) + " DUP already exists");
    }
    EXPECT_EQ(ListCodes<T>(alpha_), (Codes{"DUP"}));
    EXPECT_EQ(Must(TryList<T>(alpha_, {})).items.at(0).name, "first");
  });
}

TEST_P(StoreContract, DuplicateCodeInsideOneTransactionIsRejected) {
  ForEachRecordType([&]<class T>() {
    auto tx = Write();
    Must(Records<T>(*tx).Insert(Make<T>(alpha_, "TWICE")));
    EXPECT_EQ(Records<T>(*tx).Insert(Make<T>(alpha_, "TWICE")).status().code(),
              ErrorCode::kAlreadyExists);
  });
}

TEST_P(StoreContract, SameCodeInAnotherTenantIsAllowed) {
  ForEachRecordType([&]<class T>() {
    const T a = Insert(Make<T>(alpha_, "SHARED", "alpha's"));
    const T b = Insert(Make<T>(beta_, "SHARED", "beta's"));
    EXPECT_NE(a.id, b.id);
    auto tx = Read();
    EXPECT_EQ(Must(Records<T>(*tx).GetByCode(alpha_, ScopeOf<T>(alpha_), "SHARED")).name,
              "alpha's");
    EXPECT_EQ(Must(Records<T>(*tx).GetByCode(beta_, ScopeOf<T>(beta_), "SHARED")).name, "beta's");
  });
}

TEST_P(StoreContract, UpdateWithTheCurrentVersionWritesTheRecord) {
  ForEachRecordType([&]<class T>() {
    T rec = Insert(Make<T>(alpha_, "UPD"));
    rec.name = "renamed 改名";
    Traits<T>::SetOther(rec);
    rec.version = 2;
    rec.updated_at = Timestamp::FromMicros(kNow + 10);
    MustOk(TryUpdate(rec, 1));
    ExpectSameRecord(rec, Must(TryGet<T>(alpha_, rec.id.value())));
  });
}

TEST_P(StoreContract, UpdateWithAStaleVersionIsAConflict) {
  ForEachRecordType([&]<class T>() {
    T rec = Insert(Make<T>(alpha_, "STALE", "original"));
    T first = rec;
    first.name = "first writer";
    first.version = 2;
    MustOk(TryUpdate(first, 1));
    T second = rec;
    second.name = "second writer";
    second.version = 2;
    EXPECT_EQ(TryUpdate(second, 1).code(), ErrorCode::kConflict);
    const T now = Must(TryGet<T>(alpha_, rec.id.value()));
    EXPECT_EQ(now.name, "first writer");
    EXPECT_EQ(now.version, 2);
  });
}

TEST_P(StoreContract, UpdateOfAMissingOrForeignRecordIsNotFound) {
  ForEachRecordType([&]<class T>() {
    T missing = Make<T>(alpha_, "GHOST");
    missing.id = decltype(missing.id)(987'654);
    EXPECT_EQ(TryUpdate(missing, 1).code(), ErrorCode::kNotFound);

    T theirs = Insert(Make<T>(beta_, "THEIRS", "beta's"));
    theirs.tenant_id = alpha_;
    theirs.name = "taken over";
    EXPECT_EQ(TryUpdate(theirs, 1).code(), ErrorCode::kNotFound);
    EXPECT_EQ(Must(TryGet<T>(beta_, theirs.id.value())).name, "beta's");
  });
}

TEST_P(StoreContract, UpdateToACodeInUseIsRejected) {
  ForEachRecordType([&]<class T>() {
    Insert(Make<T>(alpha_, "TAKEN"));
    T other = Insert(Make<T>(alpha_, "FREE"));
    other.code = "TAKEN";
    other.version = 2;
    const Status st = TryUpdate(other, 1);
    EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
    EXPECT_EQ(st.field(), "code");
    EXPECT_EQ(st.message(), "code: " + std::string(T::Spec().kind) + " TAKEN already exists");
    EXPECT_EQ(ListCodes<T>(alpha_), (Codes{"TAKEN", "FREE"}));
  });
}

TEST_P(StoreContract, ListSearchIsCaseInsensitive) {
  ForEachRecordType([&]<class T>() {
    Insert(Make<T>(alpha_, "CASE-1", "Aptamil GOLD"));
    Insert(Make<T>(alpha_, "CASE-2", "Swisse"));
    Insert(Make<T>(alpha_, "gold-3", "Other"));
    for (const char* q : {"aptamil gold", "APTAMIL", "aPtAmIl GoLd"}) {
      SCOPED_TRACE(q);
      ListQuery query;
      query.search = q;
      EXPECT_EQ(ListCodes<T>(alpha_, query), (Codes{"CASE-1"}));
    }
    ListQuery gold;
    gold.search = "Gold";  // in one name and one code
    EXPECT_EQ(ListCodes<T>(alpha_, gold), (Codes{"CASE-1", "gold-3"}));
    ListQuery code;
    code.search = "case-";
    const auto page = Must(TryList<T>(alpha_, code));
    EXPECT_EQ(page.total, 2);
  });
}

TEST_P(StoreContract, ListSearchTreatsPercentUnderscoreAndBackslashLiterally) {
  ForEachRecordType([&]<class T>() {
    Insert(Make<T>(alpha_, "P%1", "percent"));
    Insert(Make<T>(alpha_, "P_1", "underscore"));
    Insert(Make<T>(alpha_, "PX1", "plain"));
    Insert(Make<T>(alpha_, "P\\1", "backslash"));
    const auto search = [&](const char* q) {
      ListQuery query;
      query.search = q;
      return ListCodes<T>(alpha_, query);
    };
    EXPECT_EQ(search("%"), (Codes{"P%1"}));
    EXPECT_EQ(search("_"), (Codes{"P_1"}));
    EXPECT_EQ(search("p_"), (Codes{"P_1"}));
    EXPECT_EQ(search("%1"), (Codes{"P%1"}));
    EXPECT_EQ(search("\\"), (Codes{"P\\1"}));
    EXPECT_EQ(search("\\1"), (Codes{"P\\1"}));
    EXPECT_EQ(search("P"), (Codes{"P%1", "P_1", "PX1", "P\\1"}));
  });
}

TEST_P(StoreContract, ListSearchMatchesChineseText) {
  ForEachRecordType([&]<class T>() {
    Insert(Make<T>(alpha_, "CN-1", "澳洲奶粉 Aptamil"));
    Insert(Make<T>(alpha_, "CN-2", "日本面膜"));
    ListQuery q;
    q.search = "奶粉";
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"CN-1"}));
    q.search = "奶茶";
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{}));
    q.search = "粉 apt";
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"CN-1"}));
  });
}

TEST_P(StoreContract, ListSearchFoldsAsciiCaseOnlyAndFindsOtherLettersAsWritten) {
  ForEachRecordType([&]<class T>() {
    Insert(Make<T>(alpha_, "FR-1", "CRÈME Brûlée"));
    Insert(Make<T>(alpha_, "DE-1", "ÄPFEL"));
    const auto search = [&](const char* q) {
      ListQuery query;
      query.search = q;
      return ListCodes<T>(alpha_, query);
    };
    EXPECT_EQ(search("CRÈME"), (Codes{"FR-1"}));
    EXPECT_EQ(search("crÈme brûlée"), (Codes{"FR-1"}));
    EXPECT_EQ(search("ÄPFEL"), (Codes{"DE-1"}));
    EXPECT_EQ(search("Äpfel"), (Codes{"DE-1"}));
    // Letters outside ASCII are compared exactly (core ContainsIgnoreCase).
    EXPECT_EQ(search("crème"), (Codes{}));
    EXPECT_EQ(search("äpfel"), (Codes{}));
  });
}

TEST_P(StoreContract, ListFiltersOnEquality) {
  ForEachRecordType([&]<class T>() {
    Insert(Make<T>(alpha_, "EQ-1", "first"));
    T other = Make<T>(alpha_, "EQ-2", "second");
    Traits<T>::SetOther(other);
    Insert(other);
    Insert(Make<T>(alpha_, "EQ-3", "third"));
    const std::string field(Traits<T>::kField);
    ListQuery plain;
    plain.equals = {{field, Traits<T>::Plain()}};
    EXPECT_EQ(ListCodes<T>(alpha_, plain), (Codes{"EQ-1", "EQ-3"}));
    ListQuery alt;
    alt.equals = {{field, Traits<T>::Other()}};
    EXPECT_EQ(ListCodes<T>(alpha_, alt), (Codes{"EQ-2"}));
    ListQuery two;
    two.equals = {{field, Traits<T>::Plain()}, {"code", std::string("EQ-3")}};
    EXPECT_EQ(ListCodes<T>(alpha_, two), (Codes{"EQ-3"}));
    ListQuery with_search;
    with_search.equals = {{field, Traits<T>::Plain()}};
    with_search.search = "FIRST";
    EXPECT_EQ(ListCodes<T>(alpha_, with_search), (Codes{"EQ-1"}));
    ListQuery none;
    none.equals = {{"code", std::string("EQ-9")}};
    const auto page = Must(TryList<T>(alpha_, none));
    EXPECT_TRUE(page.items.empty());
    EXPECT_EQ(page.total, 0);
  });
}

TEST_P(StoreContract, ListFiltersOnStatus) {
  ForEachRecordType([&]<class T>() {
    Insert(Make<T>(alpha_, "ST-ACTIVE"));
    T archived = Make<T>(alpha_, "ST-ARCHIVED");
    archived.status = RecordStatus::kArchived;
    Insert(archived);
    ListQuery q;  // active only by default
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"ST-ACTIVE"}));
    q.include_archived = true;
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"ST-ACTIVE", "ST-ARCHIVED"}));
    q.include_active = false;
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"ST-ARCHIVED"}));
    q.include_archived = false;
    const auto nothing = Must(TryList<T>(alpha_, q));
    EXPECT_TRUE(nothing.items.empty());
    EXPECT_EQ(nothing.total, 0);
  });
}

TEST_P(StoreContract, ListSortsAscendingAndDescendingWithTiesInIdOrder) {
  ForEachRecordType([&]<class T>() {
    // Inserted so that id order, code order and name order all differ.
    Insert(Make<T>(alpha_, "SORT-B", "charlie"));
    Insert(Make<T>(alpha_, "SORT-D", "alpha"));
    Insert(Make<T>(alpha_, "SORT-A", "bravo"));
    Insert(Make<T>(alpha_, "SORT-C", "alpha"));
    ListQuery q;
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"SORT-B", "SORT-D", "SORT-A", "SORT-C"}));  // by id
    q.sort = "code";
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"SORT-A", "SORT-B", "SORT-C", "SORT-D"}));
    q.descending = true;
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"SORT-D", "SORT-C", "SORT-B", "SORT-A"}));
    q.sort = "name";
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"SORT-B", "SORT-A", "SORT-C", "SORT-D"}));
    q.descending = false;
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"SORT-D", "SORT-C", "SORT-A", "SORT-B"}));
    q.sort = "id";
    q.descending = true;
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"SORT-C", "SORT-A", "SORT-D", "SORT-B"}));
  });
}

TEST_P(StoreContract, ListPagesWithLimitOffsetAndTotal) {
  ForEachRecordType([&]<class T>() {
    for (const char* code : {"PG-1", "PG-2", "PG-3", "PG-4", "PG-5"}) Insert(Make<T>(alpha_, code));
    ListQuery q;
    q.sort = "code";
    q.limit = 2;
    q.offset = 2;
    const auto page = Must(TryList<T>(alpha_, q));
    ASSERT_EQ(page.items.size(), 2U);
    EXPECT_EQ(page.items[0].code, "PG-3");
    EXPECT_EQ(page.items[1].code, "PG-4");
    EXPECT_EQ(page.total, 5);
    EXPECT_EQ(page.limit, 2);
    EXPECT_EQ(page.offset, 2);
    q.offset = 4;
    EXPECT_EQ(ListCodes<T>(alpha_, q), (Codes{"PG-5"}));
    q.offset = 10;
    const auto beyond = Must(TryList<T>(alpha_, q));
    EXPECT_TRUE(beyond.items.empty());
    EXPECT_EQ(beyond.total, 5);
    ListQuery filtered;
    filtered.search = "pg-";
    filtered.equals = {{"code", std::string("PG-2")}};
    filtered.limit = 1;
    EXPECT_EQ(Must(TryList<T>(alpha_, filtered)).total, 1);
  });
}

TEST_P(StoreContract, ListRefusesUnknownSortAndFilterFields) {
  ForEachRecordType([&]<class T>() {
    ListQuery sort;
    sort.sort = "colour";
    EXPECT_EQ(TryList<T>(alpha_, sort).status().code(), ErrorCode::kInvalidArgument);
    ListQuery filter;
    filter.equals = {{"colour", std::string("red")}};
    EXPECT_EQ(TryList<T>(alpha_, filter).status().code(), ErrorCode::kInvalidArgument);
    ListQuery injection;
    injection.sort = "id\"; DROP TABLE access_tenant; --";
    EXPECT_EQ(TryList<T>(alpha_, injection).status().code(), ErrorCode::kInvalidArgument);
  });
}

TEST_P(StoreContract, ASecondTenantNeverSeesTheFirstTenantsRecords) {
  ForEachRecordType([&]<class T>() {
    const T ours = Insert(Make<T>(alpha_, "OURS", "secret 机密"));
    Insert(Make<T>(beta_, "THEIRS"));
    EXPECT_EQ(ListCodes<T>(beta_), (Codes{"THEIRS"}));
    ListQuery all;
    all.include_archived = true;
    all.search = "机密";
    const auto page = Must(TryList<T>(beta_, all));
    EXPECT_TRUE(page.items.empty());
    EXPECT_EQ(page.total, 0);
    EXPECT_EQ(TryGet<T>(beta_, ours.id.value()).status().code(), ErrorCode::kNotFound);
    {
      auto tx = Read();
      EXPECT_EQ(Records<T>(*tx).GetByCode(beta_, ScopeOf<T>(alpha_), "OURS").status().code(),
                ErrorCode::kNotFound);
    }
    EXPECT_EQ(ListCodes<T>(alpha_), (Codes{"OURS"}));
  });
}

// === record stores: type-specific rules ========================================================

TEST_P(StoreContract, BinCodesAreScopedPerWarehouse) {
  Prepare<Bin>();
  const Warehouse second = Insert(Make<Warehouse>(alpha_, "SECOND"));
  const Bin in_home = Insert(Make<Bin>(alpha_, "A-01-01", "home"));
  Bin other = Make<Bin>(alpha_, "A-01-01", "second");
  other.warehouse_id = second.id.value();
  const Bin in_second = Insert(other);
  EXPECT_NE(in_home.id, in_second.id);
  {
    auto tx = Read();
    EXPECT_EQ(Must(tx->bins().GetByCode(alpha_, ScopeOf<Bin>(alpha_), "A-01-01")).id, in_home.id);
    EXPECT_EQ(Must(tx->bins().GetByCode(alpha_, second.id.value(), "A-01-01")).id, in_second.id);
    EXPECT_EQ(tx->bins().GetByCode(alpha_, 0, "A-01-01").status().code(), ErrorCode::kNotFound);
  }
  {
    auto tx = Write();
    EXPECT_EQ(tx->bins().Insert(Make<Bin>(alpha_, "A-01-01")).status().code(),
              ErrorCode::kAlreadyExists);
  }
  ListQuery in_warehouse;
  in_warehouse.equals = {{"warehouse_id", second.id.value()}};
  const auto page = Must(TryList<Bin>(alpha_, in_warehouse));
  ASSERT_EQ(page.items.size(), 1U);
  EXPECT_EQ(page.items[0].name, "second");
}

TEST_P(StoreContract, UpdateKeepsABinInItsWarehouse) {
  Prepare<Bin>();
  const Warehouse second = Insert(Make<Warehouse>(alpha_, "SECOND"));
  Bin bin = Insert(Make<Bin>(alpha_, "B-1"));
  bin.warehouse_id = second.id.value();
  bin.name = "renamed";
  bin.version = 2;
  MustOk(TryUpdate(bin, 1));
  const Bin now = Must(TryGet<Bin>(alpha_, bin.id.value()));
  EXPECT_EQ(now.name, "renamed");
  EXPECT_EQ(now.warehouse_id, ScopeOf<Bin>(alpha_));
}

TEST_P(StoreContract, SkuFiltersOnBooleansIntegersAndAbsentValues) {
  Sku a = Make<Sku>(alpha_, "F-1");
  a.positive_list = true;
  a.brand_id = 42;
  a.gtin = "6901028075862";
  Insert(a);
  Sku b = Make<Sku>(alpha_, "F-2");
  b.brand_id = 43;
  Insert(b);
  Insert(Make<Sku>(alpha_, "F-3"));
  const auto filter = [&](const char* field, FieldValue value) {
    ListQuery q;
    q.equals = {{field, std::move(value)}};
    return ListCodes<Sku>(alpha_, q);
  };
  EXPECT_EQ(filter("positive_list", true), (Codes{"F-1"}));
  EXPECT_EQ(filter("positive_list", false), (Codes{"F-2", "F-3"}));
  EXPECT_EQ(filter("brand_id", std::int64_t{43}), (Codes{"F-2"}));
  EXPECT_EQ(filter("brand_id", std::monostate{}), (Codes{"F-3"}));
  EXPECT_EQ(filter("gtin", std::monostate{}), (Codes{"F-2", "F-3"}));
  EXPECT_EQ(filter("gtin", std::string("6901028075862")), (Codes{"F-1"}));
}

TEST_P(StoreContract, SortPutsAbsentValuesFirstAscendingAndLastDescending) {
  Sku a = Make<Sku>(alpha_, "N-1");
  a.gtin = "96385074";
  Insert(a);
  Insert(Make<Sku>(alpha_, "N-2"));
  Sku c = Make<Sku>(alpha_, "N-3");
  c.gtin = "4006381333931";
  Insert(c);
  Insert(Make<Sku>(alpha_, "N-4"));
  ListQuery q;
  q.sort = "gtin";
  EXPECT_EQ(ListCodes<Sku>(alpha_, q), (Codes{"N-2", "N-4", "N-3", "N-1"}));
  q.descending = true;
  EXPECT_EQ(ListCodes<Sku>(alpha_, q), (Codes{"N-1", "N-3", "N-4", "N-2"}));
}

TEST_P(StoreContract, SortOnNumbersIsNumeric) {
  for (const auto& [code, weight] : std::vector<std::pair<std::string, std::int64_t>>{
           {"W-1", 900}, {"W-2", 10'000}, {"W-3", 85}, {"W-4", kInt64Max}}) {
    Sku s = Make<Sku>(alpha_, code);
    s.weight_g = weight;
    Insert(s);
  }
  ListQuery q;
  q.sort = "weight_g";
  EXPECT_EQ(ListCodes<Sku>(alpha_, q), (Codes{"W-3", "W-1", "W-2", "W-4"}));
  q.descending = true;
  EXPECT_EQ(ListCodes<Sku>(alpha_, q), (Codes{"W-4", "W-2", "W-1", "W-3"}));
}

TEST_P(StoreContract, OptionalTextSetToEmptyStaysEmptyNotAbsent) {
  Supplier s = Make<Supplier>(alpha_, "EMPTY");
  s.contact_name = "";
  const Supplier stored = Insert(s);
  const Supplier got = Must(TryGet<Supplier>(alpha_, stored.id.value()));
  ASSERT_TRUE(got.contact_name.has_value());
  EXPECT_EQ(*got.contact_name, "");
  EXPECT_FALSE(got.contact_email.has_value());
}

// === tenants ===================================================================================

TEST_P(StoreContract, TenantsAreNumberedFromOne) {
  EXPECT_EQ(alpha_, TenantId(1));
  EXPECT_EQ(beta_, TenantId(2));
}

TEST_P(StoreContract, TenantsReadBackFieldForField) {
  const TenantId off = AddTenant("dormant", false);
  auto tx = Read();
  const Tenant t = Must(tx->tenants().Get(off));
  EXPECT_EQ(t.id, off);
  EXPECT_EQ(t.code, "dormant");
  EXPECT_EQ(t.name, "Tenant dormant");
  EXPECT_FALSE(t.active);
  EXPECT_EQ(t.created_at.micros(), kNow);
  EXPECT_TRUE(Must(tx->tenants().Get(alpha_)).active);
  const auto all = Must(tx->tenants().List());
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].code, "alpha");
  EXPECT_EQ(all[1].code, "beta");
  EXPECT_EQ(all[2].code, "dormant");
}

TEST_P(StoreContract, DuplicateTenantCodeIsRejected) {
  auto tx = Write();
  Tenant t;
  t.code = "alpha";
  t.name = "again";
  const auto r = tx->tenants().Insert(t);
  EXPECT_EQ(r.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(r.status().field(), "code");
}

TEST_P(StoreContract, UnknownTenantIsNotFound) {
  auto tx = Read();
  EXPECT_EQ(tx->tenants().Get(TenantId(99)).status().code(), ErrorCode::kNotFound);
}

// === API keys ==================================================================================

TEST_P(StoreContract, KeysReadBackFieldForFieldByHashAndById) {
  ApiKey stored;
  {
    auto tx = Write();
    stored = Must(tx->keys().Insert(MakeKey(alpha_, "xbk_0123456789abcdef", Role::kCustomsBroker)));
    MustOk(tx->Commit());
  }
  EXPECT_TRUE(stored.id.assigned());
  auto tx = Read();
  for (const ApiKey& k : {Must(tx->keys().FindByHash("sha256:xbk_0123456789abcdef")),
                          Must(tx->keys().Get(alpha_, stored.id))}) {
    EXPECT_EQ(k.id, stored.id);
    EXPECT_EQ(k.tenant_id, alpha_);
    EXPECT_EQ(k.name, "key xbk_0123456789abcdef");
    EXPECT_EQ(k.role, Role::kCustomsBroker);
    EXPECT_EQ(k.prefix, "xbk_012345");
    EXPECT_EQ(k.secret_hash, "sha256:xbk_0123456789abcdef");
    EXPECT_EQ(k.created_at.micros(), kNow);
    EXPECT_FALSE(k.revoked_at.has_value());
  }
  EXPECT_EQ(tx->keys().FindByHash("sha256:unknown").status().code(), ErrorCode::kNotFound);
}

TEST_P(StoreContract, EveryRoleRoundTrips) {
  const auto roles = EnumChoices(Role{});
  {
    auto tx = Write();
    for (std::size_t i = 0; i < roles.size(); ++i) {
      Must(tx->keys().Insert(MakeKey(alpha_, "role" + std::to_string(i), static_cast<Role>(i))));
    }
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const auto keys = Must(tx->keys().List(alpha_));
  ASSERT_EQ(keys.size(), roles.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(access::RoleName(keys[i].role), roles[i]);
  }
}

TEST_P(StoreContract, KeysAreListedPerTenantInIdOrderAndCountedOverAll) {
  {
    auto tx = Write();
    Must(tx->keys().Insert(MakeKey(alpha_, "a1")));
    Must(tx->keys().Insert(MakeKey(beta_, "b1")));
    Must(tx->keys().Insert(MakeKey(alpha_, "a2")));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const auto alpha_keys = Must(tx->keys().List(alpha_));
  ASSERT_EQ(alpha_keys.size(), 2U);
  EXPECT_EQ(alpha_keys[0].secret_hash, "sha256:a1");
  EXPECT_EQ(alpha_keys[1].secret_hash, "sha256:a2");
  EXPECT_LT(alpha_keys[0].id, alpha_keys[1].id);
  EXPECT_EQ(Must(tx->keys().List(beta_)).size(), 1U);
  EXPECT_EQ(Must(tx->keys().Count()), 3);
  EXPECT_EQ(tx->keys().Get(beta_, alpha_keys[0].id).status().code(), ErrorCode::kNotFound);
}

TEST_P(StoreContract, DuplicateSecretHashIsRejected) {
  {
    auto tx = Write();
    Must(tx->keys().Insert(MakeKey(alpha_, "same")));
    MustOk(tx->Commit());
  }
  auto tx = Write();
  EXPECT_EQ(tx->keys().Insert(MakeKey(beta_, "same")).status().code(), ErrorCode::kAlreadyExists);
}

TEST_P(StoreContract, RevokeSetsTheTimeOnceAndRevokedKeysAreStillFound) {
  ApiKey k;
  {
    auto tx = Write();
    k = Must(tx->keys().Insert(MakeKey(alpha_, "rev")));
    MustOk(tx->keys().Revoke(alpha_, k.id, Timestamp::FromMicros(kNow + 5)));
    MustOk(tx->Commit());
  }
  {
    auto tx = Write();
    MustOk(tx->keys().Revoke(alpha_, k.id, Timestamp::FromMicros(kNow + 99)));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const ApiKey found = Must(tx->keys().FindByHash("sha256:rev"));
  ASSERT_TRUE(found.revoked_at.has_value());
  EXPECT_EQ(found.revoked_at->micros(), kNow + 5);
  EXPECT_EQ(Must(tx->keys().Count()), 1);
}

TEST_P(StoreContract, RevokingAnUnknownOrForeignKeyIsNotFound) {
  ApiKey k;
  {
    auto tx = Write();
    k = Must(tx->keys().Insert(MakeKey(alpha_, "mine")));
    MustOk(tx->Commit());
  }
  {
    auto tx = Write();
    EXPECT_EQ(
        tx->keys().Revoke(alpha_, access::ApiKeyId(987'654), Timestamp::FromMicros(kNow)).code(),
        ErrorCode::kNotFound);
    EXPECT_EQ(tx->keys().Revoke(beta_, k.id, Timestamp::FromMicros(kNow)).code(),
              ErrorCode::kNotFound);
  }
  auto tx = Read();
  EXPECT_FALSE(Must(tx->keys().Get(alpha_, k.id)).revoked_at.has_value());
}

// === idempotency keys ==========================================================================

TEST_P(StoreContract, IdempotencyRecordsReadBackByTenantAndKey) {
  {
    auto tx = Write();
    MustOk(tx->idempotency().Insert(
        {alpha_, "f3b5c1d2-键", "sha256:body", "sku", 77, Timestamp::FromMicros(kNow)}));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const auto found = Must(tx->idempotency().Find(alpha_, "f3b5c1d2-键"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->tenant_id, alpha_);
  EXPECT_EQ(found->key, "f3b5c1d2-键");
  EXPECT_EQ(found->request_hash, "sha256:body");
  EXPECT_EQ(found->resource_kind, "sku");
  EXPECT_EQ(found->resource_id, 77);
  EXPECT_EQ(found->created_at.micros(), kNow);
  EXPECT_FALSE(Must(tx->idempotency().Find(alpha_, "other")).has_value());
  EXPECT_FALSE(Must(tx->idempotency().Find(beta_, "f3b5c1d2-键")).has_value());
}

TEST_P(StoreContract, IdempotencyKeyIsRecordedOnlyOncePerTenant) {
  const IdempotencyRecord rec{alpha_, "k-1", "h", "brand", 1, Timestamp::FromMicros(kNow)};
  {
    auto tx = Write();
    MustOk(tx->idempotency().Insert(rec));
    MustOk(tx->Commit());
  }
  {
    auto tx = Write();
    IdempotencyRecord again = rec;
    again.resource_id = 2;
    EXPECT_EQ(tx->idempotency().Insert(again).code(), ErrorCode::kAlreadyExists);
  }
  {
    auto tx = Write();
    IdempotencyRecord other_tenant = rec;
    other_tenant.tenant_id = beta_;
    other_tenant.resource_id = 3;
    MustOk(tx->idempotency().Insert(other_tenant));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  EXPECT_EQ(Must(tx->idempotency().Find(alpha_, "k-1"))->resource_id, 1);
  EXPECT_EQ(Must(tx->idempotency().Find(beta_, "k-1"))->resource_id, 3);
}

// === event log =================================================================================

TEST_P(StoreContract, EventSequenceNumbersStartAtOnePerTenantWithoutGaps) {
  EXPECT_EQ(Append(MakeEvent(alpha_, "sku.created", "sku", 1)), 1);
  EXPECT_EQ(Append(MakeEvent(alpha_, "sku.updated", "sku", 1)), 2);
  EXPECT_EQ(Append(MakeEvent(beta_, "sku.created", "sku", 9)), 1);
  EXPECT_EQ(Append(MakeEvent(alpha_, "sku.archived", "sku", 1)), 3);
  EXPECT_EQ(Append(MakeEvent(beta_, "sku.updated", "sku", 9)), 2);
  {
    auto tx = Write();  // several appends in one transaction continue the sequence
    EXPECT_EQ(Must(tx->events().Append(MakeEvent(alpha_, "brand.created", "brand", 2))), 4);
    EXPECT_EQ(Must(tx->events().Append(MakeEvent(alpha_, "brand.updated", "brand", 2))), 5);
    MustOk(tx->Commit());
  }
  EXPECT_EQ(Seqs(alpha_), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(Seqs(beta_), (std::vector<std::int64_t>{1, 2}));
}

TEST_P(StoreContract, EventsReadBackFieldForField) {
  BusinessEvent e = MakeEvent(alpha_, "sku.created", "sku", 4711);
  e.actor = "key:12";
  e.request_id = "req-7f3a";
  e.at = Timestamp::FromMicros(-1);
  e.payload = R"({"code":"APT-1","name":"澳洲奶粉 \"Gold\"","changes":[]})";
  Append(e);
  auto tx = Read();
  const auto events = Must(tx->events().List(alpha_, {}));
  ASSERT_EQ(events.size(), 1U);
  const BusinessEvent& got = events[0];
  EXPECT_EQ(got.tenant_id, alpha_);
  EXPECT_EQ(got.seq, 1);
  EXPECT_EQ(got.type, "sku.created");
  EXPECT_EQ(got.entity, "sku");
  EXPECT_EQ(got.entity_id, 4711);
  EXPECT_EQ(got.actor, "key:12");
  EXPECT_EQ(got.request_id, "req-7f3a");
  EXPECT_EQ(got.at.micros(), -1);
  EXPECT_EQ(got.payload, e.payload);
}

TEST_P(StoreContract, EventListFiltersByEntityIdTypeAfterSeqAndLimit) {
  Append(MakeEvent(alpha_, "sku.created", "sku", 1));      // 1
  Append(MakeEvent(alpha_, "sku.updated", "sku", 1));      // 2
  Append(MakeEvent(alpha_, "brand.created", "brand", 1));  // 3
  Append(MakeEvent(alpha_, "sku.created", "sku", 2));      // 4
  Append(MakeEvent(alpha_, "sku.archived", "sku", 1));     // 5
  Append(MakeEvent(beta_, "sku.created", "sku", 1));       // beta 1
  using Seq = std::vector<std::int64_t>;
  EventQuery q;
  EXPECT_EQ(Seqs(alpha_, q), (Seq{1, 2, 3, 4, 5}));
  q.entity = "sku";
  EXPECT_EQ(Seqs(alpha_, q), (Seq{1, 2, 4, 5}));
  q.entity_id = 1;
  EXPECT_EQ(Seqs(alpha_, q), (Seq{1, 2, 5}));
  q.entity.reset();
  EXPECT_EQ(Seqs(alpha_, q), (Seq{1, 2, 3, 5}));
  EventQuery by_type;
  by_type.type = "sku.created";
  EXPECT_EQ(Seqs(alpha_, by_type), (Seq{1, 4}));
  EventQuery after;
  after.after_seq = 3;
  EXPECT_EQ(Seqs(alpha_, after), (Seq{4, 5}));
  EventQuery limited;
  limited.limit = 2;
  EXPECT_EQ(Seqs(alpha_, limited), (Seq{1, 2}));
  EventQuery page;
  page.entity = "sku";
  page.after_seq = 2;
  page.limit = 2;
  EXPECT_EQ(Seqs(alpha_, page), (Seq{4, 5}));
  EventQuery none;
  none.type = "carrier.created";
  EXPECT_EQ(Seqs(alpha_, none), (Seq{}));
}

TEST_P(StoreContract, AppendToAnUnknownTenantIsNotFound) {
  auto tx = Write();
  EXPECT_EQ(tx->events().Append(MakeEvent(TenantId(99), "x.y", "x", 1)).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(StoreContract, RolledBackAppendsLeaveNoGap) {
  EXPECT_EQ(Append(MakeEvent(alpha_, "a", "x", 1)), 1);
  {
    auto tx = Write();
    EXPECT_EQ(Must(tx->events().Append(MakeEvent(alpha_, "lost", "x", 1))), 2);
  }
  EXPECT_EQ(Append(MakeEvent(alpha_, "b", "x", 1)), 2);
  EXPECT_EQ(Seqs(alpha_), (std::vector<std::int64_t>{1, 2}));
}

TEST_P(StoreContract, ConcurrentAppendsGetDistinctGaplessNumbers) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::mutex mu;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto tx = db_->Begin(TxMode::kWrite);
        Status st = tx.ok() ? Status::Ok() : tx.status();
        if (st.ok()) {
          auto seq = (*tx)->events().Append(MakeEvent(alpha_, "t" + std::to_string(t), "x", i));
          st = seq.ok() ? (*tx)->Commit() : seq.status();
        }
        if (!st.ok()) {
          std::lock_guard lock(mu);
          errors.push_back(st.ToString());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  std::vector<std::int64_t> want;
  for (int i = 1; i <= kThreads * kPerThread; ++i) want.push_back(i);
  EventQuery all;
  all.limit = 1000;
  EXPECT_EQ(Seqs(alpha_, all), want);
}

TEST_P(StoreContract, ConcurrentInsertsOfOneCodeLetExactlyOneWin) {
  constexpr int kThreads = 4;
  std::atomic<int> won{0};
  std::atomic<int> refused{0};
  std::mutex mu;
  std::vector<std::string> other;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto tx = db_->Begin(TxMode::kWrite);
      Status st = tx.ok() ? Status::Ok() : tx.status();
      if (st.ok()) {
        auto r = (*tx)->brands().Insert(Make<Brand>(alpha_, "RACE", "thread " + std::to_string(t)));
        st = r.ok() ? (*tx)->Commit() : r.status();
      }
      if (st.ok()) {
        ++won;
      } else if (st.code() == ErrorCode::kAlreadyExists) {
        ++refused;
      } else {
        std::lock_guard lock(mu);
        other.push_back(st.ToString());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(other.empty()) << other.front();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(ListCodes<Brand>(alpha_), (Codes{"RACE"}));
}

// === transactions ==============================================================================

TEST_P(StoreContract, TransactionDestroyedWithoutCommitLeavesNothing) {
  {
    auto tx = Write();
    Tenant t;
    t.code = "ghost";
    t.name = "Ghost";
    Must(tx->tenants().Insert(t));
    Must(tx->skus().Insert(Make<Sku>(alpha_, "GHOST")));
    Must(tx->warehouses().Insert(Make<Warehouse>(alpha_, "GHOST")));
    Must(tx->keys().Insert(MakeKey(alpha_, "ghost")));
    MustOk(tx->idempotency().Insert({alpha_, "ghost", "h", "sku", 1, Timestamp::FromMicros(kNow)}));
    Must(tx->events().Append(MakeEvent(alpha_, "sku.created", "sku", 1)));
  }
  auto tx = Read();
  EXPECT_EQ(Must(tx->tenants().List()).size(), 2U);
  ListQuery all;
  all.include_archived = true;
  EXPECT_EQ(Must(tx->skus().List(alpha_, all)).total, 0);
  EXPECT_EQ(Must(tx->warehouses().List(alpha_, all)).total, 0);
  EXPECT_EQ(Must(tx->keys().Count()), 0);
  EXPECT_FALSE(Must(tx->idempotency().Find(alpha_, "ghost")).has_value());
  EXPECT_TRUE(Must(tx->events().List(alpha_, {})).empty());
}

TEST_P(StoreContract, WritesAreVisibleInsideTheirTransactionBeforeCommit) {
  auto tx = Write();
  const Sku s = Must(tx->skus().Insert(Make<Sku>(alpha_, "INSIDE")));
  EXPECT_EQ(Must(tx->skus().Get(alpha_, s.id.value())).code, "INSIDE");
  EXPECT_EQ(Must(tx->skus().GetByCode(alpha_, 0, "INSIDE")).id, s.id);
  EXPECT_EQ(Must(tx->skus().List(alpha_, {})).total, 1);
  Must(tx->events().Append(MakeEvent(alpha_, "sku.created", "sku", s.id.value())));
  EXPECT_EQ(Must(tx->events().List(alpha_, {})).size(), 1U);
  MustOk(tx->Commit());
}

TEST_P(StoreContract, CommittedWritesSurviveAndAreSeenByLaterTransactions) {
  const Sku s = Insert(Make<Sku>(alpha_, "KEPT"));
  auto tx = Read();
  EXPECT_EQ(Must(tx->skus().Get(alpha_, s.id.value())).code, "KEPT");
}

// === the master-data service over each store: races only real databases have ================

TEST_P(StoreContract, ConcurrentRetriesWithOneIdempotencyKeyAllGetTheOneRecord) {
  const FakeClock clock(Timestamp::FromMicros(kNow));
  masterdata::MasterDataService service(*db_, clock);
  constexpr int kRounds = 5;
  constexpr int kClients = 6;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string code = "RACE-" + std::to_string(round);
    masterdata::RequestContext ctx;
    ctx.principal = access::Principal{alpha_, access::ApiKeyId(1), Role::kAdmin, "k"};
    ctx.request_id = "req";
    ctx.idempotency_key = "retry-" + std::to_string(round);
    ctx.request_hash = "sha256:" + code;
    struct Answer {
      Status status;
      std::int64_t id = 0;
      bool replayed = false;
    };
    std::vector<Answer> answers(kClients);
    std::vector<std::thread> clients;
    for (std::size_t i = 0; i < answers.size(); ++i) {
      clients.emplace_back([&, i] {
        auto r = service.Create<Brand>(ctx, Make<Brand>(alpha_, code));
        answers[i].status = r.status();
        if (r.ok()) {
          answers[i].id = r->record.id.value();
          answers[i].replayed = r->replayed;
        }
      });
    }
    for (auto& c : clients) c.join();
    int replayed = 0;
    for (const auto& a : answers) {
      EXPECT_TRUE(a.status.ok()) << a.status.ToString();
      EXPECT_EQ(a.id, answers[0].id);
      replayed += a.replayed ? 1 : 0;
    }
    EXPECT_EQ(replayed, kClients - 1);
    ListQuery q;
    q.equals = {{"code", code}};
    EXPECT_EQ(Must(TryList<Brand>(alpha_, q)).total, 1);
  }
}

// === schema and migrations =====================================================================

TEST_P(StoreContract, DialectNamesTheBackend) { EXPECT_EQ(db_->dialect(), GetParam()); }

TEST_P(StoreContract, SchemaVersionIsTheLatestMigration) {
  const int version = Must(db_->SchemaVersion());
  EXPECT_GE(version, 1);
  if (IsSql()) {
    const auto dialect = GetParam() == "sqlite" ? sql::Dialect::kSqlite : sql::Dialect::kPostgresql;
    const auto migrations = sql::MigrationsFor(dialect);
    ASSERT_FALSE(migrations.empty());
    EXPECT_EQ(version, migrations.back().version);
    EXPECT_EQ(migrations.front().version, 1);
  }
}

TEST_P(StoreContract, ReopeningDoesNotReapplyMigrations) {
  if (!IsSql()) GTEST_SKIP() << "a memory database does not outlive its object";
  const Sku kept = Insert(Make<Sku>(alpha_, "BEFORE-REOPEN", "澳洲奶粉"));
  const int version = Must(db_->SchemaVersion());
  db_.reset();
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    auto reopened = storage::OpenDatabase(url_);
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
    db_ = std::move(reopened).value();
    EXPECT_EQ(Must(db_->SchemaVersion()), version);
    EXPECT_EQ(Must(TryGet<Sku>(alpha_, kept.id.value())).name, "澳洲奶粉");
    db_.reset();
  }
  const auto count_sql = std::string("SELECT COUNT(*) FROM schema_migration");
  const std::int64_t migrations = static_cast<std::int64_t>(
      sql::MigrationsFor(GetParam() == "sqlite" ? sql::Dialect::kSqlite : sql::Dialect::kPostgresql)
          .size());
  if (GetParam() == "sqlite") {
    EXPECT_EQ(SqliteScalar(sqlite_path_, count_sql), migrations);
  } else {
    EXPECT_EQ(PgScalar(url_, count_sql), std::to_string(migrations));
  }
}

INSTANTIATE_TEST_SUITE_P(Adapters, StoreContract,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::contract
