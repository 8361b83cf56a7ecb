// Journal write cost per operation: steps journaled inside one turn (insert cost), and
// one step per turn (insert + commit), with the default durable settings.
#include "runtime_bench_util.h"

#include <benchmark/benchmark.h>

using namespace runtime;

/// One execution runs `batch` steps per turn, waiting on a callback between batches.
static void BM_JournalStep(benchmark::State &state) {
  int batch = static_cast<int>(state.range(0));
  std::string path = rbench::scratchStore("journal-" + std::to_string(batch));
  EngineOptions o;
  o.storePath = path;
  o.watchStore = false;
  o.defaultOpBudget = 1 << 30;
  auto engine = Engine::open(o);
  if (!engine) {
    state.SkipWithError(llvm::toString(engine.takeError()).c_str());
    return;
  }
  std::string token;
  (*engine)->registerOrchestrator("steps", [&token, batch](DurableContext &ctx, const json &) -> Task<Result> {
    for (int round = 0;; ++round) {
      for (int i = 0; i < batch; ++i) {
        Future f = ctx.step("s", [](StepContext &) { return Result::success(json{{"ok", true}}); });
        co_await f;
      }
      Callback cb = ctx.createCallback("next");
      token = cb.token;
      co_await cb.future;
    }
  });
  if (!(*engine)->start({"bench", "steps", {}})) {
    state.SkipWithError("start failed");
    return;
  }
  for (auto _ : state)
    if (llvm::Error e = (*engine)->completeCallback(token, nullptr)) {
      state.SkipWithError(llvm::toString(std::move(e)).c_str());
      return;
    }
  // Each iteration is one turn: `batch` steps + 1 callback created + 1 settled.
  state.SetItemsProcessed(state.iterations() * (batch + 1));
  state.counters["ops/turn"] = batch + 1;
  engine->reset();
  rbench::removeStore(path);
}
BENCHMARK(BM_JournalStep)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
