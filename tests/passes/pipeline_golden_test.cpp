// Golden diagnostics of the compile pipeline (tests/passes/pipeline_golden) and plan
// goldens of the examples. Regenerate with CI_UPDATE_GOLDEN=1.
#include "pass_test_util.h"
#include "passes/pass_registry.h"

#include <set>

namespace {

namespace fs = std::filesystem;

fs::path goldenDir() { return testutil::sourceDir() / "tests/passes/pipeline_golden"; }

bool updating() { return std::getenv("CI_UPDATE_GOLDEN") != nullptr; }

/// Compares `actual` with the golden file (or writes it when updating).
void checkGolden(const fs::path &golden, const std::string &actual) {
  if (updating()) {
    std::ofstream(golden) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; run with CI_UPDATE_GOLDEN=1";
  EXPECT_EQ(testutil::readFile(golden), actual) << golden;
}

/// `# options: max-nesting=2 max-reusable-workflows=2 max-jobs=3 op-budget=40` on the first line.
passes::CompileOptions optionsOf(const std::string &text) {
  passes::CompileOptions o;
  llvm::StringRef first = llvm::StringRef(text).split('\n').first;
  if (!first.consume_front("# options:"))
    return o;
  llvm::SmallVector<llvm::StringRef, 4> parts;
  first.split(parts, ' ', -1, false);
  for (llvm::StringRef p : parts) {
    auto [k, v] = p.split('=');
    unsigned n = 0;
    v.getAsInteger(10, n);
    if (k == "max-nesting")
      o.maxNestingDepth = n;
    else if (k == "max-reusable-workflows")
      o.maxReusableWorkflows = n;
    else if (k == "max-jobs")
      o.maxJobs = n;
    else if (k == "op-budget")
      o.opBudget = n;
  }
  return o;
}

std::string render(const passtest::Compiled &c) {
  std::string s;
  llvm::raw_string_ostream os(s);
  ir::RenderOptions ro;
  ro.color = false;
  ir::renderHuman(os, c.sm, c.diags.diagnostics(), ro);
  return os.str();
}

/// Kind names declared in the passes section of ir/diagnostic_kinds.def.
std::set<std::string> passKinds() {
  std::string def = testutil::readFile(testutil::sourceDir() / "ir/diagnostic_kinds.def");
  size_t b = def.find("// --- passes ---"), e = def.find("// --- lint rules ---");
  std::set<std::string> out;
  std::istringstream in(def.substr(b, e - b));
  for (std::string line; std::getline(in, line);) {
    size_t q = line.find(", \"");
    if (line.rfind("DIAG(", 0) == 0 && q != std::string::npos)
      out.insert(line.substr(q + 3, line.find('"', q + 3) - q - 3));
  }
  return out;
}

} // namespace

// Each case compiles through the default pipeline (helpers `_*.yml` are the
// reusable workflows it calls); its diagnostics match <case>.golden, and every
// diagnostic kind of the passes appears in some golden.
TEST(PipelineGolden, DiagnosticsOfEachCase) {
  fs::path wfDir = goldenDir() / ".github/workflows";
  std::vector<std::pair<std::string, std::string>> helpers;
  std::vector<fs::path> cases;
  for (const auto &e : fs::directory_iterator(wfDir)) {
    std::string name = e.path().filename().string();
    if (name[0] == '_')
      helpers.emplace_back("./.github/workflows/" + name, testutil::readFile(e.path()));
    else
      cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  std::set<std::string> seen;
  for (const fs::path &f : cases) {
    std::string text = testutil::readFile(f);
    passes::CompileOptions o = optionsOf(text);
    o.workflowFiles = helpers;
    // A case that sets op-budget also runs operation-budget (not in the default pipeline).
    std::vector<std::string> pipeline;
    if (o.opBudget != passes::CompileOptions{}.opBudget) {
      pipeline = passes::defaultPipeline();
      pipeline.push_back("operation-budget");
    }
    auto c = passtest::compile(text, std::move(o), pipeline, ".github/workflows/" + f.filename().string());
    for (const auto &d : c->diags.diagnostics())
      seen.insert(d.kindName().str());
    checkGolden(goldenDir() / (f.stem().string() + ".golden"), render(*c));
  }
  for (const std::string &k : passKinds())
    EXPECT_TRUE(seen.count(k)) << "diagnostic kind [" << k << "] appears in no pipeline golden";
}

// The plans of the examples (docs/plan.md shows them).
TEST(PipelineGolden, PlansOfTheExamples) {
  fs::path ex = testutil::sourceDir() / "examples/.github/workflows";
  for (const char *name : {"ci", "nightly"}) {
    auto c = passtest::compile(testutil::readFile(ex / (std::string(name) + ".yml")),
                               passtest::withFiles({{"./.github/workflows/notify.yml",
                                                     testutil::readFile(ex / "notify.yml")}}),
                               {}, "examples/.github/workflows/" + std::string(name) + ".yml");
    ASSERT_TRUE(c->completed) << c->text();
    checkGolden(goldenDir() / (std::string(name) + ".plan.json"), ir::writePlanJson(c->unit->plan));
  }
}
