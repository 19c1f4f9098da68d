// Warehouse operations as tasks: receiving against a purchase order or an advance notice,
// putaway, picking (single order or a wave of orders), packing into parcels (SSCC), shipping
// handover, internal moves and cycle counts. Each task kind has a state machine; each step that
// moves stock produces ledger movements (domain/inventory) that the flow posts in the same
// transaction as the task change. Also the scanner-terminal event and the putaway rule.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"
#include "domain/inventory/inventory.h"

namespace xb::warehouse {

enum class TaskKind { kReceive, kPutaway, kPick, kPack, kShip, kMove, kCount };
std::span<const std::string_view> EnumChoices(TaskKind);

// open → in_progress (first line touched) → done (closed); open/in_progress → cancelled.
// Counts pass through recount when a first count disagrees with the system quantity.
enum class TaskState { kOpen, kInProgress, kRecount, kDone, kCancelled };
std::span<const std::string_view> EnumChoices(TaskState);

// Receipt condition of goods.
enum class Condition { kGood, kDamaged };
std::span<const std::string_view> EnumChoices(Condition);

struct TaskTag {};
using TaskId = Id<TaskTag>;

// One line of a task. Which fields matter depends on the kind:
//  receive: sku, expected_qty (from the PO or notice; 0 for an unexpected SKU), to_bin (the
//           receiving bin); done_qty good units, damaged_qty damaged ones, lot by lot in
//           `receipts`.
//  putaway/move: sku, lot, owner, from_bin, to_bin (suggested by the putaway rule), expected_qty.
//  pick:    sku, lot, owner, from_bin, to_bin (staging), expected_qty, reservation_id, order_ref.
//  count:   bin (in from_bin), sku, lot, owner; system_qty: the book quantity (available) of
//           that bin, SKU, lot and owner when the task was made, then when the line was last
//           counted; counted_qty, recount_qty, and the reason when the recount differs from it.
struct LotReceipt {
  std::string lot_number;  // empty for SKUs without lots
  std::optional<Date> production_date;
  std::optional<Date> expiry_date;
  std::int64_t quantity = 0;
  Condition condition = Condition::kGood;
  std::string reason;  // required for damaged goods
};

struct TaskLine {
  int line_no = 0;
  std::int64_t sku_id = 0;
  inventory::LotId lot_id;
  std::string owner{inventory::kOwnStock};
  std::int64_t from_bin = 0;
  std::int64_t to_bin = 0;
  std::int64_t expected_qty = 0;
  std::int64_t done_qty = 0;
  std::int64_t damaged_qty = 0;
  std::vector<LotReceipt> receipts;         // receive only
  std::int64_t reservation_id = 0;          // pick only
  std::string order_ref;                    // pick, pack
  std::optional<std::int64_t> system_qty;   // count only
  std::optional<std::int64_t> counted_qty;  // count only: first count
  std::optional<std::int64_t> recount_qty;  // count only: second count
  std::string reason;                       // count adjustment reason code
};

struct Task {
  TaskId id;
  TenantId tenant_id;
  std::string code;  // unique per tenant, e.g. "RCV-000123"
  TaskKind kind = TaskKind::kReceive;
  TaskState state = TaskState::kOpen;
  std::int64_t warehouse_id = 0;
  std::string ref_type;  // "purchase_order", "asn", "order", "wave", "count_plan", ""
  std::string ref_id;
  std::string assignee;
  std::vector<TaskLine> lines;
  std::int64_t version = 0;
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<Timestamp> closed_at;
};

// Lines numbered 1..n, positive expected quantities where the kind needs them, bins where the
// kind needs them.
Status Validate(const Task& task);
bool IsClosed(TaskState state);

// What a receive line's variance is once the task closes.
struct ReceiptVariance {
  int line_no = 0;
  std::int64_t expected = 0;
  std::int64_t good = 0;
  std::int64_t damaged = 0;
  std::int64_t over = 0;  // good + damaged beyond expected
  // Expected but not received (`short` is a keyword).
  std::int64_t short_ = 0;  // NOLINT(readability-identifier-naming)
};
std::vector<ReceiptVariance> Variances(const Task& receive_task);

// Progress on a line by a quantity (a scan confirm or a form entry). Refuses work on a closed
// task, an unknown line, quantities ≤ 0, picking more than expected (the reservation), and
// counts on a task that is not counting. The returned task has the line updated and the state
// moved to in_progress; the movements to post are produced by the Movements* functions below.
Result<Task> Progress(Task task, int line_no, std::int64_t qty);
// Receiving one lot of a receive line (adds to done or damaged quantity).
Result<Task> ReceiveLot(Task task, int line_no, const LotReceipt& receipt);
// The same on `task` in place: it changes only when the receipt is accepted.
Status ReceiveLotInPlace(Task& task, int line_no, const LotReceipt& receipt);
// Counts. A count is compared with the book quantity at the moment it is counted: `book_qty` is
// the quantity the ledger holds for the line's bin, SKU, lot and owner (available) as the count
// is recorded, and becomes the line's system_qty. So movements between the task's creation and
// the count are never taken for a gain or loss. The first count: a disagreement with the book
// moves the task to recount.
Result<Task> RecordCount(Task task, int line_no, std::int64_t counted, std::int64_t book_qty);
// Stock found while counting that is not on the count sheet: `found` names its bin (from_bin),
// SKU, lot and owner (the caller has checked they exist, the lot belongs to the SKU and the bin
// is of the task's warehouse). It is appended as line n+1 (to_bin = from_bin) and counted at
// once against `book_qty` as RecordCount does, so a disagreement with the book goes to recount
// and the close posts its adjustment. Refused: a task that is not an open count (field kind or
// state), counted ≤ 0 (counting 0 of something not on the sheet says nothing; field counted),
// and a line already on the sheet for the same bin, SKU, lot and owner (kAlreadyExists, field
// line_no, naming that line: count it with RecordCount).
Result<Task> RecordFoundCount(Task task, const TaskLine& found, std::int64_t counted,
                              std::int64_t book_qty);
// The recount (final), compared with the book as it is recounted; it needs a reason when it
// differs.
Result<Task> RecordRecount(Task task, int line_no, std::int64_t recounted, std::int64_t book_qty,
                           std::string reason);
// Closes the task (all lines done, or short with the shortfall recorded); counts need every
// line counted (and recounted where asked).
Result<Task> Close(Task task, Timestamp at);
// Cancels an open task. Receive and pick tasks only before anything was received or picked
// (afterwards they close short); other kinds keep what was already done.
Result<Task> CancelTask(Task task, Timestamp at);

// The count adjustment of a closed count line: final count − the book quantity when that final
// count was taken (system_qty; 0 if equal). Movements after the count are real and stay; the
// adjustment is posted at close on top of them.
std::int64_t CountAdjustment(const TaskLine& line);

// Putaway rule: which storage bins a received quantity goes to. A bin of the warehouse that
// already holds the SKU (same owner) comes first, then a bin of the SKU's category zone, then the
// bin with the most free capacity; never a bin whose capacity would be exceeded (capacity 0:
// unlimited) by what it holds plus what open tasks plan to bring (`planned`), never a receiving,
// shipping or quarantine bin.
struct BinOccupancy {
  std::int64_t bin_id = 0;
  std::string zone;
  bool storage = true;              // storage or pick bin
  std::int64_t capacity_units = 0;  // 0: unlimited
  std::int64_t units = 0;           // on hand now (all SKUs)
  bool holds_sku = false;           // holds this SKU of this owner
  // Units that open putaway and move task lines still plan to bring into the bin (expected less
  // done): they occupy it as much as what is on hand.
  std::int64_t planned = 0;
  std::string code;  // for messages; the id is used when empty
};
// Units the bin can still take: capacity − on hand − planned (never negative); the largest
// int64 for an unlimited bin.
std::int64_t FreeUnits(const BinOccupancy& bin);
// The one best bin that takes all of `qty`. kFailedPrecondition (field to_bin) when none does.
Result<std::int64_t> SuggestBin(std::span<const BinOccupancy> bins, std::string_view category,
                                std::int64_t qty);

// One share of a split putaway: `qty` units into `bin_id`.
struct BinShare {
  std::int64_t bin_id = 0;
  std::int64_t qty = 0;
};
// The putaway of `qty` units as shares over the bins: the one bin SuggestBin chooses when a
// single bin takes it all; otherwise the bins in the rule's order (holds the SKU, category zone,
// most free room), each filled up to its free capacity, until the quantity is placed. Each share
// stays within its bin's free capacity. kFailedPrecondition (field to_bin) naming how many units
// the storage bins take together when they cannot take `qty`; kInvalidArgument when qty ≤ 0.
Result<std::vector<BinShare>> SplitPutaway(std::span<const BinOccupancy> bins,
                                           std::string_view category, std::int64_t qty);
// Whether `qty` more units fit `bin` (on hand plus planned within its capacity; 0: unlimited).
// kFailedPrecondition naming the field to_bin, with what the bin holds and plans, otherwise.
Status CheckRoom(const BinOccupancy& bin, std::int64_t qty);

// ---- packing ----

enum class ParcelState { kPacked, kShipped };
std::span<const std::string_view> EnumChoices(ParcelState);

struct ParcelLine {
  std::int64_t sku_id = 0;
  inventory::LotId lot_id;
  std::string owner{inventory::kOwnStock};
  std::int64_t quantity = 0;
};

struct ParcelTag {};
using ParcelId = Id<ParcelTag>;

struct Parcel {
  ParcelId id;
  TenantId tenant_id;
  std::int64_t warehouse_id = 0;
  std::string sscc;  // 18 digits
  std::string order_ref;
  std::int64_t pack_bin = 0;  // where the picked goods are staged
  std::vector<ParcelLine> lines;
  std::int64_t weight_grams = 0;
  ParcelState state = ParcelState::kPacked;
  std::int64_t carrier_id = 0;  // at handover
  std::string waybill_no;
  Timestamp created_at;
  std::optional<Timestamp> shipped_at;
};

// ---- scanner terminals ----

enum class DeviceEventType { kScanLocation, kScanItem, kConfirm };
std::span<const std::string_view> EnumChoices(DeviceEventType);

// One event from a handheld terminal. Events are self-contained (a confirm names its task,
// line, bin, barcode and quantity), so the server never depends on their arrival order.
// Rule for late events: an event is applied if its task is still open and the quantities still
// fit; otherwise it is rejected with the reason. Either way the first answer is stored under
// (device_id, event_key) and every retry gets that same answer.
struct DeviceEvent {
  TenantId tenant_id;
  std::string device_id;  // 1..64 characters
  std::string event_key;  // the device's idempotency key or sequence number, 1..64 characters
  DeviceEventType type = DeviceEventType::kScanItem;
  std::int64_t task_id = 0;
  int line_no = 0;
  std::string location;  // a bin code
  std::string barcode;   // GS1 string or plain GTIN
  std::int64_t quantity = 0;
  std::optional<Timestamp> device_time;
};
Status Validate(const DeviceEvent& event);

// The stored first answer to an event.
struct DeviceEventRecord {
  DeviceEvent event;
  int status = 200;    // the HTTP status of the first answer
  std::string answer;  // the first answer's body, as sent
  Timestamp received_at;
};

struct TaskQuery {
  std::optional<std::int64_t> warehouse_id;
  std::optional<TaskKind> kind;
  std::optional<TaskState> state;
  std::optional<std::string> ref_id;
  std::optional<std::string> assignee;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

struct ParcelQuery {
  std::optional<std::int64_t> warehouse_id;
  std::optional<std::string> order_ref;
  std::optional<ParcelState> state;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

// Persistence of tasks, parcels and device events. Tasks are saved whole; updates are optimistic
// on `version` (kConflict when stale).
class WarehouseStore {
 public:
  virtual ~WarehouseStore() = default;
  virtual Result<Task> InsertTask(Task task) = 0;  // kAlreadyExists on code
  virtual Result<Task> GetTask(TenantId tenant, TaskId id) = 0;
  virtual Status UpdateTask(const Task& task, std::int64_t expected_version) = 0;
  virtual Result<std::pair<std::vector<Task>, std::int64_t>> ListTasks(TenantId tenant,
                                                                       const TaskQuery& query) = 0;
  virtual Result<std::int64_t> NextTaskNumber(TenantId tenant, TaskKind kind) = 0;

  virtual Result<Parcel> InsertParcel(Parcel parcel) = 0;  // kAlreadyExists on sscc
  virtual Result<Parcel> GetParcel(TenantId tenant, ParcelId id) = 0;
  virtual Status UpdateParcel(const Parcel& parcel) = 0;
  virtual Result<std::pair<std::vector<Parcel>, std::int64_t>> ListParcels(
      TenantId tenant, const ParcelQuery& query) = 0;
  virtual Result<std::int64_t> NextSsccSerial(TenantId tenant) = 0;

  // kAlreadyExists when (tenant, device_id, event_key) is already stored.
  virtual Status InsertDeviceEvent(const DeviceEventRecord& record) = 0;
  virtual Result<std::optional<DeviceEventRecord>> FindDeviceEvent(TenantId tenant,
                                                                   std::string_view device_id,
                                                                   std::string_view event_key) = 0;

  // Batch forms of the two above, for a writer that applies many events in one transaction (the
  // scanner terminal); an adapter may answer each with one statement. The defaults call the
  // single forms. The stored records among `keys` of one device (keys not stored are left out):
  virtual Result<std::vector<DeviceEventRecord>> FindDeviceEvents(
      TenantId tenant, std::string_view device_id, std::span<const std::string> keys) {
    std::vector<DeviceEventRecord> found;
    for (const auto& key : keys) {
      XB_ASSIGN_OR_RETURN(auto record, FindDeviceEvent(tenant, device_id, key));
      if (record) found.push_back(std::move(*record));
    }
    return found;
  }
  // kAlreadyExists when one of them is stored already; the caller then rolls back.
  virtual Status InsertDeviceEvents(std::span<const DeviceEventRecord> records) {
    for (const auto& record : records) XB_RETURN_IF_ERROR(InsertDeviceEvent(record));
    return Status::Ok();
  }
};

}  // namespace xb::warehouse
