#include "flows/warehouse/terminal_service.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <span>
#include <tuple>
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
  return DeviceAnswer{HttpStatusOf(why.code()),
                      body.dump(-1, ' ', false, json::error_handler_t::replace), false};
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

// ---- the applied answer, written directly (the hot path: one per event) ----

void Quoted(std::string& out, std::string_view s) {
  // Most texts (codes, keys, states) are printable ASCII: appended whole.
  if (std::all_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
      })) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  if (!IsCleanUtf8(s)) {
    out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
  out += '"';
}

void AppendNumber(std::string& out, std::int64_t n) {
  char digits[24];
  const auto end = std::to_chars(std::begin(digits), std::end(digits), n).ptr;
  out.append(digits, end);
}

void Member(std::string& out, std::string_view name, std::string_view text) {
  out += '"';
  out += name;
  out += "\":";
  Quoted(out, text);
  out += ',';
}

void Member(std::string& out, std::string_view name, std::int64_t n) {
  out += '"';
  out += name;
  out += "\":";
  AppendNumber(out, n);
  out += ',';
}

void Member(std::string& out, std::string_view name, const std::optional<std::int64_t>& n) {
  if (n) return Member(out, name, *n);
  out += '"';
  out += name;
  out += "\":null,";
}

// Replaces the trailing comma of an object's members by its closing brace.
void Close(std::string& out) {
  if (!out.empty() && out.back() == ',') out.pop_back();
  out += '}';
}

// `"name":"text",` for a text known to need no escaping (names of enum values, constants).
void PlainMember(std::string& out, std::string_view name, std::string_view text) {
  out += '"';
  out += name;
  out += "\":\"";
  out += text;
  out += "\",";
}

// The message of an applied answer (digits and words only: nothing to escape), appended.
void AppendAppliedMessage(std::string& out, const Task& task, const TaskLine& line) {
  out += "line ";
  AppendNumber(out, line.line_no);
  out += ": ";
  switch (task.kind) {
    case TaskKind::kReceive:
      AppendNumber(out, line.done_qty);
      out += " good, ";
      AppendNumber(out, line.damaged_qty);
      out += " damaged of ";
      AppendNumber(out, line.expected_qty);
      out += " expected";
      break;
    case TaskKind::kCount:
      out += "counted";
      break;
    default:
      AppendNumber(out, line.done_qty);
      out += " of ";
      AppendNumber(out, line.expected_qty);
      out += " done";
      break;
  }
}

// {"status":"applied","message","device_id","event_key","task":{id, code, kind, state, version,
// "line":{...the line as the terminal sees it}}}, once the change is written.
// Text that goes into the answer as it is: printable ASCII without a quote or backslash.
bool Plain(std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

// Writes into a buffer sized beforehand (the applied answer's fast path): every piece is one
// copy, without a capacity check.
class Writer {
 public:
  explicit Writer(char* at) : p_(at) {}
  template <std::size_t N>
  void Lit(const char (&text)[N]) {
    std::memcpy(p_, text, N - 1);
    p_ += N - 1;
  }
  void Text(std::string_view text) {
    std::memcpy(p_, text.data(), text.size());
    p_ += text.size();
  }
  void Int(std::int64_t n) { p_ = std::to_chars(p_, p_ + 24, n).ptr; }
  void Int(const std::optional<std::int64_t>& n) {
    if (n) return Int(*n);
    Lit("null");
  }
  char* at() const { return p_; }

 private:
  char* p_;
};

// The applied answer when every text in it is Plain: the same bytes as the general form below.
std::string PlainApplied(const DeviceEvent& e, const Task& task, const TaskLine* line) {
  std::size_t most = 1024 + e.device_id.size() + e.event_key.size() + task.code.size();
  if (line != nullptr) most += line->owner.size() + line->order_ref.size() + line->reason.size();
  std::string out(most, '\0');
  Writer w(out.data());
  w.Lit("{\"status\":\"applied\",\"message\":\"");
  if (line != nullptr) {
    w.Lit("line ");
    w.Int(line->line_no);
    w.Lit(": ");
    switch (task.kind) {
      case TaskKind::kReceive:
        w.Int(line->done_qty);
        w.Lit(" good, ");
        w.Int(line->damaged_qty);
        w.Lit(" damaged of ");
        w.Int(line->expected_qty);
        w.Lit(" expected");
        break;
      case TaskKind::kCount:
        w.Lit("counted");
        break;
      default:
        w.Int(line->done_qty);
        w.Lit(" of ");
        w.Int(line->expected_qty);
        w.Lit(" done");
        break;
    }
  }
  w.Lit("\",\"device_id\":\"");
  w.Text(e.device_id);
  w.Lit("\",\"event_key\":\"");
  w.Text(e.event_key);
  w.Lit("\",\"task\":{\"id\":");
  w.Int(task.id.value());
  w.Lit(",\"code\":\"");
  w.Text(task.code);
  w.Lit("\",\"kind\":\"");
  w.Text(EnumName(task.kind));
  w.Lit("\",\"state\":\"");
  w.Text(EnumName(task.state));
  w.Lit("\",\"version\":");
  w.Int(task.version);
  if (line != nullptr) {
    const TaskLine& l = *line;
    w.Lit(",\"line\":{\"line_no\":");
    w.Int(l.line_no);
    w.Lit(",\"sku_id\":");
    w.Int(l.sku_id);
    w.Lit(",\"owner\":\"");
    w.Text(l.owner);
    w.Lit("\",");
    if (task.kind == TaskKind::kReceive) {
      w.Lit("\"to_bin\":");
      w.Int(l.to_bin);
      w.Lit(",\"expected_qty\":");
      w.Int(l.expected_qty);
      w.Lit(",\"done_qty\":");
      w.Int(l.done_qty);
      w.Lit(",\"damaged_qty\":");
      w.Int(l.damaged_qty);
    } else if (task.kind == TaskKind::kCount) {
      w.Lit("\"lot_id\":");
      w.Int(l.lot_id.value());
      w.Lit(",\"bin\":");
      w.Int(l.from_bin);
      w.Lit(",\"counted_qty\":");
      w.Int(l.counted_qty);
      w.Lit(",\"recount_qty\":");
      w.Int(l.recount_qty);
      w.Lit(",\"reason\":\"");
      w.Text(l.reason);
      w.Lit("\"");
    } else {
      w.Lit("\"lot_id\":");
      w.Int(l.lot_id.value());
      w.Lit(",\"from_bin\":");
      w.Int(l.from_bin);
      w.Lit(",\"to_bin\":");
      w.Int(l.to_bin);
      w.Lit(",\"expected_qty\":");
      w.Int(l.expected_qty);
      w.Lit(",\"done_qty\":");
      w.Int(l.done_qty);
      if (task.kind == TaskKind::kPick) {
        w.Lit(",\"reservation_id\":");
        w.Int(l.reservation_id);
        w.Lit(",\"order_ref\":\"");
        w.Text(l.order_ref);
        w.Lit("\"");
      }
    }
    w.Lit("}");
  }
  w.Lit("}}");
  out.resize(static_cast<std::size_t>(w.at() - out.data()));
  return out;
}

DeviceAnswer Applied(const DeviceEvent& e, const Task& task, int line_no) {
  const TaskLine* line = nullptr;
  for (const auto& l : task.lines) {
    if (l.line_no == line_no) line = &l;
  }
  if (Plain(e.device_id) && Plain(e.event_key) && Plain(task.code) &&
      (line == nullptr || (Plain(line->owner) && Plain(line->order_ref) && Plain(line->reason)))) {
    return DeviceAnswer{200, PlainApplied(e, task, line), false};
  }
  std::string out;
  out.reserve(512);
  out += "{\"status\":\"applied\",\"message\":\"";
  if (line != nullptr) AppendAppliedMessage(out, task, *line);
  out += "\",";
  Member(out, "device_id", e.device_id);
  Member(out, "event_key", e.event_key);
  out += "\"task\":{";
  Member(out, "id", task.id.value());
  Member(out, "code", task.code);
  PlainMember(out, "kind", EnumName(task.kind));
  PlainMember(out, "state", EnumName(task.state));
  Member(out, "version", task.version);
  if (line != nullptr) {
    const TaskLine& l = *line;
    out += "\"line\":{";
    Member(out, "line_no", l.line_no);
    Member(out, "sku_id", l.sku_id);
    Member(out, "owner", l.owner);
    if (task.kind == TaskKind::kReceive) {
      Member(out, "to_bin", l.to_bin);
      Member(out, "expected_qty", l.expected_qty);
      Member(out, "done_qty", l.done_qty);
      Member(out, "damaged_qty", l.damaged_qty);
    } else if (task.kind == TaskKind::kCount) {
      Member(out, "lot_id", l.lot_id.value());
      Member(out, "bin", l.from_bin);
      Member(out, "counted_qty", l.counted_qty);
      Member(out, "recount_qty", l.recount_qty);
      Member(out, "reason", l.reason);
    } else {
      Member(out, "lot_id", l.lot_id.value());
      Member(out, "from_bin", l.from_bin);
      Member(out, "to_bin", l.to_bin);
      Member(out, "expected_qty", l.expected_qty);
      Member(out, "done_qty", l.done_qty);
      if (task.kind == TaskKind::kPick) {
        Member(out, "reservation_id", l.reservation_id);
        Member(out, "order_ref", l.order_ref);
      }
    }
    Close(out);
    out += ',';
  }
  Close(out);
  Close(out);
  return DeviceAnswer{200, std::move(out), false};
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

// One event of a request, with who sent it.
struct TerminalService::Item {
  const RequestContext* ctx = nullptr;  // the request's; device: the event's
  DeviceEvent event;                    // tenant: the principal's
  Status invalid;                       // why it cannot be applied at all (answered, never stored)
};

// One request waiting for the writer: its events and where its answers go.
struct TerminalService::Unit {
  RequestContext ctx;  // device: the events' (a batch holds one device's)
  std::vector<Item> items;
  std::vector<Result<DeviceAnswer>> answers;  // filled in before `done` runs
  // Called once on the writer thread: OK with the answers filled in, or why there are none.
  std::function<void(Unit&, const Status&)> done;
};

// Tasks, SKUs, lots and bins read once per transaction. A task is kept as the last event left
// it, so that the next event of the transaction sees its change before it is written.
class TerminalService::Lookups {
 public:
  Result<Task*> GetTask(store::Transaction& tx, TenantId tenant, std::int64_t id) {
    const auto key = std::make_pair(tenant.value(), id);
    auto it = tasks_.find(key);
    if (it == tasks_.end()) {
      auto task = tx.warehouse().GetTask(tenant, warehouse::TaskId(id));
      if (!task.ok()) {
        if (task.status().code() != ErrorCode::kNotFound) return task.status();
        return InvalidArgument("task_id: no task with id " + std::to_string(id), "task_id");
      }
      it = tasks_.emplace(key, std::move(task).value()).first;
    }
    return &it->second;
  }
  void Keep(const Task& task) { tasks_[{task.tenant_id.value(), task.id.value()}] = task; }
  // Makes the last change of each task in `changes` hold the whole task as the events left it
  // (steps applied in place leave only their line in the change).
  void Complete(std::span<TaskChange> changes) const {
    std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> last;
    for (std::size_t i = 0; i < changes.size(); ++i) {
      last[{changes[i].after.tenant_id.value(), changes[i].after.id.value()}] = i;
    }
    for (const auto& [key, i] : last) {
      auto it = tasks_.find(key);
      if (it == tasks_.end()) continue;
      const std::int64_t version = changes[i].after.version;
      changes[i].after = it->second;
      changes[i].after.version = version;
    }
  }
  // After a write: the version the store now holds.
  void Written(const Task& task) {
    auto it = tasks_.find({task.tenant_id.value(), task.id.value()});
    if (it != tasks_.end()) it->second.version = task.version;
  }

  Result<const catalog::Sku*> GetSku(store::Transaction& tx, TenantId tenant, std::int64_t id) {
    const auto key = std::make_pair(tenant.value(), id);
    auto it = skus_.find(key);
    if (it == skus_.end()) {
      XB_ASSIGN_OR_RETURN(auto sku, tx.skus().Get(tenant, id));
      it = skus_.emplace(key, std::move(sku)).first;
    }
    return &it->second;
  }

  Result<const inventory::Lot*> GetLot(store::Transaction& tx, TenantId tenant,
                                       inventory::LotId id) {
    const auto key = std::make_pair(tenant.value(), id.value());
    auto it = lots_.find(key);
    if (it == lots_.end()) {
      XB_ASSIGN_OR_RETURN(auto lot, tx.inventory().GetLot(tenant, id));
      it = lots_.emplace(key, std::move(lot)).first;
    }
    return &it->second;
  }

  Result<const partners::Bin*> BinByCode(store::Transaction& tx, TenantId tenant,
                                         std::int64_t warehouse_id, const std::string& code) {
    const auto key = std::make_tuple(tenant.value(), warehouse_id, code);
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

  // The barcode parsed; a batch scans the same label again and again.
  Result<const warehouse::Gs1Scan*> Scan(const std::string& barcode, Date today) {
    if (!scan_ || scan_barcode_ != barcode) {
      XB_ASSIGN_OR_RETURN(auto parsed, warehouse::ParseGs1(barcode, today));
      scan_ = std::move(parsed);
      scan_barcode_ = barcode;
    }
    return &*scan_;
  }

  Result<const partners::Bin*> BinById(store::Transaction& tx, TenantId tenant, std::int64_t id) {
    for (const auto& [key, bin] : bins_) {
      if (std::get<0>(key) == tenant.value() && bin.id.value() == id) return &bin;
    }
    XB_ASSIGN_OR_RETURN(auto bin, tx.bins().Get(tenant, id));
    const auto key = std::make_tuple(tenant.value(), bin.warehouse_id, bin.code);
    return &bins_.insert_or_assign(key, std::move(bin)).first->second;
  }

 private:
  std::map<std::pair<std::int64_t, std::int64_t>, Task> tasks_;
  std::map<std::pair<std::int64_t, std::int64_t>, catalog::Sku> skus_;
  std::map<std::pair<std::int64_t, std::int64_t>, inventory::Lot> lots_;
  std::map<std::tuple<std::int64_t, std::int64_t, std::string>, partners::Bin> bins_;
  std::string scan_barcode_;
  std::optional<warehouse::Gs1Scan> scan_;
};

// What an event does: an answer now (a scan), or a change to write first.
struct TerminalService::Outcome {
  json body;                         // the answer of a scan
  std::optional<TaskChange> change;  // the task change an applied confirm writes
  int line_no = 0;
};

TerminalService::TerminalService(store::Database& db, WarehouseService& service,
                                 TerminalOptions options)
    : db_(db), service_(service), options_(options) {
  writer_ = std::thread([this] { Loop(); });
}

TerminalService::~TerminalService() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

TerminalStats TerminalService::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
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
                                                           Lookups& lookups, StepCache& cache) {
  const TenantId tenant = ctx.principal.tenant_id;
  const warehouse::Gs1Scan* scan = nullptr;
  if (!event.barcode.empty()) {
    XB_ASSIGN_OR_RETURN(scan, lookups.Scan(event.barcode, Date::OfTimestamp(*cache.now)));
  }
  Task* task = nullptr;
  if (event.task_id > 0) {
    XB_ASSIGN_OR_RETURN(task, lookups.GetTask(tx, tenant, event.task_id));
  }
  const std::string_view location = Trim(event.location);
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
    XB_ASSIGN_OR_RETURN(bin,
                        lookups.BinByCode(tx, tenant, task->warehouse_id, std::string(location)));
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
  Result<TaskChange> change = Internal("no step");  // every kind sets it below
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
      change = service_.ApplyReceipt(tx, ctx, *task, entry, &cache);
      break;
    }
    case TaskKind::kPutaway:
    case TaskKind::kMove: {
      ProgressEntry entry{line->line_no, event.quantity, std::nullopt};
      if (bin != nullptr) entry.to_bin = bin->id.value();
      // The bin's room counts what earlier events of the batch bring into it.
      change = service_.ApplyProgress(tx, ctx, *task, entry, &cache);
      break;
    }
    case TaskKind::kPick: {
      if (bin != nullptr && bin->id.value() != line->from_bin) {
        XB_ASSIGN_OR_RETURN(const partners::Bin* from, lookups.BinById(tx, tenant, line->from_bin));
        return InvalidArgument("location: line " + std::to_string(line->line_no) +
                                   " picks from bin " + from->code + ", not " + bin->code,
                               "location");
      }
      change = service_.ApplyProgress(tx, ctx, *task,
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
                                             "recount on " + ctx.device.substr(0, 40), &cache)
                   : service_.PrepareCount(tx, ctx, *task, line->line_no, event.quantity, &cache);
      if (change.ok()) lookups.Keep(change->after);
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
  change->device_event = &event;
  out.change = std::move(change).value();
  return out;
}

// --- the writer --------------------------------------------------------------------------------

void TerminalService::Submit(std::shared_ptr<Unit> unit) {
  if (unit->items.empty()) {
    unit->done(*unit, Status::Ok());
    return;
  }
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(unit);
      unit.reset();
    }
  }
  if (unit) {
    unit->done(*unit, Unavailable("the terminal service is stopping; retry"));
    return;
  }
  cv_.notify_one();
}

void TerminalService::Loop() {
  for (;;) {
    std::vector<std::shared_ptr<Unit>> units;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is answered
      std::size_t n = 0;
      while (!queue_.empty() &&
             (units.empty() || n + queue_.front()->items.size() <= options_.max_batch)) {
        n += queue_.front()->items.size();
        units.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Run(units, true);
  }
}

void TerminalService::Run(std::vector<std::shared_ptr<Unit>>& units, bool split) {
  std::vector<Item*> items;
  for (auto& u : units) {
    for (auto& item : u->items) items.push_back(&item);
  }
  std::vector<std::optional<Result<DeviceAnswer>>> answers;
  std::vector<std::unique_ptr<inventory_flow::StockPosting>> postings;
  Status st;
  // First as if every event were new (the common case, without looking up earlier answers): an
  // event answered before makes the insert of the answers refuse, or its stock not add up, and
  // the transaction is rolled back and applied again with the look-up.
  for (const bool look_up : {false, true}) {
    answers.assign(items.size(), std::nullopt);
    postings.clear();  // gives the engine back what a failed attempt took
    {
      auto tx = db_.Begin(store::TxMode::kWrite);
      st = tx.ok() ? ApplyShared(**tx, items, answers, postings, look_up) : tx.status();
      if (st.ok()) st = (*tx)->Commit();
    }  // a failed transaction is rolled back here, before anything else writes
    if (st.ok()) break;
  }
  if (st.ok()) {
    for (auto& p : postings) p->Committed();
    std::size_t k = 0;
    for (auto& u : units) {
      u->answers.clear();
      u->answers.reserve(u->items.size());
      for (std::size_t i = 0; i < u->items.size(); ++i) {
        u->answers.push_back(std::move(*answers[k++]));
      }
    }
    {
      std::lock_guard lock(mu_);
      stats_.transactions += 1;
      stats_.events += static_cast<std::int64_t>(items.size());
    }
    for (auto& u : units) u->done(*u, Status::Ok());
    return;
  }
  postings.clear();  // gives the engine back what they took
  if (split && units.size() > 1) {
    // One request's trouble must not fail the others: each on its own.
    for (auto& u : units) {
      std::vector<std::shared_ptr<Unit>> one = {u};
      Run(one, false);
    }
    return;
  }
  const bool settle_alone = Storable(st.code()) || st.code() == ErrorCode::kAlreadyExists ||
                            st.code() == ErrorCode::kConflict;
  for (auto& u : units) {
    if (!settle_alone) {
      u->done(*u, st);
      continue;
    }
    // The stock does not add up for every event together: one event per transaction, in order.
    u->answers.clear();
    for (const auto& item : u->items) u->answers.push_back(ApplyAlone(item));
    {
      std::lock_guard lock(mu_);
      stats_.events += static_cast<std::int64_t>(u->items.size());
      stats_.retried_alone += static_cast<std::int64_t>(u->items.size());
    }
    u->done(*u, Status::Ok());
  }
}

Status TerminalService::ApplyShared(
    store::Transaction& tx, std::vector<Item*>& items,
    std::vector<std::optional<Result<DeviceAnswer>>>& answers,
    std::vector<std::unique_ptr<inventory_flow::StockPosting>>& postings, bool look_up) {
  const std::size_t n = items.size();
  Lookups lookups;
  StepCache cache;
  cache.now = service_.clock().Now();  // the time of every event of the transaction
  std::vector<std::optional<std::size_t>> copy_of(n);
  std::vector<bool> fresh(n, false);  // answered now: to be stored
  std::vector<int> line_of(n, 0);
  std::vector<TaskChange> changes;
  cache.earlier = &changes;  // counts see the stock earlier events move
  std::vector<std::size_t> change_item;
  // Copies of an event in the transaction: the events in key order (the first copy first)
  // name each later copy's first.
  {
    std::vector<std::size_t> order;
    order.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (items[i]->invalid.ok()) order.push_back(i);
    }
    const auto key = [&](std::size_t i) {
      const DeviceEvent& e = items[i]->event;
      return std::make_tuple(e.tenant_id.value(), std::string_view(e.device_id),
                             std::string_view(e.event_key));
    };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const auto ka = key(a);
      const auto kb = key(b);
      return ka < kb || (ka == kb && a < b);
    });
    for (std::size_t k = 1; k < order.size(); ++k) {
      if (key(order[k]) != key(order[k - 1])) continue;
      copy_of[order[k]] = copy_of[order[k - 1]] ? *copy_of[order[k - 1]] : order[k - 1];
    }
  }
  // Which events were answered before: one lookup per device.
  std::map<std::pair<std::int64_t, std::string>, std::vector<std::string>> keys_of;
  if (look_up) {
    for (std::size_t i = 0; i < n; ++i) {
      const DeviceEvent& e = items[i]->event;
      if (!items[i]->invalid.ok() || copy_of[i]) continue;
      keys_of[{e.tenant_id.value(), e.device_id}].push_back(e.event_key);
    }
  }
  std::map<std::tuple<std::int64_t, std::string, std::string>, DeviceEventRecord> stored;
  for (const auto& [device, keys] : keys_of) {
    XB_ASSIGN_OR_RETURN(
        auto found, tx.warehouse().FindDeviceEvents(TenantId(device.first), device.second, keys));
    for (auto& r : found) {
      auto key = std::make_tuple(device.first, device.second, r.event.event_key);
      stored.emplace(std::move(key), std::move(r));
    }
  }

  for (std::size_t i = 0; i < n; ++i) {
    const Item& item = *items[i];
    const DeviceEvent& e = item.event;
    if (!item.invalid.ok()) {
      answers[i] = item.invalid;
      continue;
    }
    if (copy_of[i]) continue;
    if (auto it = stored.find(std::make_tuple(e.tenant_id.value(), e.device_id, e.event_key));
        it != stored.end()) {
      const DeviceEventRecord& r = it->second;
      answers[i] = SameEvent(r.event, e)
                       ? Result<DeviceAnswer>(DeviceAnswer{r.status, r.answer, true})
                       : Result<DeviceAnswer>(KeyReused(e));
      continue;
    }
    auto outcome = Evaluate(tx, *item.ctx, e, lookups, cache);
    fresh[i] = true;
    if (!outcome.ok()) {
      if (!Storable(outcome.status().code())) return outcome.status();
      answers[i] = Rejection(e, outcome.status());
    } else if (outcome->change) {
      change_item.push_back(i);
      changes.push_back(std::move(*outcome->change));
      line_of[i] = outcome->line_no;
    } else {
      answers[i] = DeviceAnswer{
          200, outcome->body.dump(-1, ' ', false, json::error_handler_t::replace), false};
    }
  }

  // The changes, one posting and one save per task for each principal (the business events
  // name who did it); a task changed by two principals is saved twice, in order.
  if (!changes.empty()) {
    std::vector<std::pair<std::pair<std::int64_t, std::string>, std::vector<std::size_t>>> groups;
    const RequestContext* last = nullptr;  // the events of one request share their context
    std::size_t group = 0;
    for (std::size_t c = 0; c < changes.size(); ++c) {
      const RequestContext* ctx = items[change_item[c]]->ctx;
      if (ctx != last) {
        const auto who = std::make_pair(ctx->principal.tenant_id.value(), ctx->principal.Actor());
        auto g = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& x) { return x.first == who; });
        if (g == groups.end()) g = groups.insert(groups.end(), {who, {}});
        group = static_cast<std::size_t>(g - groups.begin());
        last = ctx;
      }
      groups[group].second.push_back(c);
    }
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> written;  // (tenant, task)
    for (auto& [who, list] : groups) {
      std::vector<TaskChange> part;
      part.reserve(list.size());
      RequestContext ctx = *items[change_item[list.front()]]->ctx;
      for (const std::size_t c : list) {
        TaskChange change = std::move(changes[c]);
        const auto key = std::make_pair(change.after.tenant_id.value(), change.after.id.value());
        if (auto v = written.find(key); v != written.end()) change.base_version = v->second;
        if (items[change_item[c]]->ctx->device != ctx.device) ctx.device.clear();
        part.push_back(std::move(change));
      }
      lookups.Complete(part);
      postings.push_back(std::make_unique<inventory_flow::StockPosting>(service_.engine()));
      XB_RETURN_IF_ERROR(service_.WriteChanges(tx, *postings.back(), ctx, part));
      for (std::size_t k = 0; k < list.size(); ++k) {
        const Task& after = part[k].after;
        written[{after.tenant_id.value(), after.id.value()}] = after.version;
        lookups.Written(after);
        changes[list[k]] = std::move(part[k]);
      }
    }
    for (std::size_t c = 0; c < changes.size(); ++c) {
      const std::size_t i = change_item[c];
      answers[i] = Applied(items[i]->event, changes[c].after, line_of[i]);
    }
  }

  // Every new answer, in one insert; the events and the bodies go into the records and back,
  // not copied.
  std::vector<DeviceEventRecord> records;
  std::vector<std::size_t> record_item;
  records.reserve(n);
  record_item.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!fresh[i]) continue;
    DeviceAnswer& answer = (*answers[i]).value();
    DeviceEventRecord& r = records.emplace_back();
    r.event = std::move(items[i]->event);
    r.status = answer.status;
    r.answer = std::move(answer.body);
    r.received_at = *cache.now;
    record_item.push_back(i);
  }
  const Status inserted = tx.warehouse().InsertDeviceEvents(records);
  for (std::size_t k = 0; k < records.size(); ++k) {
    items[record_item[k]]->event = std::move(records[k].event);
    (*answers[record_item[k]]).value().body = std::move(records[k].answer);
  }
  XB_RETURN_IF_ERROR(inserted);
  // Later copies of an event get the first copy's answer.
  for (std::size_t i = 0; i < n; ++i) {
    if (!copy_of[i]) continue;
    const std::size_t j = *copy_of[i];
    const Result<DeviceAnswer>& a = *answers[j];
    if (!a.ok()) {
      answers[i] = a.status();
    } else if (!SameEvent(items[j]->event, items[i]->event)) {
      answers[i] = KeyReused(items[i]->event);
    } else {
      answers[i] = DeviceAnswer{a->status, a->body, true};
    }
  }
  return Status::Ok();
}

Result<DeviceAnswer> TerminalService::ApplyAlone(const Item& item) {
  if (!item.invalid.ok()) return item.invalid;
  const DeviceEvent& e = item.event;
  DeviceAnswer answer;
  bool reused = false;
  std::unique_ptr<inventory_flow::StockPosting> posting;
  Status st;
  {
    auto tx = db_.Begin(store::TxMode::kWrite);
    st = tx.ok() ? Status::Ok() : tx.status();
    if (st.ok()) {
      st = [&]() -> Status {
        XB_ASSIGN_OR_RETURN(
            auto stored, (*tx)->warehouse().FindDeviceEvent(e.tenant_id, e.device_id, e.event_key));
        if (stored) {
          reused = !SameEvent(stored->event, e);
          answer = DeviceAnswer{stored->status, stored->answer, true};
          return Status::Ok();
        }
        Lookups lookups;
        StepCache cache;
        cache.now = service_.clock().Now();
        auto outcome = Evaluate(**tx, *item.ctx, e, lookups, cache);
        if (!outcome.ok()) {
          if (!Storable(outcome.status().code())) return outcome.status();
          answer = Rejection(e, outcome.status());
        } else if (outcome->change) {
          const std::span<TaskChange> one(&*outcome->change, 1);
          lookups.Complete(one);
          posting = std::make_unique<inventory_flow::StockPosting>(service_.engine());
          XB_RETURN_IF_ERROR(service_.WriteChanges(**tx, *posting, *item.ctx, one));
          answer = Applied(e, outcome->change->after, outcome->line_no);
        } else {
          answer = DeviceAnswer{
              200, outcome->body.dump(-1, ' ', false, json::error_handler_t::replace), false};
        }
        return (*tx)->warehouse().InsertDeviceEvent(RecordOf(e, answer, *cache.now));
      }();
      if (st.ok()) st = (*tx)->Commit();
    }
  }
  if (st.ok()) {
    if (posting) posting->Committed();
    if (reused) return KeyReused(e);
    return answer;
  }
  posting.reset();
  // A concurrent copy stored its answer first (another server process).
  if (st.code() == ErrorCode::kAlreadyExists) return StoredAnswer(item);
  // The change could not be written (not enough stock, more than reserved): nothing of it was
  // kept; the refusal is the event's answer.
  if (Storable(st.code())) return StoreRejection(item, st);
  return st;
}

Result<DeviceAnswer> TerminalService::StoredAnswer(const Item& item) {
  const DeviceEvent& e = item.event;
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto stored,
                      tx->warehouse().FindDeviceEvent(e.tenant_id, e.device_id, e.event_key));
  if (!stored) return Unavailable("the event's answer could not be stored; retry");
  if (!SameEvent(stored->event, e)) return KeyReused(e);
  return DeviceAnswer{stored->status, stored->answer, true};
}

Result<DeviceAnswer> TerminalService::StoreRejection(const Item& item, const Status& why) {
  const DeviceEvent& e = item.event;
  DeviceAnswer answer;
  bool reused = false;
  Status st;
  {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
    st = [&]() -> Status {
      XB_ASSIGN_OR_RETURN(auto stored,
                          tx->warehouse().FindDeviceEvent(e.tenant_id, e.device_id, e.event_key));
      if (stored) {
        reused = !SameEvent(stored->event, e);
        answer = DeviceAnswer{stored->status, stored->answer, true};
        return Status::Ok();
      }
      answer = Rejection(e, why);
      return tx->warehouse().InsertDeviceEvent(RecordOf(e, answer, service_.clock().Now()));
    }();
    if (st.ok()) st = tx->Commit();
  }
  if (!st.ok()) {
    if (st.code() == ErrorCode::kAlreadyExists) return StoredAnswer(item);
    return st;
  }
  if (reused) return KeyReused(e);
  return answer;
}

// --- the requests ------------------------------------------------------------------------------

namespace {

// Waits for a callback-style answer.
template <class T>
class Waiter {
 public:
  std::function<void(Result<T>)> Callback() {
    return [this](Result<T> r) {
      std::lock_guard lock(mu_);
      result_.emplace(std::move(r));
      cv_.notify_one();
    };
  }
  Result<T> Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return result_.has_value(); });
    return std::move(*result_);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Result<T>> result_;
};

}  // namespace

void TerminalService::HandleAsync(const RequestContext& ctx, const DeviceEvent& sent,
                                  std::function<void(Result<DeviceAnswer>)> done) {
  if (Status st = access::Authorize(ctx.principal, access::Action::kOperateWarehouse); !st.ok()) {
    return done(st);
  }
  if (Status st = warehouse::Validate(sent); !st.ok()) return done(st);
  auto unit = std::make_shared<Unit>();
  unit->ctx = ctx;
  unit->ctx.device = sent.device_id;
  unit->items.resize(1);
  Item& item = unit->items[0];
  item.ctx = &unit->ctx;
  item.event = sent;
  item.event.tenant_id = ctx.principal.tenant_id;  // the key's tenant, whatever was sent
  unit->done = [done = std::move(done)](Unit& u, const Status& st) {
    if (!st.ok()) return done(st);
    done(std::move(u.answers.at(0)));
  };
  Submit(std::move(unit));
}

void TerminalService::HandleBatchAsync(
    const RequestContext& ctx, const std::vector<DeviceEvent>& events,
    std::function<void(Result<std::vector<DeviceAnswer>>)> done) {
  HandleBatchAsync(ctx, std::vector<DeviceEvent>(events), std::move(done));
}

void TerminalService::HandleBatchAsync(
    const RequestContext& ctx, std::vector<DeviceEvent>&& events,
    std::function<void(Result<std::vector<DeviceAnswer>>)> done) {
  if (Status st = access::Authorize(ctx.principal, access::Action::kOperateWarehouse); !st.ok()) {
    return done(st);
  }
  auto unit = std::make_shared<Unit>();
  unit->ctx = ctx;
  if (!events.empty()) unit->ctx.device = events[0].device_id;
  unit->items.resize(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    Item& item = unit->items[i];
    item.ctx = &unit->ctx;
    item.event = std::move(events[i]);
    item.event.tenant_id = ctx.principal.tenant_id;
    item.invalid = warehouse::Validate(item.event);
    if (item.invalid.ok() && item.event.device_id != unit->ctx.device) {
      item.invalid =
          InvalidArgument("device_id: a batch holds the events of one device", "device_id");
    }
  }
  unit->done = [done = std::move(done)](Unit& u, const Status& st) {
    if (!st.ok()) return done(st);
    std::vector<DeviceAnswer> out;
    out.reserve(u.answers.size());
    for (std::size_t i = 0; i < u.answers.size(); ++i) {
      out.push_back(u.answers[i].ok() ? std::move(u.answers[i]).value()
                                      : Rejection(u.items[i].event, u.answers[i].status()));
    }
    done(std::move(out));
  };
  Submit(std::move(unit));
}

Result<DeviceAnswer> TerminalService::Handle(const RequestContext& ctx, const DeviceEvent& event) {
  Waiter<DeviceAnswer> waiter;
  HandleAsync(ctx, event, waiter.Callback());
  return waiter.Wait();
}

Result<std::vector<DeviceAnswer>> TerminalService::HandleBatch(
    const RequestContext& ctx, const std::vector<DeviceEvent>& events) {
  return HandleBatch(ctx, std::vector<DeviceEvent>(events));
}

Result<std::vector<DeviceAnswer>> TerminalService::HandleBatch(const RequestContext& ctx,
                                                               std::vector<DeviceEvent>&& events) {
  Waiter<std::vector<DeviceAnswer>> waiter;
  HandleBatchAsync(ctx, std::move(events), waiter.Callback());
  return waiter.Wait();
}

}  // namespace xb::warehouse_flow
