// Recovery: time to open the store and replay an unfinished execution with a
// 10,000-operation journal (no step body runs again). Target: < 0.5 s.
#include "runtime_bench_util.h"

#include <benchmark/benchmark.h>

using namespace runtime;

namespace {
/// Builds a store holding a running fan-out whose journal has about `ops` operations
/// (4 per job), all but one job finished.
std::string buildJournal(int ops, int64_t *journalOps) {
  std::string path = rbench::scratchStore("recovery-" + std::to_string(ops));
  std::vector<std::string> tokens;
  EngineOptions o;
  o.storePath = path;
  o.watchStore = false;
  o.defaultOpBudget = ops + 100;
  auto engine = Engine::open(o);
  if (!engine)
    return "";
  (*engine)->registerOrchestrator("fan", rbench::fanOut(&tokens));
  int jobs = ops / 4;
  auto rec = (*engine)->start({"run", "fan", json{{"jobs", jobs}}});
  if (!rec)
    return "";
  for (size_t i = 0; i + 1 < tokens.size(); ++i)
    if (llvm::Error e = (*engine)->completeCallback(tokens[i], json{{"exit", 0}})) {
      llvm::consumeError(std::move(e));
      return "";
    }
  auto st = journal::stats((*engine)->store(), rec->id);
  *journalOps = st ? st->first : 0;
  if (!st)
    llvm::consumeError(st.takeError());
  return path;
}
} // namespace

static void BM_RecoverByReplay(benchmark::State &state) {
  int64_t ops = 0;
  std::string path = buildJournal(static_cast<int>(state.range(0)), &ops);
  if (path.empty()) {
    state.SkipWithError("could not build the journal");
    return;
  }
  uint64_t replayed = 0;
  for (auto _ : state) {
    std::vector<std::string> tokens;
    EngineOptions o;
    o.storePath = path;
    o.watchStore = false;
    auto engine = Engine::open(o);
    if (!engine) {
      state.SkipWithError(llvm::toString(engine.takeError()).c_str());
      return;
    }
    (*engine)->registerOrchestrator("fan", rbench::fanOut(&tokens));
    if (llvm::Error e = (*engine)->resumeAll()) {
      state.SkipWithError(llvm::toString(std::move(e)).c_str());
      return;
    }
    replayed = (*engine)->stats().replayedOps;
    if (!tokens.empty() || !(*engine)->isLive(1))
      state.SkipWithError("replay ran a step body or did not leave the execution live");
  }
  state.counters["journal_ops"] = static_cast<double>(ops);
  state.counters["replayed_ops"] = static_cast<double>(replayed);
  rbench::removeStore(path);
}
BENCHMARK(BM_RecoverByReplay)->Arg(10000)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

/// The worst case: `ops` - 1 steps in the root context, then a pending callback; every
/// operation is matched against the journal on replay.
static void BM_RecoverSequentialSteps(benchmark::State &state) {
  int n = static_cast<int>(state.range(0));
  std::string path = rbench::scratchStore("recovery-seq-" + std::to_string(n));
  int bodies = 0;
  auto orchestrator = [&bodies, n](DurableContext &ctx, const json &) -> Task<Result> {
    for (int i = 0; i + 1 < n; ++i) {
      Future f = ctx.step("step", [&bodies, i](StepContext &) {
        ++bodies;
        return Result::success(json{{"i", i}});
      });
      co_await f;
    }
    Callback cb = ctx.createCallback("last");
    co_return co_await cb.future;
  };
  {
    EngineOptions o;
    o.storePath = path;
    o.watchStore = false;
    o.defaultOpBudget = n;
    auto engine = Engine::open(o);
    if (!engine) {
      state.SkipWithError(llvm::toString(engine.takeError()).c_str());
      return;
    }
    (*engine)->registerOrchestrator("seq", orchestrator);
    if (!(*engine)->start({"run", "seq", {}})) {
      state.SkipWithError("start failed");
      return;
    }
  }
  uint64_t replayed = 0;
  for (auto _ : state) {
    bodies = 0;
    EngineOptions o;
    o.storePath = path;
    o.watchStore = false;
    auto engine = Engine::open(o);
    if (!engine) {
      state.SkipWithError(llvm::toString(engine.takeError()).c_str());
      return;
    }
    (*engine)->registerOrchestrator("seq", orchestrator);
    if (llvm::Error e = (*engine)->resumeAll()) {
      state.SkipWithError(llvm::toString(std::move(e)).c_str());
      return;
    }
    replayed = (*engine)->stats().replayedOps;
    if (bodies != 0)
      state.SkipWithError("replay ran a step body");
  }
  state.counters["journal_ops"] = n;
  state.counters["replayed_ops"] = static_cast<double>(replayed);
  rbench::removeStore(path);
}
BENCHMARK(BM_RecoverSequentialSteps)->Arg(10000)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

BENCHMARK_MAIN();
