// Live executions: operations matched against the journal, settling, timers, the end.
#include "runtime/execution.h"

#include "runtime/callbacks.h"
#include "runtime/engine.h"
#include "runtime/journal.h"

#include <fmt/format.h>

namespace runtime {

namespace {
std::string describeContext(llvm::StringRef opId) {
  size_t dash = opId.rfind('-');
  if (dash == llvm::StringRef::npos)
    return fmt::format("operation {0} of the root context", opId.str());
  return fmt::format("operation {0} of child context {1}", opId.substr(dash + 1).str(),
                       opId.take_front(dash).str());
}
} // namespace

LiveExecution::LiveExecution(Engine &engine, ExecutionRecord record)
    : engine_(engine), record_(std::move(record)) {}

LiveExecution::~LiveExecution() { destroyFrames(); }

void LiveExecution::destroyFrames() {
  ready_.clear();
  std::unordered_set<void *> frames = std::move(frames_);
  frames_.clear();
  for (void *address : frames)
    std::coroutine_handle<>::from_address(address).destroy();
  pending_.clear();
  contexts_.clear();
}

TimeMs LiveExecution::now() const { return engine_.clock().now(); }

llvm::Error LiveExecution::load() {
  llvm::Expected<std::vector<OpRecord>> ops = journal::load(engine_.store(), record_.id);
  if (!ops)
    return ops.takeError();
  bool haveCallbacks = false;
  for (OpRecord &op : *ops) {
    maxSeq_ = std::max(maxSeq_, op.seq);
    haveCallbacks |= op.type == OpType::Callback;
    std::string id = op.id;
    for (size_t dash = id.find('-'); dash != std::string::npos; dash = id.find('-', dash + 1))
      ++descendants_[llvm::StringRef(id).take_front(dash)];
    recorded_[id] = std::move(op);
  }
  recordedCount_ = static_cast<int64_t>(ops->size());
  unmatched_ = recordedCount_;
  if (haveCallbacks) {
    llvm::Expected<llvm::StringMap<std::string>> tokens = callbacks::tokensOf(engine_.store(), record_.id);
    if (!tokens)
      return tokens.takeError();
    tokens_ = std::move(*tokens);
  }
  return llvm::Error::success();
}

void LiveExecution::startRoot(const OrchestratorFn &fn) {
  contexts_.push_back(std::make_unique<DurableContext>(*this, ""));
  ready_.push_back(runRoot(&fn, contexts_.back().get()).attach(frames_));
}

DetachedTask LiveExecution::runRoot(const OrchestratorFn *fn, DurableContext *ctx) {
  Result result;
  try {
    // A named task, not a prvalue: GCC 12 mishandles some temporaries inside co_await.
    Task<Result> task = (*fn)(*ctx, record_.input);
    result = co_await task;
  } catch (const std::exception &e) {
    result = Result::failure(std::string("the orchestrator threw an exception: ") + e.what());
  } catch (...) {
    result = Result::failure("the orchestrator threw an exception");
  }
  if (!doomed_ && !finished_) {
    finished_ = true;
    outcome_ = std::move(result);
  }
}

DetachedTask LiveExecution::runChild(DurableContext *ctx, ChildFn fn, OpRef op) {
  Result result;
  try {
    Task<Result> task = fn(*ctx);
    result = co_await task;
  } catch (const std::exception &e) {
    result = Result::failure("child context \"" + op->name + "\" threw an exception: " + e.what());
  } catch (...) {
    result = Result::failure("child context \"" + op->name + "\" threw an exception");
  }
  if (doomed_ || finished_)
    co_return;
  journalSettled(op, result);
  if (!ioError_)
    settle(op, std::move(result));
}

void LiveExecution::journalSettled(const OpRef &op, const Result &outcome) {
  if (op->journaled)
    check(journal::settle(engine_.store(), record_.id, op->id, outcome, now()).takeError());
  else
    record(*op, outcome.ok() ? OpStatus::Succeeded : OpStatus::Failed, outcome);
}

void LiveExecution::drain() {
  while (!ready_.empty() && !doomed_ && !finished_) {
    std::coroutine_handle<> h = ready_.front();
    ready_.pop_front();
    h.resume();
  }
}

void LiveExecution::doom(std::string reason) {
  if (doomed_)
    return;
  doomed_ = true;
  doomReason_ = std::move(reason);
}

void LiveExecution::fail(llvm::Error error) {
  std::string msg = llvm::toString(std::move(error));
  if (!ioError_)
    ioError_ = std::move(msg);
  doomed_ = true;
}

bool LiveExecution::check(llvm::Error error) {
  if (!error)
    return true;
  fail(std::move(error));
  return false;
}

LiveExecution::Begun LiveExecution::begin(DurableContext &ctx, OpType type, std::string name) {
  Begun b;
  b.state = llvm::makeIntrusiveRefCnt<OpState>();
  b.state->doomed = &doomed_;
  b.state->type = type;
  b.state->name = std::move(name);
  if (doomed_ || finished_) {
    b.dead = true;
    return b;
  }
  std::string id = ctx.nextId();
  b.state->id = id;
  auto it = recorded_.find(id);
  if (it != recorded_.end()) {
    OpRecord &rec = it->second;
    if (rec.type != type || rec.name != b.state->name) {
      const char *what = rec.type != type && rec.name != b.state->name ? "type and name differ"
                         : rec.type != type                            ? "the type differs"
                                                                       : "the name differs";
      doom(fmt::format("nondeterminism in execution \"{0}\": {1} (id {2}) is recorded in the "
                         "journal as {3} \"{4}\", but the orchestrator now starts {5} \"{6}\" "
                         "({7}); an orchestrator must create the same operations in the same "
                         "order on replay",
                         record_.name, describeContext(id), id, opTypeName(rec.type).str(), rec.name,
                         opTypeName(type).str(), b.state->name, what));
      b.dead = true;
      return b;
    }
    b.state->journaled = true;
    b.state->seq = rec.seq;
    b.state->startedMs = rec.startedMs;
    b.rec = std::move(rec);
    recorded_.erase(it);
    --unmatched_;
    ++engine_.mutableStats().replayedOps;
    return b;
  }
  if (recordedCount_ + newOps_ + 1 > record_.opBudget) {
    doom(fmt::format("execution \"{0}\" exceeded its operation budget of {1} operations: "
                       "{2} \"{3}\" (id {4}) would be operation {5}; raise the budget "
                       "(--op-budget) or move work into child executions with invoke",
                       record_.name, record_.opBudget, opTypeName(type).str(), b.state->name, id,
                       recordedCount_ + newOps_ + 1));
    b.dead = true;
    return b;
  }
  ++newOps_;
  b.state->seq = ++maxSeq_;
  b.state->startedMs = now();
  return b;
}

void LiveExecution::record(const OpState &op, OpStatus status, const std::optional<Result> &outcome,
                           std::optional<std::string> detail) {
  OpRecord rec;
  rec.id = op.id;
  rec.seq = op.seq ? op.seq : ++maxSeq_;
  rec.type = op.type;
  rec.name = op.name;
  rec.status = status;
  rec.attempt = op.attempt;
  rec.startedMs = op.startedMs ? op.startedMs : now();
  const_cast<OpState &>(op).journaled = true;
  if (outcome) {
    if (outcome->ok())
      rec.result = toJsonText(outcome->value());
    else
      rec.error = outcome->error();
    if (status != OpStatus::Pending)
      rec.endedMs = now();
  }
  rec.detail = std::move(detail);
  check(journal::insert(engine_.store(), record_.id, rec));
}

void LiveExecution::settle(const OpRef &op, Result result) {
  if (op->settled)
    return;
  op->settled = true;
  op->result = std::move(result);
  op->stepFn = nullptr;
  pending_.erase(op->id);
  for (std::coroutine_handle<> h : op->waiters)
    ready_.push_back(h);
  op->waiters.clear();
  if (op->slotSerial && anyPending(op->slotSerial))
    onInputSettled(*op->slotAny, op->slotIndex, *op);
  op->slotSerial = 0;
  auto listeners = std::move(op->listeners);
  op->listeners.clear();
  for (auto [comb, index] : listeners)
    onInputSettled(*comb, index, *op);
  if (op->waitSet)
    onMemberSettled(*op->waitSet, op->waitSetIndex);
}

// --- step ---

int64_t RetryPolicy::delayAfter(int attempt) const {
  double delay = static_cast<double>(initialDelayMs);
  for (int i = 1; i < attempt; ++i)
    delay *= backoffRate;
  return std::min<int64_t>(static_cast<int64_t>(delay), maxDelayMs);
}

} // namespace runtime
