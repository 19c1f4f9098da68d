#include "flows/sourcing/evaluation_service.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "core/text.h"
#include "domain/catalog/sku.h"
#include "domain/partners/partners.h"
#include "domain/procurement/procurement.h"
#include "domain/suppliers/topsis.h"
#include "flows/sourcing/support.h"

namespace xb::sourcing {

using access::Action;
using nlohmann::json;
using suppliers::IndicatorScore;
using suppliers::IndicatorTree;
using suppliers::TreeStatus;
using suppliers::TreeVersion;
using suppliers::TreeVersionId;

namespace {

constexpr std::size_t kMaxNameLength = 200;
constexpr std::size_t kMaxNoteLength = 1000;
constexpr const char* kTreeEntity = "evaluation_tree";
constexpr const char* kScoreEntity = "supplier_score";

std::string StatusName(TreeStatus s) {
  return std::string(suppliers::EnumChoices(s)[static_cast<std::size_t>(s)]);
}

std::string TreeLabel(const TreeVersion& v) {
  return "tree version " + std::to_string(v.id.value()) + " (no. " + std::to_string(v.version_no) +
         ")";
}

Result<TreeVersion> ActiveTreeOrFail(store::Transaction& tx, TenantId tenant) {
  XB_ASSIGN_OR_RETURN(auto active, tx.evaluation().ActiveTree(tenant));
  if (!active) {
    return FailedPrecondition(
        "no evaluation tree is active: create one (from the template) and activate it first");
  }
  return std::move(*active);
}

// The version scores are read under: `id` when given (an unknown id names `tree_id`), else the
// active one.
Result<TreeVersion> TreeFor(store::Transaction& tx, TenantId tenant,
                            std::optional<TreeVersionId> id) {
  if (!id) return ActiveTreeOrFail(tx, tenant);
  auto tree = tx.evaluation().GetTree(tenant, *id);
  if (!tree.ok() && tree.status().code() == ErrorCode::kNotFound) {
    return InvalidArgument("tree_id: no evaluation tree with id " + std::to_string(id->value()),
                           "tree_id");
  }
  return tree;
}

// The children of `node` (codes and weights); nullopt when the tree has no such node.
std::optional<std::vector<std::pair<std::string, std::optional<double>>>> NodeChildren(
    const IndicatorTree& tree, const std::string& node) {
  std::vector<std::pair<std::string, std::optional<double>>> out;
  if (node == "root") {
    for (const auto& ind : tree.indicators) out.emplace_back(ind.code, ind.weight);
    return out;
  }
  for (const auto& ind : tree.indicators) {
    if (ind.code != node) continue;
    for (const auto& sub : ind.children) out.emplace_back(sub.code, sub.weight);
    return out;
  }
  return std::nullopt;
}

std::vector<NamedDisagreement> Name(const suppliers::AhpResult& r,
                                    const std::vector<std::string>& names) {
  std::vector<NamedDisagreement> out;
  for (const auto& d : r.disagreements) {
    const auto row = static_cast<std::size_t>(d.row);
    const auto col = static_cast<std::size_t>(d.column);
    out.push_back({d.row, d.column, row < names.size() ? names[row] : std::to_string(d.row + 1),
                   col < names.size() ? names[col] : std::to_string(d.column + 1), d.given,
                   d.implied, d.deviation});
  }
  return out;
}

json TreeSummary(const TreeVersion& v) {
  return {{"name", v.name}, {"version_no", v.version_no}, {"status", StatusName(v.status)}};
}

Status CheckName(const std::string& name) {
  if (name.empty()) return InvalidArgument("name: must not be empty", "name");
  if (name.size() > kMaxNameLength || !IsCleanUtf8(name)) {
    return InvalidArgument("name: at most 200 characters of clean UTF-8", "name");
  }
  return Status::Ok();
}

// Maps a 0..100 rate onto the indicator's scale.
double OnScale(double rate, const suppliers::SubIndicator& sub) {
  if (sub.scale_min == 0 && sub.scale_max == 100) return rate;
  return sub.scale_min + rate / 100.0 * (sub.scale_max - sub.scale_min);
}

}  // namespace

// --- trees -----------------------------------------------------------------------------------

Result<std::vector<TreeVersion>> EvaluationService::ListTrees(const access::Principal& principal) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto trees, tx->evaluation().ListTrees(principal.tenant_id));
  std::stable_sort(trees.begin(), trees.end(), [](const TreeVersion& a, const TreeVersion& b) {
    return a.version_no > b.version_no;
  });
  return trees;
}

Result<TreeVersion> EvaluationService::CreateTree(const RequestContext& ctx, std::string name,
                                                  const std::string& from) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteEvaluation));
  const TenantId tenant = ctx.principal.tenant_id;
  name = std::string(Trim(name));
  if (!name.empty()) XB_RETURN_IF_ERROR(CheckName(name));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  TreeVersion draft;
  std::string source_name = "Supplier evaluation";
  if (from.empty() || from == "template") {
    draft.tree = suppliers::PaperTemplate();
  } else {
    std::optional<TreeVersion> source;
    if (from == "active") {
      XB_ASSIGN_OR_RETURN(source, tx->evaluation().ActiveTree(tenant));
      if (!source) return FailedPrecondition("from: no tree version is active to copy", "from");
    } else {
      const auto id = ParseInt64(from);
      if (!id || *id <= 0) {
        return InvalidArgument("from: must be \"template\", \"active\" or a tree version id",
                               "from");
      }
      auto found = tx->evaluation().GetTree(tenant, TreeVersionId(*id));
      if (!found.ok()) {
        if (found.status().code() != ErrorCode::kNotFound) return found.status();
        return InvalidArgument("from: no tree version with id " + from, "from");
      }
      source = std::move(found).value();
    }
    draft.tree = source->tree;
    draft.judgements = source->judgements;
    source_name = source->name;
  }
  XB_ASSIGN_OR_RETURN(auto existing, tx->evaluation().ListTrees(tenant));
  int version_no = 1;
  for (const auto& v : existing) version_no = std::max(version_no, v.version_no + 1);
  const Timestamp now = clock_.Now();
  draft.tenant_id = tenant;
  draft.name = name.empty() ? source_name : name;
  draft.version_no = version_no;
  draft.status = TreeStatus::kDraft;
  draft.created_by = ctx.principal.Actor();
  draft.created_at = now;
  draft.version = 1;
  XB_ASSIGN_OR_RETURN(TreeVersion stored, tx->evaluation().InsertTree(std::move(draft)));
  json payload = TreeSummary(stored);
  payload["from"] = from.empty() ? "template" : from;
  XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, "evaluation.tree.created", kTreeEntity,
                                         stored.id.value(), now, payload));
  XB_RETURN_IF_ERROR(tx->Commit());
  return stored;
}

Result<TreeVersion> EvaluationService::GetTree(const access::Principal& principal,
                                               TreeVersionId id) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->evaluation().GetTree(principal.tenant_id, id);
}

Result<TreeVersion> EvaluationService::ReplaceTree(const RequestContext& ctx, TreeVersionId id,
                                                   std::optional<std::string> name,
                                                   IndicatorTree tree,
                                                   std::optional<std::int64_t> expected_version) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteEvaluation));
  if (name) {
    *name = std::string(Trim(*name));
    XB_RETURN_IF_ERROR(CheckName(*name));
  }
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(TreeVersion before, tx->evaluation().GetTree(ctx.principal.tenant_id, id));
  if (expected_version && *expected_version != before.version) {
    return Conflict(TreeLabel(before) + " is at version " + std::to_string(before.version) +
                    ", not " + std::to_string(*expected_version));
  }
  if (before.status != TreeStatus::kDraft) {
    return FailedPrecondition(TreeLabel(before) + " is " + StatusName(before.status) +
                              "; only a draft changes (create a new version from it)");
  }
  if (Status st = suppliers::ValidateTree(tree); !st.ok()) {
    // The domain names the indicator; the request's field is its place under "indicators".
    const bool named = !st.field().empty() && st.field() != "indicators";
    return Status(st.code(), st.message(), named ? "indicators." + st.field() : "indicators");
  }
  TreeVersion after = before;
  after.tree = std::move(tree);
  if (name) after.name = *name;
  // A node's judgements still explain its weights only while its children and weights are those
  // the judgements produced.
  std::erase_if(after.judgements, [&](const suppliers::NodeJudgements& j) {
    const auto was = NodeChildren(before.tree, j.node);
    const auto now = NodeChildren(after.tree, j.node);
    return !was || !now || *was != *now;
  });
  after.version = before.version + 1;
  XB_RETURN_IF_ERROR(tx->evaluation().UpdateTree(after, before.version));
  XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, "evaluation.tree.updated", kTreeEntity,
                                         after.id.value(), clock_.Now(), TreeSummary(after)));
  XB_RETURN_IF_ERROR(tx->Commit());
  return after;
}

Result<TreeVersion> EvaluationService::ApplyAhp(const RequestContext& ctx, TreeVersionId id,
                                                const AhpRequest& request, AhpOutcome* refused) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteEvaluation));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(TreeVersion before, tx->evaluation().GetTree(ctx.principal.tenant_id, id));
  if (request.expected_version && *request.expected_version != before.version) {
    return Conflict(TreeLabel(before) + " is at version " + std::to_string(before.version) +
                    ", not " + std::to_string(*request.expected_version));
  }
  if (before.status != TreeStatus::kDraft) {
    return FailedPrecondition(TreeLabel(before) + " is " + StatusName(before.status) +
                              "; only a draft changes (create a new version from it)");
  }
  const auto children = NodeChildren(before.tree, request.node);
  if (children && children->size() == request.matrix.size()) {
    auto r = suppliers::DeriveWeights(request.matrix, suppliers::AhpMethod::kEigenvector,
                                      request.ri_table);
    if (r.ok() && !r->consistent && refused != nullptr) {
      std::vector<std::string> names;
      for (const auto& c : *children) names.push_back(c.first);
      refused->disagreements = Name(*r, names);
      refused->criteria = std::move(names);
      refused->result = std::move(r).value();
    }
  }
  TreeVersion after = before;
  XB_RETURN_IF_ERROR(
      suppliers::ApplyJudgements(after, request.node, request.matrix, request.ri_table));
  XB_RETURN_IF_ERROR(suppliers::ValidateTree(after.tree));
  after.version = before.version + 1;
  XB_RETURN_IF_ERROR(tx->evaluation().UpdateTree(after, before.version));
  json payload = TreeSummary(after);
  const auto weights = NodeChildren(after.tree, request.node);
  json w = json::object();
  for (const auto& [code, weight] : *weights) w[code] = weight.value_or(0);
  for (const auto& j : after.judgements) {
    if (j.node != request.node) continue;
    payload["cr"] = j.cr;
    payload["lambda_max"] = j.lambda_max;
  }
  payload["node"] = request.node;
  payload["ri_table"] = std::string(suppliers::RiTableName(request.ri_table));
  payload["weights"] = w;
  XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, "evaluation.tree.weights_derived", kTreeEntity,
                                         after.id.value(), clock_.Now(), payload));
  XB_RETURN_IF_ERROR(tx->Commit());
  return after;
}

Result<AhpOutcome> EvaluationService::PreviewAhp(const access::Principal& principal,
                                                 std::vector<std::string> criteria,
                                                 const suppliers::ComparisonMatrix& matrix,
                                                 suppliers::RiTable table) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  if (criteria.empty()) {
    for (std::size_t i = 0; i < matrix.size(); ++i) criteria.push_back(std::to_string(i + 1));
  } else if (criteria.size() != matrix.size()) {
    return InvalidArgument("criteria: " + std::to_string(criteria.size()) + " names for a " +
                               std::to_string(matrix.size()) + "-row matrix",
                           "criteria");
  }
  XB_ASSIGN_OR_RETURN(auto r,
                      suppliers::DeriveWeights(matrix, suppliers::AhpMethod::kEigenvector, table));
  AhpOutcome out;
  out.disagreements = Name(r, criteria);
  out.criteria = std::move(criteria);
  out.result = std::move(r);
  return out;
}

Result<TreeVersion> EvaluationService::Activate(const RequestContext& ctx, TreeVersionId id) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteEvaluation));
  const TenantId tenant = ctx.principal.tenant_id;
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(TreeVersion v, tx->evaluation().GetTree(tenant, id));
  if (v.status == TreeStatus::kActive) return v;  // activating twice changes nothing
  if (v.status == TreeStatus::kRetired) {
    return FailedPrecondition(TreeLabel(v) +
                              " is retired; create a new version from it and activate that");
  }
  XB_RETURN_IF_ERROR(suppliers::ValidateTree(v.tree));
  const Timestamp now = clock_.Now();
  XB_ASSIGN_OR_RETURN(auto previous, tx->evaluation().ActiveTree(tenant));
  json payload = TreeSummary(v);
  payload["status"] = "active";
  payload["retired_tree_id"] = nullptr;
  if (previous && previous->id != v.id) {
    TreeVersion retired = *previous;
    retired.status = TreeStatus::kRetired;
    retired.version = previous->version + 1;
    XB_RETURN_IF_ERROR(tx->evaluation().UpdateTree(retired, previous->version));
    XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, "evaluation.tree.retired", kTreeEntity,
                                           retired.id.value(), now,
                                           json{{"name", retired.name},
                                                {"version_no", retired.version_no},
                                                {"status", "retired"},
                                                {"replaced_by", v.id.value()}}));
    payload["retired_tree_id"] = retired.id.value();
  }
  const std::int64_t old_version = v.version;
  v.status = TreeStatus::kActive;
  v.activated_at = now;
  v.version = old_version + 1;
  XB_RETURN_IF_ERROR(tx->evaluation().UpdateTree(v, old_version));
  XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, "evaluation.tree.activated", kTreeEntity,
                                         v.id.value(), now, payload));
  XB_RETURN_IF_ERROR(tx->Commit());
  return v;
}

// --- bands -----------------------------------------------------------------------------------

Result<std::vector<suppliers::Band>> EvaluationService::GetBands(
    const access::Principal& principal) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto bands, tx->evaluation().GetBands(principal.tenant_id));
  std::stable_sort(bands.begin(), bands.end(),
                   [](const auto& a, const auto& b) { return a.min_score > b.min_score; });
  return bands;
}

Result<std::vector<suppliers::Band>> EvaluationService::SetBands(
    const RequestContext& ctx, std::vector<suppliers::Band> bands) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteEvaluation));
  for (auto& b : bands) b.name = std::string(Trim(b.name));
  XB_RETURN_IF_ERROR(suppliers::ValidateBands(bands));
  std::stable_sort(bands.begin(), bands.end(),
                   [](const auto& a, const auto& b) { return a.min_score > b.min_score; });
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_RETURN_IF_ERROR(tx->evaluation().SetBands(ctx.principal.tenant_id, bands));
  json items = json::array();
  for (const auto& b : bands) {
    items.push_back(
        {{"name", b.name},
         {"min_score", b.min_score},
         {"consequence", std::string(suppliers::EnumChoices(
                             suppliers::Consequence{})[static_cast<std::size_t>(b.consequence)])}});
  }
  XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, "evaluation.bands.updated", "evaluation_bands",
                                         ctx.principal.tenant_id.value(), clock_.Now(),
                                         json{{"bands", items}}));
  XB_RETURN_IF_ERROR(tx->Commit());
  return bands;
}

// --- scores ----------------------------------------------------------------------------------

Result<SupplierScorecard> EvaluationService::EnterScores(const RequestContext& ctx,
                                                         const ScoreEntry& entry) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteEvaluation));
  const TenantId tenant = ctx.principal.tenant_id;
  XB_ASSIGN_OR_RETURN(const auto period, suppliers::ParsePeriod(entry.period));
  if (entry.scores.empty()) return InvalidArgument("scores: give at least one score", "scores");
  if (entry.note && (entry.note->size() > kMaxNoteLength || !IsCleanUtf8(*entry.note))) {
    return InvalidArgument("note: at most 1000 characters of clean UTF-8", "note");
  }
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(TreeVersion tree, TreeFor(*tx, tenant, entry.tree_id));
  if (tree.status == TreeStatus::kDraft) {
    return FailedPrecondition(TreeLabel(tree) +
                                  " is a draft; scores are entered under an active (or retired) "
                                  "version",
                              "tree_id");
  }
  XB_ASSIGN_OR_RETURN(auto supplier, detail::RequireActive<partners::Supplier>(
                                         *tx, tenant, entry.supplier_id, "supplier_id"));
  // The scores alone must fit the tree: known second-level indicators, within their scales.
  auto check = suppliers::ScoreSupplier(tree.tree, entry.scores);
  if (!check.ok()) {
    const Status& st = check.status();
    if (st.code() != ErrorCode::kInvalidArgument) return st;
    return InvalidArgument("scores: " + st.message(),
                           st.field().empty() ? "scores" : "scores." + st.field());
  }
  const Timestamp now = clock_.Now();
  json values = json::object();
  for (const auto& [code, value] : entry.scores) {
    IndicatorScore s;
    s.tenant_id = tenant;
    s.supplier_id = supplier.id.value();
    s.tree_version_id = tree.id;
    s.period = period.label;
    s.indicator = code;
    s.score = value;
    s.source = suppliers::ScoreSource::kEntered;
    s.evaluator = ctx.principal.Actor();
    s.note = entry.note;
    s.at = now;
    XB_RETURN_IF_ERROR(tx->evaluation().UpsertScore(s));
    values[code] = value;
  }
  json payload = {{"supplier_id", supplier.id.value()},
                  {"supplier_code", supplier.code},
                  {"period", period.label},
                  {"tree_id", tree.id.value()},
                  {"scores", values}};
  if (entry.note) payload["note"] = *entry.note;
  XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, "evaluation.score.entered", kScoreEntity,
                                         supplier.id.value(), now, payload));
  XB_ASSIGN_OR_RETURN(auto scores,
                      tx->evaluation().ListScores(tenant, tree.id, std::nullopt, period.label));
  XB_ASSIGN_OR_RETURN(auto bands, tx->evaluation().GetBands(tenant));
  XB_ASSIGN_OR_RETURN(auto by_supplier, detail::BuildScorecards(tree, bands, period.label, scores));
  std::vector<SupplierScorecard> cards;
  cards.reserve(by_supplier.size());
  for (auto& [id, card] : by_supplier) cards.push_back(std::move(card));
  detail::RankByTotal(cards);
  XB_RETURN_IF_ERROR(tx->Commit());
  for (auto& c : cards) {
    if (c.supplier_id != supplier.id.value()) continue;
    c.supplier_code = supplier.code;
    c.supplier_name = supplier.name;
    return std::move(c);
  }
  return Internal("the scorecard of supplier " + std::to_string(supplier.id.value()) +
                  " was not found after its scores were written");
}

Result<ComputeOutcome> EvaluationService::Compute(const RequestContext& ctx,
                                                  const std::string& period_label,
                                                  std::optional<std::int64_t> supplier_id) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteEvaluation));
  const TenantId tenant = ctx.principal.tenant_id;
  XB_ASSIGN_OR_RETURN(const auto period, suppliers::ParsePeriod(period_label));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(TreeVersion tree, ActiveTreeOrFail(*tx, tenant));
  ComputeOutcome outcome;
  outcome.tree_id = tree.id;

  // The operations-based indicators this tree has, in tree order.
  std::vector<const suppliers::SubIndicator*> wanted;
  for (const auto& ind : tree.tree.indicators) {
    for (const auto& sub : ind.children) {
      if (std::find(std::begin(kComputedIndicators), std::end(kComputedIndicators), sub.code) !=
          std::end(kComputedIndicators)) {
        wanted.push_back(&sub);
      }
    }
  }
  if (supplier_id) {
    XB_RETURN_IF_ERROR(
        detail::RequireActive<partners::Supplier>(*tx, tenant, *supplier_id, "supplier_id")
            .status());
  }
  if (wanted.empty()) return outcome;

  procurement::PurchaseOrderQuery placed_query;
  placed_query.supplier_id = supplier_id;
  placed_query.ordered_from = period.first;
  placed_query.ordered_to = period.last;
  XB_ASSIGN_OR_RETURN(auto placed, detail::AllOrders(*tx, tenant, placed_query));
  XB_ASSIGN_OR_RETURN(
      auto receipts,
      tx->procurement().ListReceipts(tenant, std::nullopt, supplier_id, period.first, period.last));
  // The orders the receipts were against (some were placed before the period).
  std::map<std::int64_t, procurement::PurchaseOrder> orders_by_id;
  for (const auto& po : placed) orders_by_id.emplace(po.id.value(), po);
  for (const auto& r : receipts) {
    if (orders_by_id.count(r.purchase_order_id) != 0) continue;
    XB_ASSIGN_OR_RETURN(auto po, tx->procurement().GetOrder(
                                     tenant, procurement::PurchaseOrderId(r.purchase_order_id)));
    orders_by_id.emplace(po.id.value(), std::move(po));
  }

  std::set<std::int64_t> suppliers_seen;
  if (supplier_id) {
    suppliers_seen.insert(*supplier_id);
  } else {
    for (const auto& po : placed) suppliers_seen.insert(po.supplier_id);
    for (const auto& r : receipts)
      suppliers_seen.insert(orders_by_id[r.purchase_order_id].supplier_id);
    XB_ASSIGN_OR_RETURN(auto scored,
                        tx->evaluation().ListScores(tenant, tree.id, std::nullopt, period.label));
    for (const auto& s : scored) suppliers_seen.insert(s.supplier_id);
  }

  const Timestamp now = clock_.Now();
  for (const std::int64_t supplier : suppliers_seen) {
    std::vector<procurement::PurchaseOrder> supplier_placed;
    for (const auto& po : placed) {
      if (po.supplier_id == supplier) supplier_placed.push_back(po);
    }
    std::vector<procurement::GoodsReceipt> supplier_receipts;
    std::vector<procurement::PurchaseOrder> received_orders;
    std::set<std::int64_t> received_ids;
    for (const auto& r : receipts) {
      const auto& po = orders_by_id[r.purchase_order_id];
      if (po.supplier_id != supplier) continue;
      supplier_receipts.push_back(r);
      if (received_ids.insert(po.id.value()).second) received_orders.push_back(po);
    }
    // Order-based facts from the orders placed in the period; receipt-based facts from the
    // receipts recorded in it.
    const auto by_order = procurement::MeasurePerformance(supplier_placed, {});
    const auto by_receipt = procurement::MeasurePerformance(received_orders, supplier_receipts);
    json computed = json::object();
    for (const auto* sub : wanted) {
      std::optional<double> value;
      std::string reason;
      if (sub->code == "on_time_rate") {
        value = by_receipt.on_time_rate;
        reason = "no goods receipts in " + period.label;
      } else if (sub->code == "acceptance_rate") {
        value = by_receipt.acceptance_rate;
        reason = "no goods received in " + period.label;
      } else if (sub->code == "lead_time_variability") {
        value = by_receipt.lead_time_variability;
        reason = "fewer than two goods receipts in " + period.label;
      } else if (sub->code == "fill_rate") {
        value = by_order.fill_rate;
        reason = "no order placed in " + period.label + " has been received yet";
      } else if (sub->code == "price_variance") {
        value = by_order.price_variance;
        reason = "no confirmed order line placed in " + period.label +
                 " has a price-list price to compare with";
      }
      if (!value) {
        outcome.missing.push_back({supplier, sub->code, reason});
        continue;
      }
      IndicatorScore s;
      s.tenant_id = tenant;
      s.supplier_id = supplier;
      s.tree_version_id = tree.id;
      s.period = period.label;
      s.indicator = sub->code;
      s.score = std::clamp(OnScale(*value, *sub), sub->scale_min, sub->scale_max);
      s.source = suppliers::ScoreSource::kComputed;
      s.evaluator = "system";
      s.note = "from " + std::to_string(supplier_placed.size()) + " order(s) placed and " +
               std::to_string(supplier_receipts.size()) + " receipt(s) in " + period.label;
      s.at = now;
      XB_RETURN_IF_ERROR(tx->evaluation().UpsertScore(s));
      outcome.computed.push_back({supplier, sub->code, s.score});
      computed[sub->code] = s.score;
    }
    if (!computed.empty()) {
      XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, "evaluation.score.computed", kScoreEntity,
                                             supplier, now,
                                             json{{"supplier_id", supplier},
                                                  {"period", period.label},
                                                  {"tree_id", tree.id.value()},
                                                  {"scores", computed}}));
    }
  }
  XB_RETURN_IF_ERROR(tx->Commit());
  return outcome;
}

// --- reading scores --------------------------------------------------------------------------

Result<ScorecardPage> EvaluationService::Scorecards(const access::Principal& principal,
                                                    const ScorecardQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  const TenantId tenant = principal.tenant_id;
  XB_ASSIGN_OR_RETURN(const auto period, suppliers::ParsePeriod(query.period));
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return InvalidArgument("limit: must be 1.." + std::to_string(kMaxPageSize), "limit");
  }
  if (query.offset < 0) return InvalidArgument("offset: must not be negative", "offset");
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(TreeVersion tree, TreeFor(*tx, tenant, query.tree_id));
  if (query.supplier_id) {
    auto s = tx->suppliers().Get(tenant, *query.supplier_id);
    if (!s.ok()) {
      if (s.status().code() != ErrorCode::kNotFound) return s.status();
      return InvalidArgument(
          "supplier_id: no supplier with id " + std::to_string(*query.supplier_id), "supplier_id");
    }
  }
  XB_ASSIGN_OR_RETURN(auto scores,
                      tx->evaluation().ListScores(tenant, tree.id, std::nullopt, period.label));
  XB_ASSIGN_OR_RETURN(auto bands, tx->evaluation().GetBands(tenant));
  XB_ASSIGN_OR_RETURN(auto by_supplier, detail::BuildScorecards(tree, bands, period.label, scores));
  if (query.supplier_id && by_supplier.count(*query.supplier_id) == 0) {
    by_supplier.emplace(*query.supplier_id,
                        detail::EmptyScorecard(tree, *query.supplier_id, period.label));
  }
  std::vector<SupplierScorecard> cards;
  cards.reserve(by_supplier.size());
  for (auto& [id, card] : by_supplier) cards.push_back(std::move(card));
  detail::RankByTotal(cards);
  if (query.supplier_id) {
    std::erase_if(cards,
                  [&](const SupplierScorecard& c) { return c.supplier_id != *query.supplier_id; });
  }
  ScorecardPage page;
  page.tree_id = tree.id;
  page.total = static_cast<std::int64_t>(cards.size());
  page.limit = query.limit;
  page.offset = query.offset;
  const auto first = std::min(cards.size(), static_cast<std::size_t>(query.offset));
  const auto last = std::min(cards.size(), first + static_cast<std::size_t>(query.limit));
  page.items.assign(std::make_move_iterator(cards.begin() + static_cast<std::ptrdiff_t>(first)),
                    std::make_move_iterator(cards.begin() + static_cast<std::ptrdiff_t>(last)));
  XB_RETURN_IF_ERROR(detail::NameSuppliers(*tx, tenant, page.items));
  return page;
}

Result<std::vector<TrendPoint>> EvaluationService::Trend(const access::Principal& principal,
                                                         std::int64_t supplier_id,
                                                         std::optional<TreeVersionId> tree_id) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  const TenantId tenant = principal.tenant_id;
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_RETURN_IF_ERROR(tx->suppliers().Get(tenant, supplier_id).status());
  XB_ASSIGN_OR_RETURN(TreeVersion tree, TreeFor(*tx, tenant, tree_id));
  XB_ASSIGN_OR_RETURN(auto scores,
                      tx->evaluation().ListScores(tenant, tree.id, supplier_id, std::nullopt));
  XB_ASSIGN_OR_RETURN(auto bands, tx->evaluation().GetBands(tenant));
  std::map<std::string, std::map<std::string, double>> by_period;
  for (const auto& s : scores) by_period[s.period][s.indicator] = s.score;
  std::vector<TrendPoint> points;
  for (const auto& [label, values] : by_period) {
    XB_ASSIGN_OR_RETURN(auto card, suppliers::ScoreSupplier(tree.tree, values));
    TrendPoint p;
    p.period = label;
    p.total = card.total;
    if (card.total && !bands.empty()) p.band = suppliers::BandFor(bands, *card.total).name;
    points.push_back(std::move(p));
  }
  std::sort(points.begin(), points.end(), [](const TrendPoint& a, const TrendPoint& b) {
    return detail::PeriodBefore(a.period, b.period);
  });
  return points;
}

Result<std::vector<RankedSupplier>> EvaluationService::Ranking(
    const access::Principal& principal, const std::string& period_label,
    std::optional<std::int64_t> sku_id, std::optional<TreeVersionId> tree_id) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  const TenantId tenant = principal.tenant_id;
  XB_ASSIGN_OR_RETURN(const auto period, suppliers::ParsePeriod(period_label));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(TreeVersion tree, TreeFor(*tx, tenant, tree_id));
  XB_ASSIGN_OR_RETURN(auto scores,
                      tx->evaluation().ListScores(tenant, tree.id, std::nullopt, period.label));
  XB_ASSIGN_OR_RETURN(auto bands, tx->evaluation().GetBands(tenant));
  XB_ASSIGN_OR_RETURN(auto by_supplier, detail::BuildScorecards(tree, bands, period.label, scores));
  std::vector<SupplierScorecard> cards;
  if (sku_id) {
    auto sku = tx->skus().Get(tenant, *sku_id);
    if (!sku.ok()) {
      if (sku.status().code() != ErrorCode::kNotFound) return sku.status();
      return InvalidArgument("sku_id: no sku with id " + std::to_string(*sku_id), "sku_id");
    }
    procurement::PriceListQuery q;
    q.sku_id = *sku_id;
    q.valid_on = Date::OfTimestamp(clock_.Now());
    XB_ASSIGN_OR_RETURN(auto prices, detail::AllPrices(*tx, tenant, q));
    std::set<std::int64_t> candidates;
    for (const auto& p : prices) {
      if (procurement::ValidOn(p, *q.valid_on)) candidates.insert(p.supplier_id);
    }
    for (const std::int64_t s : candidates) {
      auto it = by_supplier.find(s);
      cards.push_back(it != by_supplier.end() ? std::move(it->second)
                                              : detail::EmptyScorecard(tree, s, period.label));
    }
  } else {
    for (auto& [id, card] : by_supplier) cards.push_back(std::move(card));
  }
  detail::RankByTotal(cards);
  XB_RETURN_IF_ERROR(detail::NameSuppliers(*tx, tenant, cards));

  std::vector<RankedSupplier> out;
  for (const auto& c : cards) {
    RankedSupplier r;
    r.supplier_id = c.supplier_id;
    r.supplier_code = c.supplier_code;
    r.total = c.card.total;
    if (c.band) r.band = c.band->name;
    r.weighted_rank = c.rank;
    out.push_back(std::move(r));
  }
  // TOPSIS over the first-level subtotals (benefit criteria) of the complete scorecards.
  std::vector<suppliers::Criterion> criteria;
  for (const auto& ind : tree.tree.indicators) {
    criteria.push_back({ind.code, ind.weight.value_or(0), suppliers::CriterionKind::kBenefit});
  }
  std::vector<std::vector<double>> matrix;
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < cards.size(); ++i) {
    if (!cards[i].card.total) continue;
    std::vector<double> row;
    for (const auto& b : cards[i].card.breakdown) row.push_back(b.subtotal);
    matrix.push_back(std::move(row));
    rows.push_back(i);
  }
  if (!matrix.empty()) {
    XB_ASSIGN_OR_RETURN(auto topsis, suppliers::RankTopsis(criteria, matrix));
    for (std::size_t k = 0; k < rows.size(); ++k) {
      out[rows[k]].topsis_closeness = topsis.closeness[k];
      out[rows[k]].topsis_rank = topsis.ranks[k];
    }
  }
  return out;
}

Result<RiskReport> EvaluationService::Risk(const access::Principal& principal,
                                           std::optional<Date> from, std::optional<Date> to) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  const TenantId tenant = principal.tenant_id;
  const Date today = Date::OfTimestamp(clock_.Now());
  RiskReport report;
  report.to = to.value_or(today);
  report.from = from.value_or(report.to.AddDays(-364));
  if (report.to < report.from) return InvalidArgument("from: is after to", "from");
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));

  std::map<std::int64_t, std::optional<catalog::Sku>> skus;
  const auto sku_of = [&](std::int64_t id) -> Result<const catalog::Sku*> {
    auto it = skus.find(id);
    if (it == skus.end()) {
      auto found = tx->skus().Get(tenant, id);
      if (!found.ok() && found.status().code() != ErrorCode::kNotFound) return found.status();
      it = skus.emplace(id, found.ok() ? std::optional<catalog::Sku>(*found) : std::nullopt).first;
    }
    return it->second ? &*it->second : nullptr;
  };
  std::map<std::int64_t, std::string> supplier_codes;
  const auto supplier_code = [&](std::int64_t id) -> Result<std::string> {
    auto it = supplier_codes.find(id);
    if (it == supplier_codes.end()) {
      auto found = tx->suppliers().Get(tenant, id);
      if (!found.ok() && found.status().code() != ErrorCode::kNotFound) return found.status();
      it = supplier_codes.emplace(id, found.ok() ? found->code : std::string()).first;
    }
    return it->second;
  };

  procurement::PurchaseOrderQuery q;
  q.ordered_from = report.from;
  q.ordered_to = report.to;
  XB_ASSIGN_OR_RETURN(auto orders, detail::AllOrders(*tx, tenant, q));
  std::map<std::pair<std::string, std::string>, std::map<std::int64_t, std::int64_t>> spend;
  for (const auto& po : orders) {
    if (po.status == procurement::PoStatus::kCancelled) continue;
    for (const auto& line : po.lines) {
      XB_ASSIGN_OR_RETURN(const catalog::Sku* sku, sku_of(line.sku_id));
      const std::string category =
          sku ? std::string(catalog::EnumChoices(
                    catalog::Category{})[static_cast<std::size_t>(sku->category)])
              : "unknown";
      spend[{category, po.currency}][po.supplier_id] += line.quantity * line.unit_price_minor;
    }
  }
  for (const auto& [key, by_supplier] : spend) {
    CategorySpend c;
    c.category = key.first;
    c.currency = key.second;
    const auto concentration = suppliers::MeasureConcentration(by_supplier);
    c.hhi = concentration.hhi;
    for (const auto& [supplier, amount] : by_supplier) {
      c.spend_minor += amount;
      XB_ASSIGN_OR_RETURN(std::string code, supplier_code(supplier));
      auto share = concentration.shares.find(supplier);
      c.suppliers.push_back({supplier, std::move(code), amount,
                             share == concentration.shares.end() ? 0.0 : share->second});
    }
    std::stable_sort(c.suppliers.begin(), c.suppliers.end(),
                     [](const SupplierSpend& a, const SupplierSpend& b) {
                       return a.spend_minor > b.spend_minor;
                     });
    report.categories.push_back(std::move(c));
  }

  // Single source: active SKUs with exactly one supplier holding a price valid today whose band
  // does not block.
  XB_ASSIGN_OR_RETURN(auto active, tx->evaluation().ActiveTree(tenant));
  XB_ASSIGN_OR_RETURN(auto bands, tx->evaluation().GetBands(tenant));
  procurement::PriceListQuery pq;
  pq.valid_on = today;
  XB_ASSIGN_OR_RETURN(auto prices, detail::AllPrices(*tx, tenant, pq));
  std::map<std::int64_t, bool> blocked;
  std::map<std::int64_t, std::set<std::int64_t>> sources;
  for (const auto& p : prices) {
    if (!procurement::ValidOn(p, today)) continue;
    auto it = blocked.find(p.supplier_id);
    if (it == blocked.end()) {
      XB_ASSIGN_OR_RETURN(auto standing,
                          detail::CurrentStanding(*tx, tenant, active, bands, p.supplier_id));
      it = blocked.emplace(p.supplier_id, standing.Blocks()).first;
    }
    if (!it->second) sources[p.sku_id].insert(p.supplier_id);
  }
  for (const auto& [sku_id, supplier_ids] : sources) {
    if (supplier_ids.size() != 1) continue;
    XB_ASSIGN_OR_RETURN(const catalog::Sku* sku, sku_of(sku_id));
    if (sku == nullptr || sku->status != RecordStatus::kActive) continue;
    const std::int64_t supplier = *supplier_ids.begin();
    XB_ASSIGN_OR_RETURN(std::string code, supplier_code(supplier));
    report.single_source_skus.push_back({sku_id, sku->code, supplier, std::move(code)});
  }
  std::stable_sort(
      report.single_source_skus.begin(), report.single_source_skus.end(),
      [](const SingleSourceSku& a, const SingleSourceSku& b) { return a.sku_code < b.sku_code; });
  return report;
}

}  // namespace xb::sourcing
