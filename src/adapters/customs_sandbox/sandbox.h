// The customs sandbox: a stand-in for China customs' CEB platform that runs on one machine. It
// checks each declaration itself (the three documents, identities, HS code form, the single
// limit) and answers with numbered receipts: rejected with the reason, or accepted at once and,
// after a delay, released or held for inspection (a share chosen deterministically from the seed
// and the list number). Thread-safe; all state behind one mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "adapters/customs_gateway/ceb_json.h"
#include "core/status.h"
#include "core/time.h"

namespace xb::customs_sandbox {

struct SandboxOptions {
  double hold_share = 0.1;  // share of accepted declarations held for inspection, 0..1
  // A declaration that parses but fails a check is refused at once (400, the gateway's
  // kInvalidArgument) instead of being accepted for processing and answered by a rejected
  // receipt.
  bool reject_malformed = false;
  std::chrono::milliseconds delay{200};  // accepted -> released / inspection_hold
  std::uint64_t seed = 0;
  std::string data_file;  // receipts and answers appended here and read back at start; "": memory
  std::size_t max_receipts = 1'000'000;      // oldest dropped beyond this
  std::size_t max_declarations = 1'000'000;  // answers remembered for duplicates
  // The single-transaction limit customs applies (Cai Guan Shui [2018] No.49: CNY 5,000 from
  // 2019-01-01), on the declaration list's goods value unless the list is a single item.
  std::int64_t single_limit_fen = 500'000;
};

// The first failing check of a declaration, as "<check>: <detail>"; nullopt when it passes.
std::optional<std::string> CheckDeclaration(const customs_gateway::CebDeclaration& message,
                                            std::int64_t single_limit_fen);

// Whether `list_no` is held for inspection: a hash of seed and list number, mapped to [0, 1),
// below `share`. The same inputs always give the same answer.
bool HeldForInspection(std::uint64_t seed, std::string_view list_no, double share);

class CustomsSandbox {
 public:
  CustomsSandbox(SandboxOptions options, const Clock& clock);
  CustomsSandbox(const CustomsSandbox&) = delete;
  CustomsSandbox& operator=(const CustomsSandbox&) = delete;

  // Reads the data file (when one is set): earlier receipts and answers come back, declarations
  // accepted but not yet answered get their final receipt after the delay from now. kUnavailable
  // when the file cannot be opened for appending.
  Status Open();

  // POST /ceb/declarations. The message id, or kInvalidArgument naming the field (unparsable,
  // missing fields; with reject_malformed also a failing check). A list number seen before gets
  // its first answer again and no new receipts.
  Result<std::string> Submit(std::string_view body);

  // GET /ceb/receipts: up to `limit` receipts with seq > after, in seq order, and the cursor to
  // pass next. Receipts whose time has come are numbered first.
  customs_gateway::CebReceiptPage Receipts(std::int64_t after, std::size_t limit);

  struct Counts {
    std::size_t declarations = 0;
    std::size_t receipts = 0;
    std::size_t pending = 0;  // accepted, final receipt not yet due
  };
  Counts counts();

 private:
  struct Answer {
    std::string message_id;
    std::string refusal;  // non-empty: refused with 400 and this message
  };
  struct Pending {
    Timestamp due;
    std::string list_no;
    customs::ReceiptKind kind;
    std::string reason;
  };

  // All with mu_ held.
  void PromoteDue(Timestamp now);
  void AddReceipt(const std::string& list_no, customs::ReceiptKind kind, std::string reason,
                  Timestamp at);
  void Remember(const std::string& list_no, Answer answer, std::string_view final_kind,
                std::string_view reason);
  void Append(const std::string& line);

  SandboxOptions options_;
  const Clock& clock_;
  std::mutex mu_;
  std::int64_t next_seq_ = 1;
  std::deque<customs_gateway::CebReceipt> receipts_;  // seq increasing
  std::deque<Pending> pending_;                       // due increasing
  std::unordered_map<std::string, Answer> answers_;   // by list_no
  std::deque<std::string> answer_order_;              // list numbers, oldest first
  std::ofstream data_;
};

}  // namespace xb::customs_sandbox
