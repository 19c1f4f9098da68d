#include "adapters/csv/csv.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "domain/catalog/sku.h"
#include "domain/partners/partners.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::csv {
namespace {

using catalog::Sku;
using Cells = std::vector<std::string>;

Table MustParse(std::string_view text) {
  auto t = Parse(text);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : Table{};
}

// --- Parse -----------------------------------------------------------------------------------

TEST(ParseTest, ReadsTheHeaderAndRowsWithTheirLineNumbers) {
  const Table t = MustParse("code,name\r\nA,Alpha\r\nB,Beta\r\n");
  EXPECT_EQ(t.header, (Cells{"code", "name"}));
  ASSERT_EQ(t.rows.size(), 2U);
  EXPECT_EQ(t.rows[0], (Cells{"A", "Alpha"}));
  EXPECT_EQ(t.rows[1], (Cells{"B", "Beta"}));
  EXPECT_EQ(t.lines, (std::vector<std::int64_t>{2, 3}));
}

TEST(ParseTest, AcceptsAMissingFinalLineBreakAndBareLf) {
  const Table t = MustParse("code,name\nA,Alpha\nB,Beta");
  ASSERT_EQ(t.rows.size(), 2U);
  EXPECT_EQ(t.rows[1], (Cells{"B", "Beta"}));
  EXPECT_EQ(t.lines, (std::vector<std::int64_t>{2, 3}));
}

TEST(ParseTest, QuotedCellsHoldCommasAndDoubledQuotes) {
  const Table t = MustParse("code,name\n\"A,1\",\"say \"\"hi\"\"\"\n");
  ASSERT_EQ(t.rows.size(), 1U);
  EXPECT_EQ(t.rows[0], (Cells{"A,1", "say \"hi\""}));
}

TEST(ParseTest, QuotedCellsHoldLineBreaksAndLaterLinesAreCountedRight) {
  const Table t = MustParse("code,name\nA,\"first\nsecond\r\nthird\"\nB,plain\n");
  ASSERT_EQ(t.rows.size(), 2U);
  EXPECT_EQ(t.rows[0][1], "first\nsecond\r\nthird");
  EXPECT_EQ(t.rows[1], (Cells{"B", "plain"}));
  EXPECT_EQ(t.lines, (std::vector<std::int64_t>{2, 5}));
}

TEST(ParseTest, SkipsAByteOrderMark) {
  const Table t = MustParse(
      "\xEF\xBB\xBF"
      "code,name\nA,澳洲奶粉\n");
  EXPECT_EQ(t.header, (Cells{"code", "name"}));
  ASSERT_EQ(t.rows.size(), 1U);
  EXPECT_EQ(t.rows[0][1], "澳洲奶粉");
}

TEST(ParseTest, SkipsBlankLinesButKeepsCounting) {
  const Table t = MustParse("code,name\n\nA,Alpha\n\r\n\nB,Beta\n");
  ASSERT_EQ(t.rows.size(), 2U);
  EXPECT_EQ(t.lines, (std::vector<std::int64_t>{3, 6}));
}

TEST(ParseTest, KeepsEmptyCells) {
  const Table t = MustParse("a,b,c\n,,\n1,,3\n");
  ASSERT_EQ(t.rows.size(), 2U);
  EXPECT_EQ(t.rows[0], (Cells{"", "", ""}));
  EXPECT_EQ(t.rows[1], (Cells{"1", "", "3"}));
}

TEST(ParseTest, RowOfTheWrongWidthIsRefusedNamingItsLine) {
  const auto wide = Parse("code,name\nA,Alpha\nB,Beta,extra\n");
  EXPECT_EQ(wide.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(wide.status().message(), "line 3: has 3 cells, the header has 2");
  const auto narrow = Parse("code,name\nA,\"multi\nline\"\nB\n");
  EXPECT_EQ(narrow.status().message(), "line 4: has 1 cells, the header has 2");
}

TEST(ParseTest, UnclosedQuoteIsRefusedNamingTheLineItStartsOn) {
  const auto r = Parse("code,name\nA,Alpha\nB,\"never\nclosed\n");
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "line 3: unclosed quote");
}

TEST(ParseTest, QuoteInsideAnUnquotedCellIsRefused) {
  const auto r = Parse("code,name\nA,5\" screen\n");
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "line 2: a quote inside an unquoted cell");
}

TEST(ParseTest, EmptyInputHasNoHeader) {
  for (const char* text : {"", "\n\n", "\xEF\xBB\xBF"}) {
    const auto r = Parse(text);
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), "the file is empty: it needs a header line");
  }
}

// --- Cell ------------------------------------------------------------------------------------

TEST(CellTest, LeavesPlainValuesAlone) {
  EXPECT_EQ(Cell("APT-1"), "APT-1");
  EXPECT_EQ(Cell("澳洲奶粉 900g"), "澳洲奶粉 900g");
  EXPECT_EQ(Cell(""), "");
  EXPECT_EQ(Cell("0.9"), "0.9");
}

TEST(CellTest, QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(Cell("a,b"), "\"a,b\"");
  EXPECT_EQ(Cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Cell("one\ntwo"), "\"one\ntwo\"");
  EXPECT_EQ(Cell("one\rtwo"), "\"one\rtwo\"");
}

TEST(CellTest, GuardsFormulasWithAQuote) {
  EXPECT_EQ(Cell("=SUM(A1:A9)"), "\"'=SUM(A1:A9)\"");
  EXPECT_EQ(Cell("+86 21 5555"), "\"'+86 21 5555\"");
  EXPECT_EQ(Cell("-cmd|' /C calc'!A0"), "\"'-cmd|' /C calc'!A0\"");
  EXPECT_EQ(Cell("@SUM(1)"), "\"'@SUM(1)\"");
  EXPECT_EQ(Cell("=1,2"), "\"'=1,2\"");
  EXPECT_EQ(Cell("-"), "\"'-\"");
}

TEST(CellTest, GuardsALeadingApostropheSoThatImportCanTellGuardsFromText) {
  EXPECT_EQ(Cell("'quoted"), "\"''quoted\"");
  EXPECT_EQ(Cell("it's"), "it's");
}

TEST(CellTest, KeepsSignedIntegersUnguarded) {
  EXPECT_EQ(Cell("-5"), "-5");
  EXPECT_EQ(Cell("+5"), "+5");
}

TEST(CellTest, QuotedCellsParseBackToTheirValue) {
  for (const std::string value : {"a,b", "say \"hi\"", "x\ny", "澳洲, 奶粉"}) {
    SCOPED_TRACE(value);
    const Table t = MustParse("v\n" + Cell(value) + "\n");
    ASSERT_EQ(t.rows.size(), 1U);
    EXPECT_EQ(t.rows[0][0], value);
  }
}

// --- Export and import rows ------------------------------------------------------------------

Sku FullSku() {
  Sku s;
  s.id = catalog::SkuId(7);
  s.tenant_id = TenantId(1);
  s.code = "APT-GOLD-1";
  s.name = "澳洲奶粉 \"Aptamil\", Gold+ 1";
  s.status = RecordStatus::kActive;
  s.version = 3;
  s.created_at = Timestamp::FromMicros(1'764'059'400'000'000);
  s.updated_at = Timestamp::FromMicros(1'764'059'400'123'456);
  s.gtin = "9310160814616";
  s.brand_id = 3;
  s.category = catalog::Category::kMaternalInfant;
  s.hs_code = "1901101000";
  s.vat_class = catalog::VatClass::kReduced;
  s.consumption_tax_class = catalog::ConsumptionTaxClass::kNone;
  s.legal_unit = catalog::LegalUnit::kKilogram;
  s.legal_quantity = Milli{20500};
  s.weight_g = 1100;
  s.length_mm = 130;
  s.width_mm = 131;
  s.height_mm = 180;
  s.shelf_life_days = 720;
  s.positive_list = true;
  s.origin_country = "AU";
  return s;
}

Sku SparseSku() {
  Sku s;
  s.id = catalog::SkuId(8);
  s.code = "LAMER-1";
  s.name = "La Mer Crème";
  s.category = catalog::Category::kCosmetics;
  s.consumption_tax_class = catalog::ConsumptionTaxClass::kHighEndCosmetics;
  s.hs_code = "33049900";
  s.legal_unit = catalog::LegalUnit::kMillilitre;
  s.legal_quantity = Milli{60000};
  s.origin_country = "US";
  s.status = RecordStatus::kArchived;
  return s;
}

TEST(ExportTest, WritesTheSpecsFieldsAsHeaderAndOneRowPerRecord) {
  const std::string text = Export<Sku>({FullSku()});
  const std::string header =
      "id,code,name,status,version,created_at,updated_at,gtin,brand_id,category,hs_code,"
      "vat_class,consumption_tax_class,legal_unit,legal_quantity,weight_g,length_mm,width_mm,"
      "height_mm,shelf_life_days,positive_list,origin_country\r\n";
  const std::string row =
      "7,APT-GOLD-1,\"澳洲奶粉 \"\"Aptamil\"\", Gold+ 1\",active,3,2025-11-25T08:30:00Z,"
      "2025-11-25T08:30:00.123456Z,9310160814616,3,maternal_infant,1901101000,reduced,none,kg,"
      "20.5,1100,130,131,180,720,true,AU\r\n";
  EXPECT_EQ(text, header + row);
}

TEST(ExportTest, WritesAbsentValuesAsEmptyCells) {
  const std::string text = Export<Sku>({SparseSku()});
  const Table t = MustParse(text);
  ASSERT_EQ(t.rows.size(), 1U);
  const auto& spec = Sku::Spec();
  for (std::size_t i = 0; i < t.header.size(); ++i) {
    if (t.header[i] == "gtin" || t.header[i] == "brand_id" || t.header[i] == "shelf_life_days") {
      EXPECT_EQ(t.rows[0][i], "") << t.header[i];
    }
    if (t.header[i] == "status") {
      EXPECT_EQ(t.rows[0][i], "archived");
    }
    if (t.header[i] == "positive_list") {
      EXPECT_EQ(t.rows[0][i], "false");
    }
  }
  EXPECT_EQ(t.header.size(), spec.fields.size());
}

TEST(ExportTest, AnEmptyListIsJustTheHeader) {
  const Table t = MustParse(Export<partners::Warehouse>({}));
  EXPECT_TRUE(t.rows.empty());
  EXPECT_EQ(t.header.front(), "id");
  EXPECT_EQ(t.header.size(), partners::Warehouse::Spec().fields.size());
}

Sku Apply(const masterdata::ImportRow& row) {
  Sku s;
  for (const auto& [name, value] : row.values) Sku::Spec().Find(name)->set(s, value);
  return s;
}

TEST(RoundTripTest, ExportParseAndImportRowsGiveBackEveryWritableField) {
  const std::vector<Sku> originals = {FullSku(), SparseSku()};
  const Table table = MustParse(Export(originals));
  std::vector<masterdata::RowError> errors;
  const auto rows = ToImportRows<Sku>(table, errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(rows.size(), 2U);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    SCOPED_TRACE(originals[r].code);
    EXPECT_EQ(rows[r].line, static_cast<std::int64_t>(r) + 2);
    const Sku back = Apply(rows[r]);
    for (const auto& f : Sku::Spec().fields) {
      if (f.has(kReadOnly)) continue;
      EXPECT_EQ(f.get(back), f.get(originals[r])) << f.name;
    }
  }
}

TEST(RoundTripTest, TextThatStartsLikeAFormulaOrAnApostropheComesBackUnchanged) {
  std::vector<Sku> originals;
  for (const char* name : {"-20% promo pack", "=cheap", "+1 gift", "@home set", "'quoted", "''=x",
                           "'=already guarded", "it's", "-5", "plain"}) {
    Sku s = SparseSku();
    s.code = "F-" + std::to_string(originals.size());
    s.name = name;
    originals.push_back(s);
  }
  const Table table = MustParse(Export(originals));
  std::vector<masterdata::RowError> errors;
  const auto rows = ToImportRows<Sku>(table, errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(rows.size(), originals.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    EXPECT_EQ(Apply(rows[r]).name, originals[r].name);
  }
}

TEST(ToImportRowsTest, AnApostropheBeforeAFormulaCharacterMarksLiteralText) {
  // The spreadsheet convention, for hand-made files too: '=x is the text =x.
  const Table table = MustParse("code,name\nA-1,'=1+2\nA-2,'plain\n");
  std::vector<masterdata::RowError> errors;
  const auto rows = ToImportRows<Sku>(table, errors);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(Apply(rows[0]).name, "=1+2");
  EXPECT_EQ(Apply(rows[1]).name, "'plain");
}

TEST(RoundTripTest, ReadOnlyColumnsAreNotImported) {
  const Table table = MustParse(Export<Sku>({FullSku()}));
  std::vector<masterdata::RowError> errors;
  const auto rows = ToImportRows<Sku>(table, errors);
  ASSERT_EQ(rows.size(), 1U);
  for (const auto& [name, value] : rows[0].values) {
    EXPECT_NE(name, "id");
    EXPECT_NE(name, "status");
    EXPECT_NE(name, "version");
    EXPECT_NE(name, "created_at");
    EXPECT_NE(name, "updated_at");
  }
  EXPECT_EQ(rows[0].values.size(), 17U);  // 22 columns - 5 read-only
}

TEST(ToImportRowsTest, ReportsEveryBadCellWithLineAndColumn) {
  const std::string text =
      "code,name,category,hs_code,legal_unit,legal_quantity,weight_g,positive_list,"
      "origin_country\n"
      "A-1,ok,toys,1901101000,kg,1,1,true,AU\n"
      "A-2,ok,other,1901101000,kg,1.2345,heavy,maybe,AU\n"
      "A-3,ok,other,1901101000,kg,1,1,false,AU\n"
      "A-4,ok,other,,kg,-2,9223372036854775808,yes,AU\n";
  const Table table = MustParse(text);
  std::vector<masterdata::RowError> errors;
  const auto rows = ToImportRows<Sku>(table, errors);
  ASSERT_EQ(errors.size(), 7U);
  const auto expect = [&](std::size_t i, std::int64_t line, const char* column,
                          const std::string& reason) {
    SCOPED_TRACE(i);
    EXPECT_EQ(errors[i].line, line);
    EXPECT_EQ(errors[i].column, column);
    EXPECT_EQ(errors[i].reason, reason);
  };
  expect(0, 2, "category",
         "must be one of maternal_infant, cosmetics, clothing, daily_necessities, electronics, "
         "food_health, other");
  expect(1, 3, "legal_quantity", "must be a non-negative number with at most 3 decimals");
  expect(2, 3, "weight_g", "must be an integer");
  expect(3, 3, "positive_list", "must be true or false");
  expect(4, 5, "hs_code", "is required");
  expect(5, 5, "legal_quantity", "must be a non-negative number with at most 3 decimals");
  expect(6, 5, "weight_g", "must be an integer");
  // Only the good row comes back.
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].line, 4);
}

TEST(ToImportRowsTest, LineNumbersFollowMultiLineCells) {
  const Table table = MustParse("code,name,kind\nA-1,\"two\nlines\",storage\nA-2,ok,closet\n");
  std::vector<masterdata::RowError> errors;
  (void)ToImportRows<partners::Bin>(table, errors);
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_EQ(errors[0].column, "name");
  EXPECT_EQ(errors[0].reason, "is not clean UTF-8 text");
  EXPECT_EQ(errors[1].line, 4);
  EXPECT_EQ(errors[1].column, "kind");
}

TEST(ToImportRowsTest, EmptyCellsAreAbsentForOptionalFields) {
  const Table table = MustParse("code,name,gtin,shelf_life_days\nA-1,x,,\n");
  std::vector<masterdata::RowError> errors;
  const auto rows = ToImportRows<Sku>(table, errors);
  ASSERT_TRUE(errors.empty());
  ASSERT_EQ(rows.size(), 1U);
  ASSERT_EQ(rows[0].values.size(), 4U);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(rows[0].values[2].second));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(rows[0].values[3].second));
}

TEST(ToImportRowsTest, TrimsCellsAndHeaderNamesAndParsesBooleansAndNumbers) {
  const Table table =
      MustParse(" code , positive_list ,legal_quantity,brand_id\n  A-1 , YES , 0.5 , 12 \n");
  std::vector<masterdata::RowError> errors;
  const auto rows = ToImportRows<Sku>(table, errors);
  ASSERT_TRUE(errors.empty()) << errors[0].column << ": " << errors[0].reason;
  ASSERT_EQ(rows.size(), 1U);
  const Sku s = Apply(rows[0]);
  EXPECT_EQ(s.code, "A-1");
  EXPECT_TRUE(s.positive_list);
  EXPECT_EQ(s.legal_quantity.value, 500);
  EXPECT_EQ(s.brand_id, std::optional<std::int64_t>(12));
}

TEST(ToImportRowsTest, UnknownColumnsAndAMissingCodeColumnAreHeaderErrors) {
  const Table table = MustParse("name,colour\nx,red\n");
  std::vector<masterdata::RowError> errors;
  const auto rows = ToImportRows<Sku>(table, errors);
  EXPECT_TRUE(rows.empty());
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(errors[0].line, 1);
  EXPECT_EQ(errors[0].column, "colour");
  EXPECT_EQ(errors[0].reason, "unknown column");
  EXPECT_EQ(errors[1].line, 1);
  EXPECT_EQ(errors[1].column, "code");
  EXPECT_EQ(errors[1].reason, "the header needs a code column");
}

}  // namespace
}  // namespace xb::csv
