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
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(item));
      queued = true;
    }
  }
  if (queued) {
    cv_.notify_one();
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

void GroupCommitter::AnswerLoop() {
  for (;;) {
    std::vector<Answered> due;
    {
      std::unique_lock lock(answers_mu_);
      answers_cv_.wait(lock, [&] { return answers_done_ || !answers_.empty(); });
      if (answers_.empty()) return;  // the committer has stopped and everything is answered
      due = std::move(answers_.front());
      answers_.pop_front();
    }
    for (Answered& a : due) Answer(a.item, std::move(a.status));
  }
}

void GroupCommitter::Loop() {
  std::deque<Item> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has been answered
      if (queue_.size() <= options_.max_batch) {
        batch.swap(queue_);
      } else {
        for (std::size_t i = 0; i < options_.max_batch; ++i) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    RunBatch(batch);
    batch.clear();
  }
}

Status GroupCommitter::RunAlone(const Work& work) {
  auto tx = db_.Begin(store::TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Status st = RunWork(work, **tx);
  if (st.ok()) st = (*tx)->Commit();
  return st;
}

// Runs the batch in one transaction and answers every item. A piece that fails is taken out and
// run alone, and the others are run again together; when the commit itself fails, each piece is
// run alone. The counters are updated before anyone is answered, so an answered caller sees them.
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
        if (st.ok()) st = (*tx)->Commit();
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
  {
    std::lock_guard lock(answers_mu_);
    answers_.push_back(std::move(answers));
  }
  answers_cv_.notify_one();
}

}  // namespace xb::inventory_flow
