#include "domain/warehouse/gs1.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "core/text.h"
#include "domain/catalog/gtin.h"

namespace xb::warehouse {
namespace {

constexpr char kGs = '\x1d';  // FNC1 as transmitted by scanners in raw element strings
const std::string kField = "barcode";

enum class Kind { kSscc, kGtin, kContentGtin, kLot, kDate, kSerial, kCount, kWeight, kText, kGln };

// One supported Application Identifier (GS1 General Specifications §3.2). `length` is the
// fixed data length, or 0 for variable length up to `max_length`. All fixed-length AIs here are
// in the predefined-length table (§7.8.5), so they never need a GS separator after them.
struct AiSpec {
  std::string_view ai;  // "310" stands for 3100..3105 (the 4th digit is the decimals)
  Kind kind;
  std::size_t length;
  std::size_t max_length;
  bool numeric;
};

constexpr std::array<AiSpec, 15> kAis = {{
    {"00", Kind::kSscc, 18, 18, true},
    {"01", Kind::kGtin, 14, 14, true},
    {"02", Kind::kContentGtin, 14, 14, true},
    {"10", Kind::kLot, 0, 20, false},
    {"11", Kind::kDate, 6, 6, true},
    {"13", Kind::kDate, 6, 6, true},
    {"15", Kind::kDate, 6, 6, true},
    {"17", Kind::kDate, 6, 6, true},
    {"21", Kind::kSerial, 0, 20, false},
    {"30", Kind::kCount, 0, 8, true},
    {"37", Kind::kCount, 0, 8, true},
    {"310", Kind::kWeight, 6, 6, true},
    {"400", Kind::kText, 0, 30, false},
    {"410", Kind::kGln, 13, 13, true},
    {"414", Kind::kGln, 13, 13, true},
}};

// The AI at the start of `s` (with its full text, e.g. "3102"), or nullptr.
const AiSpec* MatchAi(std::string_view s, std::string& ai_text) {
  for (const auto& spec : kAis) {
    if (s.substr(0, spec.ai.size()) != spec.ai) continue;
    if (spec.kind == Kind::kWeight) {
      if (s.size() < 4 || s[3] < '0' || s[3] > '5') return nullptr;
      ai_text = std::string(s.substr(0, 4));
    } else {
      ai_text = std::string(spec.ai);
    }
    return &spec;
  }
  return nullptr;
}

// GS1 AI encodable character set 82 (§7.11).
bool IsSet82(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
  return std::string_view("!\"%&'()*+,-./:;<=>?_").find(c) != std::string_view::npos;
}

struct Element {
  const AiSpec* spec = nullptr;
  std::string ai;
  std::string_view value;
  std::size_t pos = 0;  // 1-based position of the value in the scanned text
};

Status Error(const std::string& ai, std::size_t pos, const std::string& what) {
  return InvalidArgument(
      "barcode: AI (" + ai + ") at position " + std::to_string(pos) + ": " + what, kField);
}

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == kGs) {
      out += "<GS>";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

int DaysInMonth(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

// YYMMDD with the century of §7.12: relative to today's year, a two-digit year 51..99 ahead is in
// the previous century, 50..99 behind in the next, otherwise in the current one.
Result<Date> ParseYymmdd(const Element& e, Date today) {
  const int yy = (e.value[0] - '0') * 10 + (e.value[1] - '0');
  const int month = (e.value[2] - '0') * 10 + (e.value[3] - '0');
  int day = (e.value[4] - '0') * 10 + (e.value[5] - '0');
  const int this_year = today.year();
  const int century = this_year - this_year % 100;
  const int diff = yy - this_year % 100;
  int year = century + yy;
  if (diff >= 51) year -= 100;
  if (diff <= -50) year += 100;
  if (month < 1 || month > 12) {
    return Error(e.ai, e.pos + 2, "month " + std::string(e.value.substr(2, 2)) + " is not 01..12");
  }
  if (day == 0) day = DaysInMonth(year, month);  // §7.12: DD 00 means the end of the month
  if (day > DaysInMonth(year, month)) {
    return Error(e.ai, e.pos + 4,
                 "day " + std::string(e.value.substr(4, 2)) + " does not exist in month " +
                     std::string(e.value.substr(2, 2)) + " of " + std::to_string(year));
  }
  auto date = Date::FromYmd(year, month, day);
  if (!date.ok()) return Error(e.ai, e.pos, "not a calendar date");
  return *date;
}

Status CheckDigitOk(const Element& e) {
  const std::string_view body = e.value.substr(0, e.value.size() - 1);
  const int expected = catalog::Gs1CheckDigit(body);
  if (e.value.back() - '0' != expected) {
    return Error(e.ai, e.pos + e.value.size() - 1,
                 "check digit " + std::string(1, e.value.back()) + " is wrong (expected " +
                     std::to_string(expected) + ")");
  }
  return Status::Ok();
}

// Checks an element's characters and length, then stores it in the scan.
Status Apply(const Element& e, Date today, Gs1Scan& scan) {
  const AiSpec& spec = *e.spec;
  if (e.value.empty()) return Error(e.ai, e.pos, "no data");
  for (std::size_t i = 0; i < e.value.size(); ++i) {
    const char c = e.value[i];
    if (spec.numeric ? (c < '0' || c > '9') : !IsSet82(c)) {
      return Error(e.ai, e.pos + i,
                   std::string(spec.numeric ? "digits only" : "character outside GS1 set 82") +
                       ", found " + Quoted(e.value.substr(i, 1)));
    }
  }
  if (spec.length > 0 && e.value.size() != spec.length) {
    return Error(
        e.ai, e.pos,
        std::to_string(spec.length) + " digits expected, got " + std::to_string(e.value.size()));
  }
  if (e.value.size() > spec.max_length) {
    return Error(e.ai, e.pos,
                 "at most " + std::to_string(spec.max_length) + " characters, got " +
                     std::to_string(e.value.size()));
  }
  const auto once = [&](auto& slot, auto value) -> Status {
    if (slot.has_value()) return Error(e.ai, e.pos, "appears more than once");
    slot = std::move(value);
    return Status::Ok();
  };
  switch (spec.kind) {
    case Kind::kSscc:
    case Kind::kGtin:
    case Kind::kContentGtin:
    case Kind::kGln: {
      XB_RETURN_IF_ERROR(CheckDigitOk(e));
      std::string v(e.value);
      if (spec.kind == Kind::kSscc) return once(scan.sscc, v);
      if (spec.kind == Kind::kGtin) return once(scan.gtin, v);
      if (spec.kind == Kind::kContentGtin) return once(scan.content_gtin, v);
      return e.ai == "410" ? once(scan.ship_to_gln, v) : once(scan.location_gln, v);
    }
    case Kind::kLot:
      return once(scan.lot, std::string(e.value));
    case Kind::kSerial:
      return once(scan.serial, std::string(e.value));
    case Kind::kText:
      return once(scan.order_number, std::string(e.value));
    case Kind::kDate: {
      XB_ASSIGN_OR_RETURN(const Date date, ParseYymmdd(e, today));
      if (e.ai == "11") return once(scan.production_date, date);
      if (e.ai == "13") return once(scan.packaging_date, date);
      if (e.ai == "15") return once(scan.best_before_date, date);
      return once(scan.expiry_date, date);
    }
    case Kind::kCount: {
      if (scan.quantity) return Error(e.ai, e.pos, "a quantity (AI 30 or 37) was already given");
      return once(scan.quantity, *ParseInt64(e.value));
    }
    case Kind::kWeight: {
      const std::int64_t raw = *ParseInt64(e.value);
      int decimals = e.ai[3] - '0';
      std::int64_t grams = raw * 1000;  // kilograms × 1000, then the decimals removed
      while (decimals-- > 0) grams /= 10;
      return once(scan.net_weight_grams, grams);
    }
  }
  return Status::Ok();
}

// "(01)09506000134352(17)261231(10)ABC": an element ends where the next "(AI)" of a known AI
// starts (lot numbers may themselves contain parentheses).
Result<std::vector<Element>> SplitParenthesised(std::string_view text) {
  const auto ai_at = [&](std::size_t at, Element& out) -> bool {
    if (at >= text.size() || text[at] != '(') return false;
    const std::size_t close = text.find(')', at);
    if (close == std::string_view::npos) return false;
    const std::string_view digits = text.substr(at + 1, close - at - 1);
    if (digits.size() < 2 || digits.size() > 4 || !IsAllDigits(digits)) return false;
    std::string ai;
    const AiSpec* spec = MatchAi(digits, ai);
    if (spec == nullptr || ai.size() != digits.size()) return false;
    out.spec = spec;
    out.ai = std::move(ai);
    out.pos = close + 2;
    return true;
  };
  std::vector<Element> out;
  std::size_t at = 0;
  while (at < text.size()) {
    Element e;
    if (!ai_at(at, e)) {
      const std::size_t close = text.find(')', at);
      if (text[at] == '(' && close != std::string_view::npos) {
        return InvalidArgument("barcode: unknown or unsupported AI (" +
                                   std::string(text.substr(at + 1, close - at - 1)) +
                                   ") at position " + std::to_string(at + 1),
                               kField);
      }
      return InvalidArgument("barcode: expected \"(AI)\" at position " + std::to_string(at + 1) +
                                 ", found " + Quoted(text.substr(at, 8)),
                             kField);
    }
    const std::size_t start = e.pos - 1;
    std::size_t end = start;
    if (e.spec->length > 0) {
      // Fixed length: data runs to the next '(' (numeric data never contains one).
      end = text.find('(', start);
      if (end == std::string_view::npos) end = text.size();
      if (end - start > e.spec->length && IsAllDigits(text.substr(start, e.spec->length))) {
        return Error(e.ai, start + e.spec->length + 1,
                     "unexpected data " + Quoted(text.substr(start + e.spec->length)) +
                         " after the " + std::to_string(e.spec->length) + " digits");
      }
    } else {
      Element next;
      end = start;
      while (end < text.size() && !ai_at(end, next)) ++end;
    }
    e.value = text.substr(start, end - start);
    out.push_back(std::move(e));
    at = end;
  }
  return out;
}

// Raw element strings: AIs back to back, a GS after each variable-length element that is not the
// last. A GS after a fixed-length element is tolerated.
Result<std::vector<Element>> SplitRaw(std::string_view text, std::size_t offset) {
  std::vector<Element> out;
  std::size_t at = 0;
  while (at < text.size() && text[at] == kGs) ++at;  // FNC1 in first position sent as GS
  while (at < text.size()) {
    Element e;
    e.spec = MatchAi(text.substr(at), e.ai);
    if (e.spec == nullptr) {
      return InvalidArgument("barcode: unknown or unsupported AI at position " +
                                 std::to_string(offset + at + 1) + ", found " +
                                 Quoted(text.substr(at, 4)),
                             kField);
    }
    const std::size_t start = at + e.ai.size();
    std::size_t end = text.find(kGs, start);
    if (end == std::string_view::npos) end = text.size();
    if (e.spec->length > 0) {
      end = std::min(end, start + e.spec->length);
    } else if (end - start > e.spec->max_length) {
      return Error(e.ai, offset + start + 1,
                   "more than " + std::to_string(e.spec->max_length) +
                       " characters (a GS separator missing?)");
    }
    e.value = text.substr(start, end - start);
    e.pos = offset + start + 1;
    out.push_back(std::move(e));
    at = end;
    if (at < text.size() && text[at] == kGs) ++at;
  }
  if (out.empty())
    return InvalidArgument("barcode: no element strings after the identifier", kField);
  return out;
}

Result<Gs1Scan> PlainGtin(std::string_view digits) {
  Status ok = catalog::ValidateGtin(digits);
  if (!ok.ok()) return InvalidArgument("barcode: " + ok.message().substr(6), kField);
  Gs1Scan scan;
  scan.gtin = std::string(14 - digits.size(), '0') + std::string(digits);
  return scan;
}

}  // namespace

Result<Gs1Scan> ParseGs1(std::string_view text, Date today) {
  if (text.empty()) return InvalidArgument("barcode: is empty", kField);
  std::vector<Element> elements;
  if (text[0] == ']') {
    const std::string_view id = text.substr(0, 3);
    const std::string_view rest = text.substr(id.size());
    if (id == "]E0" || id == "]E4") return PlainGtin(rest);
    if (id != "]C1" && id != "]d2" && id != "]Q3" && id != "]e0") {
      return InvalidArgument("barcode: symbology identifier " + Quoted(id) +
                                 " is not a GS1 one (]C1, ]d2, ]Q3, ]e0, ]E0, ]E4)",
                             kField);
    }
    XB_ASSIGN_OR_RETURN(elements, SplitRaw(rest, id.size()));
  } else if (text[0] == '(') {
    XB_ASSIGN_OR_RETURN(elements, SplitParenthesised(text));
  } else if (IsAllDigits(text) &&
             (text.size() == 8 || text.size() == 12 || text.size() == 13 || text.size() == 14)) {
    return PlainGtin(text);
  } else {
    XB_ASSIGN_OR_RETURN(elements, SplitRaw(text, 0));
  }
  Gs1Scan scan;
  for (const auto& e : elements) XB_RETURN_IF_ERROR(Apply(e, today, scan));
  return scan;
}

Result<std::string> MakeSscc(int extension, std::string_view company_prefix, std::int64_t serial) {
  if (extension < 0 || extension > 9) {
    return InvalidArgument("extension: must be a digit 0..9", "extension");
  }
  if (company_prefix.size() < 6 || company_prefix.size() > 12 || !IsAllDigits(company_prefix)) {
    return InvalidArgument("company_prefix: must be 6..12 digits", "company_prefix");
  }
  const std::size_t width = 16 - company_prefix.size();
  std::int64_t limit = 1;
  for (std::size_t i = 0; i < width; ++i) limit *= 10;
  if (serial < 0 || serial >= limit) {
    return InvalidArgument("serial: " + std::to_string(serial) + " does not fit in " +
                               std::to_string(width) + " digits after a " +
                               std::to_string(company_prefix.size()) + "-digit company prefix",
                           "serial");
  }
  std::string digits(1, static_cast<char>('0' + extension));
  digits += company_prefix;
  const std::string serial_text = std::to_string(serial);
  digits += std::string(width - serial_text.size(), '0') + serial_text;
  digits += static_cast<char>('0' + catalog::Gs1CheckDigit(digits));
  return digits;
}

bool IsValidSscc(std::string_view sscc) {
  return sscc.size() == 18 && IsAllDigits(sscc) &&
         sscc.back() - '0' == catalog::Gs1CheckDigit(sscc.substr(0, 17));
}

}  // namespace xb::warehouse
