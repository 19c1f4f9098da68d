// Shapes of multi-row and IN-list statements, shared by the SQL stores: placeholder lists, and
// batch sizes in powers of two so that a connection prepares few variants of each statement.
#pragma once

#include <cstddef>
#include <string>

namespace xb::sql {

// "?, ?, ?": `n` placeholders.
inline std::string PlaceholderList(std::size_t n) {
  std::string out;
  out.reserve(n * 3);
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

// "(?, ?, ?), (?, ?, ?)": `rows` groups of `columns` placeholders.
inline std::string RowPlaceholders(std::size_t rows, std::size_t columns) {
  const std::string group = "(" + PlaceholderList(columns) + ")";
  std::string out;
  out.reserve(rows * (group.size() + 2));
  for (std::size_t r = 0; r < rows; ++r) {
    if (r > 0) out += ", ";
    out += group;
  }
  return out;
}

// The rows (or keys) the next statement takes: `most` (a power of two) while that many remain,
// then the largest power of two that fits the rest.
inline std::size_t NextBatch(std::size_t remaining, std::size_t most) {
  if (remaining >= most) return most;
  std::size_t n = 1;
  while (n * 2 <= remaining) n *= 2;
  return n;
}

}  // namespace xb::sql
