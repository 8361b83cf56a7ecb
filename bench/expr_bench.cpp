// Expression throughput on the real corpus: parse, evaluate, and both, per expression.
//
// Every `${{ }}` expression (and every bare `if:` condition) of the workflows under
// ../shared/corpus/real/**/.github/workflows/ is extracted with the project's YAML
// reader and template parser, then parsed and evaluated against
// bench/expr-node/contexts.json. `bench_expr_bench --dump=DIR` writes the list to
// DIR/expressions.json (with the context names) for the Node comparison in
// bench/expr-node/ (see scripts/bench-expr.sh and docs/performance.md).
#include "frontend/template_parser.h"
#include "frontend/yaml_reader.h"
#include "ir/expr_eval.h"
#include "ir/value_json.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <climits>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace {

struct Corpus {
  std::vector<std::string> expressions;
  std::vector<std::string> contextNames;
  ir::Value contexts;
  size_t files = 0, rejected = 0;
};

std::string readFile(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::vector<frontend::FunctionSignature> &hostFunctions() {
  static const std::vector<frontend::FunctionSignature> fns = {{"success", 0, UINT_MAX},
                                                               {"failure", 0, UINT_MAX},
                                                               {"always", 0, 0},
                                                               {"cancelled", 0, 0},
                                                               {"hashFiles", 1, 255}};
  return fns;
}

void collect(const frontend::YamlNode *n, bool isIf, std::vector<std::string> &out,
             size_t &rejected) {
  if (!n)
    return;
  if (n->isScalar()) {
    if (!n->isString() || (!isIf && !n->value.contains("${{")))
      return;
    frontend::ExprParseOptions opts;
    opts.extraFunctions = hostFunctions();
    std::vector<frontend::TemplateError> errs;
    ir::Template t = isIf ? frontend::parseBareExpression(n->value, opts, errs)
                          : frontend::parseTemplate(n->value, opts, errs);
    for (const auto &p : t.parts) {
      if (!p.isExpr)
        continue;
      if (p.ast)
        out.push_back(p.text);
      else
        ++rejected;
    }
    return;
  }
  if (n->isSequence()) {
    for (const auto *item : n->items)
      collect(item, false, out, rejected);
    return;
  }
  for (const auto &e : n->entries)
    collect(e.value, e.key && e.key->isScalar() && e.key->value == "if", out, rejected);
}

const Corpus &corpus() {
  static const Corpus c = [] {
    Corpus c;
    fs::path shared = CI_SHARED_DIR;
    std::vector<fs::path> files;
    if (fs::is_directory(shared / "corpus/real"))
      for (const auto &e : fs::recursive_directory_iterator(shared / "corpus/real")) {
        fs::path p = e.path();
        if (e.is_regular_file() && (p.extension() == ".yml" || p.extension() == ".yaml") &&
            p.parent_path().filename() == "workflows" &&
            p.parent_path().parent_path().filename() == ".github")
          files.push_back(p);
      }
    std::sort(files.begin(), files.end());
    for (const auto &f : files) {
      ir::SourceManager sm;
      ir::FileId id = sm.addFile(f.string(), readFile(f));
      ir::DiagnosticEngine diags;
      auto doc = frontend::readYaml(sm, id, diags);
      if (!doc || !doc->root)
        continue;
      ++c.files;
      collect(doc->root, false, c.expressions, c.rejected);
    }
    std::set<std::string, std::less<>> names;
    for (const std::string &e : c.expressions) {
      frontend::ExprParseOptions opts;
      opts.extraFunctions = hostFunctions();
      auto p = frontend::parseExpression(e, opts);
      if (p.ast)
        ir::walkExpr(*p.ast, [&](const ir::Expr &x) {
          if (x.op == ir::ExprOp::Context)
            names.insert(x.text);
        });
    }
    ir::JSONParseError err;
    ir::parseJSON(readFile(fs::path(CI_SOURCE_DIR) / "bench/expr-node/contexts.json"), c.contexts,
                  err);
    for (const auto &m : c.contexts.getObject())
      names.insert(m.key);
    c.contextNames.assign(names.begin(), names.end());
    return c;
  }();
  return c;
}

frontend::ExprParseOptions benchOptions() {
  frontend::ExprParseOptions opts;
  opts.contexts = &corpus().contextNames;
  opts.extraFunctions = hostFunctions();
  return opts;
}

ir::FunctionTableHost &benchHost() {
  static ir::FunctionTableHost h = [] {
    ir::FunctionTableHost h;
    h.setConstant("success", ir::Value::boolean(true));
    h.setConstant("failure", ir::Value::boolean(false));
    h.setConstant("cancelled", ir::Value::boolean(false));
    h.setConstant("always", ir::Value::boolean(true));
    h.setConstant("hashFiles", ir::Value::string("d1b2a59fbea7e20077af9f91b27e95e865061b27"));
    return h;
  }();
  return h;
}

void setCounters(benchmark::State &state) {
  state.SetItemsProcessed(state.iterations() * corpus().expressions.size());
  state.counters["expressions"] = static_cast<double>(corpus().expressions.size());
}

void BM_Parse(benchmark::State &state) {
  const Corpus &c = corpus();
  frontend::ExprParseOptions opts = benchOptions();
  for (auto _ : state)
    for (const std::string &e : c.expressions)
      benchmark::DoNotOptimize(frontend::parseExpression(e, opts));
  setCounters(state);
}

void BM_Evaluate(benchmark::State &state) {
  const Corpus &c = corpus();
  frontend::ExprParseOptions opts = benchOptions();
  std::vector<ir::ExprPtr> asts;
  for (const std::string &e : c.expressions)
    asts.push_back(frontend::parseExpression(e, opts).ast);
  ir::EvalOptions eo;
  eo.host = &benchHost();
  for (auto _ : state)
    for (const auto &a : asts)
      if (a)
        benchmark::DoNotOptimize(ir::evaluate(*a, c.contexts, eo));
  setCounters(state);
}

void BM_ParseAndEvaluate(benchmark::State &state) {
  const Corpus &c = corpus();
  frontend::ExprParseOptions opts = benchOptions();
  ir::EvalOptions eo;
  eo.host = &benchHost();
  for (auto _ : state)
    for (const std::string &e : c.expressions) {
      frontend::ParsedExpr p = frontend::parseExpression(e, opts);
      if (p.ast)
        benchmark::DoNotOptimize(ir::evaluate(*p.ast, c.contexts, eo));
    }
  setCounters(state);
}

/// One typical condition, parsed and evaluated: the fixed cost per expression.
void BM_TypicalCondition(benchmark::State &state) {
  const Corpus &c = corpus();
  frontend::ExprParseOptions opts = benchOptions();
  ir::EvalOptions eo;
  eo.host = &benchHost();
  const char *src = "github.event_name == 'push' && startsWith(github.ref, 'refs/tags/')";
  for (auto _ : state) {
    frontend::ParsedExpr p = frontend::parseExpression(src, opts);
    benchmark::DoNotOptimize(ir::evaluate(*p.ast, c.contexts, eo));
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Parse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TypicalCondition);
BENCHMARK(BM_Evaluate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseAndEvaluate)->Unit(benchmark::kMillisecond);

/// Writes the expression list and context names as JSON for the Node comparison.
int dump(const fs::path &dir) {
  const Corpus &c = corpus();
  fs::create_directories(dir);
  ir::ValueArray exprs, names;
  for (const auto &e : c.expressions)
    exprs.push_back(ir::Value::string(e));
  for (const auto &n : c.contextNames)
    names.push_back(ir::Value::string(n));
  ir::ValueObject o;
  o.set("expressions", ir::Value::array(std::move(exprs)));
  o.set("contextNames", ir::Value::array(std::move(names)));
  std::ofstream(dir / "expressions.json") << ir::writeJSON(ir::Value::object(std::move(o)), false);
  std::cout << "wrote " << c.expressions.size() << " expressions from " << c.files
            << " workflow files (" << c.rejected << " that do not parse left out) to "
            << (dir / "expressions.json").string() << "\n";
  return 0;
}

/// Prints the expressions whose evaluation takes longest (where time goes).
int top(size_t count) {
  const Corpus &c = corpus();
  frontend::ExprParseOptions opts = benchOptions();
  ir::EvalOptions eo;
  eo.host = &benchHost();
  std::vector<std::pair<double, size_t>> cost;
  double total = 0;
  for (size_t i = 0; i < c.expressions.size(); ++i) {
    frontend::ParsedExpr parsed = frontend::parseExpression(c.expressions[i], opts);
    auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < 50; ++k) {
      if (parsed.ast)
        benchmark::DoNotOptimize(ir::evaluate(*parsed.ast, c.contexts, eo));
    }
    double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / 50;
    cost.emplace_back(ns, i);
    total += ns;
  }
  std::sort(cost.rbegin(), cost.rend());
  std::cout << "total " << total / 1e6 << " ms for " << c.expressions.size() << " expressions\n";
  for (size_t k = 0; k < count && k < cost.size(); ++k)
    std::cout << static_cast<long>(cost[k].first) << " ns  " << c.expressions[cost[k].second].substr(0, 100) << "\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    if (llvm::StringRef(argv[i]).startswith("--dump="))
      return dump(llvm::StringRef(argv[i]).drop_front(7).str());
    if (llvm::StringRef(argv[i]) == "--top")
      return top(25);
    if (llvm::StringRef(argv[i]).startswith("--rounds=")) {
      // Fixed work for `perf stat`: N rounds of parse+evaluate over the corpus.
      unsigned n = std::stoi(llvm::StringRef(argv[i]).drop_front(9).str());
      const Corpus &c = corpus();
      frontend::ExprParseOptions opts = benchOptions();
      ir::EvalOptions eo;
      eo.host = &benchHost();
      for (unsigned r = 0; r < n; ++r)
        for (const std::string &e : c.expressions) {
          frontend::ParsedExpr p = frontend::parseExpression(e, opts);
          if (p.ast)
            benchmark::DoNotOptimize(ir::evaluate(*p.ast, c.contexts, eo));
        }
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (corpus().expressions.empty()) {
    std::cerr << "no expressions found under " << CI_SHARED_DIR << "/corpus/real\n";
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
