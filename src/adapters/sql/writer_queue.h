// The turn to write to one SQLite file, handed from writer to writer in the order they asked.
//
// SQLite has no queue for its write lock: a writer that finds it taken sleeps in the busy handler
// (1, 2, 5, 10 ... 100 ms) and tries again, so it wakes up long after the lock is free, and a
// newcomer may take the lock before it. Writers of one process wait here instead: Release() hands
// the turn to the longest waiting writer at once. BEGIN IMMEDIATE still takes SQLite's lock
// afterwards, which only another process can be holding.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <mutex>

namespace xb::sql {

class WriterQueue {
 public:
  // Waits until it is this caller's turn, for at most `timeout`. True: the caller holds the turn
  // and must Release() it; false: timed out, holding nothing.
  bool Acquire(std::chrono::milliseconds timeout);
  // Ends the holder's turn and hands it to the first waiter, if any.
  void Release();

  // Writers waiting now (for tests).
  std::size_t waiting() const;

 private:
  struct Waiter {
    std::condition_variable cv;
    bool granted = false;
  };

  mutable std::mutex mu_;
  bool held_ = false;
  std::list<Waiter*> waiters_;  // in the order they came
};

}  // namespace xb::sql
