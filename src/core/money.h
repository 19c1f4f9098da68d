// Money: an integer count of a currency's minor units (fen for CNY), never a float. Arithmetic
// is exact; every division rounds explicitly, half away from zero ("half up" on amounts).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace xb {

__extension__ typedef __int128 Int128;  // NOLINT(modernize-use-using): __extension__ needs typedef

// An ISO 4217 code with its minor-unit exponent (CNY 2, JPY 0, KWD 3).
class Currency {
 public:
  // Accepts three upper-case letters; the exponent comes from ISO 4217 (2 when not listed as 0/3).
  static Result<Currency> Of(std::string_view code);
  static Currency Cny();
  std::string_view code() const { return {code_, 3}; }
  int minor_digits() const { return minor_digits_; }
  friend bool operator==(const Currency& a, const Currency& b) { return a.code() == b.code(); }

 private:
  Currency(std::string_view code, int minor_digits);
  char code_[3] = {'X', 'X', 'X'};
  int minor_digits_ = 2;
};

// Divides with rounding half away from zero: 5/2 -> 3, -5/2 -> -3. den must not be 0.
std::int64_t DivideRoundHalfUp(Int128 num, Int128 den);

class Money {
 public:
  Money(std::int64_t minor, Currency currency) : minor_(minor), currency_(currency) {}
  static Money Zero(Currency currency) { return {0, currency}; }
  // Parses "425.00", "-3.5", "12": at most the currency's minor digits; no exponent, no grouping.
  static Result<Money> Parse(std::string_view text, Currency currency);

  std::int64_t minor() const { return minor_; }
  const Currency& currency() const { return currency_; }
  // Decimal text with exactly minor_digits fraction digits: "425.00".
  std::string ToDecimalString() const;

  // Same-currency arithmetic; a currency mismatch is a programming error and aborts.
  Money operator+(const Money& other) const;
  Money operator-(const Money& other) const;
  Money operator-() const { return {-minor_, currency_}; }
  // this × num / den, rounded half up to the minor unit.
  Money MultiplyRatio(std::int64_t num, std::int64_t den) const;
  friend bool operator==(const Money& a, const Money& b) {
    return a.minor_ == b.minor_ && a.currency_ == b.currency_;
  }

 private:
  std::int64_t minor_;
  Currency currency_;
};

}  // namespace xb
