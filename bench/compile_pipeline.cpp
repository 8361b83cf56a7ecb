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
//   bench_compile_pipeline --measure SHAPE N [RUNS]  compiles RUNS times (default 5) in
//                                                  this process and prints wall-time
//                                                  medians and peak RSS
#include "synthetic_workflow.h"

#include "ir/plan_json.h"
#include "passes/compile_driver.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <sys/resource.h>
#include <time.h>
#include <vector>

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

/// CPU time of this process in ms (the machine may be shared: wall time then
/// includes waiting for a core).
double cpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int generateOrMeasure(int argc, char **argv) {
  bench::Shape shape;
  if ((argc != 4 && argc != 5) || !bench::parseShape(argv[2], shape)) {
    std::fprintf(stderr, "usage: %s --generate fanout|chain|dag|matrix|calls N\n"
                         "       %s --measure fanout|chain|dag|matrix|calls N [RUNS]\n",
                 argv[0], argv[0]);
    return 2;
  }
  size_t n = std::strtoull(argv[3], nullptr, 10);
  int runs = argc == 5 ? std::max(1, std::atoi(argv[4])) : 5;
  double before = peakRssMB();
  bench::SyntheticWorkflow w = bench::generateWorkflow(shape, n);
  if (std::strcmp(argv[1], "--generate") == 0) {
    std::fwrite(w.yaml.data(), 1, w.yaml.size(), stdout);
    return 0;
  }
  double generated = peakRssMB();
  // Compile RUNS times (one unit alive at a time), then RUNS times with the
  // plan JSON; wall-clock medians. Peak RSS is the process's high-water mark:
  // it includes the generated YAML text (`generated` below).
  std::vector<double> compileMs, compileCpuMs, planMs;
  Outcome o;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpuMs();
    o = compile(w, false, nullptr, i == 0 && std::getenv("CI_TIME_PASSES") != nullptr);
    compileCpuMs.push_back(cpuMs() - c0);
    compileMs.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  double compileRss = peakRssMB();
  std::string plan;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    compile(w, true, &plan);
    planMs.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::printf("%s %zu: %zu plan jobs, %zu edges, %zu instances, %.1f MB of YAML; %d runs: "
              "compile median %.0f ms (min %.0f, max %.0f; CPU median %.0f ms), peak RSS %.0f MB; "
              "compile + plan JSON (%.1f MB) median %.0f ms, peak RSS %.0f MB; "
              "%.0f MB before generating, %.0f MB after%s\n",
              argv[2], n, o.jobs, o.edges, o.instances, double(w.yaml.size()) / 1e6, runs,
              median(compileMs), *std::min_element(compileMs.begin(), compileMs.end()),
              *std::max_element(compileMs.begin(), compileMs.end()), median(compileCpuMs), compileRss,
              double(plan.size()) / 1e6, median(planMs), peakRssMB(), before, generated,
              o.ok ? "" : " (errors)");
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
