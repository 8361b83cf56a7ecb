/// \file
/// The API an orchestrator is written against, mirroring AWS Lambda durable functions
/// (`@aws/durable-execution-sdk-js`): step, runInChildContext, createCallback, invoke,
/// wait, and the any/all combinators.
///
/// An orchestrator is a C++20 coroutine `Task<Result>(DurableContext &, const json &)`.
/// Every call below creates one journaled operation whose id is positional: the n-th
/// operation of the root context is "n", the m-th operation of the child context with
/// id "n" is "n-m". Ids are assigned when the method is called, so operations must be
/// created in a deterministic order (the same inputs and journal give the same calls).
/// On replay each call is matched against the journal by id; a different type or name
/// fails the execution with a nondeterminism error naming the operation and what differed.
///
/// Nothing here blocks: a method returns a future at once. A step runs its body during
/// the call (its result is journaled); the other operations settle later, from a
/// callback, a timer or a child.
#pragma once

#include "runtime/clock.h"
#include "runtime/future.h"
#include "runtime/result.h"
#include "runtime/task.h"

#include "llvm/Support/Error.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtime {

class LiveExecution;
class Store;
class DurableContext;

/// What a step body sees.
struct StepContext {
  std::string_view executionName;
  std::string_view opId;
  int attempt;  ///< 1 for the first attempt
  TimeMs now;
  /// The store, inside the transaction of the current turn: rows a step writes here
  /// commit atomically with its journal entry (exactly-once side effects in the store).
  Store &store;
};

struct StepOptions {
  RetryPolicy retry;
};

struct CallbackOptions {
  /// Fails the callback (and wakes the orchestrator) if no completion arrives in time.
  std::optional<std::chrono::milliseconds> timeout;
  /// Fails the callback if no heartbeat (or completion) arrives for this long.
  std::optional<std::chrono::milliseconds> heartbeatTimeout;
};

/// A created callback: the future that settles on completion, failure or timeout,
/// and the token to hand to whoever completes it.
struct Callback {
  Future future;
  std::string token;
};

struct InvokeOptions {
  /// Name of the child execution; default "<parent name>/<operation id>". Starting is
  /// idempotent by name: invoking an existing execution waits for it.
  std::string executionName;
  /// Operation budget of the child (0: the engine's default).
  int64_t opBudget = 0;
};

using ChildFn = std::function<Task<Result>(DurableContext &)>;

class DurableContext {
public:
  DurableContext(LiveExecution &exec, std::string prefix) : exec_(&exec), prefix_(std::move(prefix)) {}

  /// Runs `fn` now (unless the journal already holds its result) and journals its
  /// outcome. A failure is retried per `options.retry` after a durable backoff timer.
  Future step(std::string name, StepFn fn, StepOptions options = {});
  /// Runs `fn` as a coroutine in a child context with its own operation ids
  /// ("<id>-1", ...). Its result is journaled: once it has finished, replay returns the
  /// result without running the child again.
  Future runInChildContext(std::string name, ChildFn fn);
  /// Creates a callback with an unguessable token. It settles when somebody completes
  /// it (`Engine::completeCallback`, `ci-exec callback`), fails it, or lets it time out.
  Callback createCallback(std::string name, CallbackOptions options = {});
  /// Starts (or joins, by name) a child execution of the orchestrator `target` with
  /// `input`; settles with the child's result.
  Future invoke(std::string name, std::string target, json input, InvokeOptions options = {});
  /// A durable timer.
  Future wait(std::string name, std::chrono::milliseconds duration);
  /// Settles when the first of `futures` settles, with its index (journaled, so replay
  /// picks the same one). Costs O(len(futures)) without allocation or reference
  /// counting per input, so a loop over N outstanding jobs stays cheap.
  AnyFuture any(std::string name, const std::vector<Future> &futures);
  /// Settles with the next member of `set` to have settled (its index in the set and
  /// its outcome), each member once; journaled like `any` (type `any`, the winner's
  /// index). Fails at once when every member has been handed out. O(1) per call.
  AnyFuture next(std::string name, WaitSet &set);
  /// Settles when all of `futures` succeeded (value: the array of their values) or
  /// when the first one fails (with its message).
  Future all(std::string name, const std::vector<Future> &futures);

  const std::string &executionName() const;
  /// The store, for writes that belong to the current turn's transaction without being
  /// operations: an orchestrator's projection of its state into tables that other
  /// processes read. They must be idempotent (replay may repeat them), and should be
  /// skipped while `isReplaying()`.
  Store &store() const;
  /// Fails the current turn with an operational error (a failed projection write): the
  /// turn rolls back and the execution is dropped from memory, to be re-run from its
  /// journal on its next event.
  void failTurn(llvm::Error error);
  /// "" for the root context, else the id of the child-context operation.
  std::string_view contextId() const;
  /// True while operations are being matched against the journal.
  bool isReplaying() const;
  TimeMs now() const;

private:
  friend class LiveExecution;
  std::string nextId() { return prefix_ + std::to_string(++counter_); }

  LiveExecution *exec_;
  std::string prefix_; ///< "" for the root, "<id>-" for a child
  uint32_t counter_ = 0;
};

} // namespace runtime
