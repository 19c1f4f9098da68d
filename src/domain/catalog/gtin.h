// GS1 identification keys used on goods: GTIN check digits (GS1 General Specifications §7.9).
#pragma once

#include <string_view>

#include "core/status.h"

namespace xb::catalog {

// The GS1 mod-10 check digit over `digits` (the key without its check digit).
int Gs1CheckDigit(std::string_view digits);

// OK when `gtin` is 8, 12, 13 or 14 digits whose last digit is the GS1 check digit.
Status ValidateGtin(std::string_view gtin);

// OK when `hs_code` is an 8- or 10-digit Chinese tariff code (HS 6 + national subdivisions).
Status ValidateHsCode(std::string_view hs_code);

// OK when `country` is two upper-case letters (ISO 3166-1 alpha-2 form).
Status ValidateCountryCode(std::string_view country, std::string_view field);

}  // namespace xb::catalog
