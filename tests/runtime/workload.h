// A fan-out workload for crash and simulation tests: steps with transactional effects,
// child contexts with callbacks, any() in a loop, waits.
#pragma once

#include "runtime/engine.h"

#include <chrono>
#include <string>

namespace rtest {

/// Tables the workload's step bodies write in the turn's transaction.
inline llvm::Error ensureWorkloadSchema(runtime::Store &store) {
  return store.ensureSchema(
      "test-workload",
      {"CREATE TABLE effects (execution TEXT NOT NULL, op_id TEXT NOT NULL, attempt INTEGER NOT NULL);"
       "CREATE TABLE outbox (token TEXT PRIMARY KEY, job INTEGER NOT NULL);"});
}

/// Records that a step body ran, in the current transaction.
inline runtime::Result recordEffect(runtime::StepContext &sc) {
  llvm::Error e = sc.store.stmt("INSERT INTO effects(execution, op_id, attempt) VALUES (?, ?, ?)")
                      .bind(1, llvm::StringRef(sc.executionName.data(), sc.executionName.size()))
                      .bind(2, llvm::StringRef(sc.opId.data(), sc.opId.size()))
                      .bind(3, int64_t(sc.attempt))
                      .run();
  if (e)
    return runtime::Result::failure(llvm::toString(std::move(e)));
  return runtime::Result::success();
}

struct WorkloadOptions {
  /// Complete each job's callback from its dispatch step (in-process, same turn).
  bool selfComplete = true;
  /// Callback timeout in ms (0: none).
  int64_t callbackTimeoutMs = 0;
};

/// The value a job completes with.
inline runtime::json jobValue(int i) { return runtime::json{{"job", i}, {"v", i * i}}; }

/// input {"jobs": N}. Result {"results": {"job-i": value or error}, "summary": N}.
inline runtime::OrchestratorFn workload(runtime::Engine *engine, WorkloadOptions options) {
  using namespace runtime;
  return [engine, options](DurableContext &ctx, const json &input) -> Task<Result> {
    int n = input.value("jobs", 10);
    Future plan = ctx.step("plan", [](StepContext &sc) { return recordEffect(sc); });
    co_await plan;
    std::vector<Future> jobs;
    for (int i = 0; i < n; ++i) {
      jobs.push_back(ctx.runInChildContext("job-" + std::to_string(i), [engine, options, i](DurableContext &child) -> Task<Result> {
        CallbackOptions co;
        if (options.callbackTimeoutMs > 0)
          co.timeout = std::chrono::milliseconds(options.callbackTimeoutMs);
        Callback cb = child.createCallback("done", co);
        std::string token = cb.token;
        Future dispatch = child.step("dispatch", [engine, options, token, i](StepContext &sc) {
          Result r = recordEffect(sc);
          if (!r)
            return r;
          if (llvm::Error e = sc.store.stmt("INSERT INTO outbox(token, job) VALUES (?, ?)")
                                  .bind(1, token)
                                  .bind(2, int64_t(i))
                                  .run())
            return Result::failure(llvm::toString(std::move(e)));
          if (options.selfComplete)
            if (llvm::Error e = engine->completeCallback(token, jobValue(i)))
              return Result::failure(llvm::toString(std::move(e)));
          return Result::success();
        });
        co_await dispatch;
        Result r = co_await cb.future;
        if (i % 3 == 0) {
          Future post = child.step("post", [](StepContext &sc) { return recordEffect(sc); });
          co_await post;
        }
        co_return r;
      }));
    }
    std::vector<size_t> outstanding;
    for (int i = 0; i < n; ++i)
      outstanding.push_back(static_cast<size_t>(i));
    json results = json::object();
    int round = 0;
    while (!outstanding.empty()) {
      std::vector<Future> waiting;
      for (size_t i : outstanding)
        waiting.push_back(jobs[i]);
      AnyFuture next = ctx.any("next-" + std::to_string(round), std::move(waiting));
      Selected s = co_await next;
      size_t job = outstanding[s.index];
      results["job-" + std::to_string(job)] = s.result.ok() ? s.result.value() : json(s.result.error());
      outstanding.erase(outstanding.begin() + static_cast<long>(s.index));
      if (++round % 5 == 0) {
        Future tick = ctx.wait("tick-" + std::to_string(round), std::chrono::milliseconds(1));
        co_await tick;
      }
    }
    Future summary = ctx.step("summarize", [](StepContext &sc) { return recordEffect(sc); });
    co_await summary;
    co_return Result::success(json{{"results", results}, {"summary", n}});
  };
}

} // namespace rtest
