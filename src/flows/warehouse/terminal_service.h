// Scanner terminals: applies device events (scan a location, scan an item, confirm a quantity)
// exactly once. The first answer to an event is stored under (tenant, device, event key) in the
// same transaction as its effect, so a retry, a duplicate or a late copy gets that answer again
// and moves no stock. Events are self-contained; a late event is applied when its task is still
// open and the quantities still fit, otherwise it is rejected with the reason, and that
// rejection is the stored first answer. Single events share durable commits through a
// GroupCommitter; a batch is applied in one transaction with one ledger posting. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/warehouse/tasks.h"
#include "flows/inventory/group_commit.h"
#include "flows/store/unit_of_work.h"
#include "flows/warehouse/context.h"
#include "flows/warehouse/warehouse_service.h"

namespace xb::warehouse_flow {

// The answer to a device event: an HTTP status and the JSON body
//   {"status":"applied"|"ok"|"rejected", "message", "device_id", "event_key",
//    "task":{...header, "line":{...}}?, "scan":{...}?, "bin":{...}?, "error":{...}?}
struct DeviceAnswer {
  int status = 200;
  std::string body;
  bool replayed = false;  // the stored first answer to an earlier copy of the event
};

struct TerminalOptions {
  bool group_commit = true;  // single events share commits; false: one transaction each
  inventory_flow::GroupCommitOptions commit;
};

class TerminalService {
 public:
  TerminalService(store::Database& db, WarehouseService& service, TerminalOptions options = {});
  ~TerminalService();
  TerminalService(const TerminalService&) = delete;
  TerminalService& operator=(const TerminalService&) = delete;

  // The answer to one event (ctx.device is taken from the event). An error means nothing was
  // stored and the device should retry: the role may not operate (kPermissionDenied), the event
  // cannot be keyed (kInvalidArgument), its key was used for a different event (kInvalidArgument
  // naming event_key), or the store failed (kUnavailable, kConflict, kInternal).
  Result<DeviceAnswer> Handle(const RequestContext& ctx, const warehouse::DeviceEvent& event);
  // The answers to many events, in order, as if each was sent alone in that order. Events that
  // cannot be keyed get an error answer that is not stored.
  Result<std::vector<DeviceAnswer>> HandleBatch(const RequestContext& ctx,
                                                const std::vector<warehouse::DeviceEvent>& events);

  inventory_flow::GroupCommitStats commit_stats() const;

 private:
  struct Piece;
  struct Outcome;
  class Lookups;
  // Runs `work` in a write transaction: through the committer, or alone.
  Status Run(const inventory_flow::GroupCommitter::Work& work);
  // Decides what the event does, with tasks, SKUs and bins read through `lookups` (which keeps
  // a task as the event leaves it, for the next event of a batch). Errors are rejections when
  // Storable(), failures of the store otherwise.
  Result<Outcome> Evaluate(store::Transaction& tx, const RequestContext& ctx,
                           const warehouse::DeviceEvent& event, Lookups& lookups);
  // Stores a rejection for an event whose effect could not be written.
  Result<DeviceAnswer> StoreRejection(const RequestContext& ctx,
                                      const warehouse::DeviceEvent& event, const Status& why);
  Result<DeviceAnswer> StoredAnswer(const RequestContext& ctx, const warehouse::DeviceEvent& event);

  store::Database& db_;
  WarehouseService& service_;
  TerminalOptions options_;
  std::unique_ptr<inventory_flow::GroupCommitter> committer_;
};

}  // namespace xb::warehouse_flow
