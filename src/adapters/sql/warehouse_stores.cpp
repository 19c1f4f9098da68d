#include "adapters/sql/warehouse_stores.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>
#include <tuple>
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
//
// Every stored event has a narrow row in warehouse_device_event_key (migration 0011): its key
// and where its record is, a chunk of warehouse_device_answers and the byte offset in it. A
// chunk holds the records of up to 64 events of one tenant side by side. A record is a header of
// numbers ending in ';', then the location, barcode and answer as they were:
//   <status> <type> <task_id> <line_no> <quantity> <device_time or -> <received_at>
//   <location bytes> <barcode bytes> <answer bytes>;<location><barcode><answer>
// A key row without a chunk is an event stored before 0011: whole in warehouse_device_event,
// its answer inline or cut out of a chunk of answers only (0009).

// The columns of a row of warehouse_device_event (before 0011).
constexpr std::string_view kLegacyEventColumns =
    "event_key, type, task_id, line_no, location, barcode, quantity, device_time, status, "
    "answer, received_at, answers_id, answer_at, answer_len";

// Row: kLegacyEventColumns.
DeviceEventRecord DecodeLegacyEvent(TenantId tenant, std::string_view device_id, const Row& r) {
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

// Multi-row statements take up to `most` rows (a power of two); a rest is sent in power-of-two
// pieces, so a connection prepares few variants of each statement.
constexpr std::size_t kLookupBatch = 256;  // keys of an IN list
constexpr std::size_t kInsertBatch = 64;   // key rows per insert
// Records side by side in one row of warehouse_device_answers: a retry reads at most this many
// records to find its own.
constexpr std::size_t kRecordsPerChunk = 64;
constexpr std::size_t kChunkBatch = 16;  // chunk rows per insert
constexpr std::size_t kKeyColumns = 5;

// The insert of `n` key rows (a power of two up to kInsertBatch), its text built once. Stored
// events insert nothing (rather than failing, which would end a PostgreSQL transaction).
std::string_view KeyInsert(std::size_t n) {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> out;
    for (std::size_t rows = 1; rows <= kInsertBatch; rows *= 2) {
      out.push_back(
          "INSERT INTO warehouse_device_event_key (tenant_id, device_id, event_key, chunk_id, "
          "record_at) VALUES " +
          RowPlaceholders(rows, kKeyColumns) +
          " ON CONFLICT (tenant_id, device_id, event_key) DO NOTHING");
    }
    return out;
  }();
  std::size_t i = 0;
  while ((std::size_t{1} << i) < n) ++i;
  return texts.at(i);
}

// Appends the record of `r` (see above) to `out`.
void AppendRecord(std::string& out, const DeviceEventRecord& r) {
  const auto& e = r.event;
  char head[256];  // ten numbers of at most 20 characters, a type name, separators
  char* p = head;
  const auto number = [&p](std::int64_t n, char after) {
    p = std::to_chars(p, p + 24, n).ptr;
    *p++ = after;
  };
  number(r.status, ' ');
  const std::string_view type = EnumName(e.type);
  std::memcpy(p, type.data(), type.size());
  p += type.size();
  *p++ = ' ';
  number(e.task_id, ' ');
  number(e.line_no, ' ');
  number(e.quantity, ' ');
  if (e.device_time) {
    number(e.device_time->micros(), ' ');
  } else {
    *p++ = '-';
    *p++ = ' ';
  }
  number(r.received_at.micros(), ' ');
  number(static_cast<std::int64_t>(e.location.size()), ' ');
  number(static_cast<std::int64_t>(e.barcode.size()), ' ');
  number(static_cast<std::int64_t>(r.answer.size()), ';');
  out.append(head, static_cast<std::size_t>(p - head));
  out += e.location;
  out += e.barcode;
  out += r.answer;
}

// Reads the record at `at` of `chunk` into `rec` (whose key the caller has set); false when the
// bytes there are no record.
bool ParseRecord(std::string_view chunk, std::size_t at, DeviceEventRecord& rec) {
  if (at > chunk.size()) return false;
  const char* p = chunk.data() + at;
  const char* const end = chunk.data() + chunk.size();
  std::int64_t n[10] = {};
  bool has_time = true;
  for (int i = 0; i < 10; ++i) {
    if (i == 1) {  // the type's name
      const char* space = std::find(p, end, ' ');
      if (space == end) return false;
      const auto type = EnumFromName<warehouse::DeviceEventType>(
          std::string_view(p, static_cast<std::size_t>(space - p)));
      if (!type) return false;
      rec.event.type = *type;
      p = space + 1;
      continue;
    }
    if (i == 5 && p < end && *p == '-') {
      has_time = false;
      ++p;
    } else {
      const auto [next, ec] = std::from_chars(p, end, n[i]);
      if (ec != std::errc() || next == end) return false;
      p = next;
    }
    if (*p != (i == 9 ? ';' : ' ')) return false;
    ++p;
  }
  const auto size = [](std::int64_t v) { return static_cast<std::size_t>(v); };
  if (n[7] < 0 || n[8] < 0 || n[9] < 0 ||
      size(n[7]) + size(n[8]) + size(n[9]) > static_cast<std::size_t>(end - p)) {
    return false;
  }
  rec.status = static_cast<int>(n[0]);
  rec.event.task_id = n[2];
  rec.event.line_no = static_cast<int>(n[3]);
  rec.event.quantity = n[4];
  rec.event.device_time =
      has_time ? std::optional<Timestamp>(Timestamp::FromMicros(n[5])) : std::nullopt;
  rec.received_at = Timestamp::FromMicros(n[6]);
  rec.event.location.assign(p, size(n[7]));
  p += n[7];
  rec.event.barcode.assign(p, size(n[8]));
  p += n[8];
  rec.answer.assign(p, size(n[9]));
  return true;
}

// The chunks `ids` of `tenant` (unique), one look-up per kLookupBatch.
Result<std::map<std::int64_t, std::string>> ReadChunks(Connection& c, TenantId tenant,
                                                       std::vector<std::int64_t> ids) {
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
  return chunks;
}

Status MissingRecord(const std::string& key, std::int64_t chunk) {
  return Internal("device event '" + key + "': its stored record in chunk " +
                  std::to_string(chunk) + " is missing or unreadable");
}

// The events of `keys` stored before 0011, whole in warehouse_device_event.
Result<std::vector<DeviceEventRecord>> FindLegacyEvents(Connection& c, TenantId tenant,
                                                        std::string_view device_id,
                                                        const std::vector<std::string>& keys) {
  std::vector<DeviceEventRecord> found;
  // Where an answer is when a 0009 chunk holds it: (chunk id, byte offset, length).
  std::vector<std::optional<std::tuple<std::int64_t, std::size_t, std::size_t>>> places;
  std::size_t done = 0;
  while (done < keys.size()) {
    const std::size_t n = NextBatch(keys.size() - done, kLookupBatch);
    std::vector<Value> p;
    p.reserve(n + 2);
    p.emplace_back(tenant.value());
    p.emplace_back(std::string(device_id));
    for (std::size_t i = done; i < done + n; ++i) p.emplace_back(keys[i]);
    XB_ASSIGN_OR_RETURN(auto rows,
                        c.Query("SELECT " + std::string(kLegacyEventColumns) +
                                    " FROM warehouse_device_event WHERE tenant_id = ? AND "
                                    "device_id = ? AND event_key IN (" +
                                    PlaceholderList(n) + ")",
                                p));
    for (const auto& r : rows) {
      found.push_back(DecodeLegacyEvent(tenant, device_id, r));
      if (r[11]) {
        places.emplace_back(std::make_tuple(AsInt(r[11]), static_cast<std::size_t>(AsInt(r[12])),
                                            static_cast<std::size_t>(AsInt(r[13]))));
      } else {
        places.emplace_back();
      }
    }
    done += n;
  }
  std::vector<std::int64_t> ids;
  for (const auto& at : places) {
    if (at) ids.push_back(std::get<0>(*at));
  }
  if (ids.empty()) return found;
  XB_ASSIGN_OR_RETURN(auto chunks, ReadChunks(c, tenant, std::move(ids)));
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (!places[i]) continue;
    const auto [chunk, at, size] = *places[i];
    auto it = chunks.find(chunk);
    if (it == chunks.end() || at + size > it->second.size()) {
      return MissingRecord(found[i].event.event_key, chunk);
    }
    found[i].answer.assign(it->second, at, size);
  }
  return found;
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
  const DeviceEventRecord* one[] = {&record};
  return InsertChunked(record.event.tenant_id, one);
}

Result<std::optional<DeviceEventRecord>> SqlWarehouseStore::FindDeviceEvent(
    TenantId tenant, std::string_view device_id, std::string_view event_key) {
  const std::string key(event_key);
  XB_ASSIGN_OR_RETURN(auto found, FindDeviceEvents(tenant, device_id, std::span(&key, 1)));
  if (found.empty()) return std::optional<DeviceEventRecord>();
  return std::optional<DeviceEventRecord>(std::move(found[0]));
}

Result<std::vector<DeviceEventRecord>> SqlWarehouseStore::FindDeviceEvents(
    TenantId tenant, std::string_view device_id, std::span<const std::string> keys) {
  std::vector<DeviceEventRecord> found;
  std::vector<std::pair<std::int64_t, std::size_t>> places;  // (chunk, offset) of each found
  std::vector<std::string> legacy;
  std::size_t done = 0;
  while (done < keys.size()) {
    const std::size_t n = NextBatch(keys.size() - done, kLookupBatch);
    std::vector<Value> p;
    p.reserve(n + 2);
    p.emplace_back(tenant.value());
    p.emplace_back(std::string(device_id));
    for (std::size_t i = done; i < done + n; ++i) p.emplace_back(keys[i]);
    XB_ASSIGN_OR_RETURN(auto rows,
                        c_.Query("SELECT event_key, chunk_id, record_at FROM "
                                 "warehouse_device_event_key WHERE tenant_id = ? AND device_id = "
                                 "? AND event_key IN (" +
                                     PlaceholderList(n) + ")",
                                 p));
    for (auto& r : rows) {
      if (!r[1]) {
        legacy.push_back(std::move(r[0]).value_or(""));
        continue;
      }
      DeviceEventRecord& rec = found.emplace_back();
      rec.event.tenant_id = tenant;
      rec.event.device_id = std::string(device_id);
      rec.event.event_key = std::move(r[0]).value_or("");
      places.emplace_back(AsInt(r[1]), static_cast<std::size_t>(AsInt(r[2])));
    }
    done += n;
  }
  if (!places.empty()) {
    std::vector<std::int64_t> ids;
    ids.reserve(places.size());
    for (const auto& place : places) ids.push_back(place.first);
    XB_ASSIGN_OR_RETURN(auto chunks, ReadChunks(c_, tenant, std::move(ids)));
    for (std::size_t i = 0; i < found.size(); ++i) {
      const auto [chunk, at] = places[i];
      auto it = chunks.find(chunk);
      if (it == chunks.end() || !ParseRecord(it->second, at, found[i])) {
        return MissingRecord(found[i].event.event_key, chunk);
      }
    }
  }
  if (!legacy.empty()) {
    XB_ASSIGN_OR_RETURN(auto old, FindLegacyEvents(c_, tenant, device_id, legacy));
    for (auto& r : old) found.push_back(std::move(r));
  }
  return found;
}

Status SqlWarehouseStore::InsertDeviceEvents(std::span<const DeviceEventRecord> records) {
  if (records.empty()) return Status::Ok();
  const std::int64_t first_tenant = records.front().event.tenant_id.value();
  const bool one_tenant = std::all_of(records.begin(), records.end(), [&](const auto& r) {
    return r.event.tenant_id.value() == first_tenant;
  });
  std::vector<const DeviceEventRecord*> mine;
  mine.reserve(records.size());
  if (one_tenant) {
    for (const auto& r : records) mine.push_back(&r);
    return InsertChunked(TenantId(first_tenant), mine);
  }
  // Each tenant's records go into chunks of their own.
  std::vector<std::int64_t> tenants;
  for (const auto& r : records) tenants.push_back(r.event.tenant_id.value());
  std::sort(tenants.begin(), tenants.end());
  tenants.erase(std::unique(tenants.begin(), tenants.end()), tenants.end());
  for (const std::int64_t tenant : tenants) {
    mine.clear();
    for (const auto& r : records) {
      if (r.event.tenant_id.value() == tenant) mine.push_back(&r);
    }
    XB_RETURN_IF_ERROR(InsertChunked(TenantId(tenant), mine));
  }
  return Status::Ok();
}

Status SqlWarehouseStore::InsertChunked(TenantId tenant,
                                        std::span<const DeviceEventRecord* const> records) {
  const std::size_t chunk_count = (records.size() + kRecordsPerChunk - 1) / kRecordsPerChunk;
  // The chunks' ids: the tenant's counter moved on by their number in one statement.
  const Value counted[] = {tenant.value(), std::string("device_answers"),
                           static_cast<std::int64_t>(chunk_count)};
  XB_ASSIGN_OR_RETURN(auto last,
                      c_.Query("INSERT INTO warehouse_counter (tenant_id, name, value) VALUES "
                               "(?, ?, ?) ON CONFLICT (tenant_id, name) DO UPDATE SET "
                               "value = warehouse_counter.value + excluded.value RETURNING value",
                               counted));
  const std::int64_t first_id = AsInt(last.at(0)[0]) - static_cast<std::int64_t>(chunk_count) + 1;

  // The key rows first: a stored event refuses the insert before any chunk is written.
  std::vector<Value> chunk_rows;
  chunk_rows.reserve(chunk_count * 3);
  std::vector<Value> p;
  std::size_t done = 0;  // records whose key rows are sent
  for (std::size_t c = 0; c < chunk_count; ++c) {
    const std::size_t begin = c * kRecordsPerChunk;
    const std::size_t end = std::min(records.size(), begin + kRecordsPerChunk);
    const std::int64_t id = first_id + static_cast<std::int64_t>(c);
    std::size_t size = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const auto& e = records[i]->event;
      size += records[i]->answer.size() + e.location.size() + e.barcode.size() + 96;
    }
    std::string text;
    text.reserve(size);
    for (std::size_t i = begin; i < end; ++i) {
      const DeviceEventRecord& r = *records[i];
      if (p.empty()) p.reserve(NextBatch(records.size() - done, kInsertBatch) * kKeyColumns);
      p.emplace_back(tenant.value());
      p.emplace_back(r.event.device_id);
      p.emplace_back(r.event.event_key);
      p.emplace_back(id);
      p.emplace_back(static_cast<std::int64_t>(text.size()));
      AppendRecord(text, r);
      const std::size_t rows = p.size() / kKeyColumns;
      if (rows == NextBatch(records.size() - done, kInsertBatch)) {
        XB_RETURN_IF_ERROR(InsertKeyRows(p, rows));
        p.clear();
        done += rows;
      }
    }
    chunk_rows.emplace_back(tenant.value());
    chunk_rows.emplace_back(id);
    chunk_rows.emplace_back(std::move(text));
  }
  std::size_t sent = 0;
  while (sent < chunk_count) {
    const std::size_t n = NextBatch(chunk_count - sent, kChunkBatch);
    const std::span<const Value> part(chunk_rows.data() + sent * 3, n * 3);
    XB_RETURN_IF_ERROR(
        c_.Execute("INSERT INTO warehouse_device_answers (tenant_id, id, answers) VALUES " +
                       RowPlaceholders(n, 3),
                   part)
            .status());
    sent += n;
  }
  return Status::Ok();
}

Status SqlWarehouseStore::InsertKeyRows(std::span<const Value> p, std::size_t n) {
  XB_ASSIGN_OR_RETURN(std::int64_t inserted, c_.Execute(KeyInsert(n), p));
  // Fewer rows than events: one of them was stored already (or repeated in the batch).
  if (inserted != static_cast<std::int64_t>(n)) {
    if (n == 1) {
      const auto device = std::get<std::string>(p[1]);
      const auto key = std::get<std::string>(p[2]);
      return AlreadyExists(
          "event_key: event '" + key + "' of device '" + device + "' is already recorded",
          "event_key");
    }
    return AlreadyExists("event_key: " + std::to_string(static_cast<std::int64_t>(n) - inserted) +
                             " of " + std::to_string(n) +
                             " events are already recorded (or repeated in the batch)",
                         "event_key");
  }
  return Status::Ok();
}

}  // namespace xb::sql
