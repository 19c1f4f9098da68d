#include "adapters/customs_sandbox/sandbox.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

#include "domain/customs/rules.h"

namespace xb::customs_sandbox {

using customs::ReceiptKind;
using customs_gateway::CebDeclaration;
using customs_gateway::CebReceipt;
using customs_gateway::CebReceiptPage;
using nlohmann::json;

namespace {

std::string KindName(ReceiptKind kind) {
  return std::string(customs::EnumChoices(ReceiptKind{})[static_cast<std::size_t>(kind)]);
}

std::optional<ReceiptKind> KindOf(std::string_view name) {
  const auto kinds = customs::EnumChoices(ReceiptKind{});
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i] == name) return static_cast<ReceiptKind>(i);
  }
  return std::nullopt;
}

bool HsCodeForm(std::string_view hs) {
  if (hs.size() != 8 && hs.size() != 10) return false;
  return std::all_of(hs.begin(), hs.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::string> CheckLines(const std::vector<customs::DocLine>& lines,
                                      const char* where) {
  if (lines.empty()) return std::string("lines: the ") + where + " has no lines";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    const std::string at = std::string(where) + ".lines[" + std::to_string(i) + "]";
    if (!HsCodeForm(l.hs_code)) {
      return "hs_code: " + at + ".hs_code '" + l.hs_code + "' is not 8 or 10 digits";
    }
    if (l.quantity <= 0) return "quantity: " + at + ".quantity must be positive";
    if (l.price_fen < 0) return "price: " + at + ".price must not be negative";
  }
  return std::nullopt;
}

std::string ReceiptId(std::string_view list_no, ReceiptKind kind) {
  return "R-" + std::string(list_no) + "-" + KindName(kind);
}

}  // namespace

std::optional<std::string> CheckDeclaration(const CebDeclaration& m,
                                            std::int64_t single_limit_fen) {
  if (auto bad = CheckLines(m.list.lines, "list")) return bad;
  if (auto bad = CheckLines(m.order.lines, "order")) return bad;
  // Identities: the form of each, and the resident identity card's check character.
  const std::pair<const customs::Identity*, const char*> identities[] = {
      {&m.order.buyer, "order.buyer"},
      {&m.payment.payer, "payment.payer"},
      {&m.list.buyer, "list.buyer"}};
  for (const auto& [identity, where] : identities) {
    if (Status st = customs::ValidateIdentity(*identity); !st.ok()) {
      return std::string("identity: ") + where + ": " + st.message();
    }
  }
  // The three documents and the list (三单对碰): every check must pass.
  for (const auto& check :
       customs::MatchThreeDocuments(&m.order, &m.payment, &m.waybill, &m.list)) {
    if (!check.passed) return check.check + ": " + check.detail;
  }
  // Buyer = payer, compared here too (names and ID numbers stay out of the reason).
  if (m.order.buyer.name != m.payment.payer.name ||
      m.order.buyer.id_type != m.payment.payer.id_type ||
      m.order.buyer.id_number != m.payment.payer.id_number) {
    return std::string("buyer_is_payer: the payer's name or ID differs from the buyer's");
  }
  // Paid = goods + freight + insurance - discount + tax = the payment's amount.
  const auto& o = m.order;
  const std::int64_t expected =
      o.goods_fen + o.freight_fen + o.insurance_fen - o.discount_fen + o.tax_fen;
  if (o.paid_fen != expected) {
    return "paid_equation: paid " + customs::FenToString(o.paid_fen) + " != goods " +
           customs::FenToString(o.goods_fen) + " + freight " + customs::FenToString(o.freight_fen) +
           " + insurance " + customs::FenToString(o.insurance_fen) + " - discount " +
           customs::FenToString(o.discount_fen) + " + tax " + customs::FenToString(o.tax_fen) +
           " = " + customs::FenToString(expected);
  }
  if (m.payment.amount_fen != o.paid_fen) {
    return "payment_amount: payment " + customs::FenToString(m.payment.amount_fen) + " != paid " +
           customs::FenToString(o.paid_fen);
  }
  // The single-transaction limit, unless the list is one indivisible item.
  const bool single_item = m.list.lines.size() == 1 && m.list.lines[0].quantity == 1;
  if (m.list.goods_fen > single_limit_fen && !single_item) {
    return "single_limit: goods value " + customs::FenToString(m.list.goods_fen) +
           " exceeds the single-transaction limit " + customs::FenToString(single_limit_fen) +
           " and the list holds more than one item";
  }
  return std::nullopt;
}

bool HeldForInspection(std::uint64_t seed, std::string_view list_no, double share) {
  if (share <= 0) return false;
  if (share >= 1) return true;
  // FNV-1a over the seed's bytes and the list number, then a 64-bit finaliser (splitmix64).
  std::uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < 8; ++i) {
    h ^= (seed >> (8 * i)) & 0xffU;
    h *= 1099511628211ULL;
  }
  for (const char c : list_no) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  const double u = static_cast<double>(h >> 11) / 9007199254740992.0;  // 2^53
  return u < share;
}

CustomsSandbox::CustomsSandbox(SandboxOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock) {
  // Without a data file, numbers start at the start time in microseconds: a client's cursor
  // from an earlier run is then always behind this run's receipts.
  next_seq_ = std::max<std::int64_t>(1, clock_.Now().micros());
}

Status CustomsSandbox::Open() {
  std::lock_guard lock(mu_);
  if (options_.data_file.empty()) return Status::Ok();
  // list_no -> receipts still owed: the accepted one and the final one.
  struct Owed {
    bool accepted = false;
    std::optional<ReceiptKind> final_kind;
    std::string reason;
  };
  std::map<std::string, Owed> owed;
  std::int64_t last_seq = 0;
  {
    std::ifstream in(options_.data_file);
    std::string line;
    while (std::getline(in, line)) {
      json doc = json::parse(line, nullptr, false);
      if (doc.is_discarded() || !doc.is_object()) continue;  // a torn last line
      const std::string type = doc.value("t", "");
      if (type == "answer") {
        const std::string list_no = doc.value("list_no", "");
        Answer answer{doc.value("message_id", ""), doc.value("refusal", "")};
        if (list_no.empty()) continue;
        if (answers_.emplace(list_no, answer).second) answer_order_.push_back(list_no);
        if (answer.refusal.empty()) {
          Owed& o = owed[list_no];
          o.final_kind = KindOf(doc.value("final", ""));
          o.reason = doc.value("reason", "");
          o.accepted = o.final_kind == ReceiptKind::kRejected;  // rejected: no accepted receipt
        }
      } else if (type == "receipt") {
        auto r = customs_gateway::ReceiptFromJson(doc.value("receipt", ""));
        if (!r.ok()) continue;
        last_seq = std::max(last_seq, r->seq);
        const auto it = owed.find(r->receipt.list_no);
        if (it != owed.end()) {
          if (r->receipt.kind == ReceiptKind::kAccepted) it->second.accepted = true;
          if (it->second.final_kind == r->receipt.kind) it->second.final_kind.reset();
        }
        receipts_.push_back(std::move(*r));
        if (receipts_.size() > options_.max_receipts) receipts_.pop_front();
      }
    }
  }
  while (answers_.size() > options_.max_declarations) {
    answers_.erase(answer_order_.front());
    answer_order_.pop_front();
  }
  if (last_seq > 0) next_seq_ = last_seq + 1;
  bool ends_in_newline = true;
  {
    std::ifstream in(options_.data_file, std::ios::binary | std::ios::ate);
    if (in && in.tellg() > 0) {
      in.seekg(-1, std::ios::end);
      ends_in_newline = in.get() == '\n';
    }
  }
  data_.open(options_.data_file, std::ios::app);
  if (!data_) return Unavailable("customs sandbox: cannot append to " + options_.data_file);
  if (!ends_in_newline) data_ << '\n';  // after a torn last line
  const Timestamp now = clock_.Now();
  const Timestamp due = Timestamp::FromMicros(
      now.micros() + std::chrono::duration_cast<std::chrono::microseconds>(options_.delay).count());
  for (auto& [list_no, o] : owed) {
    if (!o.accepted) AddReceipt(list_no, ReceiptKind::kAccepted, "", now);
    if (o.final_kind) pending_.push_back({due, list_no, *o.final_kind, o.reason});
  }
  return Status::Ok();
}

Result<std::string> CustomsSandbox::Submit(std::string_view body) {
  auto parsed = customs_gateway::DeclarationFromJson(body);
  if (!parsed.ok()) return parsed.status();
  const CebDeclaration& m = *parsed;
  const std::string& list_no = m.list.list_no;

  std::lock_guard lock(mu_);
  const Timestamp now = clock_.Now();
  PromoteDue(now);
  if (const auto it = answers_.find(list_no); it != answers_.end()) {
    if (!it->second.refusal.empty()) return InvalidArgument(it->second.refusal);
    return it->second.message_id;
  }
  const std::string message_id = "CEB621-" + list_no;
  const std::optional<std::string> failed = CheckDeclaration(m, options_.single_limit_fen);
  if (failed && options_.reject_malformed) {
    const std::string refusal = "rejected: " + *failed;
    Remember(list_no, {message_id, refusal}, "", "");
    return InvalidArgument(refusal);
  }
  if (failed) {
    Remember(list_no, {message_id, ""}, KindName(ReceiptKind::kRejected), *failed);
    AddReceipt(list_no, ReceiptKind::kRejected, *failed, now);
    return message_id;
  }
  const bool hold = HeldForInspection(options_.seed, list_no, options_.hold_share);
  const ReceiptKind final_kind = hold ? ReceiptKind::kInspectionHold : ReceiptKind::kReleased;
  const std::string reason = hold ? "selected for inspection" : "";
  Remember(list_no, {message_id, ""}, KindName(final_kind), reason);
  AddReceipt(list_no, ReceiptKind::kAccepted, "", now);
  const Timestamp due = Timestamp::FromMicros(
      now.micros() + std::chrono::duration_cast<std::chrono::microseconds>(options_.delay).count());
  if (options_.delay.count() <= 0) {
    AddReceipt(list_no, final_kind, reason, now);
  } else {
    pending_.push_back({due, list_no, final_kind, reason});
    // Bounded: beyond the cap the oldest pending answers come at once.
    while (pending_.size() > options_.max_declarations) {
      Pending p = std::move(pending_.front());
      pending_.pop_front();
      AddReceipt(p.list_no, p.kind, p.reason, now);
    }
  }
  return message_id;
}

CebReceiptPage CustomsSandbox::Receipts(std::int64_t after, std::size_t limit) {
  std::lock_guard lock(mu_);
  PromoteDue(clock_.Now());
  CebReceiptPage page;
  page.next = after;
  auto it = std::partition_point(receipts_.begin(), receipts_.end(),
                                 [after](const CebReceipt& r) { return r.seq <= after; });
  for (; it != receipts_.end() && page.receipts.size() < limit; ++it) {
    page.receipts.push_back(*it);
    page.next = it->seq;
  }
  return page;
}

CustomsSandbox::Counts CustomsSandbox::counts() {
  std::lock_guard lock(mu_);
  PromoteDue(clock_.Now());
  return {answers_.size(), receipts_.size(), pending_.size()};
}

void CustomsSandbox::PromoteDue(Timestamp now) {
  while (!pending_.empty() && pending_.front().due <= now) {
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    AddReceipt(p.list_no, p.kind, p.reason, p.due);
  }
}

void CustomsSandbox::AddReceipt(const std::string& list_no, ReceiptKind kind, std::string reason,
                                Timestamp at) {
  CebReceipt r;
  r.seq = next_seq_++;
  r.receipt.receipt_id = ReceiptId(list_no, kind);
  r.receipt.list_no = list_no;
  r.receipt.kind = kind;
  r.receipt.reason = std::move(reason);
  r.receipt.at = at;
  if (data_.is_open()) {
    Append(json{{"t", "receipt"}, {"receipt", customs_gateway::ReceiptToJson(r)}}.dump());
  }
  receipts_.push_back(std::move(r));
  if (receipts_.size() > options_.max_receipts) receipts_.pop_front();
}

void CustomsSandbox::Remember(const std::string& list_no, Answer answer,
                              std::string_view final_kind, std::string_view reason) {
  if (data_.is_open()) {
    Append(json{{"t", "answer"},
                {"list_no", list_no},
                {"message_id", answer.message_id},
                {"refusal", answer.refusal},
                {"final", std::string(final_kind)},
                {"reason", std::string(reason)}}
               .dump());
  }
  answers_.emplace(list_no, std::move(answer));
  answer_order_.push_back(list_no);
  while (answers_.size() > options_.max_declarations) {
    answers_.erase(answer_order_.front());
    answer_order_.pop_front();
  }
}

void CustomsSandbox::Append(const std::string& line) {
  data_ << line << '\n';
  data_.flush();
}

}  // namespace xb::customs_sandbox
