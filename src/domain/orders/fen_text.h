// Money as text inside the orders module: "425.00", "-3.50". The customs module prints money the
// same way (customs::FenToString); the orders domain keeps its own copy to depend on core only.
#pragma once

#include <cstdint>
#include <string>

namespace xb::orders {

inline std::string FenText(std::int64_t fen) {
  const bool negative = fen < 0;
  std::uint64_t abs =
      negative ? 0 - static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
  char buf[24];
  char* const end = buf + sizeof buf;
  char* p = end;
  *--p = static_cast<char>('0' + abs % 10);
  *--p = static_cast<char>('0' + abs / 10 % 10);
  *--p = '.';
  abs /= 100;
  do {
    *--p = static_cast<char>('0' + abs % 10);
    abs /= 10;
  } while (abs != 0);
  if (negative) *--p = '-';
  return std::string(p, end);
}

}  // namespace xb::orders
