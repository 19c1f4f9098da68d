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
  thread_ = std::thread([this] { Loop(); });
}

GroupCommitter::~GroupCommitter() { Stop(); }

std::future<Status> GroupCommitter::Submit(Work work) {
  Item item{std::move(work), {}};
  std::future<Status> answer = item.done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      item.done.set_value(Unavailable("the group committer is stopped"));
      return answer;
    }
    queue_.push_back(std::move(item));
  }
  cv_.notify_one();
  return answer;
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
    Status st = RunBatch(batch);
    (void)st;
    batch.clear();
  }
}

// Runs the batch in one transaction and answers every item. When the batch cannot commit as a
// whole, each item is run again alone so that only the items that fail by themselves fail.
Status GroupCommitter::RunBatch(std::deque<Item>& batch) {
  Status batch_status;
  {
    auto tx = db_.Begin(store::TxMode::kWrite);
    if (!tx.ok()) {
      batch_status = tx.status();
    } else {
      for (Item& item : batch) {
        batch_status = RunWork(item.work, **tx);
        if (!batch_status.ok()) break;
      }
      if (batch_status.ok()) batch_status = (*tx)->Commit();
    }
  }  // a transaction that did not commit rolls back here

  // The counters are updated before anyone is answered, so an answered caller sees them.
  const auto pieces = static_cast<std::int64_t>(batch.size());
  if (batch_status.ok() || batch.size() == 1) {
    {
      std::lock_guard lock(mu_);
      stats_.batches += 1;
      stats_.pieces += pieces;
    }
    for (Item& item : batch) item.done.set_value(batch_status);
    return batch_status;
  }

  std::vector<Status> alone;
  alone.reserve(batch.size());
  for (Item& item : batch) {
    auto tx = db_.Begin(store::TxMode::kWrite);
    if (!tx.ok()) {
      alone.push_back(tx.status());
      continue;
    }
    Status st = RunWork(item.work, **tx);
    if (st.ok()) st = (*tx)->Commit();
    alone.push_back(std::move(st));
  }
  {
    std::lock_guard lock(mu_);
    stats_.batches += 1 + pieces;
    stats_.pieces += pieces;
    stats_.retried_alone += pieces;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done.set_value(std::move(alone[i]));
  return batch_status;
}

}  // namespace xb::inventory_flow
