// Fan-out of N jobs completed one callback per wake, with durable writes: total CPU and
// wall time, turns, and journal bytes per operation. Figures: docs/performance.md.
#include "runtime_bench_util.h"

#include <benchmark/benchmark.h>

using namespace runtime;

static void BM_FanOutOneCompletionPerWake(benchmark::State &state) {
  int n = static_cast<int>(state.range(0));
  int64_t ops = 0, bytes = 0, dbBytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string path = rbench::scratchStore("fanout-" + std::to_string(n));
    std::vector<std::string> tokens;
    {
      EngineOptions o;
      o.storePath = path;
      o.watchStore = false;
      o.defaultOpBudget = 10 * n + 10;
      auto engine = Engine::open(o);
      if (!engine) {
        state.SkipWithError(llvm::toString(engine.takeError()).c_str());
        return;
      }
      (*engine)->registerOrchestrator("fan", rbench::fanOut(&tokens));
      state.ResumeTiming();
      auto rec = (*engine)->start({"run", "fan", json{{"jobs", n}}});
      if (!rec) {
        state.SkipWithError(llvm::toString(rec.takeError()).c_str());
        return;
      }
      // The provider completes the jobs in reverse dispatch order, one per wake.
      for (size_t i = tokens.size(); i-- > 0;)
        if (llvm::Error e = (*engine)->completeCallback(tokens[i], json{{"exit", 0}})) {
          state.SkipWithError(llvm::toString(std::move(e)).c_str());
          return;
        }
      state.PauseTiming();
      auto done = (*engine)->execution("run");
      if (!done || !*done || (*done)->status != ExecStatus::Succeeded) {
        state.SkipWithError("the run did not succeed");
        return;
      }
      auto st = journal::stats((*engine)->store(), (*done)->id);
      if (st) {
        ops = st->first;
        bytes = st->second;
      }
      (void)(*engine)->store().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    dbBytes = rbench::fileSize(path);
    rbench::removeStore(path);
    state.ResumeTiming();
  }
  state.counters["jobs"] = n;
  state.counters["ops"] = static_cast<double>(ops);
  state.counters["payload_B/op"] = ops ? static_cast<double>(bytes) / static_cast<double>(ops) : 0;
  state.counters["db_B/op"] = ops ? static_cast<double>(dbBytes) / static_cast<double>(ops) : 0;
  state.counters["us/job"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_FanOutOneCompletionPerWake)->Arg(100)->Arg(500)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(1)->MeasureProcessCPUTime()->UseRealTime();

BENCHMARK_MAIN();
