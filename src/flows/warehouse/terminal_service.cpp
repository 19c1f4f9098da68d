#include "flows/warehouse/terminal_service.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "core/text.h"
#include "domain/catalog/sku.h"
#include "domain/partners/partners.h"
#include "domain/warehouse/gs1.h"
#include "flows/inventory/stock_posting.h"
#include "flows/warehouse/warehouse_json.h"

namespace xb::warehouse_flow {

using nlohmann::json;
using warehouse::DeviceEvent;
using warehouse::DeviceEventRecord;
using warehouse::DeviceEventType;
using warehouse::Task;
using warehouse::TaskKind;
using warehouse::TaskLine;

namespace {

// Rejections that are the event's own fault: stored as its first answer.
bool Storable(ErrorCode code) {
  return code == ErrorCode::kInvalidArgument || code == ErrorCode::kNotFound ||
         code == ErrorCode::kFailedPrecondition;
}

json Head(const DeviceEvent& e, std::string_view status, const std::string& message) {
  return {{"status", status},
          {"message", message},
          {"device_id", e.device_id},
          {"event_key", e.event_key}};
}

DeviceAnswer Rejection(const DeviceEvent& e, const Status& why) {
  json body = Head(e, "rejected", why.message());
  json error = {{"code", ErrorCodeName(why.code())}, {"message", why.message()}};
  if (!why.field().empty()) error["field"] = why.field();
  body["error"] = std::move(error);
  return DeviceAnswer{HttpStatusOf(why.code()), body.dump(), false};
}

// The same event: a retry or a copy (the device's clock may differ).
bool SameEvent(const DeviceEvent& a, const DeviceEvent& b) {
  return a.type == b.type && a.task_id == b.task_id && a.line_no == b.line_no &&
         a.location == b.location && a.barcode == b.barcode && a.quantity == b.quantity;
}

Status KeyReused(const DeviceEvent& e) {
  return InvalidArgument("event_key: " + e.event_key + " was already used by device " +
                             e.device_id + " for another event",
                         "event_key");
}

std::string Gtin14(std::string_view gtin) {
  return gtin.size() >= 14 ? std::string(gtin)
                           : std::string(14 - gtin.size(), '0') + std::string(gtin);
}

}  // namespace

// Tasks, SKUs, lots and bins read once per transaction. A task is kept as the last event left
// it, so that the next event of a batch sees its change before it is written.
class TerminalService::Lookups {
 public:
  Result<Task*> GetTask(store::Transaction& tx, TenantId tenant, std::int64_t id) {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) {
      auto task = tx.warehouse().GetTask(tenant, warehouse::TaskId(id));
      if (!task.ok()) {
        if (task.status().code() != ErrorCode::kNotFound) return task.status();
        return InvalidArgument("task_id: no task with id " + std::to_string(id), "task_id");
      }
      it = tasks_.emplace(id, std::move(task).value()).first;
    }
    return &it->second;
  }
  void Keep(const Task& task) { tasks_[task.id.value()] = task; }

  Result<const catalog::Sku*> GetSku(store::Transaction& tx, TenantId tenant, std::int64_t id) {
    auto it = skus_.find(id);
    if (it == skus_.end()) {
      XB_ASSIGN_OR_RETURN(auto sku, tx.skus().Get(tenant, id));
      it = skus_.emplace(id, std::move(sku)).first;
    }
    return &it->second;
  }

  Result<const inventory::Lot*> GetLot(store::Transaction& tx, TenantId tenant,
                                       inventory::LotId id) {
    auto it = lots_.find(id.value());
    if (it == lots_.end()) {
      XB_ASSIGN_OR_RETURN(auto lot, tx.inventory().GetLot(tenant, id));
      it = lots_.emplace(id.value(), std::move(lot)).first;
    }
    return &it->second;
  }

  Result<const partners::Bin*> BinByCode(store::Transaction& tx, TenantId tenant,
                                         std::int64_t warehouse_id, const std::string& code) {
    const auto key = std::make_pair(warehouse_id, code);
    auto it = bins_.find(key);
    if (it == bins_.end()) {
      auto bin = tx.bins().GetByCode(tenant, warehouse_id, code);
      if (!bin.ok()) {
        if (bin.status().code() != ErrorCode::kNotFound) return bin.status();
        return InvalidArgument(
            "location: no bin " + code + " in warehouse " + std::to_string(warehouse_id),
            "location");
      }
      if (bin->status == RecordStatus::kArchived) {
        return InvalidArgument("location: bin " + code + " is archived", "location");
      }
      it = bins_.emplace(key, std::move(bin).value()).first;
    }
    return &it->second;
  }

  Result<const partners::Bin*> BinById(store::Transaction& tx, TenantId tenant, std::int64_t id) {
    for (const auto& [key, bin] : bins_) {
      if (bin.id.value() == id) return &bin;
    }
    XB_ASSIGN_OR_RETURN(auto bin, tx.bins().Get(tenant, id));
    const auto key = std::make_pair(bin.warehouse_id, bin.code);
    return &bins_.insert_or_assign(key, std::move(bin)).first->second;
  }

 private:
  std::map<std::int64_t, Task> tasks_;
  std::map<std::int64_t, catalog::Sku> skus_;
  std::map<std::int64_t, inventory::Lot> lots_;
  std::map<std::pair<std::int64_t, std::string>, partners::Bin> bins_;
};

// What an event does: an answer now (a scan, a rejection), or a change to write first.
struct TerminalService::Outcome {
  json body;                         // the answer, or its head when there is a change
  std::optional<TaskChange> change;  // the task change an applied confirm writes
  int line_no = 0;
};

TerminalService::TerminalService(store::Database& db, WarehouseService& service,
                                 TerminalOptions options)
    : db_(db), service_(service), options_(options) {
  if (options_.group_commit) {
    committer_ = std::make_unique<inventory_flow::GroupCommitter>(db_, options_.commit);
  }
}

TerminalService::~TerminalService() {
  if (committer_) committer_->Stop();
}

inventory_flow::GroupCommitStats TerminalService::commit_stats() const {
  return committer_ ? committer_->stats() : inventory_flow::GroupCommitStats{};
}

Status TerminalService::Run(const inventory_flow::GroupCommitter::Work& work) {
  if (committer_) return committer_->Run(work);
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_RETURN_IF_ERROR(work(*tx));
  return tx->Commit();
}

// --- deciding what an event does ---------------------------------------------------------------

namespace {

// A scanned barcode must be the line's item: its SKU's GTIN and, for stock already in the
// warehouse, its lot.
Status MatchLine(const Task& task, const TaskLine& line, const warehouse::Gs1Scan& scan,
                 const catalog::Sku& sku, const inventory::Lot* lot) {
  if (!scan.gtin) {
    return InvalidArgument("barcode: names no item (no GTIN); scan the item's label", "barcode");
  }
  if (!sku.gtin || Gtin14(*sku.gtin) != *scan.gtin) {
    return InvalidArgument("barcode: GTIN " + *scan.gtin + " is not SKU " + sku.code + " of line " +
                               std::to_string(line.line_no) +
                               (sku.gtin ? " (GTIN " + Gtin14(*sku.gtin) + ")" : std::string()),
                           "barcode");
  }
  if (task.kind == TaskKind::kReceive || !scan.lot) return Status::Ok();
  if (lot == nullptr) {
    return InvalidArgument("barcode: lot " + *scan.lot + " is not the stock of line " +
                               std::to_string(line.line_no) + ", which has no lot",
                           "barcode");
  }
  if (lot->lot_number != *scan.lot) {
    return InvalidArgument("barcode: lot " + *scan.lot + " is not the lot of line " +
                               std::to_string(line.line_no) + " (" + lot->lot_number + ")",
                           "barcode");
  }
  return Status::Ok();
}

std::int64_t Outstanding(const TaskLine& l) { return l.expected_qty - l.done_qty; }

}  // namespace

Result<TerminalService::Outcome> TerminalService::Evaluate(store::Transaction& tx,
                                                           const RequestContext& ctx,
                                                           const DeviceEvent& event,
                                                           Lookups& lookups) {
  const TenantId tenant = ctx.principal.tenant_id;
  const Date today = Date::OfTimestamp(service_.clock().Now());
  std::optional<warehouse::Gs1Scan> scan;
  if (!event.barcode.empty()) {
    XB_ASSIGN_OR_RETURN(scan, warehouse::ParseGs1(event.barcode, today));
  }
  Task* task = nullptr;
  if (event.task_id > 0) {
    XB_ASSIGN_OR_RETURN(task, lookups.GetTask(tx, tenant, event.task_id));
  }
  const std::string location(Trim(event.location));
  if (task == nullptr && (!location.empty() || event.line_no > 0)) {
    return InvalidArgument("task_id: a bin or a line is scanned for a task; give task_id",
                           "task_id");
  }
  const TaskLine* line = nullptr;
  if (event.line_no > 0) {
    for (const auto& l : task->lines) {
      if (l.line_no == event.line_no) line = &l;
    }
    if (line == nullptr) {
      return InvalidArgument(
          "line_no: task " + task->code + " has no line " + std::to_string(event.line_no),
          "line_no");
    }
  }
  const partners::Bin* bin = nullptr;
  if (!location.empty()) {
    XB_ASSIGN_OR_RETURN(bin, lookups.BinByCode(tx, tenant, task->warehouse_id, location));
  }
  const auto line_lot = [&](const TaskLine& l) -> Result<const inventory::Lot*> {
    if (l.lot_id.value() == 0) return static_cast<const inventory::Lot*>(nullptr);
    return lookups.GetLot(tx, tenant, l.lot_id);
  };
  if (scan && line != nullptr) {
    XB_ASSIGN_OR_RETURN(const catalog::Sku* sku, lookups.GetSku(tx, tenant, line->sku_id));
    XB_ASSIGN_OR_RETURN(const inventory::Lot* lot, line_lot(*line));
    XB_RETURN_IF_ERROR(MatchLine(*task, *line, *scan, *sku, lot));
  }

  Outcome out;
  switch (event.type) {
    case DeviceEventType::kScanLocation: {
      inventory::BalanceQuery q;
      q.warehouse_id = task->warehouse_id;
      q.bin_id = bin->id.value();
      q.limit = 50;
      XB_ASSIGN_OR_RETURN(auto held, tx.inventory().ListBalances(tenant, q));
      json holds = json::array();
      for (const auto& b : held.first) {
        holds.push_back({{"sku_id", b.key.sku_id},
                         {"lot_id", b.key.lot_id.value()},
                         {"lot_number", b.lot_number},
                         {"expiry_date", b.expiry_date ? json(b.expiry_date->ToIso8601()) : json()},
                         {"owner", b.key.owner},
                         {"state", EnumName(b.key.state)},
                         {"on_hand", b.on_hand}});
      }
      json expected = json::array();
      const std::int64_t here = bin->id.value();
      for (const auto& l : task->lines) {
        json e = {{"line_no", l.line_no}, {"sku_id", l.sku_id}, {"lot_id", l.lot_id.value()}};
        if (task->kind == TaskKind::kCount) {
          if (l.from_bin != here) continue;
          e["action"] = "count";
        } else if (task->kind == TaskKind::kReceive) {
          if (l.to_bin != here) continue;
          e["action"] = "receive";
          e["quantity"] = std::max<std::int64_t>(l.expected_qty - l.done_qty - l.damaged_qty, 0);
        } else if (l.from_bin == here) {
          e["action"] = "take";
          e["quantity"] = Outstanding(l);
        } else if (l.to_bin == here) {
          e["action"] = "put";
          e["quantity"] = Outstanding(l);
        } else {
          continue;
        }
        expected.push_back(std::move(e));
      }
      out.body = Head(event, "ok", "bin " + bin->code);
      out.body["bin"] = {{"id", here},
                         {"code", bin->code},
                         {"kind", EnumName(bin->kind)},
                         {"holds", std::move(holds)},
                         {"expected", std::move(expected)}};
      out.body["task"] = TaskHeaderJson(*task);
      return out;
    }
    case DeviceEventType::kScanItem: {
      out.body = Head(event, "ok", "scanned");
      out.body["scan"] = ScanJson(*scan);
      if (task == nullptr) return out;
      out.body["task"] = TaskHeaderJson(*task);
      if (line != nullptr) {
        out.body["message"] = "line " + std::to_string(line->line_no);
        out.body["task"]["line"] = TaskLineJson(*task, *line, TaskAudience::kTerminal);
        return out;
      }
      json lines = json::array();
      for (const auto& l : task->lines) {
        XB_ASSIGN_OR_RETURN(const catalog::Sku* sku, lookups.GetSku(tx, tenant, l.sku_id));
        XB_ASSIGN_OR_RETURN(const inventory::Lot* lot, line_lot(l));
        if (MatchLine(*task, l, *scan, *sku, lot).ok()) lines.push_back(l.line_no);
      }
      if (lines.empty()) {
        return InvalidArgument("barcode: the item is on no line of task " + task->code, "barcode");
      }
      out.body["message"] = "lines " + lines.dump();
      out.body["lines"] = std::move(lines);
      return out;
    }
    case DeviceEventType::kConfirm:
      break;
  }

  // Confirm: the line's quantity, through the same steps as the office.
  Result<TaskChange> change = Internal("unhandled task kind");
  switch (task->kind) {
    case TaskKind::kReceive: {
      ReceiptEntry entry;
      entry.line_no = line->line_no;
      entry.lot.quantity = event.quantity;
      if (scan) {
        entry.lot.lot_number = scan->lot.value_or("");
        entry.lot.production_date = scan->production_date;
        entry.lot.expiry_date = scan->expiry_date;
      }
      if (bin != nullptr && bin->id.value() != line->to_bin) {
        return InvalidArgument(
            "location: line " + std::to_string(line->line_no) + " is received into another bin",
            "location");
      }
      change = service_.PrepareReceipt(tx, ctx, *task, entry);
      break;
    }
    case TaskKind::kPutaway:
    case TaskKind::kMove: {
      ProgressEntry entry{line->line_no, event.quantity, std::nullopt};
      if (bin != nullptr) entry.to_bin = bin->id.value();
      change = service_.PrepareProgress(tx, ctx, *task, entry);
      break;
    }
    case TaskKind::kPick: {
      if (bin != nullptr && bin->id.value() != line->from_bin) {
        XB_ASSIGN_OR_RETURN(const partners::Bin* from, lookups.BinById(tx, tenant, line->from_bin));
        return InvalidArgument("location: line " + std::to_string(line->line_no) +
                                   " picks from bin " + from->code + ", not " + bin->code,
                               "location");
      }
      change = service_.PrepareProgress(tx, ctx, *task,
                                        ProgressEntry{line->line_no, event.quantity, std::nullopt});
      break;
    }
    case TaskKind::kCount: {
      if (bin != nullptr && bin->id.value() != line->from_bin) {
        return InvalidArgument(
            "location: line " + std::to_string(line->line_no) + " counts another bin", "location");
      }
      change = line->counted_qty
                   ? service_.PrepareRecount(tx, ctx, *task, line->line_no, event.quantity,
                                             "recount on " + ctx.device.substr(0, 40))
                   : service_.PrepareCount(tx, ctx, *task, line->line_no, event.quantity);
      break;
    }
    case TaskKind::kPack:
    case TaskKind::kShip:
      return FailedPrecondition("task " + task->code + " is a " + EnumName(task->kind) +
                                    " task; terminals confirm receive, putaway, pick, move and "
                                    "count lines",
                                "task_id");
  }
  if (!change.ok()) return change.status();
  out.line_no = line->line_no;
  out.body = Head(event, "applied", "");
  lookups.Keep(change->after);
  out.change = std::move(change).value();
  return out;
}

// --- answering -------------------------------------------------------------------------------

namespace {

std::string AppliedMessage(const Task& task, const TaskLine& line) {
  const std::string head = "line " + std::to_string(line.line_no) + ": ";
  switch (task.kind) {
    case TaskKind::kReceive:
      return head + std::to_string(line.done_qty) + " good, " + std::to_string(line.damaged_qty) +
             " damaged of " + std::to_string(line.expected_qty) + " expected";
    case TaskKind::kCount:
      return head + "counted";
    default:
      return head + std::to_string(line.done_qty) + " of " + std::to_string(line.expected_qty) +
             " done";
  }
}

// The answer to an applied event, once its change is written (the task has its new version).
DeviceAnswer Applied(json body, const TaskChange& change, int line_no) {
  json task = TaskHeaderJson(change.after);
  for (const auto& l : change.after.lines) {
    if (l.line_no != line_no) continue;
    body["message"] = AppliedMessage(change.after, l);
    task["line"] = TaskLineJson(change.after, l, TaskAudience::kTerminal);
  }
  body["task"] = std::move(task);
  return DeviceAnswer{200, body.dump(), false};
}

DeviceEventRecord RecordOf(const DeviceEvent& event, const DeviceAnswer& answer, Timestamp now) {
  DeviceEventRecord r;
  r.event = event;
  r.status = answer.status;
  r.answer = answer.body;
  r.received_at = now;
  return r;
}

}  // namespace

Result<DeviceAnswer> TerminalService::StoredAnswer(const RequestContext& ctx,
                                                   const DeviceEvent& event) {
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto stored, tx->warehouse().FindDeviceEvent(
                                       ctx.principal.tenant_id, event.device_id, event.event_key));
  if (!stored) return Unavailable("the event's answer could not be stored; retry");
  if (!SameEvent(stored->event, event)) return KeyReused(event);
  return DeviceAnswer{stored->status, stored->answer, true};
}

Result<DeviceAnswer> TerminalService::StoreRejection(const RequestContext& ctx,
                                                     const DeviceEvent& event, const Status& why) {
  DeviceAnswer answer;
  bool reused = false;
  const Status st = Run([&](store::Transaction& tx) -> Status {
    reused = false;
    XB_ASSIGN_OR_RETURN(
        auto stored,
        tx.warehouse().FindDeviceEvent(ctx.principal.tenant_id, event.device_id, event.event_key));
    if (stored) {
      reused = !SameEvent(stored->event, event);
      answer = DeviceAnswer{stored->status, stored->answer, true};
      return Status::Ok();
    }
    answer = Rejection(event, why);
    return tx.warehouse().InsertDeviceEvent(RecordOf(event, answer, service_.clock().Now()));
  });
  if (!st.ok()) {
    if (st.code() == ErrorCode::kAlreadyExists) return StoredAnswer(ctx, event);
    return st;
  }
  if (reused) return KeyReused(event);
  return answer;
}

Result<DeviceAnswer> TerminalService::Handle(const RequestContext& in, const DeviceEvent& sent) {
  XB_RETURN_IF_ERROR(access::Authorize(in.principal, access::Action::kOperateWarehouse));
  XB_RETURN_IF_ERROR(warehouse::Validate(sent));
  DeviceEvent event = sent;
  event.tenant_id = in.principal.tenant_id;  // the key's tenant, whatever the event says
  RequestContext ctx = in;
  ctx.device = event.device_id;
  const TenantId tenant = ctx.principal.tenant_id;

  DeviceAnswer answer;
  bool reused = false;
  std::unique_ptr<inventory_flow::StockPosting> posting;
  const Status st = Run([&](store::Transaction& tx) -> Status {
    // A batch that failed is run again: start afresh (a dropped posting gives back its stock).
    posting.reset();
    reused = false;
    XB_ASSIGN_OR_RETURN(auto stored,
                        tx.warehouse().FindDeviceEvent(tenant, event.device_id, event.event_key));
    if (stored) {
      reused = !SameEvent(stored->event, event);
      answer = DeviceAnswer{stored->status, stored->answer, true};
      return Status::Ok();
    }
    Lookups lookups;
    auto outcome = Evaluate(tx, ctx, event, lookups);
    if (!outcome.ok()) {
      if (!Storable(outcome.status().code())) return outcome.status();
      answer = Rejection(event, outcome.status());
    } else if (outcome->change) {
      posting = std::make_unique<inventory_flow::StockPosting>(service_.engine());
      XB_RETURN_IF_ERROR(
          service_.WriteChanges(tx, *posting, ctx, std::span<TaskChange>(&*outcome->change, 1)));
      answer = Applied(std::move(outcome->body), *outcome->change, outcome->line_no);
    } else {
      answer = DeviceAnswer{200, outcome->body.dump(), false};
    }
    return tx.warehouse().InsertDeviceEvent(RecordOf(event, answer, service_.clock().Now()));
  });
  if (st.ok()) {
    if (posting) posting->Committed();
    if (reused) return KeyReused(event);
    return answer;
  }
  posting.reset();
  // A concurrent copy stored its answer first.
  if (st.code() == ErrorCode::kAlreadyExists) return StoredAnswer(ctx, event);
  // The change could not be written (not enough stock, more than reserved): nothing of it was
  // kept; the refusal is the event's answer.
  if (Storable(st.code())) return StoreRejection(ctx, event, st);
  return st;
}

Result<std::vector<DeviceAnswer>> TerminalService::HandleBatch(
    const RequestContext& in, const std::vector<DeviceEvent>& sent) {
  XB_RETURN_IF_ERROR(access::Authorize(in.principal, access::Action::kOperateWarehouse));
  const TenantId tenant = in.principal.tenant_id;
  std::vector<DeviceEvent> events = sent;
  for (auto& e : events) e.tenant_id = tenant;
  const std::size_t n = events.size();
  std::vector<Status> invalid(n);
  for (std::size_t i = 0; i < n; ++i) {
    invalid[i] = warehouse::Validate(events[i]);
    if (invalid[i].ok() && events[i].device_id != events[0].device_id) {
      invalid[i] =
          InvalidArgument("device_id: a batch holds the events of one device", "device_id");
    }
  }
  RequestContext ctx = in;
  if (n > 0) ctx.device = events[0].device_id;

  std::vector<DeviceAnswer> answers(n);
  std::unique_ptr<inventory_flow::StockPosting> posting;
  const Status st = Run([&](store::Transaction& tx) -> Status {
    posting.reset();
    Lookups lookups;
    std::map<std::string, std::size_t> first;  // event key → the first event with it
    std::vector<TaskChange> changes;
    std::vector<std::optional<std::size_t>> change_of(n);
    std::vector<json> heads(n);
    std::vector<int> line_of(n, 0);
    std::vector<bool> fresh(n, false);  // answered now: to be stored
    for (std::size_t i = 0; i < n; ++i) {
      const DeviceEvent& e = events[i];
      if (!invalid[i].ok()) {
        answers[i] = Rejection(e, invalid[i]);
        continue;
      }
      auto [it, added] = first.emplace(e.event_key, i);
      if (!added) continue;  // answered below, from the first copy
      XB_ASSIGN_OR_RETURN(auto stored,
                          tx.warehouse().FindDeviceEvent(tenant, e.device_id, e.event_key));
      if (stored) {
        answers[i] = SameEvent(stored->event, e)
                         ? DeviceAnswer{stored->status, stored->answer, true}
                         : Rejection(e, KeyReused(e));
        continue;
      }
      auto outcome = Evaluate(tx, ctx, e, lookups);
      fresh[i] = true;
      if (!outcome.ok()) {
        if (!Storable(outcome.status().code())) return outcome.status();
        answers[i] = Rejection(e, outcome.status());
      } else if (outcome->change) {
        change_of[i] = changes.size();
        changes.push_back(std::move(*outcome->change));
        heads[i] = std::move(outcome->body);
        line_of[i] = outcome->line_no;
      } else {
        answers[i] = DeviceAnswer{200, outcome->body.dump(), false};
      }
    }
    if (!changes.empty()) {
      posting = std::make_unique<inventory_flow::StockPosting>(service_.engine());
      XB_RETURN_IF_ERROR(service_.WriteChanges(tx, *posting, ctx, changes));
    }
    const Timestamp now = service_.clock().Now();
    for (std::size_t i = 0; i < n; ++i) {
      if (change_of[i])
        answers[i] = Applied(std::move(heads[i]), changes[*change_of[i]], line_of[i]);
      if (fresh[i]) {
        XB_RETURN_IF_ERROR(tx.warehouse().InsertDeviceEvent(RecordOf(events[i], answers[i], now)));
      }
    }
    // Later copies of an event within the batch get the first copy's answer.
    for (std::size_t i = 0; i < n; ++i) {
      if (!invalid[i].ok()) continue;
      const std::size_t j = first.at(events[i].event_key);
      if (j == i) continue;
      answers[i] = SameEvent(events[j], events[i])
                       ? DeviceAnswer{answers[j].status, answers[j].body, true}
                       : Rejection(events[i], KeyReused(events[i]));
    }
    return Status::Ok();
  });
  if (st.ok()) {
    if (posting) posting->Committed();
    return answers;
  }
  posting.reset();
  if (!Storable(st.code()) && st.code() != ErrorCode::kAlreadyExists) return st;
  // Some change could not be written together with the others: answer the events one by one,
  // in order, so that only the ones that do not fit are refused.
  for (std::size_t i = 0; i < n; ++i) {
    if (!invalid[i].ok()) {
      answers[i] = Rejection(events[i], invalid[i]);
      continue;
    }
    auto one = Handle(in, events[i]);
    answers[i] = one.ok() ? std::move(one).value() : Rejection(events[i], one.status());
  }
  return answers;
}

}  // namespace xb::warehouse_flow
