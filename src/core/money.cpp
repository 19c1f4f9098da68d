#include "core/money.h"

#include <array>
#include <cstdlib>
#include <limits>

namespace xb {
namespace {

// ISO 4217 currencies whose minor unit is not 2 digits (list 1, as published by SIX).
struct Exponent {
  std::string_view code;
  int digits;
};
constexpr std::array<Exponent, 22> kExponents = {{
    {"BIF", 0}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0}, {"ISK", 0}, {"JPY", 0}, {"KMF", 0}, {"KRW", 0},
    {"PYG", 0}, {"RWF", 0}, {"UGX", 0}, {"UYI", 0}, {"VND", 0}, {"VUV", 0}, {"XAF", 0}, {"XOF", 0},
    {"XPF", 0}, {"BHD", 3}, {"IQD", 3}, {"JOD", 3}, {"KWD", 3}, {"OMR", 3},
}};

std::int64_t Pow10(int n) {
  std::int64_t v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

}  // namespace

Currency::Currency(std::string_view code, int minor_digits) : minor_digits_(minor_digits) {
  for (std::size_t i = 0; i < 3; ++i) code_[i] = code[i];
}

Result<Currency> Currency::Of(std::string_view code) {
  if (code.size() != 3) return InvalidArgument("currency must be a 3-letter ISO 4217 code");
  for (char c : code) {
    if (c < 'A' || c > 'Z') return InvalidArgument("currency must be 3 upper-case letters");
  }
  int digits = 2;
  for (const auto& e : kExponents) {
    if (e.code == code) digits = e.digits;
  }
  return Currency(code, digits);
}

Currency Currency::Cny() { return Currency("CNY", 2); }

std::int64_t DivideRoundHalfUp(Int128 num, Int128 den) {
  if (den == 0) std::abort();
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const bool negative = num < 0;
  Int128 magnitude = negative ? -num : num;
  Int128 q = magnitude / den;
  const Int128 r = magnitude % den;
  if (2 * r >= den) ++q;
  return static_cast<std::int64_t>(negative ? -q : q);
}

Result<Money> Money::Parse(std::string_view text, Currency currency) {
  if (text.empty()) return InvalidArgument("amount is empty");
  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  Int128 whole = 0;
  int int_digits = 0;
  for (; i < text.size() && text[i] != '.'; ++i) {
    if (text[i] < '0' || text[i] > '9') return InvalidArgument("amount is not a decimal number");
    whole = whole * 10 + (text[i] - '0');
    if (++int_digits > 15) return InvalidArgument("amount is too large");
  }
  if (int_digits == 0) return InvalidArgument("amount needs a digit before the point");
  std::int64_t frac = 0;
  int frac_digits = 0;
  if (i < text.size()) {
    ++i;  // the point
    if (i == text.size()) return InvalidArgument("amount needs digits after the point");
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return InvalidArgument("amount is not a decimal number");
      if (++frac_digits > currency.minor_digits()) {
        return InvalidArgument("amount has more decimals than " + std::string(currency.code()) +
                               " allows");
      }
      frac = frac * 10 + (text[i] - '0');
    }
  }
  const int scale = currency.minor_digits();
  Int128 minor = whole * Pow10(scale) + frac * Pow10(scale - frac_digits);
  return Money(static_cast<std::int64_t>(negative ? -minor : minor), currency);
}

std::string Money::ToDecimalString() const {
  const int scale = currency_.minor_digits();
  const bool negative = minor_ < 0;
  // Work in unsigned space so that INT64_MIN formats correctly.
  unsigned long long magnitude = negative ? 0ULL - static_cast<unsigned long long>(minor_)
                                          : static_cast<unsigned long long>(minor_);
  const auto unit = static_cast<unsigned long long>(Pow10(scale));
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / unit);
  if (scale > 0) {
    std::string frac = std::to_string(magnitude % unit);
    out += '.';
    out.append(static_cast<std::size_t>(scale) - frac.size(), '0');
    out += frac;
  }
  return out;
}

Money Money::operator+(const Money& other) const {
  if (!(currency_ == other.currency_)) std::abort();
  return {minor_ + other.minor_, currency_};
}

Money Money::operator-(const Money& other) const {
  if (!(currency_ == other.currency_)) std::abort();
  return {minor_ - other.minor_, currency_};
}

Money Money::MultiplyRatio(std::int64_t num, std::int64_t den) const {
  return {DivideRoundHalfUp(static_cast<Int128>(minor_) * num, den), currency_};
}

}  // namespace xb
