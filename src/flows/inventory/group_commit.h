// Group commit: many callers' writes share one durable transaction. Each caller hands in a piece
// of work (a function that writes through a transaction) and waits; one committer thread takes
// everything queued, runs it in one write transaction and commits. If a piece of work fails, the
// batch is rolled back, that piece is run again alone (its answer is what it does alone) and the
// rest of the batch is run again together; if the commit fails, every piece is run again alone.
// So one bad piece never fails the others. Work may therefore run more than once: it must start
// afresh each time.
//
// Commit and durability are pipelined: the committer commits without waiting for durability
// (Transaction::CommitNoSync) and hands the batch to a second, answering thread, which takes every
// batch handed over meanwhile, makes them durable with one Database::SyncCommitted() and then
// answers them. So the committer writes batch N+1 while batch N is being synced. It commits no
// further batch while one waits for the next sync (that sync would cover both): everything that
// queues meanwhile goes into the next batch, so there is about one commit per sync, each as large
// as the sync time lets it grow. A caller is answered OK only after the sync that covers its
// commit.
// Readers may see committed work a few milliseconds before it is durable (and before its caller
// is answered); a crash in between loses it, and with it every later commit, never an earlier one.
//
// If the sync fails, the work is committed but maybe not durable: every piece it covers is
// answered kUnavailable (none OK), and the committer refuses all later work with kUnavailable
// (the database adapter refuses writes too): after a failed fsync the storage cannot be trusted
// until the process is restarted and the database recovered from what the disk really holds.
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
  // true: each batch commits durably (Transaction::Commit) before the next one is written, and
  // SyncCommitted() is never called; the behaviour before pipelining (a baseline for benchmarks).
  bool sync_in_commit = false;
};

struct GroupCommitStats {
  std::int64_t batches = 0;  // write transactions run (a split batch counts each)
  std::int64_t pieces = 0;
  std::int64_t retried_alone = 0;  // pieces run again in a transaction of their own
  std::int64_t syncs = 0;          // SyncCommitted() calls (each covers one or more batches)
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
  // Hands answers to the answering thread.
  void HandOver(std::vector<Answered> answers);
  // Runs `work` in a transaction of its own and commits.
  Status RunAlone(const Work& work);
  Status CommitTx(store::Transaction& tx) const;

  store::Database& db_;
  GroupCommitOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  Status broken_;  // not OK once a sync failed: every later piece is refused with it
  GroupCommitStats stats_;
  std::thread thread_;
  // Batches committed and not yet answered, oldest first, for the answering thread.
  std::mutex answers_mu_;
  std::condition_variable answers_cv_;
  std::condition_variable taken_cv_;  // the answering thread took the batches handed over
  std::deque<std::vector<Answered>> answers_;
  bool answers_done_ = false;  // the committer has stopped: answer what is left, then end
  std::thread answerer_;
};

}  // namespace xb::inventory_flow
