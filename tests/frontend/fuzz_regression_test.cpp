// Inputs the frontend fuzzer once crashed on, replayed through the same pipeline.
#include "backend/github_template.h"
#include "backend/graph_dot.h"
#include "frontend/action_metadata.h"
#include "frontend/lower_workflow.h"
#include "ir/ir_json.h"
#include "test_util.h"

#include <gtest/gtest.h>

namespace fs = std::filesystem;

// Each file of tests/data/fuzz-regressions/ goes through what fuzz/frontend_fuzz.cpp
// does (lowering as workflow and as action, IR JSON round trip, GitHub template, DOT);
// it must finish and round-trip. Run under `make test-asan` to catch memory errors
// and undefined behaviour (the first entry was an out-of-range pointer offset on an
// empty scalar).
TEST(FuzzRegression, CrashInputsNowCompile) {
  unsigned n = 0;
  for (const auto &e : fs::directory_iterator(testutil::sourceDir() / "tests/data/fuzz-regressions")) {
    std::string text = testutil::readFile(e.path());
    ir::SourceManager sm;
    ir::DiagnosticEngine diags;
    ir::FileId f = sm.addFile(".github/workflows/fuzz.yml", text);
    ir::Workflow wf = frontend::compileWorkflow(sm, f, diags);
    std::string json = ir::writeWorkflowJson(wf);
    auto back = ir::readWorkflowJson(json, frontend::irJsonReadOptions(f));
    ASSERT_TRUE(static_cast<bool>(back)) << e.path() << ": " << llvm::toString(back.takeError());
    EXPECT_EQ(ir::writeWorkflowJson(*back), json) << e.path();
    backend::GithubTemplateEmitter em(sm, diags);
    EXPECT_FALSE(em.emit(wf).dump().empty());
    EXPECT_FALSE(backend::renderDot(backend::graphFromWorkflow(wf)).empty());
    ir::DiagnosticEngine adiags;
    ir::Action a = frontend::compileAction(sm, sm.addFile("action.yml", text), adiags);
    std::string ajson = ir::writeActionJson(a);
    auto aback = ir::readActionJson(ajson);
    ASSERT_TRUE(static_cast<bool>(aback)) << llvm::toString(aback.takeError());
    EXPECT_EQ(ir::writeActionJson(*aback), ajson);
    ++n;
  }
  EXPECT_GT(n, 0u);
}

// The pattern of the first regression, spelled out: empty scalars everywhere a
// `${{` scan runs.
TEST(FuzzRegression, EmptyScalarsEverywhere) {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId f = sm.addFile("wf.yml", "name: ''\nrun-name: ''\non: push\nenv: {A: '', '': x}\n"
                                      "jobs:\n  a:\n    runs-on: ''\n    strategy: {matrix: {v: ['']}}\n"
                                      "    steps:\n      - run: ''\n        if: ''\n        shell: ''\n");
  ir::Workflow wf = frontend::compileWorkflow(sm, f, diags);
  ASSERT_EQ(wf.jobs.size(), 1u);
  EXPECT_EQ(wf.jobs[0].steps[0].run.raw, "");
}
