// Golden files: diagnostics of the lowering, IR JSON, GitHub template JSON, DOT.
//
// tests/golden/lower/NAME.yml        -> NAME.diag (human diagnostics, no colour)
//                                       NAME.ir.json (when it compiles without errors)
//   (NAME.action.yml is lowered as action metadata)
// tests/golden/github-template/NAME.yml (+ NAME.files: REF=FILE lines)
//                                    -> NAME.json and NAME.diag
// tests/golden/dot/NAME.dot           <- examples/.github/workflows/NAME.yml
// Run with CI_UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate change.
#include "backend/github_template.h"
#include "backend/graph_dot.h"
#include "frontend/action_metadata.h"
#include "frontend/lower_workflow.h"
#include "ir/diagnostic_render.h"
#include "ir/ir_json.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <set>

namespace {

namespace fs = std::filesystem;

std::set<ir::DiagKind> &kindsSeen() {
  static std::set<ir::DiagKind> s;
  return s;
}

fs::path goldenDir() { return testutil::sourceDir() / "tests/golden"; }

bool collectOnly = false; ///< set by the kind-coverage test: run inputs, compare nothing

void compareOrUpdate(const fs::path &expected, const std::string &actual) {
  if (collectOnly)
    return;
  if (std::getenv("CI_UPDATE_GOLDEN")) {
    std::ofstream(expected, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(expected)) << expected << " is missing (run with CI_UPDATE_GOLDEN=1)";
  EXPECT_EQ(testutil::readFile(expected), actual) << "golden file " << expected << " differs";
}

std::string render(const ir::SourceManager &sm, ir::DiagnosticEngine &diags) {
  diags.finalize();
  for (const auto &d : diags.diagnostics())
    kindsSeen().insert(d.kind);
  std::string s;
  llvm::raw_string_ostream os(s);
  ir::renderHuman(os, sm, diags.diagnostics());
  return os.str();
}

std::vector<fs::path> inputs(const fs::path &dir) {
  std::vector<fs::path> out;
  for (const auto &e : fs::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    if (e.path().extension() == ".yml" && n.find(".input.") == std::string::npos)
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

void runLoweringGoldens() {
  for (const fs::path &in : inputs(goldenDir() / "lower")) {
    std::string name = in.filename().string();
    std::string stem = name.substr(0, name.size() - 4);
    ir::SourceManager sm;
    ir::DiagnosticEngine diags;
    ir::FileId f = sm.addFile(name, testutil::readFile(in));
    std::string ir;
    if (llvm::StringRef(name).endswith(".action.yml"))
      ir = ir::writeActionJson(frontend::compileAction(sm, f, diags));
    else
      ir = ir::writeWorkflowJson(frontend::compileWorkflow(sm, f, diags));
    bool errors = diags.hasErrors();
    compareOrUpdate(in.parent_path() / (stem + ".diag"), render(sm, diags));
    if (!errors)
      compareOrUpdate(in.parent_path() / (stem + ".ir.json"), ir);
  }
}

void runTemplateGoldens() {
  fs::path dir = goldenDir() / "github-template";
  for (const fs::path &in : inputs(dir)) {
    std::string name = in.filename().string();
    std::string stem = name.substr(0, name.size() - 4);
    ir::SourceManager sm;
    ir::DiagnosticEngine diags;
    ir::FileId f = sm.addFile(".github/workflows/" + name, testutil::readFile(in));
    ir::Workflow wf = frontend::compileWorkflow(sm, f, diags);
    backend::GithubTemplateEmitter em(sm, diags);
    fs::path files = dir / (stem + ".files");
    if (fs::exists(files)) {
      std::istringstream lines(testutil::readFile(files));
      for (std::string line; std::getline(lines, line);) {
        auto [ref, path] = llvm::StringRef(line).split('=');
        if (!path.empty())
          em.addWorkflowFile(ref.str(), testutil::readFile(dir / path.str()));
      }
    }
    std::string json = em.emit(wf).dump(2) + "\n";
    compareOrUpdate(dir / (stem + ".json"), json);
    compareOrUpdate(dir / (stem + ".diag"), render(sm, diags));
  }
}

// Lowering diagnostics and IR JSON match their golden files.
TEST(Golden, LoweringDiagnosticsAndIr) { runLoweringGoldens(); }

// GitHub's template JSON (or error document) and the diagnostics behind it.
TEST(Golden, GithubTemplate) { runTemplateGoldens(); }

// The DOT job graph of each example workflow.
TEST(Golden, JobGraphDot) {
  for (const char *name : {"ci", "nightly"}) {
    fs::path in = testutil::sourceDir() / "examples/.github/workflows" / (std::string(name) + ".yml");
    ir::SourceManager sm;
    ir::DiagnosticEngine diags;
    ir::FileId f = sm.addFile(std::string(name) + ".yml", testutil::readFile(in));
    ir::Workflow wf = frontend::compileWorkflow(sm, f, diags);
    EXPECT_FALSE(diags.hasErrors());
    compareOrUpdate(goldenDir() / "dot" / (std::string(name) + ".dot"),
                    backend::renderDot(backend::graphFromWorkflow(wf)));
  }
}

// Every kind of the "workflow schema" section of ir/diagnostic_kinds.def appears
// in at least one golden file above.
TEST(Golden, EveryWorkflowSchemaKindHasAGoldenFile) {
  collectOnly = true;
  runLoweringGoldens();
  runTemplateGoldens();
  collectOnly = false;
  auto first = static_cast<unsigned>(ir::DiagKind::SchemaUnknownKey);
  auto last = static_cast<unsigned>(ir::DiagKind::SchemaActionRunsUnknown);
  for (unsigned k = first; k <= last; ++k)
    EXPECT_TRUE(kindsSeen().count(static_cast<ir::DiagKind>(k)))
        << "no golden file shows the diagnostic \"" << ir::diagKindInfo(static_cast<ir::DiagKind>(k)).format
        << "\" [" << ir::diagKindInfo(static_cast<ir::DiagKind>(k)).name << "]";
}
