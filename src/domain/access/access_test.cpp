#include "domain/access/access.h"

#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::access {
namespace {

const std::vector<Role> kAllRoles = {
    Role::kAdmin,  Role::kBuyer,         Role::kPlanner, Role::kWarehouseOperator,
    Role::kDevice, Role::kCustomsBroker, Role::kReadOnly};

const std::vector<Action> kAllActions = {
    Action::kReadMasterData,   Action::kWriteCatalog,    Action::kWriteSuppliers,
    Action::kWriteChannels,    Action::kWriteCarriers,   Action::kWriteWarehouses,
    Action::kManageKeys,       Action::kReadAudit,       Action::kManageTenants,
    Action::kReadSourcing,     Action::kWriteEvaluation, Action::kWriteProcurement,
    Action::kReadInventory,    Action::kWriteInventory,  Action::kReserve,
    Action::kOperateWarehouse, Action::kReadOrders,      Action::kWriteOrders,
    Action::kOperateCustoms};

// The intended matrix, written out independently of the implementation: action -> roles allowed.
const std::map<Action, std::set<Role>>& Matrix() {
  static const std::map<Action, std::set<Role>> m = {
      {Action::kReadMasterData, {kAllRoles.begin(), kAllRoles.end()}},
      {Action::kWriteCatalog, {Role::kAdmin, Role::kBuyer, Role::kPlanner}},
      {Action::kWriteSuppliers, {Role::kAdmin, Role::kBuyer}},
      {Action::kWriteChannels, {Role::kAdmin}},
      {Action::kWriteCarriers, {Role::kAdmin, Role::kPlanner}},
      {Action::kWriteWarehouses, {Role::kAdmin, Role::kWarehouseOperator}},
      {Action::kManageKeys, {Role::kAdmin}},
      {Action::kReadAudit, {Role::kAdmin}},
      {Action::kManageTenants, {Role::kAdmin}},
      {Action::kReadSourcing,
       {Role::kAdmin, Role::kBuyer, Role::kPlanner, Role::kWarehouseOperator, Role::kCustomsBroker,
        Role::kReadOnly}},
      {Action::kWriteEvaluation, {Role::kAdmin, Role::kBuyer}},
      {Action::kWriteProcurement, {Role::kAdmin, Role::kBuyer}},
      {Action::kReadInventory,
       {Role::kAdmin, Role::kBuyer, Role::kPlanner, Role::kWarehouseOperator, Role::kCustomsBroker,
        Role::kReadOnly}},
      {Action::kWriteInventory, {Role::kAdmin, Role::kWarehouseOperator}},
      {Action::kReserve, {Role::kAdmin, Role::kPlanner, Role::kWarehouseOperator}},
      {Action::kOperateWarehouse, {Role::kAdmin, Role::kWarehouseOperator, Role::kDevice}},
      {Action::kReadOrders,
       {Role::kAdmin, Role::kBuyer, Role::kPlanner, Role::kWarehouseOperator, Role::kCustomsBroker,
        Role::kReadOnly}},
      {Action::kWriteOrders, {Role::kAdmin, Role::kPlanner}},
      {Action::kOperateCustoms, {Role::kAdmin, Role::kCustomsBroker}},
  };
  return m;
}

Principal As(Role role, std::int64_t tenant = kOperatingTenant) {
  return Principal{TenantId(tenant), ApiKeyId(12), role, "test key"};
}

TEST(RoleTest, NamesRoundTrip) {
  const std::vector<std::string> names = {
      "admin", "buyer", "planner", "warehouse_operator", "device", "customs_broker", "read_only"};
  ASSERT_EQ(EnumChoices(Role{}).size(), names.size());
  for (std::size_t i = 0; i < kAllRoles.size(); ++i) {
    SCOPED_TRACE(names[i]);
    EXPECT_EQ(RoleName(kAllRoles[i]), names[i]);
    EXPECT_EQ(RoleFromName(names[i]), kAllRoles[i]);
  }
}

TEST(RoleTest, UnknownRoleNamesDoNotParse) {
  EXPECT_EQ(RoleFromName("Admin"), std::nullopt);
  EXPECT_EQ(RoleFromName("root"), std::nullopt);
  EXPECT_EQ(RoleFromName(""), std::nullopt);
}

TEST(RoleAllowsTest, FollowsTheRoleActionMatrix) {
  for (Action action : kAllActions) {
    for (Role role : kAllRoles) {
      SCOPED_TRACE(std::string(RoleName(role)) + " action " +
                   std::to_string(static_cast<int>(action)));
      EXPECT_EQ(RoleAllows(role, action), Matrix().at(action).count(role) == 1);
    }
  }
}

TEST(RoleAllowsTest, EveryRoleReadsMasterDataAndOnlyAdminsManageKeys) {
  for (Role role : kAllRoles) {
    EXPECT_TRUE(RoleAllows(role, Action::kReadMasterData)) << RoleName(role);
    EXPECT_EQ(RoleAllows(role, Action::kManageKeys), role == Role::kAdmin) << RoleName(role);
  }
  EXPECT_FALSE(RoleAllows(Role::kDevice, Action::kWriteWarehouses));
  EXPECT_FALSE(RoleAllows(Role::kCustomsBroker, Action::kWriteCatalog));
  EXPECT_FALSE(RoleAllows(Role::kReadOnly, Action::kReadAudit));
}

TEST(AuthorizeTest, AllowsWhatTheRoleMayDo) {
  EXPECT_TRUE(Authorize(As(Role::kBuyer), Action::kWriteCatalog).ok());
  EXPECT_TRUE(Authorize(As(Role::kWarehouseOperator, 7), Action::kWriteWarehouses).ok());
  EXPECT_TRUE(Authorize(As(Role::kReadOnly, 7), Action::kReadMasterData).ok());
}

TEST(AuthorizeTest, RefusesOtherActionsNamingTheRole) {
  const Status s = Authorize(As(Role::kWarehouseOperator), Action::kWriteCatalog);
  EXPECT_EQ(s.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "role 'warehouse_operator' may not do this");
  const Status ro = Authorize(As(Role::kReadOnly), Action::kManageKeys);
  EXPECT_EQ(ro.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(ro.message(), "role 'read_only' may not do this");
}

TEST(AuthorizeTest, OnlyAdminsOfTheOperatingTenantManageTenants) {
  EXPECT_TRUE(Authorize(As(Role::kAdmin, kOperatingTenant), Action::kManageTenants).ok());
  const Status other = Authorize(As(Role::kAdmin, 2), Action::kManageTenants);
  EXPECT_EQ(other.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(other.message(), "only admins of the operating tenant manage tenants");
  const Status buyer = Authorize(As(Role::kBuyer, kOperatingTenant), Action::kManageTenants);
  EXPECT_EQ(buyer.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(buyer.message(), "role 'buyer' may not do this");
}

TEST(AuthorizeTest, AdminsOfOtherTenantsStillManageTheirOwnKeys) {
  EXPECT_TRUE(Authorize(As(Role::kAdmin, 2), Action::kManageKeys).ok());
  EXPECT_TRUE(Authorize(As(Role::kAdmin, 2), Action::kReadAudit).ok());
}

TEST(PrincipalTest, ActorNamesTheKeyIdNeverTheKey) {
  EXPECT_EQ(As(Role::kAdmin).Actor(), "key:12");
  Principal p;
  EXPECT_EQ(p.Actor(), "key:0");
  EXPECT_EQ(p.role, Role::kReadOnly);  // the least privilege by default
}

}  // namespace
}  // namespace xb::access
