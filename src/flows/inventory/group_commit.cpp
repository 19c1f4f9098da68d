#include "flows/inventory/group_commit.h"

#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace xb::inventory_flow {

namespace {

// Work is the caller's code; an exception must not take the committer thread down with it.
Status RunWork(const GroupCommitter::Work& work, store::Transaction& tx) {
  try {
    return work(tx);
  } catch (const std::exception& e) {
    return Internal(std::string("group commit work threw: ") + e.what());
  } catch (...) {
    return Internal("group commit work threw");
  }
}

// The answer of every piece covered by a sync that failed, and of every piece after it.
Status SyncFailed() {
  return Unavailable(
      "storage failure: committed writes could not be made durable; writes are refused until "
      "the server is restarted");
}

}  // namespace

GroupCommitter::GroupCommitter(store::Database& db, GroupCommitOptions options)
    : db_(db), options_(options) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  answerer_ = std::thread([this] { AnswerLoop(); });
  thread_ = std::thread([this] { Loop(); });
}

GroupCommitter::~GroupCommitter() { Stop(); }

std::future<Status> GroupCommitter::Submit(Work work) {
  Item item{std::move(work), {}, {}};
  std::future<Status> answer = item.done.get_future();
  Enqueue(std::move(item));
  return answer;
}

void GroupCommitter::Submit(Work work, Done done) {
  Enqueue(Item{std::move(work), {}, std::move(done)});
}

void GroupCommitter::Enqueue(Item item) {
  bool queued = false;
  bool full = false;
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(item));
      queued = true;
      full = queue_.size() == options_.max_batch;
    }
  }
  if (queued) {
    cv_.notify_one();
    if (full) {
      // The committer may be waiting for the answering thread (Loop); a full batch need not.
      // Taking the mutex orders this after a check of the queue it may be making.
      { std::lock_guard lock(answers_mu_); }
      taken_cv_.notify_one();
    }
    return;
  }
  Answer(item, Unavailable("the group committer is stopped"));
}

void GroupCommitter::Answer(Item& item, Status status) {
  if (!item.then) {
    item.done.set_value(std::move(status));
    return;
  }
  try {
    item.then(std::move(status));
  } catch (...) {  // NOLINT(bugprone-empty-catch): a caller's callback must not stop the thread
  }
}

GroupCommitStats GroupCommitter::stats() const {
  std::lock_guard lock(mu_);
  GroupCommitStats s = stats_;
  s.queued = static_cast<std::int64_t>(queue_.size());
  return s;
}

void GroupCommitter::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(answers_mu_);
    answers_done_ = true;
  }
  answers_cv_.notify_all();
  if (answerer_.joinable()) answerer_.join();
}

// Takes every batch handed over, makes them durable with one sync, then answers them. A piece
// that failed keeps its own answer (nothing of it was committed); a committed one is answered OK
// only if the sync succeeded.
void GroupCommitter::AnswerLoop() {
  for (;;) {
    std::deque<std::vector<Answered>> due;
    {
      std::unique_lock lock(answers_mu_);
      answers_cv_.wait(lock, [&] { return answers_done_ || !answers_.empty(); });
      if (answers_.empty()) return;  // the committer has stopped and everything is answered
      due.swap(answers_);
    }
    taken_cv_.notify_one();
    Status synced;
    if (!options_.sync_in_commit) {
      bool committed = false;
      for (const auto& batch : due) {
        for (const Answered& a : batch) committed = committed || a.status.ok();
      }
      if (committed) {
        bool broken = false;
        {
          std::lock_guard lock(mu_);
          broken = !broken_.ok();
        }
        // Once a sync has failed, a later one proves nothing (what the failed one lost breaks
        // the log before the later commits): those are answered with the failure unsynced.
        if (!broken) synced = db_.SyncCommitted();
        std::lock_guard lock(mu_);
        if (!broken) ++stats_.syncs;
        if (broken || !synced.ok()) {
          synced = SyncFailed();
          broken_ = synced;
        }
      }
    }
    for (auto& batch : due) {
      for (Answered& a : batch) Answer(a.item, a.status.ok() ? synced : std::move(a.status));
    }
  }
}

void GroupCommitter::HandOver(std::vector<Answered> answers) {
  {
    std::lock_guard lock(answers_mu_);
    answers_.push_back(std::move(answers));
  }
  answers_cv_.notify_one();
}

void GroupCommitter::Loop() {
  std::deque<Item> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has been answered
    }
    if (!options_.sync_in_commit) {
      // A batch committed earlier still waits for the next sync (the answering thread is
      // syncing or answering the one before): a batch committed now would be covered by that
      // same sync, so wait until it starts and take everything queued meanwhile. One commit per
      // sync, as large as the waiting allows, instead of many small ones: fewer pages written
      // per piece, and the sync still overlaps the next commit. A full batch goes at once.
      std::unique_lock lock(answers_mu_);
      taken_cv_.wait(lock, [&] {
        if (answers_.empty()) return true;
        std::lock_guard queue_lock(mu_);  // order: answers_mu_, then mu_
        return queue_.size() >= options_.max_batch;
      });
    }
    Status broken;
    {
      std::lock_guard lock(mu_);
      if (queue_.size() <= options_.max_batch) {
        batch.swap(queue_);
      } else {
        for (std::size_t i = 0; i < options_.max_batch; ++i) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      broken = broken_;
    }
    if (broken.ok()) {
      RunBatch(batch);
    } else {
      std::vector<Answered> refused;
      refused.reserve(batch.size());
      for (Item& item : batch) refused.push_back({std::move(item), broken});
      HandOver(std::move(refused));
    }
    batch.clear();
  }
}

Status GroupCommitter::CommitTx(store::Transaction& tx) const {
  return options_.sync_in_commit ? tx.Commit() : tx.CommitNoSync();
}

Status GroupCommitter::RunAlone(const Work& work) {
  auto tx = db_.Begin(store::TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Status st = RunWork(work, **tx);
  if (st.ok()) st = CommitTx(**tx);
  return st;
}

// Runs the batch in one transaction and hands every item's answer over. A piece that fails is
// taken out and run alone, and the others are run again together; when the commit itself fails,
// each piece is run alone. The counters are updated before anyone is answered, so an answered
// caller sees them.
void GroupCommitter::RunBatch(std::deque<Item>& batch) {
  std::vector<Item*> pending;
  pending.reserve(batch.size());
  for (Item& item : batch) pending.push_back(&item);
  std::vector<Answered> answers;
  answers.reserve(batch.size());
  std::int64_t transactions = 0;
  std::int64_t alone = 0;

  while (!pending.empty()) {
    std::size_t failed = pending.size();  // the index of the piece that failed, if any
    Status st;
    {
      ++transactions;
      auto tx = db_.Begin(store::TxMode::kWrite);
      if (!tx.ok()) {
        st = tx.status();
      } else {
        for (std::size_t i = 0; i < pending.size(); ++i) {
          st = RunWork(pending[i]->work, **tx);
          if (!st.ok()) {
            failed = i;
            break;
          }
        }
        if (st.ok()) st = CommitTx(**tx);
      }
    }  // a transaction that did not commit rolls back here
    if (st.ok()) {
      for (Item* item : pending) answers.push_back({std::move(*item), Status::Ok()});
      break;
    }
    if (pending.size() == 1) {
      answers.push_back({std::move(*pending.front()), std::move(st)});
      break;
    }
    if (failed == pending.size()) {
      // Begin or commit failed: nothing tells which piece is to blame.
      for (Item* item : pending) {
        ++transactions;
        ++alone;
        Status alone_status = RunAlone(item->work);
        answers.push_back({std::move(*item), std::move(alone_status)});
      }
      break;
    }
    ++transactions;
    ++alone;
    Status alone_status = RunAlone(pending[failed]->work);
    answers.push_back({std::move(*pending[failed]), std::move(alone_status)});
    pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(failed));
  }

  {
    std::lock_guard lock(mu_);
    stats_.batches += transactions;
    stats_.pieces += static_cast<std::int64_t>(batch.size());
    stats_.retried_alone += alone;
  }
  HandOver(std::move(answers));
}

}  // namespace xb::inventory_flow
