#include "domain/catalog/gtin.h"

#include <string>

#include "core/text.h"

namespace xb::catalog {

int Gs1CheckDigit(std::string_view digits) {
  // Weights 3,1,3,1... from the rightmost digit of the payload.
  int sum = 0;
  int weight = 3;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    sum += (*it - '0') * weight;
    weight = weight == 3 ? 1 : 3;
  }
  return (10 - sum % 10) % 10;
}

Status ValidateGtin(std::string_view gtin) {
  if (!IsAllDigits(gtin)) return InvalidArgument("gtin: must contain digits only", "gtin");
  if (gtin.size() != 8 && gtin.size() != 12 && gtin.size() != 13 && gtin.size() != 14) {
    return InvalidArgument(
        "gtin: must be 8, 12, 13 or 14 digits, got " + std::to_string(gtin.size()), "gtin");
  }
  const int expected = Gs1CheckDigit(gtin.substr(0, gtin.size() - 1));
  if (gtin.back() - '0' != expected) {
    return InvalidArgument("gtin: check digit is wrong (expected " + std::to_string(expected) + ")",
                           "gtin");
  }
  return Status::Ok();
}

Status ValidateHsCode(std::string_view hs_code) {
  if (!IsAllDigits(hs_code)) return InvalidArgument("hs_code: must contain digits only", "hs_code");
  if (hs_code.size() != 8 && hs_code.size() != 10) {
    return InvalidArgument("hs_code: must be 8 or 10 digits, got " + std::to_string(hs_code.size()),
                           "hs_code");
  }
  return Status::Ok();
}

Status ValidateCountryCode(std::string_view country, std::string_view field) {
  if (!IsCountryCodeForm(country)) {
    return InvalidArgument(std::string(field) + ": must be an ISO 3166 alpha-2 code like \"AU\"",
                           std::string(field));
  }
  return Status::Ok();
}

}  // namespace xb::catalog
