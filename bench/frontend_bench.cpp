// Frontend throughput over the whole real corpus, against libyaml's bare event parser.
//
// Benchmarks (each pass handles every workflow file of shared/corpus/real once):
//   BM_LibyamlEvents  libyaml's event parser alone: the floor for any frontend
//   BM_ReadYaml       our located node tree (GitHub's YAML rules, limits)
//   BM_Frontend       read + lower into ir::Workflow + parse every expression
//   BM_LowerOnly      lowering and expression parsing alone (documents read beforehand)
//   BM_IrJson         BM_Frontend plus writing the IR JSON
// Each reports bytes/s and files/s; BM_ReadYaml and BM_Frontend also report
// `x_libyaml`, their CPU time per pass divided by BM_LibyamlEvents' (the target
// for BM_Frontend is at most 2), and `libyaml_share`, its inverse.
#include "frontend/lower_workflow.h"
#include "ir/ir_json.h"

#include <benchmark/benchmark.h>
#include <yaml.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct Corpus {
  std::vector<std::pair<std::string, std::string>> files; ///< name, text
  size_t bytes = 0;
};

const Corpus &corpus() {
  static const Corpus c = [] {
    Corpus c;
    fs::path root = fs::path(CI_SHARED_DIR) / "corpus/real";
    if (!fs::is_directory(root))
      return c;
    for (const auto &e : fs::recursive_directory_iterator(root)) {
      std::string p = e.path().string();
      auto ext = e.path().extension();
      if (!e.is_regular_file() || (ext != ".yml" && ext != ".yaml") ||
          p.find("/.github/workflows/") == std::string::npos)
        continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      c.bytes += ss.str().size();
      c.files.emplace_back(p, ss.str());
    }
    std::sort(c.files.begin(), c.files.end());
    return c;
  }();
  return c;
}

// Parses `text` with libyaml's event API only; returns the event count.
size_t libyamlEvents(const std::string &text) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char *>(text.data()),
                               text.size());
  size_t n = 0;
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev))
      break;
    bool done = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    ++n;
    if (done)
      break;
  }
  yaml_parser_delete(&parser);
  return n;
}

// CPU time of this thread: the ratios must not depend on other load of the machine.
double cpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void onePassLibyaml() {
  for (const auto &[name, text] : corpus().files)
    benchmark::DoNotOptimize(libyamlEvents(text));
}

// CPU seconds per corpus pass of libyaml alone (median of a few passes), measured
// once for the ratio counters.
double libyamlSecondsPerPass() {
  static const double s = [] {
    std::vector<double> t;
    for (int i = 0; i < 7; ++i) {
      double a = cpuSeconds();
      onePassLibyaml();
      t.push_back(cpuSeconds() - a);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
  }();
  return s;
}

void setRates(benchmark::State &state) {
  const Corpus &c = corpus();
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.files.size()));
  state.counters["files"] = static_cast<double>(c.files.size());
  state.counters["MB"] = static_cast<double>(c.bytes) / 1e6;
}

template <typename Fn> void timedPasses(benchmark::State &state, Fn pass) {
  if (corpus().files.empty()) {
    state.SkipWithError("shared/corpus/real is absent");
    return;
  }
  double base = libyamlSecondsPerPass();
  double total = 0;
  for (auto _ : state) {
    double a = cpuSeconds();
    pass();
    total += cpuSeconds() - a;
  }
  setRates(state);
  double perPass = total / static_cast<double>(state.iterations());
  state.counters["x_libyaml"] = perPass / base;
  state.counters["libyaml_share"] = base / perPass;
}

void BM_LibyamlEvents(benchmark::State &state) {
  if (corpus().files.empty()) {
    state.SkipWithError("shared/corpus/real is absent");
    return;
  }
  for (auto _ : state)
    onePassLibyaml();
  setRates(state);
}

void BM_ReadYaml(benchmark::State &state) {
  timedPasses(state, [] {
    for (const auto &[name, text] : corpus().files) {
      ir::SourceManager sm;
      ir::DiagnosticEngine diags;
      ir::FileId f = sm.addFile(name, text);
      benchmark::DoNotOptimize(frontend::readYaml(sm, f, diags));
    }
  });
}

void BM_Frontend(benchmark::State &state) {
  timedPasses(state, [] {
    for (const auto &[name, text] : corpus().files) {
      ir::SourceManager sm;
      ir::DiagnosticEngine diags;
      ir::FileId f = sm.addFile(name, text);
      ir::Workflow wf = frontend::compileWorkflow(sm, f, diags);
      benchmark::DoNotOptimize(wf.jobs.data());
    }
  });
}

// Lowering and expression parsing alone, on documents read beforehand.
void BM_LowerOnly(benchmark::State &state) {
  struct Doc {
    ir::SourceManager sm;
    ir::DiagnosticEngine diags;
    std::unique_ptr<frontend::YamlDocument> doc;
  };
  std::vector<std::unique_ptr<Doc>> docs;
  for (const auto &[name, text] : corpus().files) {
    auto d = std::make_unique<Doc>();
    ir::FileId f = d->sm.addFile(name, text);
    d->doc = frontend::readYaml(d->sm, f, d->diags);
    docs.push_back(std::move(d));
  }
  timedPasses(state, [&] {
    for (auto &d : docs) {
      ir::Workflow wf = frontend::lowerWorkflow(d->sm, *d->doc, d->diags);
      benchmark::DoNotOptimize(wf.jobs.data());
    }
  });
}

void BM_IrJson(benchmark::State &state) {
  timedPasses(state, [] {
    for (const auto &[name, text] : corpus().files) {
      ir::SourceManager sm;
      ir::DiagnosticEngine diags;
      ir::FileId f = sm.addFile(name, text);
      std::string json = ir::writeWorkflowJson(frontend::compileWorkflow(sm, f, diags));
      benchmark::DoNotOptimize(json.data());
    }
  });
}

} // namespace

BENCHMARK(BM_LibyamlEvents)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_ReadYaml)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_Frontend)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_LowerOnly)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_IrJson)->Unit(benchmark::kMillisecond)->MinTime(1.0);

BENCHMARK_MAIN();
