// Overhead of the local provider over bare processes: `ci-exec run --provider local` of
// workflows with trivial `run: true` steps (1, 100, 1,000 jobs of one step; one job of
// 1, 100, 1,000 steps), against `bash -e` running the same script file directly.
// Figures and how to read them: docs/performance.md ("Running jobs locally").
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

fs::path binDir() {
  std::error_code ec;
  return fs::read_symlink("/proc/self/exe", ec).parent_path();
}

/// A scratch git repository holding one workflow; returns its directory.
std::string makeRepo(const std::string &name, const std::string &workflow) {
  fs::path dir = fs::temp_directory_path() / ("ci-exec-bench-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "wf.yml") << workflow;
  std::string cmd = "cd '" + dir.string() + "' && git init -q && git add -A && git -c user.email=b@b -c user.name=b commit -qm b";
  if (std::system(cmd.c_str()) != 0)
    return "";
  return dir.string();
}

std::string jobsWorkflow(int jobs, int steps) {
  std::string wf = "on: push\njobs:\n";
  for (int j = 0; j < jobs; ++j) {
    wf += "  j" + std::to_string(j) + ":\n    runs-on: ubuntu-latest\n    steps:\n";
    for (int s = 0; s < steps; ++s)
      wf += "      - run: true\n";
  }
  return wf;
}

double seconds(const std::function<void()> &fn) {
  auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The bare cost of one step's process: `bash -e FILE` where FILE holds `true`.
double bareBashSeconds(int n) {
  fs::path script = fs::temp_directory_path() / ("ci-exec-bench-true-" + std::to_string(::getpid()) + ".sh");
  std::ofstream(script) << "true\n";
  double t = seconds([&] {
    for (int i = 0; i < n; ++i) {
      pid_t pid = ::fork();
      if (pid == 0) {
        ::execl("/bin/bash", "bash", "-e", script.c_str(), (char *)nullptr);
        ::_exit(127);
      }
      int st;
      ::waitpid(pid, &st, 0);
    }
  });
  fs::remove(script);
  return t / n;
}

double runOnce(benchmark::State &state, int jobs, int steps);

/// Extra options of `ci-exec run` from $CI_EXEC_BENCH_ARGS (e.g. `--jobs 8`).
std::string extraArgs() {
  const char *v = std::getenv("CI_EXEC_BENCH_ARGS");
  return v ? std::string(" ") + v : std::string();
}

/// The wall time of the smallest run (1 job of 1 step): ci-exec's fixed cost.
double baseSeconds(benchmark::State &state) {
  static double base = -1;
  if (base < 0)
    base = runOnce(state, 1, 1);
  return base;
}

double runOnce(benchmark::State &state, int jobs, int steps) {
  std::string repo = makeRepo(std::to_string(jobs) + "x" + std::to_string(steps) + "-once", jobsWorkflow(jobs, steps));
  std::string cmd = "cd '" + repo + "' && '" + (binDir() / "ci-exec").string() +
                    "' run wf.yml --provider local --op-budget 100000 --store state.db" + extraArgs() + " > out.txt 2>&1";
  double t = seconds([&] {
    if (std::system(cmd.c_str()) != 0)
      state.SkipWithError("ci-exec run failed");
  });
  fs::remove_all(repo);
  return t;
}

void runWorkflow(benchmark::State &state, int jobs, int steps) {
  double bare = bareBashSeconds(50);
  double base = baseSeconds(state);
  std::string repo = makeRepo(std::to_string(jobs) + "x" + std::to_string(steps), jobsWorkflow(jobs, steps));
  if (repo.empty()) {
    state.SkipWithError("cannot create the scratch repository");
    return;
  }
  std::string cmd = "cd '" + repo + "' && '" + (binDir() / "ci-exec").string() +
                    "' run wf.yml --provider local --op-budget 100000 --store state.db" + extraArgs() + " > out.txt 2>&1";
  double total = 0;
  int runs = 0;
  for (auto _ : state) {
    fs::remove_all(fs::path(repo) / "runs");
    fs::remove(fs::path(repo) / "state.db");
    double t = seconds([&] {
      if (std::system(cmd.c_str()) != 0)
        state.SkipWithError(("ci-exec run failed (see " + repo + "/out.txt)").c_str());
    });
    state.SetIterationTime(t);
    total += t;
    ++runs;
  }
  double perRun = total / std::max(runs, 1);
  double bareAll = bare * jobs * steps;
  state.counters["bash_ms"] = bare * 1e3;
  state.counters["wall_ms"] = perRun * 1e3;
  state.counters["base_ms"] = base * 1e3;
  // What one more job (of one step) or one more step costs above its bash process.
  if (jobs * steps > 1)
    state.counters[jobs > 1 ? "over_ms_per_job" : "over_ms_per_step"] =
        ((perRun - base) / (jobs * steps - 1) - bare) * 1e3;
  (void)bareAll;
  if (!state.error_occurred())
    fs::remove_all(repo);
}

void BM_LocalJobs(benchmark::State &state) { runWorkflow(state, static_cast<int>(state.range(0)), 1); }
void BM_LocalSteps(benchmark::State &state) { runWorkflow(state, 1, static_cast<int>(state.range(0))); }

} // namespace

BENCHMARK(BM_LocalJobs)->Arg(1)->Arg(100)->Arg(1000)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LocalSteps)->Arg(1)->Arg(100)->Arg(1000)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
