#include "flows/customs/customs_service.h"

#include <gtest/gtest.h>

#include "flows/customs/customs_test_support.h"

namespace xb::customs_flow {
namespace {

using customs::DeclarationState;

class CustomsServiceTest : public CustomsFlowTest {
 protected:
  CustomsService svc_{*db_, clock_};
};

TEST(PositiveListCsvTest, QuotedFieldsAndEmptyValidToAreRead) {
  auto [lines, errors] = ParsePositiveListCsv(
      TenantId(1),
      "hs_code,description,valid_from,valid_to,source\r\n"
      "19011010,\"Infant formula, \"\"stage 1\"\"\",2022-03-01,,2022 edition\r\n"
      "33049900,Skin care,2022-03-01,2030-12-31,2022 edition\n");
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].description, "Infant formula, \"stage 1\"");
  EXPECT_FALSE(lines[0].valid_to.has_value());
  EXPECT_EQ(lines[1].valid_to, Day(2030, 12, 31));
}

TEST(PositiveListCsvTest, EveryBadRowIsNamed) {
  auto [lines, errors] = ParsePositiveListCsv(TenantId(1),
                                              "hs_code,description,valid_from,valid_to,source\n"
                                              "1901,Too short,2022-03-01,,x\n"
                                              "19011010,Fine,2022-03-01,,x\n"
                                              "19011090,Bad date,2022-13-01,,x\n"
                                              "19011010,Twice,2022-03-01,,x\n"
                                              "19011020,Too few\n");
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_EQ(errors[1].line, 4);
  EXPECT_EQ(errors[1].field, "valid_from");
  EXPECT_EQ(errors[2].line, 5);
  EXPECT_EQ(errors[3].line, 6);
  auto wrong = ParsePositiveListCsv(TenantId(1), "hs,description\n19011010,x\n");
  ASSERT_EQ(wrong.second.size(), 1u);
  EXPECT_EQ(wrong.second[0].line, 1);
}

TEST_F(CustomsServiceTest, ImportIsAllOrNothing) {
  PositiveListQuery q;
  auto seeded = svc_.ListPositiveList(Ctx(), PositiveListQuery{});
  ASSERT_TRUE(seeded.ok());
  auto bad = svc_.ImportPositiveList(Ctx(),
                                     "hs_code,description,valid_from,valid_to,source\n"
                                     "19011010,Fine,2022-03-01,,x\n"
                                     "1901,Too short,2022-03-01,,x\n");
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  EXPECT_EQ(bad->imported, 0);
  EXPECT_EQ(bad->errors.size(), 1u);
  auto listed = svc_.ListPositiveList(Ctx(), PositiveListQuery{});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->second, seeded->second);

  auto good = svc_.ImportPositiveList(Ctx(),
                                      "hs_code,description,valid_from,valid_to,source\n"
                                      "19011011,Formula,2022-03-01,,x\n"
                                      "33049901,Skin care,2022-03-01,,x\n");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->imported, 2);
  q.hs = "190110";
  q.after = "19011010";
  listed = svc_.ListPositiveList(Ctx(), q);
  ASSERT_TRUE(listed.ok());
  ASSERT_FALSE(listed->first.empty());
  EXPECT_EQ(listed->first[0].hs_code, "19011011");

  auto again = svc_.ImportPositiveList(Ctx(),
                                       "hs_code,description,valid_from,valid_to,source\n"
                                       "19011011,Formula,2022-03-01,,x\n");
  EXPECT_EQ(again.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(svc_.ImportPositiveList(Ctx(access::Role::kPlanner), "").status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(CustomsServiceTest, RulesAreAddedAsDatedRows) {
  customs::RuleRow row;
  row.kind = customs::RuleKind::kReturnApplyDays;
  row.quantity = 40;
  row.valid_from = Day(2027, 1, 1);
  row.source = "merchant policy";
  auto before = svc_.ListRules(Ctx(access::Role::kReadOnly));
  ASSERT_TRUE(before.ok());
  auto added = svc_.AddRule(Ctx(access::Role::kCustomsBroker), row);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->tenant_id, TenantId(kTenant));
  auto rules = svc_.ListRules(Ctx(access::Role::kReadOnly));
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->size(), before->size() + 1);
  row.source = "";
  EXPECT_EQ(svc_.AddRule(Ctx(), row).status().field(), "source");
}

TEST_F(CustomsServiceTest, QuotaLookupIsMasked) {
  PlaceOrder(2);
  auto view = svc_.Quota(Ctx(access::Role::kCustomsBroker), {"id_card", kIdNumber, 2026});
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->id_number_masked, "110***********1233");
  EXPECT_EQ(view->used_fen, 20000);
  EXPECT_EQ(view->limit_fen, 2'600'000);
  EXPECT_EQ(view->remaining_fen, 2'580'000);
  ASSERT_EQ(view->entries.size(), 1u);
  EXPECT_EQ(view->entries[0].id_number, "110***********1233");
  EXPECT_EQ(svc_.Quota(Ctx(access::Role::kPlanner), {"id_card", kIdNumber, 2026}).status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(CustomsServiceTest, DeclarationsAreListedMaskedAndCancelled) {
  auto placed = PlaceOrder(1, 0, DeclarationState::kQueued);
  customs::DeclarationQuery q;
  q.state = DeclarationState::kQueued;
  auto listed = svc_.ListDeclarations(Ctx(access::Role::kReadOnly), q);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->first.size(), 1u);
  EXPECT_EQ(listed->first[0].order.buyer.id_number, "110***********1233");

  auto queue = svc_.Queue(Ctx());
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->keys.size(), 1u);
  EXPECT_EQ(queue->keys[0].queued, 1);

  auto cancelled = svc_.CancelDeclaration(Ctx(), placed.declaration.id, "buyer cancelled");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->state, DeclarationState::kCancelled);
  EXPECT_EQ(svc_.CancelDeclaration(Ctx(), placed.declaration.id, "").status().code(),
            ErrorCode::kFailedPrecondition);
  queue = svc_.Queue(Ctx());
  ASSERT_TRUE(queue.ok());
  EXPECT_TRUE(queue->keys.empty() || queue->keys[0].queued == 0);

  auto view = svc_.GetDeclaration(Ctx(), placed.declaration.id);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->declaration.reason, "buyer cancelled");
}

}  // namespace
}  // namespace xb::customs_flow
