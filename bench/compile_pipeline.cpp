// The whole compile pipeline (lowering + the default passes, and the plan JSON) on synthetic workflows.
//
// Benchmarks, for fan-outs, chains, random DAGs, 256-leg matrices and reusable calls:
//   BM_Compile/<shape>/<jobs>      lower + resolve-needs ... type-check-expressions
//   BM_CompilePlan/<shape>/<jobs>  the same plus writing the plan JSON
// Counters: plan jobs, edges, instances, and ns per (jobs + edges), which stays
// flat when the cost is linear (CPU time: the machine may be shared).
//
// Two more modes, for figures and for users:
//   bench_compile_pipeline --generate SHAPE N      prints the workflow YAML
//   bench_compile_pipeline --measure SHAPE N       compiles once in this process and
//                                                  prints wall time and peak RSS
#include "synthetic_workflow.h"

#include "ir/plan_json.h"
#include "passes/compile_driver.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <sys/resource.h>

namespace {

struct Outcome {
  size_t jobs = 0, edges = 0, instances = 0;
  bool ok = false;
};

/// Compiles a synthetic workflow through the default pipeline.
Outcome compile(const bench::SyntheticWorkflow &w, bool emitPlan, std::string *planOut = nullptr,
                bool timePasses = false) {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId f = sm.addFile(".github/workflows/synthetic.yml", w.yaml);
  passes::CompileOptions opts;
  opts.lower.yaml.maxFileSize = 1u << 30; // the synthetic files exceed GitHub's 1 MiB
  opts.lower.yaml.maxNodes = 100000000;   // and the node budget meant for such files
  opts.workflowFiles = w.callees;
  passes::PipelineOptions pipeline;
  pipeline.timePasses = timePasses;
  auto r = passes::compileFile(sm, f, diags, std::move(opts), pipeline);
  Outcome o;
  if (!r) {
    llvm::consumeError(r.takeError());
    return o;
  }
  if (timePasses)
    passes::printPassTimings(llvm::errs(), r->timings);
  o.ok = r->completed && !diags.hasErrors();
  for (const ir::PlanJob &j : r->unit->workflow().jobs) {
    ++o.jobs;
    o.edges += j.needs.size();
    o.instances += j.instances.size();
  }
  if (emitPlan) {
    std::string s = ir::writePlanJson(r->unit->plan);
    if (planOut)
      *planOut = std::move(s);
    benchmark::DoNotOptimize(s);
  }
  return o;
}

void run(benchmark::State &state, bench::Shape shape, bool emitPlan) {
  bench::SyntheticWorkflow w = bench::generateWorkflow(shape, size_t(state.range(0)));
  Outcome o;
  for (auto _ : state)
    o = compile(w, emitPlan);
  if (!o.ok)
    state.SkipWithError("the synthetic workflow did not compile cleanly");
  state.counters["jobs"] = double(o.jobs);
  state.counters["edges"] = double(o.edges);
  state.counters["instances"] = double(o.instances);
  state.counters["ns_per_job_edge"] =
      benchmark::Counter(double(o.jobs + o.edges), benchmark::Counter::kIsIterationInvariantRate |
                                                       benchmark::Counter::kInvert);
  state.counters["yaml_MB"] = double(w.yaml.size()) / 1e6;
}

void BM_Compile(benchmark::State &state, bench::Shape shape) { run(state, shape, false); }
void BM_CompilePlan(benchmark::State &state, bench::Shape shape) { run(state, shape, true); }

void sizes(benchmark::internal::Benchmark *b) {
  for (int n : {1000, 10000, 50000})
    b->Arg(n);
  b->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
}

BENCHMARK_CAPTURE(BM_Compile, fanout, bench::Shape::Fanout)->Apply(sizes);
BENCHMARK_CAPTURE(BM_Compile, chain, bench::Shape::Chain)->Apply(sizes);
BENCHMARK_CAPTURE(BM_Compile, dag, bench::Shape::RandomDag)->Apply(sizes);
BENCHMARK_CAPTURE(BM_Compile, matrix, bench::Shape::Matrix)->Apply(sizes);
BENCHMARK_CAPTURE(BM_Compile, calls, bench::Shape::Calls)->Apply(sizes);
BENCHMARK_CAPTURE(BM_CompilePlan, dag, bench::Shape::RandomDag)->Apply(sizes);

double peakRssMB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0; // Linux: kilobytes
}

int generateOrMeasure(int argc, char **argv) {
  bench::Shape shape;
  if (argc != 4 || !bench::parseShape(argv[2], shape)) {
    std::fprintf(stderr, "usage: %s --generate|--measure fanout|chain|dag|matrix|calls N\n", argv[0]);
    return 2;
  }
  size_t n = std::strtoull(argv[3], nullptr, 10);
  double before = peakRssMB();
  bench::SyntheticWorkflow w = bench::generateWorkflow(shape, n);
  if (std::strcmp(argv[1], "--generate") == 0) {
    std::fwrite(w.yaml.data(), 1, w.yaml.size(), stdout);
    return 0;
  }
  auto t0 = std::chrono::steady_clock::now();
  Outcome o = compile(w, false, nullptr, std::getenv("CI_TIME_PASSES") != nullptr);
  auto t1 = std::chrono::steady_clock::now();
  double compileRss = peakRssMB();
  std::string plan;
  compile(w, true, &plan);
  auto t2 = std::chrono::steady_clock::now();
  std::printf("%s %zu: %zu plan jobs, %zu edges, %zu instances, %.1f MB of YAML; compile %.0f ms "
              "(peak RSS %.0f MB), compile + plan JSON (%.1f MB) %.0f ms (peak RSS %.0f MB); "
              "%.0f MB before generating%s\n",
              argv[2], n, o.jobs, o.edges, o.instances, double(w.yaml.size()) / 1e6,
              std::chrono::duration<double, std::milli>(t1 - t0).count(), compileRss,
              double(plan.size()) / 1e6, std::chrono::duration<double, std::milli>(t2 - t1).count(),
              peakRssMB(), before, o.ok ? "" : " (errors)");
  return o.ok ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  if (argc > 1 && (std::strcmp(argv[1], "--generate") == 0 || std::strcmp(argv[1], "--measure") == 0))
    return generateOrMeasure(argc, argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
