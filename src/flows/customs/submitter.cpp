#include "flows/customs/submitter.h"

#include <algorithm>
#include <utility>

#include "core/record_field.h"

namespace xb::customs_flow {

using customs::Declaration;
using customs::DeclarationState;

// ---- token bucket ----

TokenBucket::TokenBucket(double rate_per_s, int burst, Timestamp now)
    : rate_per_s_(rate_per_s > 0 ? rate_per_s : 1.0),
      burst_(burst > 0 ? burst : 1),
      tokens_(burst_),
      last_(now) {}

void TokenBucket::Refill(Timestamp now) {
  if (now <= last_) return;
  const double elapsed_s = static_cast<double>(now.micros() - last_.micros()) / 1e6;
  tokens_ = std::min(burst_, tokens_ + elapsed_s * rate_per_s_);
  last_ = now;
}

bool TokenBucket::TryTake(Timestamp now) {
  Refill(now);
  // A tiny tolerance: 1/rate seconds of refill make exactly one token despite rounding.
  if (tokens_ < 1.0 - 1e-9) return false;
  tokens_ = std::max(0.0, tokens_ - 1.0);
  return true;
}

int TokenBucket::Available(Timestamp now) {
  Refill(now);
  return static_cast<int>(tokens_ + 1e-9);
}

Timestamp TokenBucket::NextAt(Timestamp now) {
  Refill(now);
  if (tokens_ >= 1.0 - 1e-9) return now;
  const double wait_s = (1.0 - tokens_) / rate_per_s_;
  return Timestamp::FromMicros(now.micros() + static_cast<std::int64_t>(wait_s * 1e6) + 1);
}

// ---- submitter ----

Submitter::Submitter(store::Database& db, const Clock& clock, CustomsGateway& gateway,
                     ReceiptService& receipts, SubmitterOptions options)
    : db_(db), clock_(clock), gateway_(gateway), receipts_(receipts), options_(std::move(options)) {
  if (options_.batch < 1) options_.batch = 1;
  if (options_.receipts_per_poll < 1) options_.receipts_per_poll = 1;
}

Submitter::~Submitter() { Stop(); }

double Submitter::RateOf(const std::string& signing_key) const {
  auto it = options_.rate_per_key.find(signing_key);
  return it != options_.rate_per_key.end() ? it->second : options_.rate_per_s;
}

std::chrono::seconds Submitter::BackoffAfter(int attempts) const {
  // 1 s after the first failure, doubling, at most backoff_max.
  std::int64_t s = options_.backoff_first.count();
  for (int i = 1; i < attempts && s < options_.backoff_max.count(); ++i) s *= 2;
  return std::chrono::seconds(std::min<std::int64_t>(s, options_.backoff_max.count()));
}

Result<SubmitRound> Submitter::SubmitDue() {
  std::lock_guard lock(mu_);
  SubmitRound round;
  const Timestamp now = clock_.Now();
  // Each key on its own, as many of its oldest due declarations as its bucket lets go now (and
  // one more, to know whether it holds some back): a key's backlog never delays another key.
  std::vector<std::string> keys;
  {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
    XB_ASSIGN_OR_RETURN(keys, tx->customs().QueuedSigningKeys());
  }
  for (const auto& key : keys) {
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
      it = buckets_.try_emplace(key, RateOf(key), options_.burst, now).first;
    }
    TokenBucket& bucket = it->second;
    const int allowed = std::min(bucket.Available(now), options_.batch);
    std::vector<Declaration> due;
    if (allowed > 0) {
      XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
      XB_ASSIGN_OR_RETURN(due, tx->customs().DueForSigningKey(now, key, allowed + 1));
    }
    const bool held_back = allowed == 0 || static_cast<int>(due.size()) > allowed;
    if (static_cast<int>(due.size()) > allowed) {
      due.pop_back();
      ++round.throttled;
      throttled_.fetch_add(1, std::memory_order_relaxed);
    }
    for (const auto& d : due) {
      if (!bucket.TryTake(now)) break;
      Status st = SubmitOne(d, round);
      if (!st.ok() && st.code() != ErrorCode::kConflict) return st;
    }
    if (held_back) {
      const Timestamp next = bucket.NextAt(now);
      if (!round.next_due || next < *round.next_due) round.next_due = next;
    }
  }
  return round;
}

// Sends one declaration and records the outcome. A conflict (the row changed meanwhile: a
// cancel, a receipt) leaves it for the next round.
Status Submitter::SubmitOne(const Declaration& d, SubmitRound& round) {
  const TenantId tenant = d.tenant_id;
  auto sent = gateway_.Submit(d);
  const Timestamp now = clock_.Now();
  if (!sent.ok() && sent.status().code() == ErrorCode::kInvalidArgument) {
    // Refused at the door: customs' rejection, applied like a rejection receipt so that the
    // order, its stock and its quota follow.
    ++round.refused;
    refused_.fetch_add(1, std::memory_order_relaxed);
    customs::Receipt refusal;
    refusal.receipt_id = "refused:" + d.list.list_no;
    refusal.list_no = d.list.list_no;
    refusal.kind = customs::ReceiptKind::kRejected;
    refusal.reason = "refused by the gateway: " + sent.status().message();
    refusal.at = now;
    auto applied = receipts_.Apply(tenant, refusal, "system");
    if (applied.ok()) {
      receipts_applied_.fetch_add(1, std::memory_order_relaxed);
    } else {
      receipts_failed_.fetch_add(1, std::memory_order_relaxed);
    }
    return Status::Ok();
  }

  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(auto fresh, tx->customs().GetDeclaration(tenant, d.id));
  if (fresh.state != DeclarationState::kQueued) return Status::Ok();  // cancelled meanwhile
  fresh.attempts += 1;
  fresh.updated_at = now;
  if (sent.ok()) {
    fresh.state = DeclarationState::kSubmitted;
    fresh.next_attempt_at.reset();
    ++round.submitted;
    submitted_.fetch_add(1, std::memory_order_relaxed);
  } else {
    // Transport failure (or anything but a refusal): try again after the backoff.
    const auto wait = BackoffAfter(fresh.attempts);
    fresh.next_attempt_at = Timestamp::FromMicros(now.micros() + wait.count() * 1'000'000);
    fresh.reason = "transport: " + sent.status().message();
    ++round.failed;
    transport_failures_.fetch_add(1, std::memory_order_relaxed);
    if (!round.next_due || *fresh.next_attempt_at < *round.next_due) {
      round.next_due = fresh.next_attempt_at;
    }
  }
  XB_RETURN_IF_ERROR(tx->customs().UpdateDeclaration(fresh));
  return tx->Commit();
}

Status Submitter::LoadCursor() {
  if (cursor_loaded_) return Status::Ok();
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(cursor_, tx->customs().ReceiptCursor(options_.receipt_feed));
  saved_cursor_ = cursor_;
  cursor_loaded_ = true;
  return Status::Ok();
}

// The cursor is written in a transaction of its own, after the page's receipts were applied, not
// in the transaction of a receipt: ReceiptService::Apply commits each receipt on its own and then
// runs its follow-ups (reservations released, the pick task) through further transactions. Were
// the cursor committed with a receipt, a crash before the follow-ups would skip them for good;
// written after them, a crash re-reads the page and the repeated receipts are answered as replays,
// which make up for missing follow-ups (EnsurePick, EnsureReleased). At most one page is read
// twice; no receipt is ever skipped.
Status Submitter::SaveCursor() {
  if (cursor_ == saved_cursor_) return Status::Ok();
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_RETURN_IF_ERROR(tx->customs().SaveReceiptCursor(options_.receipt_feed, cursor_, clock_.Now()));
  XB_RETURN_IF_ERROR(tx->Commit());
  saved_cursor_ = cursor_;
  return Status::Ok();
}

Result<int> Submitter::PollReceipts() {
  std::lock_guard lock(mu_);
  XB_RETURN_IF_ERROR(LoadCursor());
  XB_ASSIGN_OR_RETURN(auto page, gateway_.PollReceipts(cursor_, options_.receipts_per_poll));
  int applied = 0;
  for (const auto& r : page.receipts) {
    const auto tenant = TenantOfListNo(r.list_no);
    if (!tenant) {
      receipts_failed_.fetch_add(1, std::memory_order_relaxed);
      continue;  // not one of ours: nothing to apply, ever
    }
    auto outcome = receipts_.Apply(*tenant, r, "system");
    if (outcome.ok()) {
      ++applied;
      if (!outcome->replayed) receipts_applied_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    const ErrorCode code = outcome.status().code();
    receipts_failed_.fetch_add(1, std::memory_order_relaxed);
    if (code == ErrorCode::kNotFound || code == ErrorCode::kFailedPrecondition ||
        code == ErrorCode::kInvalidArgument) {
      continue;  // refused for good: retrying cannot help
    }
    // The store is busy or down: keep the cursor, the page is read again next round (receipts
    // already applied are answered as replays).
    return applied;
  }
  if (!page.next_cursor.empty()) cursor_ = page.next_cursor;
  XB_RETURN_IF_ERROR(SaveCursor());
  return applied;
}

SubmitterStats Submitter::stats() const {
  SubmitterStats s;
  s.submitted = submitted_.load();
  s.transport_failures = transport_failures_.load();
  s.refused = refused_.load();
  s.throttled = throttled_.load();
  s.receipts_applied = receipts_applied_.load();
  s.receipts_failed = receipts_failed_.load();
  s.running = running_.load();
  return s;
}

Result<std::vector<KeyBacklog>> Submitter::Backlog(TenantId tenant) {
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto stats, tx->customs().QueueBacklog(tenant));
  std::vector<KeyBacklog> keys;
  for (auto& s : stats) {
    KeyBacklog k;
    k.signing_key = s.signing_key;
    k.queued = s.queued;
    k.submitted = s.submitted;
    k.oldest_queued_at = s.oldest_queued_at;
    k.rate_per_s = RateOf(s.signing_key);
    keys.push_back(std::move(k));
  }
  return keys;
}

// ---- the thread ----

Status Submitter::Start() {
  if (running_.exchange(true)) return Status::Ok();
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void Submitter::Stop() {
  if (!running_.exchange(false)) return;
  {
    std::lock_guard lock(wake_mu_);
    woken_ = true;
  }
  wake_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Submitter::Wake() {
  {
    std::lock_guard lock(wake_mu_);
    woken_ = true;
  }
  wake_cv_.notify_all();
}

void Submitter::Loop() {
  auto last_poll = std::chrono::steady_clock::now() - options_.poll_every;
  while (running_.load()) {
    auto wait = options_.idle_wait;
    auto round = SubmitDue();
    if (round.ok()) {
      if (round->submitted + round->failed + round->refused > 0) {
        wait = std::chrono::milliseconds(0);  // there may be more due
      }
      if (round->next_due) {
        const Timestamp now = clock_.Now();
        const auto until = std::chrono::milliseconds(
            std::max<std::int64_t>(0, (round->next_due->micros() - now.micros()) / 1000));
        wait = std::min(wait, std::max(until, std::chrono::milliseconds(1)));
      }
    }
    const auto steady_now = std::chrono::steady_clock::now();
    if (steady_now - last_poll >= options_.poll_every) {
      last_poll = steady_now;
      (void)PollReceipts();
    }
    if (wait.count() > 0) {
      std::unique_lock lock(wake_mu_);
      wake_cv_.wait_for(lock, wait, [this] { return woken_ || !running_.load(); });
      woken_ = false;
    }
  }
}

}  // namespace xb::customs_flow
