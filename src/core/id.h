// Id<Tag>: a typed integer id, so a SkuId cannot be passed where a WarehouseId is expected.
// 0 means "not assigned yet"; stores assign positive ids.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace xb {

template <class Tag>
class Id {
 public:
  constexpr Id() = default;
  constexpr explicit Id(std::int64_t value) : value_(value) {}
  constexpr std::int64_t value() const { return value_; }
  constexpr bool assigned() const { return value_ > 0; }
  // clang-tidy 14 reports the defaulted <=> as comparing with a literal 0.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  friend constexpr auto operator<=>(const Id&, const Id&) = default;

 private:
  std::int64_t value_ = 0;
};

struct TenantTag {};
using TenantId = Id<TenantTag>;

}  // namespace xb

template <class Tag>
struct std::hash<xb::Id<Tag>> {
  std::size_t operator()(const xb::Id<Tag>& id) const noexcept {
    return std::hash<std::int64_t>{}(id.value());
  }
};
