// Scanner terminals: applies device events (scan a location, scan an item, confirm a quantity)
// exactly once. The first answer to an event is stored under (tenant, device, event key) in the
// same transaction as its effect, so a retry, a duplicate or a late copy gets that answer again
// and moves no stock. Events are self-contained; a late event is applied when its task is still
// open and the quantities still fit, otherwise it is rejected with the reason, and that
// rejection is the stored first answer.
//
// Every request (one event, or a batch) goes through one writer thread, which takes whatever is
// queued and applies it in one transaction: tasks, SKUs and lots read once, all movements in one
// posting per principal, each task saved once, one business event per task. A request is
// answered only after that transaction is durable. When the stock of a shared transaction does
// not add up, its requests are applied again one event per transaction, so that only the events
// that do not fit are refused. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "domain/warehouse/tasks.h"
#include "flows/store/unit_of_work.h"
#include "flows/warehouse/context.h"
#include "flows/warehouse/warehouse_service.h"

namespace xb::warehouse_flow {

// The answer to a device event: an HTTP status and the JSON body
//   {"status":"applied"|"ok"|"rejected", "message", "device_id", "event_key",
//    "task":{"id","code","kind","state","version","line":{...}}?, "scan":{...}?, "bin":{...}?,
//    "lines":[...]?, "error":{"code","message","field"?}?}
struct DeviceAnswer {
  int status = 200;
  std::string body;
  bool replayed = false;  // the stored first answer to an earlier copy of the event
};

struct TerminalOptions {
  std::size_t max_batch = 4096;  // events per shared transaction, at most (a batch request is
                                 // never split)
};

struct TerminalStats {
  std::int64_t transactions = 0;   // shared transactions committed
  std::int64_t events = 0;         // events answered
  std::int64_t retried_alone = 0;  // events applied again one per transaction
};

class TerminalService {
 public:
  TerminalService(store::Database& db, WarehouseService& service, TerminalOptions options = {});
  ~TerminalService();  // answers what is queued, then stops the writer
  TerminalService(const TerminalService&) = delete;
  TerminalService& operator=(const TerminalService&) = delete;

  // The answer to one event (ctx.device is taken from the event). An error means nothing was
  // stored and the device should retry: the role may not operate (kPermissionDenied), the event
  // cannot be keyed or is malformed (kInvalidArgument), its key was used for a different event
  // (kInvalidArgument naming event_key), or the store failed (kUnavailable, kConflict,
  // kInternal).
  Result<DeviceAnswer> Handle(const RequestContext& ctx, const warehouse::DeviceEvent& event);
  // The answers to many events of one device, in order, as if each was sent alone in that order.
  // Events that cannot be keyed, or that reuse a key for another event, get an error answer that
  // is not stored.
  Result<std::vector<DeviceAnswer>> HandleBatch(const RequestContext& ctx,
                                                const std::vector<warehouse::DeviceEvent>& events);
  // The same, taking the events over (no copy of them).
  Result<std::vector<DeviceAnswer>> HandleBatch(const RequestContext& ctx,
                                                std::vector<warehouse::DeviceEvent>&& events);
  // The same without waiting: `done` is called once, on the writer thread once the answer is
  // durable (or at once for a request refused before it is queued). It must be quick.
  void HandleAsync(const RequestContext& ctx, const warehouse::DeviceEvent& event,
                   std::function<void(Result<DeviceAnswer>)> done);
  void HandleBatchAsync(const RequestContext& ctx,
                        const std::vector<warehouse::DeviceEvent>& events,
                        std::function<void(Result<std::vector<DeviceAnswer>>)> done);
  void HandleBatchAsync(const RequestContext& ctx, std::vector<warehouse::DeviceEvent>&& events,
                        std::function<void(Result<std::vector<DeviceAnswer>>)> done);

  TerminalStats stats() const;

 private:
  struct Item;
  struct Unit;
  class Lookups;
  struct Outcome;
  void Submit(std::shared_ptr<Unit> unit);
  void Loop();
  // Applies `units` in one transaction; on a refusal that is about stock, unit by unit, then
  // event by event.
  void Run(std::vector<std::shared_ptr<Unit>>& units, bool split);
  // Without `look_up`, every event is taken as new: one answered before makes it fail (the
  // answers' insert refuses), and the caller applies the events again with the look-up.
  Status ApplyShared(store::Transaction& tx, std::vector<Item*>& items,
                     std::vector<std::optional<Result<DeviceAnswer>>>& answers,
                     std::vector<std::unique_ptr<inventory_flow::StockPosting>>& postings,
                     bool look_up);
  Result<DeviceAnswer> ApplyAlone(const Item& item);
  Result<Outcome> Evaluate(store::Transaction& tx, const RequestContext& ctx,
                           const warehouse::DeviceEvent& event, Lookups& lookups, StepCache& cache);
  Result<DeviceAnswer> StoreRejection(const Item& item, const Status& why);
  Result<DeviceAnswer> StoredAnswer(const Item& item);

  store::Database& db_;
  WarehouseService& service_;
  TerminalOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Unit>> queue_;
  bool stopping_ = false;
  TerminalStats stats_;
  std::thread writer_;
};

}  // namespace xb::warehouse_flow
