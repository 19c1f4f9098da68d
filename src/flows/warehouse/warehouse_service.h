// Use cases of the warehouse floor as tasks: receiving against a purchase order or an advance
// notice, putaway into suggested bins, picking from reservations (single order or wave), internal
// moves, cycle counts with recount and adjustment, packing into parcels with an SSCC and the
// shipping handover. Every step that changes a task saves the task (optimistic on its version),
// posts its ledger movements through inventory_flow::StockPosting and appends a business event,
// all in one transaction. Thread-safe (state lives in the Database and the reservation engine).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/access/access.h"
#include "domain/catalog/sku.h"
#include "domain/inventory/inventory.h"
#include "domain/warehouse/tasks.h"
#include "flows/inventory/stock_posting.h"
#include "flows/store/unit_of_work.h"
#include "flows/warehouse/context.h"

namespace xb::inventory_flow {
class ReservationEngine;
}  // namespace xb::inventory_flow

namespace xb::warehouse_flow {

// GS1's example company prefix (GS1 General Specifications), fine for a demonstration only.
inline constexpr std::string_view kExampleCompanyPrefix = "0614141";

struct WarehouseOptions {
  // The GS1 company prefix of the SSCCs this warehouse prints (`serve --gs1-company-prefix`);
  // the default is GS1's example prefix, fine for a demonstration and nothing else.
  std::string company_prefix{kExampleCompanyPrefix};
  int sscc_extension = 0;  // the SSCC's extension digit, 0..9
};
// kInvalidArgument unless the company prefix is 7..10 digits (the prefixes GS1 member
// organisations issue for SSCCs) and the extension digit 0..9; the error names `flag`.
Status Validate(const WarehouseOptions& options, const std::string& flag);

// ---- drafts ----

struct AsnLine {
  std::int64_t sku_id = 0;
  std::int64_t quantity = 0;
};

// A receive task: against a purchase order (confirmed or partly received; its warehouse and its
// lines, expecting what is still outstanding) or against an advance shipping notice (ref + lines).
struct ReceiveDraft {
  std::int64_t warehouse_id = 0;
  std::int64_t receiving_bin_id = 0;
  std::optional<std::int64_t> purchase_order_id;
  std::string asn_ref;  // with asn_lines, when there is no purchase order
  std::vector<AsnLine> asn_lines;
  std::string owner{inventory::kOwnStock};
};

// One lot received on a receive line.
struct ReceiptEntry {
  int line_no = 0;
  warehouse::LotReceipt lot;
};

// Progress on a putaway, move or pick line; `to_bin` overrides a putaway line's suggested bin.
struct ProgressEntry {
  int line_no = 0;
  std::int64_t quantity = 0;
  std::optional<std::int64_t> to_bin;
};

struct PickDraft {
  std::int64_t warehouse_id = 0;
  std::int64_t staging_bin_id = 0;
  std::vector<std::int64_t> reservation_ids;
};

struct MoveLine {
  std::int64_t sku_id = 0;
  inventory::LotId lot_id;
  std::string owner{inventory::kOwnStock};
  std::int64_t from_bin = 0;
  std::int64_t to_bin = 0;
  std::int64_t quantity = 0;
};

struct MoveDraft {
  std::int64_t warehouse_id = 0;
  std::vector<MoveLine> lines;
};

struct CountDraft {
  std::int64_t warehouse_id = 0;
  std::vector<std::int64_t> bin_ids;
};

// Stock found in a bin while counting that is not on the count sheet.
struct FoundEntry {
  std::int64_t bin_id = 0;  // a bin of the sheet or an active storage/pick bin of the warehouse
  std::int64_t sku_id = 0;
  inventory::LotId lot_id;  // 0: the SKU without lots
  std::string owner{inventory::kOwnStock};
  std::int64_t counted = 0;  // > 0
};

struct CloseOptions {
  // Pick, putaway and move tasks: take every line's outstanding quantity as done before closing
  // (one posting for all of them). Otherwise what is not done is closed short.
  bool complete = false;
};

struct PackDraft {
  std::int64_t warehouse_id = 0;
  std::string order_ref;
  std::int64_t pack_bin_id = 0;
  std::vector<warehouse::ParcelLine> lines;
  std::int64_t weight_grams = 0;
};

struct ShipDraft {
  std::int64_t carrier_id = 0;
  std::string waybill_no;
};

// A task as the API shows it: receive tasks with their variances.
struct TaskView {
  warehouse::Task task;
  std::vector<warehouse::ReceiptVariance> variances;  // receive tasks only
};

// One change of a task, computed but not yet written: the task after it, the ledger movements
// it causes, and what its business event says. Produced by the Prepare* steps below, written by
// WriteChanges.
struct TaskChange {
  warehouse::Task after;
  std::int64_t base_version = 0;  // the task's version when it was read from the store
  std::vector<inventory::Movement> movements;
  std::string_view event_type;  // a constant: "warehouse.task.progressed", ...
  // What happened, for the event's payload; built only when the event lists its steps (a batch
  // of many steps on one task counts them instead).
  std::function<nlohmann::json()> step;
  // The device event that asked for the change, named in its step (it outlives the writing).
  const warehouse::DeviceEvent* device_event = nullptr;
};

// The minimum remaining shelf life of a good receipt: the least strict of the tenant's active
// sales channels (`min_remaining_shelf_life_days`, absent = 0), so that what is received can be
// sold on at least one channel.
struct ShelfLifeMinimum {
  std::int64_t days = 0;
  std::string channel;  // the code of the channel that asks the fewest days
};

// What steps read again and again. A caller that runs many steps in one transaction (the
// terminal's batches) keeps one, so that each SKU and lot is read once. Keys lead with the tenant.
struct StepCache {
  std::map<std::pair<std::int64_t, std::int64_t>, catalog::Sku> skus;  // (tenant, SKU id)
  std::map<std::tuple<std::int64_t, std::int64_t, std::string>, inventory::Lot>
      lots;  // (tenant, SKU id, lot number)
  // (tenant) → its receipts' minimum remaining shelf life; absent inside: the tenant has no
  // active channel.
  std::map<std::int64_t, std::optional<ShelfLifeMinimum>> receipt_minimum;
  std::map<std::pair<std::int64_t, std::int64_t>, bool> quarantine_bins;  // (tenant, bin id)
  // The time of every step that shares the cache (one transaction); the clock's when unset.
  std::optional<Timestamp> now;
  // The changes of earlier steps of the transaction, not yet posted (the caller's, it outlives
  // the steps): counts compare with the books plus the available stock these move; putaway and
  // move steps into a bin with a capacity count what these bring or plan into it. Read only by
  // those, so other steps pay nothing for it.
  const std::vector<TaskChange>* earlier = nullptr;
};

class WarehouseService {
 public:
  // `engine` may be null (tests, tools): stock is then posted without the in-memory books.
  WarehouseService(store::Database& db, const Clock& clock,
                   inventory_flow::ReservationEngine* engine, WarehouseOptions options = {});

  // ---- reads (kReadInventory or kOperateWarehouse) ----
  Result<std::pair<std::vector<warehouse::Task>, std::int64_t>> ListTasks(
      const access::Principal& principal, const warehouse::TaskQuery& query);
  Result<TaskView> GetTask(const access::Principal& principal, warehouse::TaskId id);
  Result<std::pair<std::vector<warehouse::Parcel>, std::int64_t>> ListParcels(
      const access::Principal& principal, const warehouse::ParcelQuery& query);
  Result<warehouse::Parcel> GetParcel(const access::Principal& principal, warehouse::ParcelId id);

  // ---- writes a client may retry ----
  // Every create and step below honours ctx.idempotency_key (ARCHITECTURE.md, Idempotency): the
  // key is recorded with the task or parcel it made or changed, in the same transaction as the
  // change. A retry with the same key and request changes nothing and gets that task or parcel
  // as it is now, with `*replayed` (when given) set; the same key with another request is
  // kInvalidArgument.

  // ---- creating tasks (kWriteInventory) ----
  Result<warehouse::Task> CreateReceive(const RequestContext& ctx, const ReceiveDraft& draft,
                                        bool* replayed = nullptr);
  // Lines for the good stock of the receive task not yet covered by another putaway task, each
  // with a bin chosen by warehouse::SplitPutaway: one bin when one takes it all, otherwise
  // several lines over several bins, each within its bin's free room. Bins count as occupied by
  // what they hold and by what open putaway and move lines still plan to bring. Refused
  // (kFailedPrecondition on receive_task_id, with how many units fit) when the warehouse's
  // storage bins together cannot take it.
  Result<warehouse::Task> CreatePutaway(const RequestContext& ctx, warehouse::TaskId receive_task,
                                        bool* replayed = nullptr);
  // One line per reservation lot and source bin (FEFO is the reservation's; the storage and pick
  // bins that hold the lot are used largest first, splitting a lot across bins when one does not
  // hold enough; receiving, shipping and quarantine bins are never picked from).
  Result<warehouse::Task> CreatePick(const RequestContext& ctx, const PickDraft& draft,
                                     bool* replayed = nullptr);
  Result<warehouse::Task> CreateMove(const RequestContext& ctx, const MoveDraft& draft,
                                     bool* replayed = nullptr);
  // One line per available (bin, SKU, lot, owner) of the chosen bins, with the system quantity.
  Result<warehouse::Task> CreateCount(const RequestContext& ctx, const CountDraft& draft,
                                      bool* replayed = nullptr);

  // ---- working on tasks (kWriteInventory) ----
  // One lot on a receive line. Refused (kFailedPrecondition on expiry_date): an expired lot, and
  // good goods short of the minimum remaining shelf life at receipt (ShelfLifeMinimum).
  Result<warehouse::Task> Receive(const RequestContext& ctx, warehouse::TaskId id,
                                  const ReceiptEntry& entry, bool* replayed = nullptr);
  // Putaway, move and pick steps. Into a quarantine bin, stock is held (kHold); a pick of a lot
  // that has expired since it was reserved is refused. A putaway or move step never fills its
  // bin beyond capacity (on hand plus what other open putaway and move lines plan to bring;
  // kFailedPrecondition on to_bin). `to_bin` overriding the line's bin must be an active bin of
  // the task's warehouse (kInvalidArgument on to_bin), for a putaway a storage, pick or
  // quarantine bin; the line then goes to that bin.
  Result<warehouse::Task> Progress(const RequestContext& ctx, warehouse::TaskId id,
                                   const ProgressEntry& entry, bool* replayed = nullptr);
  // A count (and a recount) is compared with the book quantity of its bin, SKU, lot and owner
  // read as it is recorded (warehouse::RecordCount).
  Result<warehouse::Task> Count(const RequestContext& ctx, warehouse::TaskId id, int line_no,
                                std::int64_t counted, bool* replayed = nullptr);
  Result<warehouse::Task> Recount(const RequestContext& ctx, warehouse::TaskId id, int line_no,
                                  std::int64_t counted, const std::string& reason,
                                  bool* replayed = nullptr);
  // Stock found that is not on the sheet (warehouse::RecordFoundCount): appended to the count as
  // a new line counted against the book quantity read now. Its bin must be an active bin of the
  // task's warehouse: a bin of the sheet (of any kind, as the count may cover it) or any storage
  // or pick bin (stock can turn up in a bin that was not planned); the SKU active, the lot one of
  // that SKU. kInvalidArgument naming the field (bin_id, sku_id, lot_id, owner, counted),
  // kAlreadyExists (line_no) when a line of the sheet already holds that bin, SKU, lot and owner.
  Result<warehouse::Task> CountFound(const RequestContext& ctx, warehouse::TaskId id,
                                     const FoundEntry& entry, bool* replayed = nullptr);
  // Receive tasks against a purchase order record a procurement::GoodsReceipt of what came;
  // counts post their adjustments; pick, putaway and move may complete their lines first.
  Result<TaskView> Close(const RequestContext& ctx, warehouse::TaskId id,
                         const CloseOptions& options, bool* replayed = nullptr);
  Result<warehouse::Task> Cancel(const RequestContext& ctx, warehouse::TaskId id,
                                 bool* replayed = nullptr);

  // ---- parcels (kWriteInventory) ----
  // A parcel of picked stock staged in the pack bin (never more than is picked there and not
  // yet in another unshipped parcel), with a fresh SSCC.
  Result<warehouse::Parcel> Pack(const RequestContext& ctx, const PackDraft& draft,
                                 bool* replayed = nullptr);
  // Hands the parcel to the carrier: its stock leaves the warehouse (kShip from picked); refused
  // when a lot of it has expired.
  Result<warehouse::Parcel> Ship(const RequestContext& ctx, warehouse::ParcelId id,
                                 const ShipDraft& draft, bool* replayed = nullptr);

  // ---- the same steps inside a caller's transaction (the scanner terminal) ----
  // Each computes a change of `task` as it is now (reading through `tx`; a receipt creates its
  // lot when new) and writes nothing else. Errors are the reasons the step is refused.
  Result<TaskChange> PrepareReceipt(store::Transaction& tx, const RequestContext& ctx,
                                    const warehouse::Task& task, const ReceiptEntry& entry,
                                    StepCache* cache = nullptr);
  // A putaway or move step checks its bin's room with `cache`'s pending changes when given (the
  // stock they move, their lines as they left them).
  Result<TaskChange> PrepareProgress(store::Transaction& tx, const RequestContext& ctx,
                                     const warehouse::Task& task, const ProgressEntry& entry,
                                     const StepCache* cache = nullptr);
  // Counts compare with the books read through `tx`, plus `cache`'s pending stock when given.
  Result<TaskChange> PrepareCount(store::Transaction& tx, const RequestContext& ctx,
                                  const warehouse::Task& task, int line_no, std::int64_t counted,
                                  const StepCache* cache = nullptr);
  Result<TaskChange> PrepareRecount(store::Transaction& tx, const RequestContext& ctx,
                                    const warehouse::Task& task, int line_no, std::int64_t counted,
                                    const std::string& reason, const StepCache* cache = nullptr);
  Result<TaskChange> PrepareFound(store::Transaction& tx, const RequestContext& ctx,
                                  const warehouse::Task& task, const FoundEntry& entry,
                                  const StepCache* cache = nullptr);
  // The receipt and progress steps applied to `task` in place: it changes only when the step
  // succeeds. The change's `after` holds the task's header and the changed line only, so that a
  // caller keeping the whole task itself (the terminal's batches) copies no other line; before
  // WriteChanges, that caller makes the last change of each task hold the whole task again.
  Result<TaskChange> ApplyReceipt(store::Transaction& tx, const RequestContext& ctx,
                                  warehouse::Task& task, const ReceiptEntry& entry,
                                  StepCache* cache);
  Result<TaskChange> ApplyProgress(store::Transaction& tx, const RequestContext& ctx,
                                   warehouse::Task& task, const ProgressEntry& entry,
                                   const StepCache* cache = nullptr);
  // Writes changes made one after another: all movements in one Post call, each task saved
  // once (its last `after`, optimistic on the first change's base_version), one business event
  // per task listing its steps.
  Status WriteChanges(store::Transaction& tx, inventory_flow::StockPosting& posting,
                      const RequestContext& ctx, std::span<TaskChange> changes);

  inventory_flow::ReservationEngine* engine() const { return engine_; }
  const Clock& clock() const { return clock_; }

 private:
  template <class Step>
  Result<warehouse::Task> RunStep(const RequestContext& ctx, warehouse::TaskId id,
                                  std::string_view kind, bool* replayed, Step step);
  // Runs `apply(tx, posting)` in one write transaction and commits, unless an earlier request
  // with ctx's Idempotency-Key made its answer: that answer is then read back by `load(tx, id)`
  // and `*replayed` set. The key is recorded as `kind` with what `apply` made, before the commit.
  template <class T, class Apply, class Load>
  Result<T> Once(const RequestContext& ctx, std::string_view kind, bool* replayed, Apply apply,
                 Load load);
  Result<warehouse::Task> InsertTask(store::Transaction& tx, const RequestContext& ctx,
                                     warehouse::Task task);
  // The receipt step on `task` in place (it changes only when the step succeeds); the change
  // has no `after`.
  Result<TaskChange> ReceiveInPlace(store::Transaction& tx, const RequestContext& ctx,
                                    warehouse::Task& task, const ReceiptEntry& entry,
                                    StepCache* cache);

  store::Database& db_;
  const Clock& clock_;
  inventory_flow::ReservationEngine* engine_;
  WarehouseOptions options_;
};

}  // namespace xb::warehouse_flow
