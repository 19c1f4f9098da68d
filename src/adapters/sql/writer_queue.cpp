#include "adapters/sql/writer_queue.h"

#include <algorithm>

namespace xb::sql {

bool WriterQueue::Acquire(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!held_ && waiters_.empty()) {
    held_ = true;
    return true;
  }
  Waiter me;
  const auto it = waiters_.insert(waiters_.end(), &me);
  const bool granted = me.cv.wait_for(lock, timeout, [&] { return me.granted; });
  // Granted: Release() removed us from the queue and left held_ set for us.
  if (!granted) waiters_.erase(it);
  return granted;
}

void WriterQueue::Release() {
  std::lock_guard lock(mu_);
  if (waiters_.empty()) {
    held_ = false;
    return;
  }
  // The turn passes without ever being free, so nobody arriving now can take it first.
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  next->granted = true;
  next->cv.notify_one();
}

std::size_t WriterQueue::waiting() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

}  // namespace xb::sql
