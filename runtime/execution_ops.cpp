// The DurableContext operations of a live execution, and the events that settle them.
#include "runtime/callbacks.h"
#include "runtime/engine.h"
#include "runtime/execution.h"
#include "runtime/journal.h"

#include <fmt/format.h>

namespace runtime {

// --- step ---

Future LiveExecution::step(DurableContext &ctx, std::string name, StepFn fn, StepOptions options) {
  Begun b = begin(ctx, OpType::Step, std::move(name));
  if (b.dead)
    return Future(b.state);
  OpRef op = b.state;
  if (b.rec && b.rec->settled()) {
    op->settled = true;
    op->result = b.rec->outcome();
    return Future(op);
  }
  op->stepFn = std::move(fn);
  op->retry = options.retry;
  if (b.rec) { // between attempts: the retry timer is armed
    op->attempt = b.rec->attempt;
    pending_[op->id] = op;
    return Future(op);
  }
  runStepAttempt(op, /*isNew=*/true);
  return Future(op);
}

void LiveExecution::runStepAttempt(const OpRef &op, bool isNew) {
  ++op->attempt;
  ++engine_.mutableStats().stepRuns;
  StepContext sc{record_.name, op->id, op->attempt, now(), engine_.store()};
  Result result;
  try {
    result = op->stepFn(sc);
  } catch (const std::exception &e) {
    result = Result::failure("step \"" + op->name + "\" threw an exception: " + e.what());
  } catch (...) {
    result = Result::failure("step \"" + op->name + "\" threw an exception");
  }
  Store &store = engine_.store();
  if (result.ok() || op->attempt >= op->retry.maxAttempts) {
    if (isNew) {
      record(*op, result.ok() ? OpStatus::Succeeded : OpStatus::Failed, result);
    } else {
      check(journal::updateAttempt(store, record_.id, op->id, op->attempt, std::nullopt,
                                   std::nullopt));
      check(journal::settle(store, record_.id, op->id, result, now(), /*onlyIfPending=*/false)
                .takeError());
    }
    settle(op, std::move(result));
    return;
  }
  TimeMs at = now() + op->retry.delayAfter(op->attempt);
  std::string detail = toJsonText(json{{"retry_at_ms", at}});
  if (isNew)
    record(*op, OpStatus::Pending, Result::failure(result.error()), detail);
  else
    check(journal::updateAttempt(store, record_.id, op->id, op->attempt, result.error(), detail));
  check(engine_.armTimer(TimerEntry{at, record_.id, op->id, TimerKind::Retry}));
  pending_[op->id] = op;
}

// --- child context ---

Future LiveExecution::childContext(DurableContext &ctx, std::string name, ChildFn fn) {
  Begun b = begin(ctx, OpType::Context, std::move(name));
  if (b.dead)
    return Future(b.state);
  OpRef op = b.state;
  if (b.rec && b.rec->settled()) { // finished before: its body is not run again
    op->settled = true;
    op->result = b.rec->outcome();
    auto inner = descendants_.find(op->id);
    if (inner != descendants_.end())
      unmatched_ -= inner->second;
    return Future(op);
  }
  pending_[op->id] = op;
  contexts_.push_back(std::make_unique<DurableContext>(*this, op->id + "-"));
  ready_.push_back(runChild(contexts_.back().get(), std::move(fn), op).attach(frames_));
  return Future(op);
}

// --- callback ---

Callback LiveExecution::callback(DurableContext &ctx, std::string name, CallbackOptions options) {
  Begun b = begin(ctx, OpType::Callback, std::move(name));
  if (b.dead)
    return Callback{Future(b.state), ""};
  OpRef op = b.state;
  if (b.rec) {
    auto it = tokens_.find(op->id);
    std::string token = it == tokens_.end() ? "" : it->second;
    if (b.rec->settled()) {
      op->settled = true;
      op->result = b.rec->outcome();
    } else {
      pending_[op->id] = op;
    }
    return Callback{Future(op), token};
  }
  TimeMs t = now();
  CallbackRecord cb;
  cb.token = generateCallbackToken();
  cb.executionId = record_.id;
  cb.opId = op->id;
  cb.name = op->name;
  cb.createdMs = t;
  if (options.timeout) {
    cb.timeoutMs = options.timeout->count();
    cb.deadlineMs = t + *cb.timeoutMs;
  }
  if (options.heartbeatTimeout) {
    cb.heartbeatTimeoutMs = options.heartbeatTimeout->count();
    cb.heartbeatDeadlineMs = t + *cb.heartbeatTimeoutMs;
  }
  record(*op, OpStatus::Pending, std::nullopt);
  check(callbacks::create(engine_.store(), cb));
  if (cb.deadlineMs)
    check(engine_.armTimer(TimerEntry{*cb.deadlineMs, record_.id, op->id, TimerKind::CallbackTimeout}));
  if (cb.heartbeatDeadlineMs)
    check(engine_.armTimer(TimerEntry{*cb.heartbeatDeadlineMs, record_.id, op->id, TimerKind::Heartbeat}));
  pending_[op->id] = op;
  return Callback{Future(op), cb.token};
}

// --- invoke ---

Future LiveExecution::invoke(DurableContext &ctx, std::string name, std::string target, json input,
                             InvokeOptions options) {
  Begun b = begin(ctx, OpType::Invoke, std::move(name));
  if (b.dead)
    return Future(b.state);
  OpRef op = b.state;
  if (b.rec) {
    if (b.rec->settled()) {
      op->settled = true;
      op->result = b.rec->outcome();
    } else {
      pending_[op->id] = op;
    }
    return Future(op);
  }
  std::string childName =
      options.executionName.empty() ? record_.name + "/" + op->id : options.executionName;
  std::string detail = toJsonText(json{{"execution", childName}, {"target", target}});
  if (!engine_.orchestrator(target)) {
    Result r = Result::failure("invoke \"" + op->name + "\": no orchestrator named \"" + target +
                               "\" is registered");
    record(*op, OpStatus::Failed, r, detail);
    op->settled = true;
    op->result = std::move(r);
    return Future(op);
  }
  StartRequest req;
  req.name = childName;
  req.orchestrator = target;
  req.input = std::move(input);
  req.opBudget = options.opBudget > 0 ? options.opBudget : engine_.defaultOpBudget();
  req.parentId = record_.id;
  req.parentOp = op->id;
  llvm::Expected<std::pair<ExecutionRecord, bool>> child =
      executions::createOrGet(engine_.store(), req, now());
  if (!child) {
    fail(child.takeError());
    return Future(op);
  }
  const ExecutionRecord &c = child->first;
  if (child->second) {
    record(*op, OpStatus::Pending, std::nullopt, detail);
    engine_.queueStart(c.id);
    pending_[op->id] = op;
    return Future(op);
  }
  if (c.parentId && (*c.parentId != record_.id || c.parentOp != op->id)) {
    Result r = Result::failure("invoke \"" + op->name + "\": execution \"" + childName +
                               "\" already exists and reports to another execution");
    record(*op, OpStatus::Failed, r, detail);
    settle(op, std::move(r));
    return Future(op);
  }
  if (c.finished()) {
    Result r = c.outcome();
    record(*op, r.ok() ? OpStatus::Succeeded : OpStatus::Failed, r, detail);
    settle(op, std::move(r));
    return Future(op);
  }
  record(*op, OpStatus::Pending, std::nullopt, detail);
  check(executions::setParent(engine_.store(), c.id, record_.id, op->id));
  pending_[op->id] = op;
  return Future(op);
}

// --- wait ---

Future LiveExecution::wait(DurableContext &ctx, std::string name, std::chrono::milliseconds duration) {
  Begun b = begin(ctx, OpType::Wait, std::move(name));
  if (b.dead)
    return Future(b.state);
  OpRef op = b.state;
  if (b.rec) {
    if (b.rec->settled()) {
      op->settled = true;
      op->result = b.rec->outcome();
    } else {
      pending_[op->id] = op;
    }
    return Future(op);
  }
  TimeMs at = now() + std::max<int64_t>(0, duration.count());
  record(*op, OpStatus::Pending, std::nullopt, toJsonText(json{{"fire_at_ms", at}}));
  check(engine_.armTimer(TimerEntry{at, record_.id, op->id, TimerKind::Wait}));
  pending_[op->id] = op;
  return Future(op);
}

// --- events ---

void LiveExecution::settleFromStore(const OpRecord &rec) {
  auto it = pending_.find(rec.id);
  if (it == pending_.end())
    return;
  OpRef op = it->second;
  if (op->type == OpType::Callback)
    check(timers::disarmOp(engine_.store(), record_.id, op->id));
  settle(op, rec.outcome());
}

void LiveExecution::onTimer(const TimerEntry &timer) {
  Store &store = engine_.store();
  auto it = pending_.find(timer.opId);
  OpRef op = it == pending_.end() ? nullptr : it->second;
  switch (timer.kind) {
  case TimerKind::Wait:
    if (!check(timers::disarm(store, record_.id, timer.opId, timer.kind)))
      return;
    if (op && check(journal::settle(store, record_.id, op->id, Result::success(), now()).takeError()))
      settle(op, Result::success());
    return;
  case TimerKind::Retry:
    if (!check(timers::disarm(store, record_.id, timer.opId, timer.kind)))
      return;
    if (op && op->stepFn)
      runStepAttempt(op, /*isNew=*/false);
    return;
  case TimerKind::CallbackTimeout:
  case TimerKind::Heartbeat: {
    llvm::Expected<std::optional<CallbackRecord>> cb = [&]() -> llvm::Expected<std::optional<CallbackRecord>> {
      auto tok = tokens_.find(timer.opId);
      if (tok != tokens_.end())
        return callbacks::find(store, tok->second);
      Statement &s = store.stmt("SELECT token FROM callbacks WHERE execution_id = ? AND op_id = ?");
      s.bind(1, record_.id).bind(2, timer.opId);
      llvm::Expected<bool> row = s.step();
      if (!row)
        return row.takeError();
      std::string token = *row ? s.text(0) : "";
      s.reset();
      if (token.empty())
        return std::nullopt;
      tokens_[timer.opId] = token;
      return callbacks::find(store, token);
    }();
    if (!cb) {
      fail(cb.takeError());
      return;
    }
    if (!*cb || (*cb)->status != CallbackStatus::Pending) {
      check(timers::disarmOp(store, record_.id, timer.opId));
      return;
    }
    const CallbackRecord &c = **cb;
    std::string message;
    if (timer.kind == TimerKind::Heartbeat) {
      if (c.heartbeatDeadlineMs && *c.heartbeatDeadlineMs > now()) { // a heartbeat came: re-arm
        check(engine_.armTimer(TimerEntry{*c.heartbeatDeadlineMs, record_.id, timer.opId,
                                          TimerKind::Heartbeat}));
        return;
      }
      message = fmt::format("callback \"{0}\" timed out: no heartbeat within {1} ms", c.name,
                              c.heartbeatTimeoutMs.value_or(0));
    } else {
      message = fmt::format("callback \"{0}\" timed out: no completion within {1} ms", c.name,
                              c.timeoutMs.value_or(0));
    }
    if (!check(timers::disarmOp(store, record_.id, timer.opId)))
      return;
    llvm::Expected<bool> changed = callbacks::timeOut(store, record_.id, timer.opId, message, now());
    if (!changed) {
      fail(changed.takeError());
      return;
    }
    if (*changed && op)
      settle(op, Result::failure(message));
    return;
  }
  }
}

// --- DurableContext forwards ---

Future DurableContext::step(std::string name, StepFn fn, StepOptions options) {
  return exec_->step(*this, std::move(name), std::move(fn), options);
}
Future DurableContext::runInChildContext(std::string name, ChildFn fn) {
  return exec_->childContext(*this, std::move(name), std::move(fn));
}
Callback DurableContext::createCallback(std::string name, CallbackOptions options) {
  return exec_->callback(*this, std::move(name), options);
}
Future DurableContext::invoke(std::string name, std::string target, json input, InvokeOptions options) {
  return exec_->invoke(*this, std::move(name), std::move(target), std::move(input), std::move(options));
}
Future DurableContext::wait(std::string name, std::chrono::milliseconds duration) {
  return exec_->wait(*this, std::move(name), duration);
}
AnyFuture DurableContext::any(std::string name, const std::vector<Future> &futures) {
  return exec_->any(*this, std::move(name), futures);
}
AnyFuture DurableContext::next(std::string name, WaitSet &set) {
  return exec_->next(*this, std::move(name), set);
}
Future DurableContext::all(std::string name, const std::vector<Future> &futures) {
  return exec_->all(*this, std::move(name), futures);
}
const std::string &DurableContext::executionName() const { return exec_->record().name; }
std::string_view DurableContext::contextId() const {
  std::string_view p = prefix_;
  return p.empty() ? p : p.substr(0, p.size() - 1);
}
bool DurableContext::isReplaying() const { return exec_->replaying(); }
Store &DurableContext::store() const { return exec_->engine().store(); }
void DurableContext::failTurn(llvm::Error error) { exec_->failTurn(std::move(error)); }
TimeMs DurableContext::now() const { return exec_->now(); }

} // namespace runtime
