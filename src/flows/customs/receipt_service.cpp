#include "flows/customs/receipt_service.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <utility>

#include "core/record_field.h"
#include "flows/customs/support.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/inventory/stock_posting.h"
#include "flows/warehouse/warehouse_service.h"

namespace xb::customs_flow {

using customs::Declaration;
using customs::DeclarationState;
using customs::Receipt;
using customs::ReceiptKind;
using inventory::Movement;
using inventory::MovementReason;
using inventory::Place;
using inventory::Reservation;
using inventory::ReservationId;
using inventory::StockState;
using orders::OrderState;

RequestContext SystemContext(TenantId tenant, std::string request_id) {
  RequestContext ctx;
  ctx.principal.tenant_id = tenant;
  ctx.principal.role = access::Role::kAdmin;
  ctx.principal.key_name = "system";
  ctx.request_id = std::move(request_id);
  return ctx;
}

// "XB" + tenant + the declaration id in 12 digits (the customs stores' default list number).
std::optional<TenantId> TenantOfListNo(std::string_view list_no) {
  constexpr std::size_t kIdDigits = 12;
  if (list_no.size() < 2 + 1 + kIdDigits || list_no.substr(0, 2) != "XB") return std::nullopt;
  for (char c : list_no.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::string_view digits = list_no.substr(2, list_no.size() - 2 - kIdDigits);
  std::int64_t tenant = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), tenant);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || tenant <= 0) {
    return std::nullopt;
  }
  return TenantId(tenant);
}

// What happens after the receipt's transaction committed: engine changes, the pick task, the
// quota book. Filled by ApplyOnce, run by RunFollowups.
struct ReceiptService::Followups {
  // Engine picks taken for a hold: given back unless the transaction committed.
  struct Taken {
    ReservationId id;
    inventory::LotId lot;
    std::int64_t qty = 0;
  };
  std::vector<Taken> taken;
  bool committed = false;
  std::unique_ptr<inventory_flow::StockPosting> posting;  // engine-aware, Committed() after commit
  std::vector<ReservationId> release;                     // reservations to release
  // Stock released from a customs hold, to reserve again for its order line.
  struct Rereserve {
    std::int64_t line_no = 0;
    inventory_flow::ReserveRequest request;
    std::vector<inventory::LotAvailability> lots;
  };
  std::vector<Rereserve> rereserve;
  bool pick = false;
  std::int64_t warehouse_id = 0;
  std::int64_t staging_bin_id = 0;
  std::vector<std::int64_t> reservation_ids;
  std::vector<customs::QuotaEntry> quota;
  std::vector<customs::GoodsCapEntry> caps;
  orders::OrderId order_id;

  inventory_flow::ReservationEngine* engine = nullptr;
  TenantId tenant;
  ~Followups() {
    if (committed || engine == nullptr) return;
    for (auto it = taken.rbegin(); it != taken.rend(); ++it) {
      engine->UndoTakeForPick(tenant, it->id, it->lot, it->qty);
    }
  }
};

ReceiptService::ReceiptService(store::Database& db, const Clock& clock,
                               inventory_flow::ReservationEngine* engine,
                               warehouse_flow::WarehouseService* warehouse,
                               QuotaRestored quota_restored, GoodsCapRestored goods_cap_restored)
    : db_(db),
      clock_(clock),
      engine_(engine),
      warehouse_(warehouse),
      quota_restored_(std::move(quota_restored)),
      goods_cap_restored_(std::move(goods_cap_restored)) {}

Result<ReceiptOutcome> ReceiptService::Apply(const RequestContext& ctx, const Receipt& receipt) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kOperateCustoms));
  return Apply(ctx.principal.tenant_id, receipt, ctx.principal.Actor());
}

Result<ReceiptOutcome> ReceiptService::Apply(TenantId tenant, const Receipt& receipt,
                                             const std::string& actor) {
  if (receipt.receipt_id.empty() || receipt.receipt_id.size() > 64) {
    return InvalidArgument("receipt_id: 1 to 64 characters", "receipt_id");
  }
  if (receipt.list_no.empty() || receipt.list_no.size() > 64) {
    return InvalidArgument("list_no: 1 to 64 characters", "list_no");
  }
  if (receipt.reason.size() > 500) {
    return InvalidArgument("reason: at most 500 characters", "reason");
  }
  for (int attempt = 0;; ++attempt) {
    Followups after;
    after.engine = engine_;
    after.tenant = tenant;
    auto outcome = ApplyOnce(tenant, receipt, actor, after);
    if (!outcome.ok()) {
      if (outcome.status().code() == ErrorCode::kConflict && attempt < 2) continue;
      return outcome.status();
    }
    if (!outcome->replayed) {
      RunFollowups(tenant, actor, after, *outcome);
    } else if (receipt.kind == ReceiptKind::kReleased &&
               outcome->declaration.state == DeclarationState::kReleased) {
      EnsurePick(tenant, *outcome);
    } else if (receipt.kind == ReceiptKind::kRejected &&
               outcome->declaration.state == DeclarationState::kRejected) {
      EnsureReleased(tenant, *outcome);
    }
    return outcome;
  }
}

namespace {

std::vector<orders::OrderLine*> ShipmentLines(orders::Order& order, const Declaration& d) {
  std::vector<orders::OrderLine*> lines;
  for (auto& line : order.lines) {
    if (line.shipment_ref == d.shipment_ref && line.mode != orders::Mode::kBackorder) {
      lines.push_back(&line);
    }
  }
  return lines;
}

std::string Payload(const Declaration& d, const Receipt& r) {
  nlohmann::json j;
  j["list_no"] = d.list.list_no;
  j["receipt_id"] = r.receipt_id;
  j["kind"] = std::string(EnumName(r.kind));
  j["state"] = std::string(EnumName(d.state));
  j["order_id"] = d.order_id;
  return j.dump();
}

std::string ReceiptDetail(const Declaration& d, const Receipt& r) {
  std::string detail =
      "customs " + std::string(EnumName(r.kind)) + " declaration " + d.list.list_no;
  if (!r.reason.empty()) detail += ": " + r.reason;
  return detail;
}

// The staging bin a pick task of the warehouse takes stock to: an active shipping bin, else an
// active pick bin (lowest id).
Result<std::int64_t> StagingBin(store::Transaction& tx, TenantId tenant,
                                std::int64_t warehouse_id) {
  XB_ASSIGN_OR_RETURN(auto bins, internal::BinsOf(tx, tenant, warehouse_id));
  for (auto kind : {partners::BinKind::kShipping, partners::BinKind::kPick}) {
    for (const auto& b : bins) {
      if (b.kind == kind && b.status == RecordStatus::kActive) return b.id.value();
    }
  }
  return std::int64_t{0};
}

}  // namespace

Result<ReceiptOutcome> ReceiptService::ApplyOnce(TenantId tenant, const Receipt& receipt,
                                                 const std::string& actor, Followups& after) {
  const Timestamp now = clock_.Now();
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  auto& cs = tx->customs();
  XB_ASSIGN_OR_RETURN(auto found, cs.FindDeclarationByListNo(tenant, receipt.list_no));
  if (!found) return NotFound("unknown declaration " + receipt.list_no);
  Declaration d = std::move(*found);
  XB_ASSIGN_OR_RETURN(auto order, tx->orders().GetOrder(tenant, orders::OrderId(d.order_id)));

  if (Status st = cs.InsertReceipt(tenant, d.id, receipt); !st.ok()) {
    if (st.code() != ErrorCode::kAlreadyExists) return st;
    ReceiptOutcome replay;
    replay.declaration = std::move(d);
    replay.order_state = order.state;
    replay.replayed = true;
    return replay;
  }
  const DeclarationState before = d.state;
  XB_ASSIGN_OR_RETURN(d.state, customs::ApplyReceipt(before, receipt.kind));
  const Timestamp at = receipt.at.micros() != 0 ? receipt.at : now;
  if (!receipt.reason.empty()) d.reason = receipt.reason;
  d.updated_at = now;

  ReceiptOutcome outcome;
  std::vector<orders::OrderEvent> timeline;
  const std::string detail = ReceiptDetail(d, receipt);
  auto lines = ShipmentLines(order, d);
  inventory_flow::StockPosting bare(nullptr);  // movements the engine must not hear of
  std::vector<Movement> bare_moves;
  std::vector<Movement> engine_moves;
  std::vector<Reservation> saved;  // reservation rows written in this transaction
  const std::string decl_ref = std::to_string(d.id.value());
  after.order_id = order.id;

  // A receipt that leaves the state as it was (a late acceptance, a second release) is recorded
  // and noted; its effects happened with the first.
  const bool unchanged = d.state == before;
  if (unchanged) timeline.push_back(internal::Note(order, detail + " (no change)", at));
  // A split order's state comes from all its declarations, this one as it is now.
  OrderState target = order.state;
  if (!unchanged) {
    customs::DeclarationQuery q;
    q.order_id = order.id.value();
    q.limit = 100;
    XB_ASSIGN_OR_RETURN(auto all, cs.ListDeclarations(tenant, q));
    std::vector<DeclarationState> states;
    for (const auto& other : all.first) states.push_back(other.id == d.id ? d.state : other.state);
    target = internal::OrderStateOf(order.state, states);
  }
  if (!unchanged) switch (receipt.kind) {
      case ReceiptKind::kAccepted:
        internal::MoveOrder(order, target, detail, at, timeline);
        break;

      case ReceiptKind::kInspectionHold: {
        internal::MoveOrder(order, target, detail, at, timeline);
        // The shipment's reserved stock moves to customs hold: each reservation's outstanding lots
        // are taken from the engine like a pick (reserved stock leaves available stock, nothing
        // else can take it), the reservation ends, the stock is posted available -> customs_hold.
        std::int64_t held = 0;
        std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string>, std::int64_t>
            planned;  // (bin, sku, lot, owner) -> quantity already planned
        for (auto* line : lines) {
          if (line->reservation_id == 0) continue;
          const ReservationId rid(line->reservation_id);
          std::optional<Reservation> r;
          if (engine_ != nullptr) r = engine_->Find(tenant, rid);
          if (!r) {
            XB_ASSIGN_OR_RETURN(auto stored, tx->inventory().GetReservation(tenant, rid));
            r = std::move(stored);
          }
          if (r->state != inventory::ReservationState::kActive) continue;
          inventory::BalanceQuery bq;
          bq.warehouse_id = r->warehouse_id;
          bq.sku_id = r->sku_id;
          bq.owner = r->owner;
          bq.state = StockState::kAvailable;
          XB_ASSIGN_OR_RETURN(auto balances, internal::AllBalances(*tx, tenant, bq));
          std::stable_sort(balances.begin(), balances.end(),
                           [](const inventory::Balance& a, const inventory::Balance& b) {
                             return a.on_hand != b.on_hand ? a.on_hand > b.on_hand
                                                           : a.key.bin_id < b.key.bin_id;
                           });
          for (const auto& rl : r->lines) {
            std::int64_t need = rl.quantity - rl.picked;
            if (need <= 0) continue;
            if (engine_ != nullptr) {
              XB_RETURN_IF_ERROR(engine_->TakeForPick(tenant, rid, rl.lot_id, need));
              after.taken.push_back({rid, rl.lot_id, need});
            }
            for (const auto& b : balances) {
              if (need <= 0) break;
              if (b.key.lot_id != rl.lot_id) continue;
              auto& used = planned[{b.key.bin_id, r->sku_id, rl.lot_id.value(), r->owner}];
              const std::int64_t take = std::min(need, b.on_hand - used);
              if (take <= 0) continue;
              used += take;
              need -= take;
              Movement m;
              m.tenant_id = tenant;
              m.sku_id = r->sku_id;
              m.lot_id = rl.lot_id;
              m.owner = r->owner;
              m.from = Place{r->warehouse_id, b.key.bin_id, StockState::kAvailable};
              m.to = Place{r->warehouse_id, b.key.bin_id, StockState::kCustomsHold};
              m.quantity = take;
              m.reason = MovementReason::kHold;
              m.ref_type = "declaration";
              m.ref_id = decl_ref;
              m.actor = actor;
              m.note = "customs inspection hold";
              m.at = now;
              bare_moves.push_back(std::move(m));
              held += take;
            }
            if (need > 0) {
              return FailedPrecondition("reservation " + std::to_string(rid.value()) + ": lot " +
                                        std::to_string(rl.lot_id.value()) + " lacks " +
                                        std::to_string(need) +
                                        " units of available stock to put on customs hold");
            }
          }
          r->state = inventory::ReservationState::kReleased;
          r->updated_at = now;
          saved.push_back(std::move(*r));
        }
        outcome.notes.push_back(std::to_string(held) + " units on customs hold");
        timeline.push_back(
            internal::Note(order, std::to_string(held) + " units put on customs hold", at));
        break;
      }

      case ReceiptKind::kReleased: {
        d.released_at = at;
        internal::MoveOrder(order, target, detail, at, timeline);
        if (before == DeclarationState::kInspectionHold) {
          // Back from customs hold to available, without telling the engine: the follow-up reserves
          // exactly this stock again for its line (ReserveArrived), so nothing else takes it.
          inventory::MovementQuery mq;
          mq.ref_type = "declaration";
          mq.ref_id = decl_ref;
          mq.limit = 1000;
          XB_ASSIGN_OR_RETURN(auto moved, tx->inventory().ListMovements(tenant, mq));
          std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string>, std::int64_t>
              on_hold;  // (bin, sku, lot, owner)
          std::int64_t wh = 0;
          for (const auto& m : moved) {
            if (m.to && m.to->state == StockState::kCustomsHold) {
              on_hold[{m.to->bin_id, m.sku_id, m.lot_id.value(), m.owner}] += m.quantity;
              wh = m.to->warehouse_id;
            }
            if (m.from && m.from->state == StockState::kCustomsHold) {
              on_hold[{m.from->bin_id, m.sku_id, m.lot_id.value(), m.owner}] -= m.quantity;
            }
          }
          std::map<std::pair<std::int64_t, std::string>, Followups::Rereserve> again;
          for (const auto& [key, qty] : on_hold) {
            if (qty <= 0) continue;
            const auto& [bin, sku, lot, owner] = key;
            Movement m;
            m.tenant_id = tenant;
            m.sku_id = sku;
            m.lot_id = inventory::LotId(lot);
            m.owner = owner;
            m.from = Place{wh, bin, StockState::kCustomsHold};
            m.to = Place{wh, bin, StockState::kAvailable};
            m.quantity = qty;
            m.reason = MovementReason::kRelease;
            m.ref_type = "declaration";
            m.ref_id = decl_ref;
            m.actor = actor;
            m.note = "customs released after inspection";
            m.at = now;
            bare_moves.push_back(std::move(m));
            auto& rr = again[{sku, owner}];
            rr.request.tenant_id = tenant;
            rr.request.warehouse_id = wh;
            rr.request.sku_id = sku;
            rr.request.owner = owner;
            rr.request.quantity += qty;
            rr.request.hold_for = std::chrono::seconds(0);
            auto lot_it =
                std::find_if(rr.lots.begin(), rr.lots.end(),
                             [lot_no = lot](const auto& l) { return l.lot_id.value() == lot_no; });
            if (lot_it == rr.lots.end()) {
              inventory::LotAvailability la;
              la.lot_id = inventory::LotId(lot);
              if (lot != 0) {
                XB_ASSIGN_OR_RETURN(auto l, tx->inventory().GetLot(tenant, inventory::LotId(lot)));
                la.expiry_date = l.expiry_date;
              }
              rr.lots.push_back(la);
              lot_it = rr.lots.end() - 1;
            }
            lot_it->available += qty;
          }
          for (auto& [key, rr] : again) {
            for (auto* line : lines) {
              if (line->sku_id != key.first) continue;
              rr.line_no = line->line_no;
              rr.request.order_ref = "order:" + std::to_string(order.id.value());
              if (line->reservation_id != 0) {
                auto old =
                    tx->inventory().GetReservation(tenant, ReservationId(line->reservation_id));
                if (old.ok()) rr.request.order_ref = old->order_ref;
              }
            }
            after.rereserve.push_back(std::move(rr));
          }
        }
        // The bonded account book: one outbound entry per list line (1210).
        std::map<std::int64_t, std::optional<partners::Warehouse>> warehouses;
        std::vector<customs::AccountEntry> entries;
        for (auto* line : lines) {
          if (line->mode != orders::Mode::kBonded1210) continue;
          auto& w = warehouses[line->warehouse_id];
          if (!w) {
            XB_ASSIGN_OR_RETURN(w, tx->warehouses().Get(tenant, line->warehouse_id));
          }
          if (!w->account_book_no || w->account_book_no->empty()) continue;
          customs::AccountEntry e;
          e.tenant_id = tenant;
          e.ems_no = *w->account_book_no;
          e.warehouse_id = line->warehouse_id;
          e.sku_id = line->sku_id;
          for (const auto& dl : d.list.lines) {
            if (dl.sku_code == line->sku_code) e.hs_code = dl.hs_code;
          }
          e.kind = customs::AccountEntryKind::kOutbound;
          e.quantity = -line->quantity;
          e.ref = "list:" + d.list.list_no;
          e.at = at;
          entries.push_back(std::move(e));
        }
        if (!entries.empty()) XB_RETURN_IF_ERROR(cs.AppendAccountEntries(entries));
        // The pick task of the shipment's reservations follows the commit.
        if (!lines.empty()) {
          after.warehouse_id = lines.front()->warehouse_id;
          XB_ASSIGN_OR_RETURN(after.staging_bin_id, StagingBin(*tx, tenant, after.warehouse_id));
          after.pick = true;
          for (auto* line : lines) {
            if (line->reservation_id != 0 && before != DeclarationState::kInspectionHold) {
              after.reservation_ids.push_back(line->reservation_id);
            }
          }
        }
        break;
      }

      case ReceiptKind::kRejected: {
        if (target == OrderState::kRejected) order.reason = receipt.reason;
        internal::MoveOrder(order, target, detail, at, timeline);
        if (before == DeclarationState::kInspectionHold) {
          // Held stock goes back to available (the engine hears of it after the commit); its
          // reservations ended when it was held.
          inventory::MovementQuery mq;
          mq.ref_type = "declaration";
          mq.ref_id = decl_ref;
          mq.limit = 1000;
          XB_ASSIGN_OR_RETURN(auto moved, tx->inventory().ListMovements(tenant, mq));
          std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string, std::int64_t>,
                   std::int64_t>
              on_hold;
          for (const auto& m : moved) {
            if (m.to && m.to->state == StockState::kCustomsHold) {
              on_hold[{m.to->bin_id, m.sku_id, m.lot_id.value(), m.owner, m.to->warehouse_id}] +=
                  m.quantity;
            }
            if (m.from && m.from->state == StockState::kCustomsHold) {
              on_hold[{m.from->bin_id, m.sku_id, m.lot_id.value(), m.owner,
                       m.from->warehouse_id}] -= m.quantity;
            }
          }
          for (const auto& [key, qty] : on_hold) {
            if (qty <= 0) continue;
            const auto& [bin, sku, lot, owner, wh] = key;
            Movement m;
            m.tenant_id = tenant;
            m.sku_id = sku;
            m.lot_id = inventory::LotId(lot);
            m.owner = owner;
            m.from = Place{wh, bin, StockState::kCustomsHold};
            m.to = Place{wh, bin, StockState::kAvailable};
            m.quantity = qty;
            m.reason = MovementReason::kRelease;
            m.ref_type = "declaration";
            m.ref_id = decl_ref;
            m.actor = actor;
            m.note = "customs rejected after inspection";
            m.at = now;
            engine_moves.push_back(std::move(m));
          }
        } else {
          for (auto* line : lines) {
            if (line->reservation_id == 0) continue;
            const ReservationId rid(line->reservation_id);
            if (engine_ != nullptr) {
              after.release.push_back(rid);
              continue;
            }
            auto r = tx->inventory().GetReservation(tenant, rid);
            if (!r.ok() || r->state != inventory::ReservationState::kActive) continue;
            r->state = inventory::ReservationState::kReleased;
            r->updated_at = now;
            saved.push_back(std::move(r).value());
          }
        }
        // The order's quota comes back, at most what the order still holds.
        std::int64_t shipment_value = 0;
        for (auto* line : lines) shipment_value += line->dutiable_fen;
        const int year = order.order_date.year();
        XB_ASSIGN_OR_RETURN(auto quota,
                            cs.ListQuota(tenant, order.buyer.id_type, order.buyer.id_number, year));
        std::int64_t held_by_order = 0;
        for (const auto& q : quota) {
          if (q.order_id == order.id.value()) held_by_order += q.amount_fen;
        }
        const std::int64_t restore = std::min(held_by_order, shipment_value);
        if (restore > 0) {
          customs::QuotaEntry q;
          q.tenant_id = tenant;
          q.id_type = order.buyer.id_type;
          q.id_number = order.buyer.id_number;
          q.year = year;
          q.amount_fen = -restore;
          q.kind = customs::QuotaEntryKind::kCancel;
          q.order_id = order.id.value();
          q.ref = "declaration:" + d.list.list_no;
          q.at = now;
          after.quota.push_back(std::move(q));
          XB_RETURN_IF_ERROR(cs.AppendQuota(after.quota));
          timeline.push_back(internal::Note(
              order, "annual quota restored by " + customs::FenToString(restore), at));
        }
        // The shipment's lines give back what they hold of goods-specific caps.
        std::vector<std::int64_t> line_nos;
        line_nos.reserve(lines.size());
        for (auto* line : lines) line_nos.push_back(line->line_no);
        if (!line_nos.empty()) {
          XB_ASSIGN_OR_RETURN(auto caps, cs.ListGoodsCapUsage(tenant, order.buyer.id_type,
                                                              order.buyer.id_number, year));
          after.caps = customs::GoodsCapRestores(caps, order.id.value(), line_nos,
                                                 customs::GoodsCapEntryKind::kCancel,
                                                 "declaration:" + d.list.list_no, now);
          if (!after.caps.empty()) XB_RETURN_IF_ERROR(cs.AppendGoodsCapUsage(after.caps));
        }
        break;
      }

      case ReceiptKind::kCancelled:
      case ReceiptKind::kReturned:
        timeline.push_back(internal::Note(order, detail, at));
        break;
    }

  if (!bare_moves.empty()) XB_RETURN_IF_ERROR(bare.Post(*tx, bare_moves));
  if (!engine_moves.empty()) {
    after.posting = std::make_unique<inventory_flow::StockPosting>(engine_);
    XB_RETURN_IF_ERROR(after.posting->Post(*tx, engine_moves));
  }
  if (!saved.empty()) XB_RETURN_IF_ERROR(tx->inventory().SaveReservations(saved));
  XB_RETURN_IF_ERROR(cs.UpdateDeclaration(d));
  XB_RETURN_IF_ERROR(tx->orders().UpdateOrder(order));
  if (!timeline.empty()) XB_RETURN_IF_ERROR(tx->orders().AppendEvents(timeline));
  XB_RETURN_IF_ERROR(internal::AppendEvent(*tx, tenant, "customs.receipt.applied", "declaration",
                                           d.id.value(), actor, receipt.receipt_id,
                                           Payload(d, receipt), now));
  XB_RETURN_IF_ERROR(tx->Commit());
  after.committed = true;
  bare.Committed();
  if (after.posting) after.posting->Committed();
  if (engine_ != nullptr) {
    for (const auto& t : after.taken) engine_->TakeForPickCommitted(tenant, t.id);
  }

  outcome.declaration = std::move(d);
  outcome.order_state = order.state;
  return outcome;
}

void ReceiptService::RunFollowups(TenantId tenant, const std::string& actor, Followups& after,
                                  ReceiptOutcome& outcome) {
  for (const auto& q : after.quota) {
    if (quota_restored_) quota_restored_(q);
  }
  if (goods_cap_restored_ && !after.caps.empty()) goods_cap_restored_(after.caps);
  if (engine_ != nullptr) {
    for (ReservationId rid : after.release) {
      auto released = engine_->Release(tenant, rid);
      for (int i = 0; i < 3 && !released.ok() && released.status().code() == ErrorCode::kConflict;
           ++i) {
        released = engine_->Release(tenant, rid);
      }
      if (released.ok()) {
        outcome.notes.push_back("reservation " + std::to_string(rid.value()) + " released");
      } else if (released.status().code() != ErrorCode::kFailedPrecondition &&
                 released.status().code() != ErrorCode::kNotFound) {
        outcome.notes.push_back("reservation " + std::to_string(rid.value()) +
                                " not released: " + released.status().message());
      }
    }
  }

  // Stock back from customs hold: reserved again for its line, under the engine's lock.
  std::map<std::int64_t, std::int64_t> new_reservation;  // line_no -> reservation id
  for (auto& rr : after.rereserve) {
    if (engine_ == nullptr) {
      outcome.notes.push_back("line " + std::to_string(rr.line_no) +
                              ": stock back from customs hold, not reserved (no engine)");
      continue;
    }
    auto made = engine_->ReserveArrived(rr.request, rr.lots);
    if (!made.ok()) {
      outcome.notes.push_back(
          "line " + std::to_string(rr.line_no) +
          ": stock back from customs hold could not be reserved: " + made.status().message());
      continue;
    }
    new_reservation[rr.line_no] = made->reservation.id.value();
    after.reservation_ids.push_back(made->reservation.id.value());
  }

  std::vector<std::string> notes;
  if (after.pick && warehouse_ != nullptr && !after.reservation_ids.empty()) {
    if (after.staging_bin_id == 0) {
      notes.push_back("no pick task: warehouse " + std::to_string(after.warehouse_id) +
                      " has no active shipping or pick bin");
    } else {
      warehouse_flow::RequestContext wctx;
      wctx.principal = SystemContext(tenant).principal;
      wctx.request_id = "customs-release";
      warehouse_flow::PickDraft draft;
      draft.warehouse_id = after.warehouse_id;
      draft.staging_bin_id = after.staging_bin_id;
      draft.reservation_ids = after.reservation_ids;
      auto task = warehouse_->CreatePick(wctx, draft);
      if (task.ok()) {
        outcome.pick_task_id = task->id.value();
        notes.push_back("pick task " + std::to_string(task->id.value()) + " created");
      } else {
        notes.push_back("pick task not created: " + task.status().message());
      }
    }
  }
  for (const auto& n : notes) outcome.notes.push_back(n);

  // The order's lines name their new reservations; the timeline says what followed.
  if (new_reservation.empty() && notes.empty()) return;
  auto written = internal::RetryOnConflict([&]() -> Result<bool> {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
    XB_ASSIGN_OR_RETURN(auto order, tx->orders().GetOrder(tenant, after.order_id));
    const Timestamp now = clock_.Now();
    if (!new_reservation.empty()) {
      for (auto& line : order.lines) {
        auto it = new_reservation.find(line.line_no);
        if (it != new_reservation.end()) line.reservation_id = it->second;
      }
      order.updated_at = now;
      XB_RETURN_IF_ERROR(tx->orders().UpdateOrder(order));
    }
    std::vector<orders::OrderEvent> timeline;
    timeline.reserve(notes.size());
    for (const auto& n : notes) timeline.push_back(internal::Note(order, n, now));
    if (!timeline.empty()) XB_RETURN_IF_ERROR(tx->orders().AppendEvents(timeline));
    XB_RETURN_IF_ERROR(tx->Commit());
    return true;
  });
  if (!written.ok()) {
    outcome.notes.push_back("order not updated after the receipt: " + written.status().message());
  }
  (void)actor;
}

// A release whose pick task could not be created after its commit (no staging bin, a crash)
// gets it when the receipt comes again: active, unpicked reservations of the shipment and no pick
// task for them yet.
void ReceiptService::EnsurePick(TenantId tenant, ReceiptOutcome& outcome) {
  if (warehouse_ == nullptr) return;
  Followups after;
  after.order_id = orders::OrderId(outcome.declaration.order_id);
  {
    auto tx = db_.Begin(store::TxMode::kRead);
    if (!tx.ok()) return;
    auto order = (*tx)->orders().GetOrder(tenant, after.order_id);
    if (!order.ok()) return;
    std::string order_ref;
    for (auto* line : ShipmentLines(*order, outcome.declaration)) {
      if (line->reservation_id == 0) continue;
      auto r = (*tx)->inventory().GetReservation(tenant, ReservationId(line->reservation_id));
      if (!r.ok() || r->state != inventory::ReservationState::kActive || r->Picked() > 0) {
        continue;
      }
      after.warehouse_id = r->warehouse_id;
      order_ref = r->order_ref;
      after.reservation_ids.push_back(line->reservation_id);
    }
    if (after.reservation_ids.empty()) return;
    warehouse::TaskQuery q;
    q.warehouse_id = after.warehouse_id;
    q.kind = warehouse::TaskKind::kPick;
    q.ref_id = order_ref;
    q.limit = 1;
    auto tasks = (*tx)->warehouse().ListTasks(tenant, q);
    if (!tasks.ok() || tasks->second > 0) return;
    auto staging = StagingBin(**tx, tenant, after.warehouse_id);
    if (!staging.ok()) return;
    after.staging_bin_id = *staging;
  }
  after.pick = true;
  after.committed = true;
  RunFollowups(tenant, "system", after, outcome);
}

// A rejection whose reservations were not released after its commit (a crash) releases them
// when the receipt comes again.
void ReceiptService::EnsureReleased(TenantId tenant, ReceiptOutcome& outcome) {
  if (engine_ == nullptr) return;
  Followups after;
  {
    auto tx = db_.Begin(store::TxMode::kRead);
    if (!tx.ok()) return;
    auto order = (*tx)->orders().GetOrder(tenant, orders::OrderId(outcome.declaration.order_id));
    if (!order.ok()) return;
    for (auto* line : ShipmentLines(*order, outcome.declaration)) {
      if (line->reservation_id == 0) continue;
      if (engine_->Find(tenant, ReservationId(line->reservation_id))) {
        after.release.push_back(ReservationId(line->reservation_id));
      }
    }
  }
  if (after.release.empty()) return;
  after.committed = true;
  RunFollowups(tenant, "system", after, outcome);
}

Result<std::vector<Receipt>> ReceiptService::List(const RequestContext& ctx,
                                                  customs::DeclarationId id) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kReadOrders));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_RETURN_IF_ERROR(tx->customs().GetDeclaration(ctx.principal.tenant_id, id).status());
  return tx->customs().ListReceipts(ctx.principal.tenant_id, id);
}

}  // namespace xb::customs_flow
