#include "flows/warehouse/warehouse_json.h"

namespace xb::warehouse_flow {

using nlohmann::json;
using warehouse::TaskKind;

namespace {

template <class T>
json OrNull(const std::optional<T>& v) {
  return v ? json(*v) : json();
}

json DateOrNull(const std::optional<Date>& d) { return d ? json(d->ToIso8601()) : json(); }

}  // namespace

json TaskLineJson(const warehouse::Task& task, const warehouse::TaskLine& line,
                  TaskAudience audience) {
  json out = {{"line_no", line.line_no}, {"sku_id", line.sku_id}, {"owner", line.owner}};
  switch (task.kind) {
    case TaskKind::kReceive: {
      out["to_bin"] = line.to_bin;
      out["expected_qty"] = line.expected_qty;
      out["done_qty"] = line.done_qty;
      out["damaged_qty"] = line.damaged_qty;
      json receipts = json::array();
      for (const auto& r : line.receipts) {
        receipts.push_back({{"lot_number", r.lot_number},
                            {"production_date", DateOrNull(r.production_date)},
                            {"expiry_date", DateOrNull(r.expiry_date)},
                            {"quantity", r.quantity},
                            {"condition", EnumName(r.condition)},
                            {"reason", r.reason}});
      }
      out["receipts"] = std::move(receipts);
      break;
    }
    case TaskKind::kCount:
      out["lot_id"] = line.lot_id.value();
      out["bin"] = line.from_bin;
      if (audience == TaskAudience::kOffice) out["system_qty"] = OrNull(line.system_qty);
      out["counted_qty"] = OrNull(line.counted_qty);
      out["recount_qty"] = OrNull(line.recount_qty);
      out["reason"] = line.reason;
      break;
    default:
      out["lot_id"] = line.lot_id.value();
      out["from_bin"] = line.from_bin;
      out["to_bin"] = line.to_bin;
      out["expected_qty"] = line.expected_qty;
      out["done_qty"] = line.done_qty;
      if (task.kind == TaskKind::kPick) {
        out["reservation_id"] = line.reservation_id;
        out["order_ref"] = line.order_ref;
      }
      break;
  }
  return out;
}

json TaskHeaderJson(const warehouse::Task& task) {
  return {{"id", task.id.value()},
          {"code", task.code},
          {"kind", EnumName(task.kind)},
          {"state", EnumName(task.state)},
          {"warehouse_id", task.warehouse_id},
          {"ref_type", task.ref_type},
          {"ref_id", task.ref_id},
          {"assignee", task.assignee},
          {"version", task.version},
          {"line_count", task.lines.size()},
          {"created_at", task.created_at.ToIso8601()},
          {"updated_at", task.updated_at.ToIso8601()},
          {"closed_at", task.closed_at ? json(task.closed_at->ToIso8601()) : json()}};
}

json TaskJson(const warehouse::Task& task, TaskAudience audience,
              std::span<const warehouse::ReceiptVariance> variances) {
  json out = TaskHeaderJson(task);
  json lines = json::array();
  for (const auto& l : task.lines) lines.push_back(TaskLineJson(task, l, audience));
  out["lines"] = std::move(lines);
  if (task.kind == TaskKind::kReceive) {
    json v = json::array();
    for (const auto& x : variances) v.push_back(VarianceJson(x));
    out["variances"] = std::move(v);
  }
  return out;
}

json VarianceJson(const warehouse::ReceiptVariance& v) {
  return {{"line_no", v.line_no}, {"expected", v.expected}, {"good", v.good},
          {"damaged", v.damaged}, {"over", v.over},         {"short", v.short_}};
}

json ParcelJson(const warehouse::Parcel& parcel) {
  json lines = json::array();
  for (const auto& l : parcel.lines) {
    lines.push_back({{"sku_id", l.sku_id},
                     {"lot_id", l.lot_id.value()},
                     {"owner", l.owner},
                     {"quantity", l.quantity}});
  }
  return {{"id", parcel.id.value()},
          {"sscc", parcel.sscc},
          {"warehouse_id", parcel.warehouse_id},
          {"order_ref", parcel.order_ref},
          {"pack_bin_id", parcel.pack_bin},
          {"lines", std::move(lines)},
          {"weight_grams", parcel.weight_grams},
          {"state", EnumName(parcel.state)},
          {"carrier_id", parcel.carrier_id == 0 ? json() : json(parcel.carrier_id)},
          {"waybill_no", parcel.waybill_no.empty() ? json() : json(parcel.waybill_no)},
          {"created_at", parcel.created_at.ToIso8601()},
          {"shipped_at", parcel.shipped_at ? json(parcel.shipped_at->ToIso8601()) : json()}};
}

json ScanJson(const warehouse::Gs1Scan& scan) {
  return {{"gtin", OrNull(scan.gtin)},
          {"sscc", OrNull(scan.sscc)},
          {"lot", OrNull(scan.lot)},
          {"production_date", DateOrNull(scan.production_date)},
          {"expiry_date", DateOrNull(scan.expiry_date)},
          {"quantity", OrNull(scan.quantity)},
          {"serial", OrNull(scan.serial)}};
}

}  // namespace xb::warehouse_flow
