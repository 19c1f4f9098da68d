#include "adapters/sql/warehouse_stores.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "adapters/sql/statement_shapes.h"
#include "core/record_field.h"

namespace xb::sql {

using nlohmann::json;
using warehouse::DeviceEventRecord;
using warehouse::LotReceipt;
using warehouse::Parcel;
using warehouse::ParcelLine;
using warehouse::Task;
using warehouse::TaskLine;

namespace {

template <class E>
Value EnumText(E e) {
  return std::string(EnumName(e));
}

template <class E>
E AsEnum(const std::optional<std::string>& cell, E fallback) {
  return cell ? EnumFromName<E>(*cell).value_or(fallback) : fallback;
}

std::optional<Timestamp> AsOptTime(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  return Timestamp::FromMicros(AsInt(cell));
}

Value OptTime(const std::optional<Timestamp>& t) { return t ? Value(t->micros()) : Value(); }

// " AND a = ?" clauses with their parameters, built up filter by filter.
struct Where {
  std::string sql;
  std::vector<Value> params;
  void Add(std::string_view clause, Value v) {
    sql += " AND ";
    sql += clause;
    params.push_back(std::move(v));
  }
};

template <class T>
std::vector<Value> Concat(std::vector<Value> a, std::initializer_list<T> more) {
  for (const auto& v : more) a.emplace_back(v);
  return a;
}

// --- task lines as JSON ----------------------------------------------------------------------

// One object per line; fields at their default are left out, so a pick line of a large wave
// is a few dozen bytes. Dates are days since 1970-01-01.
void PutIf(json& j, const char* key, std::int64_t v) {
  if (v != 0) j[key] = v;
}
std::int64_t IntAt(const json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() ? 0 : it->get<std::int64_t>();
}
std::string TextAt(const json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() ? std::string() : it->get<std::string>();
}
std::optional<std::int64_t> OptIntAt(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  return it->get<std::int64_t>();
}
std::optional<Date> OptDateAt(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  return Date::FromDays(it->get<std::int32_t>());
}

// Written directly (a wave's 5,000 lines as nlohmann objects cost a map node per field); the
// same JSON as nlohmann would write: strings without a quote, backslash or control character are
// copied, any other goes through nlohmann.
void AppendString(std::string& out, std::string_view v) {
  const bool plain = std::none_of(v.begin(), v.end(), [](char ch) {
    return ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20 ||
           static_cast<unsigned char>(ch) >= 0x80;
  });
  if (plain) {
    out += '"';
    out += v;
    out += '"';
  } else {
    out += json(std::string(v)).dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

// `"key":` after a comma unless first.
void AppendKey(std::string& out, bool& first, std::string_view key) {
  if (!first) out += ',';
  first = false;
  out += '"';
  out += key;
  out += "\":";
}

void AppendIf(std::string& out, bool& first, std::string_view key, std::int64_t v) {
  if (v == 0) return;
  AppendKey(out, first, key);
  out += std::to_string(v);
}
void AppendIf(std::string& out, bool& first, std::string_view key, const std::string& v) {
  if (v.empty()) return;
  AppendKey(out, first, key);
  AppendString(out, v);
}
void AppendIf(std::string& out, bool& first, std::string_view key,
              const std::optional<std::int64_t>& v) {
  if (!v) return;
  AppendKey(out, first, key);
  out += std::to_string(*v);
}
void AppendIf(std::string& out, bool& first, std::string_view key, const std::optional<Date>& v) {
  if (!v) return;
  AppendKey(out, first, key);
  out += std::to_string(v->days());
}

std::string TaskLinesJson(const std::vector<TaskLine>& lines) {
  std::string out = "[";
  out.reserve(lines.size() * 64 + 2);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const TaskLine& l = lines[i];
    if (i > 0) out += ',';
    out += '{';
    bool first = true;
    AppendKey(out, first, "line_no");
    out += std::to_string(l.line_no);
    AppendIf(out, first, "sku_id", l.sku_id);
    AppendIf(out, first, "lot_id", l.lot_id.value());
    if (l.owner != inventory::kOwnStock) {
      AppendKey(out, first, "owner");
      AppendString(out, l.owner);
    }
    AppendIf(out, first, "from_bin", l.from_bin);
    AppendIf(out, first, "to_bin", l.to_bin);
    AppendIf(out, first, "expected_qty", l.expected_qty);
    AppendIf(out, first, "done_qty", l.done_qty);
    AppendIf(out, first, "damaged_qty", l.damaged_qty);
    if (!l.receipts.empty()) {
      AppendKey(out, first, "receipts");
      out += '[';
      for (std::size_t k = 0; k < l.receipts.size(); ++k) {
        const LotReceipt& r = l.receipts[k];
        if (k > 0) out += ',';
        out += '{';
        bool rfirst = true;
        AppendIf(out, rfirst, "lot_number", r.lot_number);
        AppendIf(out, rfirst, "production_date", r.production_date);
        AppendIf(out, rfirst, "expiry_date", r.expiry_date);
        AppendKey(out, rfirst, "quantity");
        out += std::to_string(r.quantity);
        AppendKey(out, rfirst, "condition");
        AppendString(out, EnumName(r.condition));
        AppendIf(out, rfirst, "reason", r.reason);
        out += '}';
      }
      out += ']';
    }
    AppendIf(out, first, "reservation_id", l.reservation_id);
    AppendIf(out, first, "order_ref", l.order_ref);
    AppendIf(out, first, "system_qty", l.system_qty);
    AppendIf(out, first, "counted_qty", l.counted_qty);
    AppendIf(out, first, "recount_qty", l.recount_qty);
    AppendIf(out, first, "reason", l.reason);
    out += '}';
  }
  out += ']';
  return out;
}

std::vector<TaskLine> TaskLinesFromJson(const json& lines) {
  std::vector<TaskLine> out;
  out.reserve(lines.size());
  for (const auto& j : lines) {
    TaskLine l;
    l.line_no = static_cast<int>(IntAt(j, "line_no"));
    l.sku_id = IntAt(j, "sku_id");
    l.lot_id = inventory::LotId(IntAt(j, "lot_id"));
    if (const auto it = j.find("owner"); it != j.end()) l.owner = it->get<std::string>();
    l.from_bin = IntAt(j, "from_bin");
    l.to_bin = IntAt(j, "to_bin");
    l.expected_qty = IntAt(j, "expected_qty");
    l.done_qty = IntAt(j, "done_qty");
    l.damaged_qty = IntAt(j, "damaged_qty");
    if (const auto it = j.find("receipts"); it != j.end()) {
      for (const auto& jr : *it) {
        LotReceipt r;
        r.lot_number = TextAt(jr, "lot_number");
        r.production_date = OptDateAt(jr, "production_date");
        r.expiry_date = OptDateAt(jr, "expiry_date");
        r.quantity = IntAt(jr, "quantity");
        r.condition = EnumFromName<warehouse::Condition>(TextAt(jr, "condition"))
                          .value_or(warehouse::Condition::kGood);
        r.reason = TextAt(jr, "reason");
        l.receipts.push_back(std::move(r));
      }
    }
    l.reservation_id = IntAt(j, "reservation_id");
    l.order_ref = TextAt(j, "order_ref");
    l.system_qty = OptIntAt(j, "system_qty");
    l.counted_qty = OptIntAt(j, "counted_qty");
    l.recount_qty = OptIntAt(j, "recount_qty");
    l.reason = TextAt(j, "reason");
    out.push_back(std::move(l));
  }
  return out;
}

constexpr std::string_view kTaskColumns =
    "id, tenant_id, code, kind, state, warehouse_id, ref_type, ref_id, assignee, line_count, "
    "lines, version, created_at, updated_at, closed_at";

// The task's columns after id and tenant_id.
std::vector<Value> TaskValues(const Task& t) {
  return {t.code,
          EnumText(t.kind),
          EnumText(t.state),
          t.warehouse_id,
          t.ref_type,
          t.ref_id,
          t.assignee,
          static_cast<std::int64_t>(t.lines.size()),
          TaskLinesJson(t.lines),
          t.version,
          t.created_at.micros(),
          t.updated_at.micros(),
          OptTime(t.closed_at)};
}

Result<Task> DecodeTask(const Row& r) {
  Task t;
  t.id = warehouse::TaskId(AsInt(r[0]));
  t.tenant_id = TenantId(AsInt(r[1]));
  t.code = r[2].value_or("");
  t.kind = AsEnum(r[3], warehouse::TaskKind::kMove);
  t.state = AsEnum(r[4], warehouse::TaskState::kOpen);
  t.warehouse_id = AsInt(r[5]);
  t.ref_type = r[6].value_or("");
  t.ref_id = r[7].value_or("");
  t.assignee = r[8].value_or("");
  try {
    t.lines = TaskLinesFromJson(json::parse(r[10].value_or("[]")));
  } catch (const json::exception& e) {
    return Internal("task " + std::to_string(t.id.value()) +
                    ": stored lines are unreadable: " + e.what());
  }
  t.version = AsInt(r[11]);
  t.created_at = Timestamp::FromMicros(AsInt(r[12]));
  t.updated_at = Timestamp::FromMicros(AsInt(r[13]));
  t.closed_at = AsOptTime(r[14]);
  return t;
}

Status TaskChanged(warehouse::TaskId id, std::int64_t version) {
  return Conflict("task " + std::to_string(id.value()) + " changed meanwhile (now version " +
                  std::to_string(version) + ")");
}

Status TaskCodeTaken(const std::string& code) {
  return AlreadyExists("code: task '" + code + "' exists", "code");
}

// --- parcels ---------------------------------------------------------------------------------

std::string ParcelLinesJson(const std::vector<ParcelLine>& lines) {
  json out = json::array();
  for (const auto& l : lines) {
    json j = {{"sku_id", l.sku_id}, {"quantity", l.quantity}};
    PutIf(j, "lot_id", l.lot_id.value());
    if (l.owner != inventory::kOwnStock) j["owner"] = l.owner;
    out.push_back(std::move(j));
  }
  return out.dump();
}

std::vector<ParcelLine> ParcelLinesFromJson(const json& lines) {
  std::vector<ParcelLine> out;
  for (const auto& j : lines) {
    ParcelLine l;
    l.sku_id = IntAt(j, "sku_id");
    l.lot_id = inventory::LotId(IntAt(j, "lot_id"));
    if (const auto it = j.find("owner"); it != j.end()) l.owner = it->get<std::string>();
    l.quantity = IntAt(j, "quantity");
    out.push_back(std::move(l));
  }
  return out;
}

constexpr std::string_view kParcelColumns =
    "id, tenant_id, warehouse_id, sscc, order_ref, pack_bin_id, lines, weight_grams, state, "
    "carrier_id, waybill_no, created_at, shipped_at";

Result<Parcel> DecodeParcel(const Row& r) {
  Parcel p;
  p.id = warehouse::ParcelId(AsInt(r[0]));
  p.tenant_id = TenantId(AsInt(r[1]));
  p.warehouse_id = AsInt(r[2]);
  p.sscc = r[3].value_or("");
  p.order_ref = r[4].value_or("");
  p.pack_bin = AsInt(r[5]);
  try {
    p.lines = ParcelLinesFromJson(json::parse(r[6].value_or("[]")));
  } catch (const json::exception& e) {
    return Internal("parcel " + std::to_string(p.id.value()) +
                    ": stored lines are unreadable: " + e.what());
  }
  p.weight_grams = AsInt(r[7]);
  p.state = AsEnum(r[8], warehouse::ParcelState::kPacked);
  p.carrier_id = AsInt(r[9]);
  p.waybill_no = r[10].value_or("");
  p.created_at = Timestamp::FromMicros(AsInt(r[11]));
  p.shipped_at = AsOptTime(r[12]);
  return p;
}

// --- counters --------------------------------------------------------------------------------

Result<std::int64_t> NextNumber(Connection& c, TenantId tenant, const std::string& name) {
  const Value p[] = {tenant.value(), name};
  XB_ASSIGN_OR_RETURN(auto rows,
                      c.Query("INSERT INTO warehouse_counter (tenant_id, name, value) VALUES "
                              "(?, ?, 1) ON CONFLICT (tenant_id, name) DO UPDATE SET "
                              "value = warehouse_counter.value + 1 RETURNING value",
                              p));
  return AsInt(rows.at(0)[0]);
}

// --- device events ---------------------------------------------------------------------------

constexpr std::string_view kDeviceEventColumns =
    "event_key, type, task_id, line_no, location, barcode, quantity, device_time, status, "
    "answer, received_at, answers_id, answer_at, answer_len";
constexpr std::size_t kDeviceEventInsertColumns = 13;
// The columns of an event row whose answer is in a chunk of warehouse_device_answers (0009).
constexpr std::size_t kDeviceEventChunkedColumns = 16;
constexpr std::string_view kDeviceEventChunkedInsert =
    "INSERT INTO warehouse_device_event (tenant_id, device_id, event_key, type, task_id, "
    "line_no, location, barcode, quantity, device_time, status, answer, received_at, answers_id, "
    "answer_at, answer_len) VALUES ";

// Row: kDeviceEventColumns.
DeviceEventRecord DecodeDeviceEvent(TenantId tenant, std::string_view device_id, const Row& r) {
  DeviceEventRecord rec;
  rec.event.tenant_id = tenant;
  rec.event.device_id = std::string(device_id);
  rec.event.event_key = r[0].value_or("");
  rec.event.type = AsEnum(r[1], warehouse::DeviceEventType::kScanItem);
  rec.event.task_id = AsInt(r[2]);
  rec.event.line_no = static_cast<int>(AsInt(r[3]));
  rec.event.location = r[4].value_or("");
  rec.event.barcode = r[5].value_or("");
  rec.event.quantity = AsInt(r[6]);
  rec.event.device_time = AsOptTime(r[7]);
  rec.status = static_cast<int>(AsInt(r[8]));
  rec.answer = r[9].value_or("");
  rec.received_at = Timestamp::FromMicros(AsInt(r[10]));
  return rec;
}

// Where a row's answer is when it is stored in a chunk (columns 11..13 of kDeviceEventColumns).
struct AnswerPlace {
  std::int64_t chunk = 0;
  std::size_t at = 0;
  std::size_t size = 0;
};
std::optional<AnswerPlace> PlaceOf(const Row& r) {
  if (r.size() < 14 || !r[11]) return std::nullopt;
  return AnswerPlace{AsInt(r[11]), static_cast<std::size_t>(AsInt(r[12])),
                     static_cast<std::size_t>(AsInt(r[13]))};
}

// The insert's kDeviceEventInsertColumns values of a record.
void AppendDeviceEvent(std::vector<Value>& p, const DeviceEventRecord& record) {
  const auto& e = record.event;
  p.emplace_back(e.tenant_id.value());
  p.emplace_back(e.device_id);
  p.emplace_back(e.event_key);
  p.push_back(EnumText(e.type));
  p.emplace_back(e.task_id);
  p.emplace_back(std::int64_t{e.line_no});
  p.emplace_back(e.location);
  p.emplace_back(e.barcode);
  p.emplace_back(e.quantity);
  p.push_back(OptTime(e.device_time));
  p.emplace_back(std::int64_t{record.status});
  p.emplace_back(record.answer);
  p.emplace_back(record.received_at.micros());
}

// Multi-row statements take up to `most` rows (a power of two); a rest is sent in power-of-two
// pieces, so a connection prepares few variants of each statement.
constexpr std::size_t kLookupBatch = 256;  // keys of an IN list
constexpr std::size_t kInsertBatch = 64;   // rows of 13 or 16 values
// Answers side by side in one row of warehouse_device_answers: a retry reads at most this many
// answers to find its own.
constexpr std::size_t kAnswersPerChunk = 64;
constexpr std::size_t kChunkBatch = 16;  // chunk rows per insert

// Fills in the answers of `found` whose rows point into chunks (`places`, one per record), with
// one look-up per kLookupBatch chunks.
Status ReadChunkedAnswers(Connection& c, TenantId tenant, std::vector<DeviceEventRecord>& found,
                          const std::vector<std::optional<AnswerPlace>>& places) {
  std::vector<std::int64_t> ids;
  for (const auto& p : places) {
    if (p) ids.push_back(p->chunk);
  }
  if (ids.empty()) return Status::Ok();
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::map<std::int64_t, std::string> chunks;
  std::size_t done = 0;
  while (done < ids.size()) {
    const std::size_t n = NextBatch(ids.size() - done, kLookupBatch);
    std::vector<Value> p;
    p.reserve(n + 1);
    p.emplace_back(tenant.value());
    for (std::size_t i = done; i < done + n; ++i) p.emplace_back(ids[i]);
    XB_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, answers FROM warehouse_device_answers "
                                           "WHERE tenant_id = ? AND id IN (" +
                                               PlaceholderList(n) + ")",
                                           p));
    for (auto& r : rows) chunks.emplace(AsInt(r[0]), std::move(r[1]).value_or(""));
    done += n;
  }
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (!places[i]) continue;
    const AnswerPlace& at = *places[i];
    auto it = chunks.find(at.chunk);
    if (it == chunks.end() || at.at + at.size > it->second.size()) {
      return Internal("device event '" + found[i].event.event_key + "': its stored answer " +
                      std::to_string(at.chunk) + " is missing");
    }
    found[i].answer.assign(it->second, at.at, at.size);
  }
  return Status::Ok();
}

}  // namespace

// --- tasks -----------------------------------------------------------------------------------

Result<Task> SqlWarehouseStore::InsertTask(Task task) {
  std::vector<Value> p{task.tenant_id.value()};
  for (auto& v : TaskValues(task)) p.push_back(std::move(v));
  // A taken code inserts nothing (rather than failing, which would end a PostgreSQL
  // transaction).
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("INSERT INTO warehouse_task (tenant_id, code, kind, state, "
                               "warehouse_id, ref_type, ref_id, assignee, line_count, lines, "
                               "version, created_at, updated_at, closed_at) VALUES "
                               "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                               "(tenant_id, code) DO NOTHING RETURNING id",
                               p));
  if (rows.empty()) return TaskCodeTaken(task.code);
  task.id = warehouse::TaskId(AsInt(rows[0][0]));
  return task;
}

Result<Task> SqlWarehouseStore::GetTask(TenantId tenant, warehouse::TaskId id) {
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kTaskColumns) +
                                              " FROM warehouse_task WHERE tenant_id = ? AND id = ?",
                                          p));
  if (rows.empty()) return NotFound("no task with id " + std::to_string(id.value()));
  return DecodeTask(rows[0]);
}

Status SqlWarehouseStore::UpdateTask(const Task& task, std::int64_t expected_version) {
  // Existence, version and code are checked first: a failed statement would end a PostgreSQL
  // transaction. The version condition on the update and the unique index still catch a
  // concurrent writer.
  {
    const Value p[] = {task.tenant_id.value(), task.id.value()};
    XB_ASSIGN_OR_RETURN(
        auto rows,
        c_.Query("SELECT version FROM warehouse_task WHERE tenant_id = ? AND id = ?", p));
    if (rows.empty()) return NotFound("no task with id " + std::to_string(task.id.value()));
    if (AsInt(rows[0][0]) != expected_version) return TaskChanged(task.id, AsInt(rows[0][0]));
    const Value k[] = {task.tenant_id.value(), task.code, task.id.value()};
    XB_ASSIGN_OR_RETURN(auto taken, c_.Query("SELECT id FROM warehouse_task WHERE tenant_id = ? "
                                             "AND code = ? AND id <> ?",
                                             k));
    if (!taken.empty()) return TaskCodeTaken(task.code);
  }
  auto values = TaskValues(task);
  values.erase(values.end() - 3);  // created_at stays
  for (auto v : {task.tenant_id.value(), task.id.value(), expected_version}) {
    values.emplace_back(v);
  }
  auto n = c_.Execute(
      "UPDATE warehouse_task SET code = ?, kind = ?, state = ?, warehouse_id = ?, ref_type = ?, "
      "ref_id = ?, assignee = ?, line_count = ?, lines = ?, version = ?, updated_at = ?, "
      "closed_at = ? WHERE tenant_id = ? AND id = ? AND version = ?",
      values);
  if (!n.ok()) {
    if (n.status().code() == ErrorCode::kAlreadyExists) return TaskCodeTaken(task.code);
    return n.status();
  }
  if (*n == 1) return Status::Ok();
  XB_ASSIGN_OR_RETURN(Task current, GetTask(task.tenant_id, task.id));
  return TaskChanged(task.id, current.version);
}

Result<std::pair<std::vector<Task>, std::int64_t>> SqlWarehouseStore::ListTasks(
    TenantId tenant, const warehouse::TaskQuery& q) {
  Where w;
  w.params.emplace_back(tenant.value());
  if (q.warehouse_id) w.Add("warehouse_id = ?", *q.warehouse_id);
  if (q.kind) w.Add("kind = ?", EnumText(*q.kind));
  if (q.state) w.Add("state = ?", EnumText(*q.state));
  if (q.ref_id) w.Add("ref_id = ?", *q.ref_id);
  if (q.assignee) w.Add("assignee = ?", *q.assignee);
  const std::string where = " FROM warehouse_task WHERE tenant_id = ?" + w.sql;
  XB_ASSIGN_OR_RETURN(auto count, c_.Query("SELECT COUNT(*)" + where, w.params));
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kTaskColumns) + where +
                                              " ORDER BY id DESC LIMIT ? OFFSET ?",
                                          Concat(w.params, {q.limit, q.offset})));
  std::vector<Task> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    XB_ASSIGN_OR_RETURN(Task t, DecodeTask(r));
    out.push_back(std::move(t));
  }
  return std::make_pair(std::move(out), AsInt(count.at(0)[0]));
}

Result<std::int64_t> SqlWarehouseStore::NextTaskNumber(TenantId tenant, warehouse::TaskKind kind) {
  return NextNumber(c_, tenant, "task_" + std::string(EnumName(kind)));
}

// --- parcels ---------------------------------------------------------------------------------

Result<Parcel> SqlWarehouseStore::InsertParcel(Parcel parcel) {
  const Value p[] = {parcel.tenant_id.value(),
                     parcel.warehouse_id,
                     parcel.sscc,
                     parcel.order_ref,
                     parcel.pack_bin,
                     ParcelLinesJson(parcel.lines),
                     parcel.weight_grams,
                     EnumText(parcel.state),
                     parcel.carrier_id,
                     parcel.waybill_no,
                     parcel.created_at.micros(),
                     OptTime(parcel.shipped_at)};
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("INSERT INTO warehouse_parcel (tenant_id, warehouse_id, sscc, "
                               "order_ref, pack_bin_id, lines, weight_grams, state, carrier_id, "
                               "waybill_no, created_at, shipped_at) VALUES "
                               "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, sscc) "
                               "DO NOTHING RETURNING id",
                               p));
  if (rows.empty()) {
    return AlreadyExists("sscc: a parcel with SSCC " + parcel.sscc + " exists", "sscc");
  }
  parcel.id = warehouse::ParcelId(AsInt(rows[0][0]));
  return parcel;
}

Result<Parcel> SqlWarehouseStore::GetParcel(TenantId tenant, warehouse::ParcelId id) {
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT " + std::string(kParcelColumns) +
                                   " FROM warehouse_parcel WHERE tenant_id = ? AND id = ?",
                               p));
  if (rows.empty()) return NotFound("no parcel with id " + std::to_string(id.value()));
  return DecodeParcel(rows[0]);
}

Status SqlWarehouseStore::UpdateParcel(const Parcel& parcel) {
  // The SSCC and the creation time are the parcel's for good.
  const Value p[] = {parcel.warehouse_id,
                     parcel.order_ref,
                     parcel.pack_bin,
                     ParcelLinesJson(parcel.lines),
                     parcel.weight_grams,
                     EnumText(parcel.state),
                     parcel.carrier_id,
                     parcel.waybill_no,
                     OptTime(parcel.shipped_at),
                     parcel.tenant_id.value(),
                     parcel.id.value()};
  XB_ASSIGN_OR_RETURN(std::int64_t n,
                      c_.Execute("UPDATE warehouse_parcel SET warehouse_id = ?, order_ref = ?, "
                                 "pack_bin_id = ?, lines = ?, weight_grams = ?, state = ?, "
                                 "carrier_id = ?, waybill_no = ?, shipped_at = ? "
                                 "WHERE tenant_id = ? AND id = ?",
                                 p));
  if (n != 1) return NotFound("no parcel with id " + std::to_string(parcel.id.value()));
  return Status::Ok();
}

Result<std::pair<std::vector<Parcel>, std::int64_t>> SqlWarehouseStore::ListParcels(
    TenantId tenant, const warehouse::ParcelQuery& q) {
  Where w;
  w.params.emplace_back(tenant.value());
  if (q.warehouse_id) w.Add("warehouse_id = ?", *q.warehouse_id);
  if (q.order_ref) w.Add("order_ref = ?", *q.order_ref);
  if (q.state) w.Add("state = ?", EnumText(*q.state));
  const std::string where = " FROM warehouse_parcel WHERE tenant_id = ?" + w.sql;
  XB_ASSIGN_OR_RETURN(auto count, c_.Query("SELECT COUNT(*)" + where, w.params));
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kParcelColumns) + where +
                                              " ORDER BY id DESC LIMIT ? OFFSET ?",
                                          Concat(w.params, {q.limit, q.offset})));
  std::vector<Parcel> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    XB_ASSIGN_OR_RETURN(Parcel p, DecodeParcel(r));
    out.push_back(std::move(p));
  }
  return std::make_pair(std::move(out), AsInt(count.at(0)[0]));
}

Result<std::int64_t> SqlWarehouseStore::NextSsccSerial(TenantId tenant) {
  return NextNumber(c_, tenant, "sscc");
}

// --- device events ---------------------------------------------------------------------------

Status SqlWarehouseStore::InsertDeviceEvent(const DeviceEventRecord& record) {
  const auto& e = record.event;
  std::vector<Value> p;
  p.reserve(kDeviceEventInsertColumns);
  AppendDeviceEvent(p, record);
  // A second insert of the same event changes nothing (rather than failing, which would end a
  // PostgreSQL transaction).
  XB_ASSIGN_OR_RETURN(std::int64_t n,
                      c_.Execute("INSERT INTO warehouse_device_event (tenant_id, device_id, "
                                 "event_key, type, task_id, line_no, location, barcode, quantity, "
                                 "device_time, status, answer, received_at) VALUES "
                                 "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                                 "(tenant_id, device_id, event_key) DO NOTHING",
                                 p));
  if (n == 0) {
    return AlreadyExists("event_key: event '" + e.event_key + "' of device '" + e.device_id +
                             "' is already recorded",
                         "event_key");
  }
  return Status::Ok();
}

Result<std::optional<DeviceEventRecord>> SqlWarehouseStore::FindDeviceEvent(
    TenantId tenant, std::string_view device_id, std::string_view event_key) {
  const Value p[] = {tenant.value(), std::string(device_id), std::string(event_key)};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kDeviceEventColumns) +
                                              " FROM warehouse_device_event WHERE tenant_id = ? "
                                              "AND device_id = ? AND event_key = ?",
                                          p));
  if (rows.empty()) return std::optional<DeviceEventRecord>();
  std::vector<DeviceEventRecord> found = {DecodeDeviceEvent(tenant, device_id, rows[0])};
  XB_RETURN_IF_ERROR(ReadChunkedAnswers(c_, tenant, found, {PlaceOf(rows[0])}));
  return std::optional<DeviceEventRecord>(std::move(found[0]));
}

Result<std::vector<DeviceEventRecord>> SqlWarehouseStore::FindDeviceEvents(
    TenantId tenant, std::string_view device_id, std::span<const std::string> keys) {
  std::vector<DeviceEventRecord> found;
  std::vector<std::optional<AnswerPlace>> places;
  std::size_t done = 0;
  while (done < keys.size()) {
    const std::size_t n = NextBatch(keys.size() - done, kLookupBatch);
    std::vector<Value> p;
    p.reserve(n + 2);
    p.emplace_back(tenant.value());
    p.emplace_back(std::string(device_id));
    for (std::size_t i = done; i < done + n; ++i) p.emplace_back(keys[i]);
    std::string sql = "SELECT " + std::string(kDeviceEventColumns) +
                      " FROM warehouse_device_event WHERE tenant_id = ? AND device_id = ? AND "
                      "event_key IN (";
    sql += PlaceholderList(n) + ")";
    XB_ASSIGN_OR_RETURN(auto rows, c_.Query(sql, p));
    for (const auto& r : rows) {
      found.push_back(DecodeDeviceEvent(tenant, device_id, r));
      places.push_back(PlaceOf(r));
    }
    done += n;
  }
  XB_RETURN_IF_ERROR(ReadChunkedAnswers(c_, tenant, found, places));
  return found;
}

Status SqlWarehouseStore::InsertDeviceEvents(std::span<const DeviceEventRecord> records) {
  if (records.size() == 1) return InsertDeviceEvent(records.front());
  // Each tenant's answers go side by side into chunks, and the event rows point into them: a
  // few chunk rows and narrow event rows instead of a row of several hundred bytes per event.
  std::vector<std::int64_t> tenants;
  for (const auto& r : records) tenants.push_back(r.event.tenant_id.value());
  std::sort(tenants.begin(), tenants.end());
  tenants.erase(std::unique(tenants.begin(), tenants.end()), tenants.end());
  for (const std::int64_t tenant : tenants) {
    std::vector<const DeviceEventRecord*> mine;
    mine.reserve(records.size());
    for (const auto& r : records) {
      if (r.event.tenant_id.value() == tenant) mine.push_back(&r);
    }
    XB_RETURN_IF_ERROR(InsertChunked(TenantId(tenant), mine));
  }
  return Status::Ok();
}

Status SqlWarehouseStore::InsertChunked(TenantId tenant,
                                        std::span<const DeviceEventRecord* const> records) {
  const std::size_t chunk_count = (records.size() + kAnswersPerChunk - 1) / kAnswersPerChunk;
  // The chunks' ids: the tenant's counter moved on by their number in one statement.
  const Value counted[] = {tenant.value(), std::string("device_answers"),
                           static_cast<std::int64_t>(chunk_count)};
  XB_ASSIGN_OR_RETURN(auto last,
                      c_.Query("INSERT INTO warehouse_counter (tenant_id, name, value) VALUES "
                               "(?, ?, ?) ON CONFLICT (tenant_id, name) DO UPDATE SET "
                               "value = warehouse_counter.value + excluded.value RETURNING value",
                               counted));
  const std::int64_t first_id = AsInt(last.at(0)[0]) - static_cast<std::int64_t>(chunk_count) + 1;

  std::vector<Value> chunk_rows;
  chunk_rows.reserve(chunk_count * 3);
  std::vector<Value> p;
  std::size_t in_batch = 0;
  for (std::size_t c = 0; c < chunk_count; ++c) {
    const std::size_t begin = c * kAnswersPerChunk;
    const std::size_t end = std::min(records.size(), begin + kAnswersPerChunk);
    const std::int64_t id = first_id + static_cast<std::int64_t>(c);
    std::size_t size = 0;
    for (std::size_t i = begin; i < end; ++i) size += records[i]->answer.size();
    std::string answers;
    answers.reserve(size);
    for (std::size_t i = begin; i < end; ++i) {
      const DeviceEventRecord& r = *records[i];
      const auto& e = r.event;
      if (p.empty())
        p.reserve(NextBatch(records.size() - i, kInsertBatch) * kDeviceEventChunkedColumns);
      p.emplace_back(e.tenant_id.value());
      p.emplace_back(e.device_id);
      p.emplace_back(e.event_key);
      p.push_back(EnumText(e.type));
      p.emplace_back(e.task_id);
      p.emplace_back(std::int64_t{e.line_no});
      p.emplace_back(e.location);
      p.emplace_back(e.barcode);
      p.emplace_back(e.quantity);
      p.push_back(OptTime(e.device_time));
      p.emplace_back(std::int64_t{r.status});
      p.emplace_back(std::string());
      p.emplace_back(r.received_at.micros());
      p.emplace_back(id);
      p.emplace_back(static_cast<std::int64_t>(answers.size()));
      p.emplace_back(static_cast<std::int64_t>(r.answer.size()));
      answers += r.answer;
      ++in_batch;
      if (in_batch == NextBatch(records.size() - (i + 1 - in_batch), kInsertBatch)) {
        XB_RETURN_IF_ERROR(InsertEventRows(p, in_batch));
        p.clear();
        in_batch = 0;
      }
    }
    chunk_rows.emplace_back(tenant.value());
    chunk_rows.emplace_back(id);
    chunk_rows.emplace_back(std::move(answers));
  }
  std::size_t done = 0;
  while (done < chunk_count) {
    const std::size_t n = NextBatch(chunk_count - done, kChunkBatch);
    const std::span<const Value> part(chunk_rows.data() + done * 3, n * 3);
    XB_RETURN_IF_ERROR(
        c_.Execute("INSERT INTO warehouse_device_answers (tenant_id, id, answers) VALUES " +
                       RowPlaceholders(n, 3),
                   part)
            .status());
    done += n;
  }
  return Status::Ok();
}

Status SqlWarehouseStore::InsertEventRows(std::span<const Value> p, std::size_t n) {
  std::string sql(kDeviceEventChunkedInsert);
  sql += RowPlaceholders(n, kDeviceEventChunkedColumns);
  // Stored events insert nothing (rather than failing, which would end a PostgreSQL
  // transaction); fewer rows than events means one of them was stored already.
  sql += " ON CONFLICT (tenant_id, device_id, event_key) DO NOTHING";
  XB_ASSIGN_OR_RETURN(std::int64_t inserted, c_.Execute(sql, p));
  if (inserted != static_cast<std::int64_t>(n)) {
    return AlreadyExists("event_key: " + std::to_string(static_cast<std::int64_t>(n) - inserted) +
                             " of " + std::to_string(n) +
                             " events are already recorded (or repeated in the batch)",
                         "event_key");
  }
  return Status::Ok();
}

}  // namespace xb::sql
