// Money as text inside the orders module: "425.00", "-3.50". The customs module prints money the
// same way (customs::FenToString); the orders domain keeps its own copy to depend on core only.
#pragma once

#include <cstdint>
#include <string>

namespace xb::orders {

inline std::string FenText(std::int64_t fen) {
  const bool negative = fen < 0;
  const std::uint64_t abs =
      negative ? 0 - static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
  std::string cents = std::to_string(abs % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (negative ? "-" : "") + std::to_string(abs / 100) + "." + cents;
}

}  // namespace xb::orders
