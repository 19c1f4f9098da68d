// Quantity: a count of a SKU's base unit (pieces, or grams for goods sold by weight), as an
// integer. Arithmetic that would overflow or go below zero is reported, never wrapped.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>

namespace xb {

class Quantity {
 public:
  constexpr Quantity() = default;
  constexpr explicit Quantity(std::int64_t units) : units_(units) {}
  constexpr std::int64_t units() const { return units_; }
  constexpr bool positive() const { return units_ > 0; }

  // The sum, or nullopt on overflow.
  std::optional<Quantity> Plus(Quantity other) const {
    std::int64_t out = 0;
    if (__builtin_add_overflow(units_, other.units_, &out)) return std::nullopt;
    return Quantity(out);
  }
  // The difference, or nullopt when it would be negative (stock never goes below zero).
  std::optional<Quantity> MinusNonNegative(Quantity other) const {
    if (other.units_ > units_) return std::nullopt;
    return Quantity(units_ - other.units_);
  }
  // clang-tidy 14 reports the defaulted <=> as comparing with a literal 0.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  friend constexpr auto operator<=>(const Quantity&, const Quantity&) = default;

 private:
  std::int64_t units_ = 0;
};

}  // namespace xb
