#include "domain/access/access.h"

namespace xb::access {
namespace {
constexpr std::string_view kRoles[] = {"admin",  "buyer",          "planner",  "warehouse_operator",
                                       "device", "customs_broker", "read_only"};
}  // namespace

std::span<const std::string_view> EnumChoices(Role) { return kRoles; }

std::optional<Role> RoleFromName(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kRoles); ++i) {
    if (kRoles[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::string_view RoleName(Role role) { return kRoles[static_cast<std::size_t>(role)]; }

bool RoleAllows(Role role, Action action) {
  switch (action) {
    case Action::kReadMasterData:
      return true;
    case Action::kWriteCatalog:
      return role == Role::kAdmin || role == Role::kBuyer || role == Role::kPlanner;
    case Action::kWriteSuppliers:
      return role == Role::kAdmin || role == Role::kBuyer;
    case Action::kWriteChannels:
      return role == Role::kAdmin;
    case Action::kWriteCarriers:
      return role == Role::kAdmin || role == Role::kPlanner;
    case Action::kWriteWarehouses:
      return role == Role::kAdmin || role == Role::kWarehouseOperator;
    case Action::kReadSourcing:
    case Action::kReadInventory:
    case Action::kReadOrders:
      return role != Role::kDevice;
    case Action::kWriteOrders:
      return role == Role::kAdmin || role == Role::kPlanner;
    case Action::kOperateCustoms:
      return role == Role::kAdmin || role == Role::kCustomsBroker;
    case Action::kWriteInventory:
      return role == Role::kAdmin || role == Role::kWarehouseOperator;
    case Action::kReserve:
      return role == Role::kAdmin || role == Role::kPlanner || role == Role::kWarehouseOperator;
    case Action::kOperateWarehouse:
      return role == Role::kAdmin || role == Role::kWarehouseOperator || role == Role::kDevice;
    case Action::kWriteEvaluation:
    case Action::kWriteProcurement:
      return role == Role::kAdmin || role == Role::kBuyer;
    case Action::kManageKeys:
    case Action::kReadAudit:
    case Action::kManageTenants:
      return role == Role::kAdmin;
  }
  return false;
}

Status Authorize(const Principal& principal, Action action) {
  if (!RoleAllows(principal.role, action)) {
    return PermissionDenied("role '" + std::string(RoleName(principal.role)) + "' may not do this");
  }
  if (action == Action::kManageTenants && principal.tenant_id.value() != kOperatingTenant) {
    return PermissionDenied("only admins of the operating tenant manage tenants");
  }
  return Status::Ok();
}

}  // namespace xb::access
