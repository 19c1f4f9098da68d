// The submitter drains the durable outbound queue (customs_declaration rows in state queued whose
// next_attempt_at is due) into the customs gateway, one thread, rate-limited per signing key by
// a token bucket (real signing keys sign about 4 messages per second), and polls customs'
// receipts, applying each through the ReceiptService. The receipt feed's cursor is kept in the
// customs store (CustomsStore::ReceiptCursor), so a restart goes on where polling stopped. Order
// intake never waits for it.
//   success                -> declaration submitted (attempts + 1);
//   transport failure      -> attempts + 1, next_attempt_at = now + backoff (1 s, 2 s, 4 s, ... 60
//   s); refused at the door    -> declaration rejected with customs' reason, applied as a rejection
//                             receipt (so the order is rejected and its stock and quota restored).
// Thread-safe: Start/Stop from one thread; stats() and Wake() from any.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "flows/customs/gateway.h"
#include "flows/customs/receipt_service.h"
#include "flows/store/unit_of_work.h"

namespace xb::customs_flow {

// A token bucket: `rate_per_s` tokens a second up to `burst`, full at first. Time comes from the
// caller, so tests drive it with a fake clock. Not thread-safe.
class TokenBucket {
 public:
  TokenBucket(double rate_per_s, int burst, Timestamp now);
  // Takes a token when one is there at `now`.
  bool TryTake(Timestamp now);
  // The whole tokens there at `now`: how many TryTake calls would succeed.
  int Available(Timestamp now);
  // When the next token will be there (now when one is).
  Timestamp NextAt(Timestamp now);

 private:
  void Refill(Timestamp now);
  double rate_per_s_;
  double burst_;
  double tokens_;
  Timestamp last_;
};

struct SubmitterOptions {
  double rate_per_s = 4.0;  // per signing key
  int burst = 4;
  std::map<std::string, double> rate_per_key;  // overrides for some keys
  int batch = 200;                             // most declarations of one key sent per round
  std::chrono::seconds backoff_first{1};
  std::chrono::seconds backoff_max{60};
  int receipts_per_poll = 200;
  // The name the receipt feed's cursor is stored under: one row per gateway feed in a database.
  std::string receipt_feed = "customs";
  std::chrono::milliseconds idle_wait{250};  // the thread's pause when nothing is due
  std::chrono::milliseconds poll_every{500};
};

// One signing key's queue as the backlog view shows it.
struct KeyBacklog {
  std::string signing_key;
  std::int64_t queued = 0;     // waiting to be submitted
  std::int64_t submitted = 0;  // sent, no final receipt yet
  std::optional<Timestamp> oldest_queued_at;
  double rate_per_s = 0;
};

struct SubmitterStats {
  std::int64_t submitted = 0;           // accepted by the gateway
  std::int64_t transport_failures = 0;  // retried later
  std::int64_t refused = 0;             // refused at the door
  std::int64_t throttled = 0;           // key rounds that left due declarations to the rate
  std::int64_t receipts_applied = 0;
  std::int64_t receipts_failed = 0;  // unknown declaration, not applicable, store errors
  bool running = false;
};

// What one round did (tests and the thread's pacing).
struct SubmitRound {
  int submitted = 0;
  int failed = 0;
  int refused = 0;
  int throttled = 0;
  int receipts = 0;
  std::optional<Timestamp> next_due;  // the earliest time the next round has something to do
};

class Submitter {
 public:
  Submitter(store::Database& db, const Clock& clock, CustomsGateway& gateway,
            ReceiptService& receipts, SubmitterOptions options = {});
  ~Submitter();
  Submitter(const Submitter&) = delete;
  Submitter& operator=(const Submitter&) = delete;

  // Starts the thread (rounds of Submit + Poll until Stop).
  Status Start();
  void Stop();
  // New declarations were queued: the thread starts a round now instead of after its pause.
  void Wake();

  // Submits what is due and allowed by each key's bucket at the clock's now. Called by the thread;
  // tests call it directly (without Start) with a fake clock.
  Result<SubmitRound> SubmitDue();
  // Polls one page of receipts and applies them; the cursor advances past the ones applied or
  // refused for good (unknown declaration), stops before a store failure. The first poll reads
  // the stored cursor; a page that moved it saves it after its receipts were applied (an error
  // then: the page's receipts stay applied, the save is tried again at the next poll).
  Result<int> PollReceipts();

  SubmitterStats stats() const;
  // The backlog per signing key of one tenant (queue rows) with each key's configured rate.
  Result<std::vector<KeyBacklog>> Backlog(TenantId tenant);
  double RateOf(const std::string& signing_key) const;

 private:
  Status SubmitOne(const customs::Declaration& d, SubmitRound& round);
  std::chrono::seconds BackoffAfter(int attempts) const;
  void Loop();
  Status LoadCursor();
  Status SaveCursor();

  store::Database& db_;
  const Clock& clock_;
  CustomsGateway& gateway_;
  ReceiptService& receipts_;
  SubmitterOptions options_;

  std::mutex mu_;  // buckets_, the cursor (the thread, or a test, runs rounds; stats are atomics)
  std::map<std::string, TokenBucket> buckets_;
  bool cursor_loaded_ = false;  // cursor_ was read from the store
  std::string cursor_;          // where the next poll starts
  std::string saved_cursor_;    // what the store holds

  std::thread thread_;
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
  std::atomic<bool> running_{false};
  std::atomic<std::int64_t> submitted_{0}, transport_failures_{0}, refused_{0}, throttled_{0},
      receipts_applied_{0}, receipts_failed_{0};
};

}  // namespace xb::customs_flow
