#include "domain/warehouse/tasks.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/text.h"

namespace xb::warehouse {
namespace {
constexpr std::string_view kKinds[] = {"receive", "putaway", "pick", "pack",
                                       "ship",    "move",    "count"};
constexpr std::string_view kStates[] = {"open", "in_progress", "recount", "done", "cancelled"};
constexpr std::string_view kConditions[] = {"good", "damaged"};
constexpr std::string_view kParcelStates[] = {"packed", "shipped"};
constexpr std::string_view kEventTypes[] = {"scan_location", "scan_item", "confirm"};

std::string Name(TaskKind k) { return std::string(kKinds[static_cast<std::size_t>(k)]); }
std::string Name(TaskState s) { return std::string(kStates[static_cast<std::size_t>(s)]); }

std::string LineName(int line_no) { return "line " + std::to_string(line_no); }

// The line numbered `line_no`, or nullptr.
TaskLine* FindLine(Task& task, int line_no) {
  for (auto& line : task.lines) {
    if (line.line_no == line_no) return &line;
  }
  return nullptr;
}

Result<TaskLine*> LineOf(Task& task, int line_no) {
  TaskLine* line = FindLine(task, line_no);
  if (line == nullptr) {
    return InvalidArgument("line_no: task " + task.code + " has no " + LineName(line_no),
                           "line_no");
  }
  return line;
}

Status RequireOpen(const Task& task) {
  if (IsClosed(task.state)) {
    return FailedPrecondition("task " + task.code + " is " + Name(task.state), "state");
  }
  return Status::Ok();
}

Status RequireKind(const Task& task, TaskKind kind, std::string_view what) {
  if (task.kind != kind) {
    return FailedPrecondition(std::string(what) + " only on a " + Name(kind) + " task, " +
                                  task.code + " is a " + Name(task.kind) + " task",
                              "kind");
  }
  return Status::Ok();
}

bool AwaitsRecount(const TaskLine& line) {
  return line.counted_qty && *line.counted_qty != line.system_qty.value_or(0) && !line.recount_qty;
}

// After a count step: recount while some line awaits one, otherwise in progress.
void SetCountState(Task& task) {
  const bool waiting = std::any_of(task.lines.begin(), task.lines.end(), AwaitsRecount);
  task.state = waiting ? TaskState::kRecount : TaskState::kInProgress;
}

bool AnythingDone(const Task& task) {
  return std::any_of(task.lines.begin(), task.lines.end(), [](const TaskLine& l) {
    return l.done_qty > 0 || l.damaged_qty > 0 || l.counted_qty.has_value();
  });
}

bool IsVisibleAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string BinName(const BinOccupancy& b) {
  return b.code.empty() ? std::to_string(b.bin_id) : b.code;
}

bool SameTextIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ToLowerAscii(a) == ToLowerAscii(b);
}

// Rank of a bin under the putaway rule: 0 holds the SKU, 1 in the category's zone, 2 any other.
int RuleRank(const BinOccupancy& b, std::string_view category) {
  if (b.holds_sku) return 0;
  return !category.empty() && SameTextIgnoringCase(b.zone, category) ? 1 : 2;
}

// Whether `a` comes before `b` under the rule: rank, then the most free room, then the lowest id.
bool RankedBefore(const BinOccupancy& a, const BinOccupancy& b, std::string_view category) {
  const int ra = RuleRank(a, category);
  const int rb = RuleRank(b, category);
  if (ra != rb) return ra < rb;
  const std::int64_t fa = FreeUnits(a);
  const std::int64_t fb = FreeUnits(b);
  if (fa != fb) return fa > fb;
  return a.bin_id < b.bin_id;
}

// Bins the rule may use at all: storage or pick bins with an id.
bool TakesPutaway(const BinOccupancy& b) { return b.storage && b.bin_id > 0; }

}  // namespace

std::span<const std::string_view> EnumChoices(TaskKind) { return kKinds; }
std::span<const std::string_view> EnumChoices(TaskState) { return kStates; }
std::span<const std::string_view> EnumChoices(Condition) { return kConditions; }
std::span<const std::string_view> EnumChoices(ParcelState) { return kParcelStates; }
std::span<const std::string_view> EnumChoices(DeviceEventType) { return kEventTypes; }

bool IsClosed(TaskState state) {
  return state == TaskState::kDone || state == TaskState::kCancelled;
}

Status Validate(const Task& task) {
  if (task.warehouse_id <= 0) return InvalidArgument("warehouse_id: is required", "warehouse_id");
  if (task.code.size() > 64) return InvalidArgument("code: at most 64 characters", "code");
  if (task.lines.empty()) return InvalidArgument("lines: a task needs at least one line", "lines");
  for (std::size_t i = 0; i < task.lines.size(); ++i) {
    const TaskLine& l = task.lines[i];
    const std::string where = "lines[" + std::to_string(i) + "]";
    const auto bad = [&](const std::string& what) {
      return InvalidArgument(where + "." + what, "lines");
    };
    if (l.line_no != static_cast<int>(i) + 1) {
      return InvalidArgument(where + ": lines are numbered 1, 2, 3...", "lines");
    }
    if (l.sku_id <= 0) return bad("sku_id: is required");
    if (l.lot_id.value() < 0) return bad("lot_id: must not be negative");
    if (Status owner = inventory::ValidateOwner(l.owner); !owner.ok()) {
      return bad(owner.message());
    }
    if (l.expected_qty < 0 || l.done_qty < 0 || l.damaged_qty < 0) {
      return bad("quantities must not be negative");
    }
    switch (task.kind) {
      case TaskKind::kReceive:
        if (l.to_bin <= 0) return bad("to_bin: the receiving bin is required");
        break;
      case TaskKind::kPutaway:
        if (l.from_bin <= 0) return bad("from_bin: is required");
        if (l.expected_qty <= 0) return bad("expected_qty: must be greater than 0");
        break;
      case TaskKind::kMove:
      case TaskKind::kPick:
        if (l.from_bin <= 0) return bad("from_bin: is required");
        if (l.to_bin <= 0) return bad("to_bin: is required");
        if (l.from_bin == l.to_bin) return bad("to_bin: is the same bin as from_bin");
        if (l.expected_qty <= 0) return bad("expected_qty: must be greater than 0");
        if (task.kind == TaskKind::kPick && l.reservation_id <= 0) {
          return bad("reservation_id: is required");
        }
        break;
      case TaskKind::kCount:
        if (l.from_bin <= 0) return bad("from_bin: the counted bin is required");
        if (!l.system_qty || *l.system_qty < 0) return bad("system_qty: is required");
        break;
      case TaskKind::kPack:
      case TaskKind::kShip:
        if (l.expected_qty <= 0) return bad("expected_qty: must be greater than 0");
        break;
    }
  }
  return Status::Ok();
}

std::vector<ReceiptVariance> Variances(const Task& task) {
  std::vector<ReceiptVariance> out;
  if (task.kind != TaskKind::kReceive) return out;
  for (const auto& l : task.lines) {
    ReceiptVariance v;
    v.line_no = l.line_no;
    v.expected = l.expected_qty;
    v.good = l.done_qty;
    v.damaged = l.damaged_qty;
    const std::int64_t received = l.done_qty + l.damaged_qty;
    v.over = std::max<std::int64_t>(received - l.expected_qty, 0);
    v.short_ = std::max<std::int64_t>(l.expected_qty - received, 0);
    out.push_back(v);
  }
  return out;
}

Result<Task> Progress(Task task, int line_no, std::int64_t qty) {
  XB_RETURN_IF_ERROR(RequireOpen(task));
  if (task.kind == TaskKind::kReceive) {
    return FailedPrecondition("receive tasks record receipts lot by lot, not progress", "kind");
  }
  if (task.kind == TaskKind::kCount) {
    return FailedPrecondition("count tasks record counts and recounts, not progress", "kind");
  }
  XB_ASSIGN_OR_RETURN(TaskLine * line, LineOf(task, line_no));
  if (qty <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  if (line->done_qty + qty > line->expected_qty) {
    return FailedPrecondition(LineName(line_no) + " expects " +
                                  std::to_string(line->expected_qty - line->done_qty) + " more, " +
                                  std::to_string(qty) + " given",
                              "quantity");
  }
  if ((task.kind == TaskKind::kPutaway || task.kind == TaskKind::kMove ||
       task.kind == TaskKind::kPick) &&
      line->to_bin <= 0) {
    return InvalidArgument("to_bin: " + LineName(line_no) + " has no destination bin", "to_bin");
  }
  line->done_qty += qty;
  task.state = TaskState::kInProgress;
  return task;
}

Result<Task> ReceiveLot(Task task, int line_no, const LotReceipt& receipt) {
  XB_RETURN_IF_ERROR(ReceiveLotInPlace(task, line_no, receipt));
  return task;
}

Status ReceiveLotInPlace(Task& task, int line_no, const LotReceipt& receipt) {
  XB_RETURN_IF_ERROR(RequireKind(task, TaskKind::kReceive, "receipts"));
  XB_RETURN_IF_ERROR(RequireOpen(task));
  XB_ASSIGN_OR_RETURN(TaskLine * line, LineOf(task, line_no));
  if (receipt.quantity <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  if (receipt.condition == Condition::kDamaged && Trim(receipt.reason).empty()) {
    return InvalidArgument("reason: damaged goods need a reason", "reason");
  }
  if (receipt.reason.size() > 200)
    return InvalidArgument("reason: at most 200 characters", "reason");
  if (receipt.lot_number.empty()) {
    if (receipt.production_date || receipt.expiry_date) {
      return InvalidArgument("lot_number: is required when dates are given", "lot_number");
    }
  } else {
    inventory::Lot lot;
    lot.sku_id = line->sku_id;
    lot.lot_number = receipt.lot_number;
    lot.production_date = receipt.production_date;
    lot.expiry_date = receipt.expiry_date;
    XB_RETURN_IF_ERROR(inventory::Validate(lot));
  }
  LotReceipt* same = nullptr;
  for (auto& r : line->receipts) {
    if (r.lot_number != receipt.lot_number) continue;
    // One lot has one set of dates.
    if (r.expiry_date != receipt.expiry_date) {
      return InvalidArgument(
          "expiry_date: lot " + receipt.lot_number + " was received with a different expiry date",
          "expiry_date");
    }
    if (r.production_date != receipt.production_date) {
      return InvalidArgument("production_date: lot " + receipt.lot_number +
                                 " was received with a different production date",
                             "production_date");
    }
    if (r.condition == receipt.condition && r.reason == receipt.reason) same = &r;
  }
  if (same != nullptr) {
    same->quantity += receipt.quantity;
  } else {
    line->receipts.push_back(receipt);
  }
  if (receipt.condition == Condition::kGood) {
    line->done_qty += receipt.quantity;
  } else {
    line->damaged_qty += receipt.quantity;
  }
  task.state = TaskState::kInProgress;
  return Status::Ok();
}

Result<Task> RecordCount(Task task, int line_no, std::int64_t counted, std::int64_t book_qty) {
  XB_RETURN_IF_ERROR(RequireKind(task, TaskKind::kCount, "counts"));
  XB_RETURN_IF_ERROR(RequireOpen(task));
  XB_ASSIGN_OR_RETURN(TaskLine * line, LineOf(task, line_no));
  if (counted < 0) return InvalidArgument("counted: must not be negative", "counted");
  if (line->counted_qty) {
    return FailedPrecondition(LineName(line_no) + " is already counted", "line_no");
  }
  line->system_qty = std::max<std::int64_t>(book_qty, 0);
  line->counted_qty = counted;
  SetCountState(task);
  return task;
}

Result<Task> RecordFoundCount(Task task, const TaskLine& found, std::int64_t counted,
                              std::int64_t book_qty) {
  XB_RETURN_IF_ERROR(RequireKind(task, TaskKind::kCount, "found stock"));
  XB_RETURN_IF_ERROR(RequireOpen(task));
  if (counted <= 0) {
    return InvalidArgument("counted: found stock must be counted greater than 0", "counted");
  }
  if (found.from_bin <= 0) return InvalidArgument("bin_id: the counted bin is required", "bin_id");
  if (found.sku_id <= 0) return InvalidArgument("sku_id: is required", "sku_id");
  for (const auto& l : task.lines) {
    if (l.from_bin == found.from_bin && l.sku_id == found.sku_id && l.lot_id == found.lot_id &&
        l.owner == found.owner) {
      return AlreadyExists(
          LineName(l.line_no) + " already counts this bin, SKU, lot and owner; count that line",
          "line_no");
    }
  }
  TaskLine line;
  line.line_no = static_cast<int>(task.lines.size()) + 1;
  line.sku_id = found.sku_id;
  line.lot_id = found.lot_id;
  line.owner = found.owner;
  line.from_bin = found.from_bin;
  line.to_bin = found.from_bin;
  line.system_qty = std::max<std::int64_t>(book_qty, 0);
  line.counted_qty = counted;
  task.lines.push_back(std::move(line));
  SetCountState(task);
  return task;
}

Result<Task> RecordRecount(Task task, int line_no, std::int64_t recounted, std::int64_t book_qty,
                           std::string reason) {
  XB_RETURN_IF_ERROR(RequireKind(task, TaskKind::kCount, "recounts"));
  XB_RETURN_IF_ERROR(RequireOpen(task));
  XB_ASSIGN_OR_RETURN(TaskLine * line, LineOf(task, line_no));
  if (recounted < 0) return InvalidArgument("counted: must not be negative", "counted");
  if (!AwaitsRecount(*line)) {
    return FailedPrecondition(LineName(line_no) + " awaits no recount", "line_no");
  }
  reason = std::string(Trim(reason));
  if (recounted != std::max<std::int64_t>(book_qty, 0) && reason.empty()) {
    return InvalidArgument("reason: a count that differs from the system quantity needs a reason",
                           "reason");
  }
  if (reason.size() > 64) return InvalidArgument("reason: at most 64 characters", "reason");
  line->system_qty = std::max<std::int64_t>(book_qty, 0);
  line->recount_qty = recounted;
  line->reason = std::move(reason);
  SetCountState(task);
  return task;
}

Result<Task> Close(Task task, Timestamp at) {
  XB_RETURN_IF_ERROR(RequireOpen(task));
  if (task.kind == TaskKind::kCount) {
    for (const auto& l : task.lines) {
      if (!l.counted_qty) {
        return FailedPrecondition(LineName(l.line_no) + " is not counted yet", "lines");
      }
      if (AwaitsRecount(l)) {
        return FailedPrecondition(LineName(l.line_no) + " awaits its recount", "lines");
      }
    }
  }
  task.state = TaskState::kDone;
  task.closed_at = at;
  task.updated_at = at;
  return task;
}

Result<Task> CancelTask(Task task, Timestamp at) {
  XB_RETURN_IF_ERROR(RequireOpen(task));
  if ((task.kind == TaskKind::kReceive || task.kind == TaskKind::kPick) && AnythingDone(task)) {
    return FailedPrecondition("task " + task.code + " has " +
                                  (task.kind == TaskKind::kReceive ? "received" : "picked") +
                                  " stock already; close it short instead",
                              "state");
  }
  task.state = TaskState::kCancelled;
  task.closed_at = at;
  task.updated_at = at;
  return task;
}

std::int64_t CountAdjustment(const TaskLine& line) {
  if (!line.system_qty) return 0;
  const std::optional<std::int64_t> final_count =
      line.recount_qty ? line.recount_qty : line.counted_qty;
  return final_count ? *final_count - *line.system_qty : 0;
}

std::int64_t FreeUnits(const BinOccupancy& b) {
  if (b.capacity_units == 0) return std::numeric_limits<std::int64_t>::max();
  return std::max<std::int64_t>(b.capacity_units - b.units - std::max<std::int64_t>(b.planned, 0),
                                0);
}

Result<std::int64_t> SuggestBin(std::span<const BinOccupancy> bins, std::string_view category,
                                std::int64_t qty) {
  if (qty <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  const BinOccupancy* best = nullptr;
  for (const auto& b : bins) {
    if (!TakesPutaway(b) || FreeUnits(b) < qty) continue;
    if (best == nullptr || RankedBefore(b, *best, category)) best = &b;
  }
  if (best == nullptr) {
    return FailedPrecondition("no storage bin has room for " + std::to_string(qty) + " units",
                              "to_bin");
  }
  return best->bin_id;
}

Result<std::vector<BinShare>> SplitPutaway(std::span<const BinOccupancy> bins,
                                           std::string_view category, std::int64_t qty) {
  if (qty <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  // One bin when one takes it all: fewer trips and fewer lines.
  if (auto one = SuggestBin(bins, category, qty); one.ok()) {
    return std::vector<BinShare>{{*one, qty}};
  }
  std::vector<const BinOccupancy*> usable;
  std::int64_t room = 0;  // what all usable bins take together (none unlimited here)
  for (const auto& b : bins) {
    if (!TakesPutaway(b) || FreeUnits(b) <= 0) continue;
    usable.push_back(&b);
    room += FreeUnits(b);
  }
  if (room < qty) {
    return FailedPrecondition("the storage bins have room for " + std::to_string(room) +
                                  " units together, " + std::to_string(qty) + " to put away",
                              "to_bin");
  }
  std::sort(usable.begin(), usable.end(), [&](const BinOccupancy* a, const BinOccupancy* b) {
    return RankedBefore(*a, *b, category);
  });
  std::vector<BinShare> shares;
  std::int64_t left = qty;
  for (const BinOccupancy* b : usable) {
    if (left == 0) break;
    const std::int64_t take = std::min(left, FreeUnits(*b));
    shares.push_back({b->bin_id, take});
    left -= take;
  }
  return shares;
}

Status CheckRoom(const BinOccupancy& bin, std::int64_t qty) {
  if (bin.capacity_units == 0 || qty <= FreeUnits(bin)) return Status::Ok();
  return FailedPrecondition(
      "to_bin: bin " + BinName(bin) + " holds " + std::to_string(bin.units) +
          " units and expects " + std::to_string(std::max<std::int64_t>(bin.planned, 0)) +
          " more from open tasks, of a capacity of " + std::to_string(bin.capacity_units) +
          "; it has room for " + std::to_string(FreeUnits(bin)) + ", not " + std::to_string(qty),
      "to_bin");
}

Status Validate(const DeviceEvent& e) {
  if (e.device_id.empty() || e.device_id.size() > 64 || !IsVisibleAscii(e.device_id)) {
    return InvalidArgument("device_id: 1..64 visible ASCII characters", "device_id");
  }
  if (e.event_key.empty() || e.event_key.size() > 64 || !IsVisibleAscii(e.event_key)) {
    return InvalidArgument("event_key: 1..64 visible ASCII characters", "event_key");
  }
  if (e.location.size() > 64) return InvalidArgument("location: at most 64 characters", "location");
  if (e.barcode.size() > 256) return InvalidArgument("barcode: at most 256 characters", "barcode");
  if (e.quantity < 0) return InvalidArgument("quantity: must not be negative", "quantity");
  switch (e.type) {
    case DeviceEventType::kScanLocation:
      if (Trim(e.location).empty()) return InvalidArgument("location: is required", "location");
      break;
    case DeviceEventType::kScanItem:
      if (e.barcode.empty()) return InvalidArgument("barcode: is required", "barcode");
      break;
    case DeviceEventType::kConfirm:
      if (e.task_id <= 0) return InvalidArgument("task_id: is required", "task_id");
      if (e.line_no <= 0) return InvalidArgument("line_no: is required", "line_no");
      if (e.quantity <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
      break;
  }
  return Status::Ok();
}

}  // namespace xb::warehouse
