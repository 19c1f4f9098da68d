#include "flows/sourcing/procurement_service.h"

#include "flows/sourcing/sourcing_test_support.h"

namespace xb::sourcing {
namespace {

using access::Role;
using procurement::PoStatus;
using procurement::TransportMode;

class ProcurementServiceTest : public SourcingTest {
 protected:
  void SetUp() override {
    supplier_ = AddSupplier("BELLAMY");
    sku_ = AddSku("MILK");
    wh_ = AddWarehouse("NINGBO");
  }

  OrderDraft Draft(const std::string& code, std::int64_t qty = 100) const {
    OrderDraft d;
    d.code = code;
    d.supplier_id = supplier_;
    d.warehouse_id = wh_;
    d.transport_mode = TransportMode::kSea;
    d.currency = "AUD";
    d.order_date = Day(2026, 11, 2);
    d.lines = {{sku_, qty, std::nullopt}};
    return d;
  }

  std::int64_t supplier_ = 0;
  std::int64_t sku_ = 0;
  std::int64_t wh_ = 0;
};

TEST_F(ProcurementServiceTest, PriceListEntriesNeedActiveSuppliersAndSkus) {
  PriceDraft d;
  d.supplier_id = supplier_;
  d.sku_id = sku_;
  d.currency = "AUD";
  d.unit_price = "12.50";
  d.lead_time_days = {{TransportMode::kSea, 35}};
  auto created = proc_.CreatePrice(Ctx(), d);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->record.unit_price_minor, 1250);
  EXPECT_EQ(created->record.valid_from, Day(2026, 11, 25)) << "valid from today by default";
  EXPECT_EQ(created->record.version, 1);
  EXPECT_EQ(Events("procurement.price.created").size(), 1U);

  auto bad = d;
  bad.supplier_id = 999;
  EXPECT_EQ(proc_.CreatePrice(Ctx(), bad).status().field(), "supplier_id");
  bad = d;
  bad.unit_price = "12.505";
  EXPECT_EQ(proc_.CreatePrice(Ctx(), bad).status().field(), "unit_price");
  bad = d;
  bad.unit_price = "0";
  EXPECT_EQ(proc_.CreatePrice(Ctx(), bad).status().field(), "unit_price");
  bad = d;
  bad.lead_time_days.clear();
  EXPECT_EQ(proc_.CreatePrice(Ctx(), bad).status().field(), "lead_time_days");
  bad = d;
  bad.currency = "aud";
  EXPECT_EQ(proc_.CreatePrice(Ctx(), bad).status().field(), "currency");
  Archive<catalog::Sku>(sku_);
  auto archived = proc_.CreatePrice(Ctx(), d);
  EXPECT_EQ(archived.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(archived.status().field(), "sku_id");
  EXPECT_EQ(proc_.CreatePrice(Ctx(Role::kPlanner), d).status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(ProcurementServiceTest, PatchingAPriceKeepsTheCurrencyAndTheVersion) {
  const auto id = procurement::PriceListEntryId(AddPrice(supplier_, sku_, "12.50"));
  PricePatch p;
  p.unit_price = "13.10";
  p.valid_to = Day(2026, 12, 31);
  p.expected_version = 1;
  auto updated = proc_.UpdatePrice(Ctx(), id, p);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->unit_price_minor, 1310);
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(proc_.UpdatePrice(Ctx(), id, p).status().code(), ErrorCode::kConflict);
  p.expected_version.reset();
  auto same = proc_.UpdatePrice(Ctx(), id, p);
  EXPECT_EQ(same->version, 2) << "nothing changed";
  p.valid_to = Day(2025, 1, 1);
  EXPECT_EQ(proc_.UpdatePrice(Ctx(), id, p).status().field(), "valid_to");
  PricePatch open;
  open.valid_to = std::optional<Date>();
  open.active = false;
  auto opened = proc_.UpdatePrice(Ctx(), id, open);
  ASSERT_TRUE(opened.ok());
  EXPECT_FALSE(opened->valid_to);
  EXPECT_FALSE(opened->active);
  EXPECT_EQ(Events("procurement.price.updated").size(), 2U);
}

TEST_F(ProcurementServiceTest, AnOrderTakesPricesAndItsExpectedDateFromThePriceList) {
  AddPrice(supplier_, sku_, "12.50", {{TransportMode::kSea, 35}, {TransportMode::kAir, 7}}, 200);
  const auto other_sku = AddSku("CREAM");
  AddPrice(supplier_, other_sku, "3.00", {{TransportMode::kSea, 40}});
  auto d = Draft("PO-1");
  d.lines.push_back({other_sku, 500, std::string("2.90")});
  auto placed = proc_.CreateOrder(Ctx(), d);
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();
  const auto& po = placed->order;
  EXPECT_EQ(po.status, PoStatus::kDraft);
  EXPECT_EQ(po.expected_date, Day(2026, 12, 12)) << "order date + the longest sea lead time (40)";
  ASSERT_EQ(po.lines.size(), 2U);
  EXPECT_EQ(po.lines[0].unit_price_minor, 1250);
  EXPECT_EQ(po.lines[0].quoted_price_minor, 1250);
  EXPECT_EQ(po.lines[1].unit_price_minor, 290);
  EXPECT_EQ(po.lines[1].quoted_price_minor, 300) << "the quote is always the price list's";
  ASSERT_EQ(placed->warnings.size(), 1U);
  EXPECT_NE(placed->warnings[0].find("below the minimum order quantity 200"), std::string::npos)
      << placed->warnings[0];
  EXPECT_EQ(po.at_order.candidates, 1);
  EXPECT_FALSE(po.at_order.score);
  EXPECT_EQ(Events("procurement.po.created").size(), 1U);

  // By air only the first SKU has a lead time: a warning, and the date from the other line.
  d.code = "PO-2";
  d.transport_mode = TransportMode::kAir;
  auto air = proc_.CreateOrder(Ctx(), d);
  ASSERT_TRUE(air.ok()) << air.status().ToString();
  EXPECT_EQ(air->order.expected_date, Day(2026, 11, 9));

  // No price and no unit_price: refused, naming the line.
  const auto unpriced = AddSku("SOAP");
  d.code = "PO-3";
  d.lines = {{unpriced, 1, std::nullopt}};
  auto refused = proc_.CreateOrder(Ctx(), d);
  EXPECT_EQ(refused.status().field(), "lines");
  EXPECT_NE(refused.status().message().find("lines[0].unit_price"), std::string::npos);
  d.lines = {{unpriced, 1, std::string("1.00")}};
  EXPECT_EQ(proc_.CreateOrder(Ctx(), d).status().field(), "expected_date");
  d.expected_date = Day(2026, 11, 30);
  EXPECT_TRUE(proc_.CreateOrder(Ctx(), d).ok());

  d.code = "PO-1";
  EXPECT_EQ(proc_.CreateOrder(Ctx(), d).status().code(), ErrorCode::kAlreadyExists);
  d.code = "PO-4";
  d.warehouse_id = 999;
  EXPECT_EQ(proc_.CreateOrder(Ctx(), d).status().field(), "warehouse_id");
}

TEST_F(ProcurementServiceTest, TheSuppliersStandingDecidesAndIsKeptOnTheOrder) {
  const auto tree = ActiveTemplate();
  const auto rival = AddSupplier("RIVAL");
  AddPrice(supplier_, sku_, "12.50");
  AddPrice(rival, sku_, "12.00");
  Score(rival, "2026-10", Uniform(tree, 90));
  Score(supplier_, "2026-10", Uniform(tree, 40));  // watch: warns

  auto warned = proc_.CreateOrder(Ctx(), Draft("PO-W"));
  ASSERT_TRUE(warned.ok()) << warned.status().ToString();
  const auto& at = warned->order.at_order;
  EXPECT_TRUE(at.warned);
  EXPECT_EQ(at.band, "watch");
  EXPECT_NEAR(*at.score, 40, 1e-9);
  EXPECT_EQ(at.rank, 2);
  EXPECT_EQ(at.candidates, 2);
  ASSERT_FALSE(warned->warnings.empty());
  EXPECT_NE(warned->warnings[0].find("band 'watch'"), std::string::npos) << warned->warnings[0];

  // The latest complete period counts: November's 20 blocks.
  Score(supplier_, "2026-11", Uniform(tree, 20));
  auto blocked = proc_.CreateOrder(Ctx(), Draft("PO-B"));
  ASSERT_EQ(blocked.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(blocked.status().field(), "supplier_id");
  EXPECT_NE(blocked.status().message().find("band 'blocked' (score 20.0 in 2026-11)"),
            std::string::npos)
      << blocked.status().message();
  // An incomplete later period does not change the standing.
  Score(supplier_, "2026-12", {{"on_time_rate", 100}});
  EXPECT_EQ(proc_.CreateOrder(Ctx(), Draft("PO-B")).status().code(),
            ErrorCode::kFailedPrecondition);
}

TEST_F(ProcurementServiceTest, OrdersGoFromDraftToReceivedWithTheirEvents) {
  AddPrice(supplier_, sku_, "12.50");
  const auto id = proc_.CreateOrder(Ctx(), Draft("PO-1"))->order.id;
  ReceiptDraft r;
  r.received_on = Day(2026, 11, 20);
  r.lines = {{1, 60, 58, 2, "crushed cartons"}};
  EXPECT_EQ(proc_.RecordReceipt(Ctx(), id, r).status().code(), ErrorCode::kFailedPrecondition)
      << "a draft receives nothing";
  EXPECT_EQ(proc_.Confirm(Ctx(), id, 5).status().code(), ErrorCode::kConflict);
  auto confirmed = proc_.Confirm(Ctx(), id, 1);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_EQ(confirmed->status, PoStatus::kConfirmed);
  EXPECT_EQ(proc_.Confirm(Ctx(), id, std::nullopt).status().code(), ErrorCode::kFailedPrecondition);

  auto part = proc_.RecordReceipt(Ctx(), id, r);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->order.status, PoStatus::kPartlyReceived);
  EXPECT_EQ(part->receipt.actor, "key:7");
  EXPECT_GT(part->receipt.id.value(), 0);
  EXPECT_EQ(part->order.lines[0].accepted_qty, 58);

  r.received_on = Day(2026, 12, 1);
  EXPECT_EQ(proc_.RecordReceipt(Ctx(), id, r).status().field(), "received_on");
  r.received_on.reset();
  r.lines = {{1, 40, 40, 0, ""}};
  auto rest = proc_.RecordReceipt(Ctx(), id, r);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(rest->order.status, PoStatus::kReceived);
  EXPECT_EQ(rest->receipt.received_on, Day(2026, 11, 25));
  EXPECT_EQ(proc_.Cancel(Ctx(), id, std::nullopt, std::nullopt).status().code(),
            ErrorCode::kFailedPrecondition);

  auto receipts = proc_.ListReceipts(Reader(), id);
  ASSERT_TRUE(receipts.ok());
  EXPECT_EQ(receipts->size(), 2U);
  EXPECT_EQ(Events("procurement.po.confirmed").size(), 1U);
  EXPECT_EQ(Events("procurement.receipt.recorded").size(), 2U);

  const auto other = proc_.CreateOrder(Ctx(), Draft("PO-2"))->order.id;
  auto cancelled = proc_.Cancel(Ctx(), other, std::nullopt, "duplicate order");
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, PoStatus::kCancelled);
  const auto ev = Events("procurement.po.cancelled");
  ASSERT_EQ(ev.size(), 1U);
  EXPECT_NE(ev[0].payload.find("duplicate order"), std::string::npos);

  procurement::PurchaseOrderQuery q;
  q.status = PoStatus::kCancelled;
  auto list = proc_.ListOrders(Reader(), q);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->second, 1);
  q.limit = 0;
  EXPECT_EQ(proc_.ListOrders(Reader(), q).status().field(), "limit");
}

TEST_F(ProcurementServiceTest, ARetriedCreateWithTheSameKeyReturnsTheFirstOrder) {
  AddPrice(supplier_, sku_, "12.50");
  auto ctx = Ctx();
  ctx.idempotency_key = "k-1";
  ctx.request_hash = "h-1";
  auto first = proc_.CreateOrder(ctx, Draft("PO-1"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->replayed);
  auto again = proc_.CreateOrder(ctx, Draft("PO-1"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->order.id, first->order.id);
  ctx.request_hash = "h-2";
  EXPECT_EQ(proc_.CreateOrder(ctx, Draft("PO-9")).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Events("procurement.po.created").size(), 1U);
}

class CountingInventory final : public InventoryPort {
 public:
  Status GoodsReceived(store::Transaction&, const procurement::PurchaseOrder&,
                       const procurement::GoodsReceipt& receipt) override {
    ++calls;
    if (refuse) return FailedPrecondition("the bin is full");
    last_qty = receipt.lines.at(0).accepted_qty;
    return Status::Ok();
  }
  int calls = 0;
  bool refuse = false;
  std::int64_t last_qty = 0;
};

TEST_F(ProcurementServiceTest, ReceiptsReachTheInventoryPortInTheSameTransaction) {
  CountingInventory inventory;
  ProcurementService proc(*db_, clock_, &inventory);
  AddPrice(supplier_, sku_, "12.50");
  const auto id = proc.CreateOrder(Ctx(), Draft("PO-1"))->order.id;
  ASSERT_TRUE(proc.Confirm(Ctx(), id, std::nullopt).ok());
  ReceiptDraft r;
  r.lines = {{1, 10, 10, 0, ""}};
  inventory.refuse = true;
  EXPECT_EQ(proc.RecordReceipt(Ctx(), id, r).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(proc.ListReceipts(Reader(), id)->empty()) << "the refusal rolled the receipt back";
  inventory.refuse = false;
  ASSERT_TRUE(proc.RecordReceipt(Ctx(), id, r).ok());
  EXPECT_EQ(inventory.calls, 2);
  EXPECT_EQ(inventory.last_qty, 10);
}

}  // namespace
}  // namespace xb::sourcing
