// The engine: turns (one transaction per event), hydration by replay, the wait loop.
#include "runtime/engine.h"

#include "runtime/callbacks.h"
#include "runtime/execution.h"
#include "runtime/inbox.h"
#include "runtime/journal.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <thread>

namespace runtime {

llvm::Expected<std::unique_ptr<Engine>> Engine::open(EngineOptions options) {
  std::unique_ptr<Engine> engine(new Engine(std::move(options)));
  const std::string &path = engine->options_.storePath;
  llvm::StringRef dir = llvm::sys::path::parent_path(path);
  if (!dir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(dir))
      return llvm::createStringError(ec, "cannot create the store directory %s: %s",
                                     dir.str().c_str(), ec.message().c_str());
  if (engine->options_.exclusive) {
    std::string lockPath = path + ".lock";
    engine->lockFd_ = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (engine->lockFd_ < 0)
      return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                     "cannot create the engine lock %s", lockPath.c_str());
    if (flock(engine->lockFd_, LOCK_EX | LOCK_NB) != 0)
      return llvm::createStringError(
          std::errc::resource_unavailable_try_again,
          "another process is running the executions of store %s (it holds %s); "
          "wait for it to finish, or send it callbacks instead",
          path.c_str(), lockPath.c_str());
  }
  llvm::Expected<std::unique_ptr<Store>> store = Store::open(path, engine->options_.store);
  if (!store)
    return store.takeError();
  engine->store_ = std::move(*store);
  if (engine->options_.clock) {
    engine->clock_ = engine->options_.clock;
  } else {
    engine->ownedClock_ = std::make_unique<RealClock>();
    engine->clock_ = engine->ownedClock_.get();
  }
  if (engine->options_.watchStore) {
    llvm::Expected<std::unique_ptr<Notifier>> n = Notifier::watch(path);
    if (!n)
      return n.takeError();
    engine->notifier_ = std::move(*n);
  }
  llvm::Expected<std::vector<TimerEntry>> armed = timers::loadAll(*engine->store_);
  if (!armed)
    return armed.takeError();
  for (TimerEntry &t : *armed)
    engine->heap_.push(std::move(t));
  return engine;
}

Engine::~Engine() {
  cache_.clear(); // destroy coroutine frames before the store they may reference
  store_.reset();
  if (lockFd_ >= 0)
    ::close(lockFd_);
}

void Engine::registerOrchestrator(std::string name, OrchestratorFn fn) {
  orchestrators_[name] = std::move(fn);
}

const OrchestratorFn *Engine::orchestrator(llvm::StringRef name) const {
  auto it = orchestrators_.find(name);
  return it == orchestrators_.end() ? nullptr : &it->second;
}

llvm::Error Engine::armTimer(const TimerEntry &timer) {
  if (llvm::Error e = timers::arm(*store_, timer))
    return e;
  heap_.push(timer);
  return llvm::Error::success();
}

void Engine::queueStart(int64_t executionId) {
  Event ev(Event::Start);
  ev.executionId = executionId;
  queue_.push_back(std::move(ev));
}

void Engine::queueSettled(int64_t executionId, std::string opId) {
  Event ev(Event::Settled);
  ev.executionId = executionId;
  ev.opId = std::move(opId);
  queue_.push_back(std::move(ev));
}

void Engine::evict(int64_t executionId) {
  if (cache_.remove(executionId))
    ++stats_.evictions;
}

llvm::Expected<LiveExecution *> Engine::acquire(int64_t executionId) {
  touched_ = executionId;
  if (LiveExecution *live = cache_.find(executionId))
    return live;
  llvm::Expected<std::optional<ExecutionRecord>> rec = executions::byId(*store_, executionId);
  if (!rec)
    return rec.takeError();
  if (!*rec || (*rec)->finished())
    return nullptr;
  const OrchestratorFn *fn = orchestrator((*rec)->orchestrator);
  if (!fn)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "execution \"%s\" runs the orchestrator \"%s\", which this "
                                   "program does not provide",
                                   (*rec)->name.c_str(), (*rec)->orchestrator.c_str());
  auto exec = std::make_unique<LiveExecution>(*this, std::move(**rec));
  if (llvm::Error e = exec->load())
    return e;
  if (exec->replaying())
    ++stats_.hydrations;
  LiveExecution *live = cache_.insert(executionId, std::move(exec));
  stats_.evictions += cache_.evictOverflow(executionId);
  live->startRoot(*fn);
  live->drain(); // replays up to the first suspension
  return live;
}

llvm::Error Engine::finishTurn(LiveExecution &exec) {
  exec.drain();
  if (exec.ioError())
    return llvm::createStringError(std::errc::io_error, "%s", exec.ioError()->c_str());
  if (!exec.ended())
    return llvm::Error::success();
  Result outcome = exec.outcome();
  ExecutionRecord rec = exec.record();
  TimeMs now = clock_->now();
  llvm::Expected<bool> finished = executions::finish(*store_, rec.id, outcome, now);
  if (!finished)
    return finished.takeError();
  if (llvm::Error e = callbacks::cancelAll(*store_, rec.id, now))
    return e;
  if (llvm::Error e = timers::disarmExecution(*store_, rec.id))
    return e;
  if (rec.parentId && rec.parentOp) {
    llvm::Expected<bool> settled = journal::settle(*store_, *rec.parentId, *rec.parentOp, outcome, now);
    if (!settled)
      return settled.takeError();
    queueSettled(*rec.parentId, *rec.parentOp);
  }
  cache_.remove(rec.id);
  return llvm::Error::success();
}

llvm::Error Engine::applySettled(int64_t executionId, llvm::StringRef opId) {
  llvm::Expected<std::optional<OpRecord>> rec = journal::get(*store_, executionId, opId);
  if (!rec)
    return rec.takeError();
  if (!*rec || !(*rec)->settled())
    return llvm::Error::success();
  llvm::Expected<LiveExecution *> exec = acquire(executionId);
  if (!exec)
    return exec.takeError();
  if (!*exec)
    return llvm::Error::success();
  (*exec)->settleFromStore(**rec);
  return finishTurn(**exec);
}

llvm::Error Engine::applyEvent(const Event &ev) {
  switch (ev.kind) {
  case Event::Start: {
    llvm::Expected<LiveExecution *> exec = acquire(ev.executionId);
    if (!exec)
      return exec.takeError();
    return *exec ? finishTurn(**exec) : llvm::Error::success();
  }
  case Event::Settled:
    if (ev.inboxId)
      if (llvm::Error e = inbox::remove(*store_, ev.inboxId))
        return e;
    return applySettled(ev.executionId, ev.opId);
  case Event::Timer: {
    llvm::Expected<std::optional<TimeMs>> due =
        timers::due(*store_, ev.timer.executionId, ev.timer.opId, ev.timer.kind);
    if (!due)
      return due.takeError();
    if (!*due || **due != ev.timer.dueMs)
      return llvm::Error::success(); // disarmed or re-armed since
    llvm::Expected<LiveExecution *> exec = acquire(ev.timer.executionId);
    if (!exec)
      return exec.takeError();
    if (!*exec)
      return timers::disarm(*store_, ev.timer.executionId, ev.timer.opId, ev.timer.kind);
    (*exec)->onTimer(ev.timer);
    return finishTurn(**exec);
  }
  case Event::Deliver: {
    if (!ev.outcome)
      return callbacks::heartbeat(*store_, ev.token, clock_->now());
    llvm::Expected<Delivery> d =
        callbacks::deliver(*store_, ev.token, *ev.outcome, clock_->now(), /*postToInbox=*/false);
    if (!d)
      return d.takeError();
    return applySettled(d->executionId, d->opId);
  }
  }
  return llvm::Error::success();
}

llvm::Error Engine::processEvent(const Event &ev) {
  if (ev.kind == Event::Timer) {
    // Disarmed timers leave their heap entry (a settled callback's timeout): skip them
    // with one read instead of an empty write transaction. applyEvent checks again
    // inside the turn.
    llvm::Expected<std::optional<TimeMs>> due =
        timers::due(*store_, ev.timer.executionId, ev.timer.opId, ev.timer.kind);
    if (!due)
      return due.takeError();
    if (!*due || **due != ev.timer.dueMs)
      return llvm::Error::success();
  }
  if (llvm::Error e = store_->begin())
    return e;
  inTurn_ = true;
  touched_ = 0;
  llvm::Error err = applyEvent(ev);
  if (!err && ev.alsoInTurn)
    err = (*ev.alsoInTurn)();
  inTurn_ = false;
  if (!err)
    err = store_->commit();
  else
    store_->rollback();
  if (err) {
    // The execution's memory may be ahead of the store: drop it; replay rebuilds it.
    if (touched_)
      evict(touched_);
    return err;
  }
  ++stats_.turns;
  return llvm::Error::success();
}

llvm::Error Engine::drainQueue() {
  while (!queue_.empty()) {
    Event ev = std::move(queue_.front());
    queue_.pop_front();
    if (llvm::Error e = processEvent(ev))
      return e;
  }
  return llvm::Error::success();
}

llvm::Expected<ExecutionRecord> Engine::start(StartRequest request) {
  if (inTurn_)
    return llvm::createStringError(std::errc::operation_not_permitted,
                                   "start cannot be called from inside a step; use invoke");
  if (!orchestrator(request.orchestrator))
    return llvm::createStringError(std::errc::invalid_argument,
                                   "no orchestrator named \"%s\" is registered",
                                   request.orchestrator.c_str());
  if (request.opBudget <= 0)
    request.opBudget = options_.defaultOpBudget;
  int64_t id = 0;
  if (llvm::Error e = store_->begin())
    return e;
  inTurn_ = true;
  touched_ = 0;
  llvm::Error err = [&]() -> llvm::Error {
    llvm::Expected<std::pair<ExecutionRecord, bool>> rec =
        executions::createOrGet(*store_, request, clock_->now());
    if (!rec)
      return rec.takeError();
    id = rec->first.id;
    if (rec->first.finished())
      return llvm::Error::success();
    llvm::Expected<LiveExecution *> exec = acquire(id);
    if (!exec)
      return exec.takeError();
    return *exec ? finishTurn(**exec) : llvm::Error::success();
  }();
  inTurn_ = false;
  if (!err)
    err = store_->commit();
  else
    store_->rollback();
  if (err) {
    if (touched_)
      evict(touched_);
    return err;
  }
  ++stats_.turns;
  if (llvm::Error e = drainQueue())
    return e;
  llvm::Expected<std::optional<ExecutionRecord>> rec = executions::byId(*store_, id);
  if (!rec)
    return rec.takeError();
  assert(*rec);
  return std::move(**rec);
}

llvm::Error Engine::deliverNow(llvm::StringRef token, std::optional<Result> outcome,
                               const std::function<llvm::Error()> *alsoInTurn) {
  if (inTurn_) {
    // From a step body: part of the current turn's transaction, handled after it.
    TimeMs now = clock_->now();
    if (!outcome)
      return callbacks::heartbeat(*store_, token, now);
    llvm::Expected<Delivery> d = callbacks::deliver(*store_, token, *outcome, now, false);
    if (!d)
      return d.takeError();
    queueSettled(d->executionId, d->opId);
    return alsoInTurn ? (*alsoInTurn)() : llvm::Error::success();
  }
  Event ev(Event::Deliver);
  ev.token = token.str();
  ev.outcome = std::move(outcome);
  ev.alsoInTurn = alsoInTurn;
  if (llvm::Error e = processEvent(ev))
    return e;
  return drainQueue();
}

llvm::Error Engine::completeCallback(llvm::StringRef token, json value) {
  return deliverNow(token, Result::success(std::move(value)));
}
llvm::Error Engine::completeCallback(llvm::StringRef token, json value,
                                     const std::function<llvm::Error()> &alsoInTurn) {
  return deliverNow(token, Result::success(std::move(value)), &alsoInTurn);
}
llvm::Error Engine::failCallback(llvm::StringRef token, std::string message) {
  return deliverNow(token, Result::failure(std::move(message)));
}
llvm::Error Engine::heartbeat(llvm::StringRef token) { return deliverNow(token, std::nullopt); }

llvm::Error Engine::resumeAll() {
  llvm::Expected<std::vector<ExecutionRecord>> running = executions::running(*store_);
  if (!running)
    return running.takeError();
  for (const ExecutionRecord &rec : *running)
    if (!cache_.contains(rec.id))
      queueStart(rec.id);
  return runUntilIdle();
}

llvm::Error Engine::runUntilIdle() {
  while (true) {
    if (llvm::Error e = drainQueue())
      return e;
    llvm::Expected<std::vector<InboxEntry>> entries = inbox::read(*store_, 0);
    if (!entries)
      return entries.takeError();
    for (InboxEntry &entry : *entries) {
      Event ev(Event::Settled);
      ev.executionId = entry.executionId;
      ev.opId = std::move(entry.opId);
      ev.inboxId = entry.id;
      queue_.push_back(std::move(ev));
    }
    TimeMs now = clock_->now();
    while (!heap_.empty() && heap_.top().dueMs <= now) {
      Event ev(Event::Timer);
      ev.timer = heap_.pop();
      queue_.push_back(std::move(ev));
    }
    if (queue_.empty())
      return llvm::Error::success();
  }
}

llvm::Expected<bool> Engine::runUntil(const std::function<bool()> &done, int64_t maxIdleMs) {
  while (true) {
    if (llvm::Error e = runUntilIdle())
      return e;
    if (done())
      return true;
    std::optional<TimeMs> next;
    if (!heap_.empty())
      next = heap_.top().dueMs;
    if (clock_->isVirtual()) {
      if (next && clock_->autoAdvances()) {
        clock_->advanceTo(*next);
        continue;
      }
      if (!notifier_ || !notifier_->wait(maxIdleMs))
        return false;
      continue;
    }
    int64_t timeout = next ? std::max<int64_t>(0, *next - clock_->now()) : -1;
    bool limited = false;
    if (maxIdleMs >= 0 && (timeout < 0 || timeout > maxIdleMs)) {
      timeout = maxIdleMs;
      limited = true;
    }
    if (timeout < 0 && !notifier_)
      return false;
    bool woken = false;
    if (notifier_)
      woken = notifier_->wait(timeout);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(timeout));
    if (!woken && limited)
      return false;
  }
}

bool Engine::waitForNotification(int64_t timeoutMs) {
  if (notifier_)
    return notifier_->wait(timeoutMs);
  if (timeoutMs > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(timeoutMs));
  return false;
}

llvm::Expected<std::optional<ExecutionRecord>> Engine::execution(llvm::StringRef name) {
  return executions::byName(*store_, name);
}

llvm::Expected<ExecutionRecord> Engine::runToCompletion(llvm::StringRef name, int64_t maxIdleMs) {
  llvm::Expected<std::optional<ExecutionRecord>> rec = execution(name);
  if (!rec)
    return rec.takeError();
  if (!*rec)
    return llvm::createStringError(std::errc::invalid_argument, "no execution named \"%s\"",
                                   name.str().c_str());
  int64_t id = (*rec)->id;
  std::optional<ExecutionRecord> last;
  llvm::Error readError = llvm::Error::success();
  llvm::Expected<bool> ok = runUntil([&] {
    if (cache_.contains(id))
      return false;
    llvm::Expected<std::optional<ExecutionRecord>> r = executions::byId(*store_, id);
    if (!r) {
      llvm::consumeError(r.takeError());
      return false;
    }
    last = **r;
    return last->finished();
  }, maxIdleMs);
  llvm::consumeError(std::move(readError));
  if (!ok)
    return ok.takeError();
  if (!*ok)
    return llvm::createStringError(std::errc::timed_out,
                                   "execution \"%s\" is still running: nothing happened for %lld ms",
                                   name.str().c_str(), static_cast<long long>(maxIdleMs));
  return std::move(*last);
}

} // namespace runtime
