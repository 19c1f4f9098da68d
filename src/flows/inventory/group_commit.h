// Group commit: many callers' writes share one durable transaction. Each caller hands in a piece
// of work (a function that writes through a transaction) and waits; one committer thread takes
// everything queued, runs it in one write transaction and commits. A caller is answered only
// after the commit that holds its work is durable. If a piece of work fails, the batch is rolled
// back, that piece is run again alone (its answer is what it does alone) and the rest of the batch
// is run again together; if the commit fails, every piece is run again alone. So one bad piece
// never fails the others. Work may therefore run more than once: it must start afresh each time.
// Callers are answered by a second thread, so the committer goes on with the next batch at once.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"
#include "flows/store/unit_of_work.h"

namespace xb::inventory_flow {

struct GroupCommitOptions {
  std::size_t max_batch = 2048;  // pieces of work per transaction at most
};

struct GroupCommitStats {
  std::int64_t batches = 0;  // write transactions run (a split batch counts each)
  std::int64_t pieces = 0;
  std::int64_t retried_alone = 0;  // pieces run again in a transaction of their own
  std::int64_t queued = 0;         // waiting now
};

class GroupCommitter {
 public:
  // Writes through `tx`. Must not commit. Returning an error rolls its batch back (the other
  // pieces are then run again alone), so work may write before it fails.
  using Work = std::function<Status(store::Transaction& tx)>;
  // Called once with the answer, on the answering thread (or at once on the caller's thread when
  // the committer is stopped). Must be quick and must not wait for an answer of this committer.
  using Done = std::function<void(Status)>;

  GroupCommitter(store::Database& db, GroupCommitOptions options = {});
  ~GroupCommitter();  // stops: pending work is finished first
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues the work; the future is ready once it is durable (OK) or has failed.
  std::future<Status> Submit(Work work);
  // Queues the work; `done` is called once it is durable (OK) or has failed.
  void Submit(Work work, Done done);
  // Submit and wait.
  Status Run(Work work) { return Submit(std::move(work)).get(); }
  GroupCommitStats stats() const;
  void Stop();

 private:
  struct Item {
    Work work;
    std::promise<Status> done;  // when `then` is empty
    Done then;
  };
  struct Answered {
    Item item;
    Status status;
  };
  void Enqueue(Item item);
  static void Answer(Item& item, Status status);
  void AnswerLoop();
  void Loop();
  void RunBatch(std::deque<Item>& batch);
  // Runs `work` in a transaction of its own and commits.
  Status RunAlone(const Work& work);

  store::Database& db_;
  GroupCommitOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  GroupCommitStats stats_;
  std::thread thread_;
  // Batches whose answers are due, oldest first, for the answering thread.
  std::mutex answers_mu_;
  std::condition_variable answers_cv_;
  std::deque<std::vector<Answered>> answers_;
  bool answers_done_ = false;  // the committer has stopped: answer what is left, then end
  std::thread answerer_;
};

}  // namespace xb::inventory_flow
