// IR JSON: versioned, deterministic, and JSON -> IR -> JSON byte-identical.
#include "frontend/action_metadata.h"
#include "frontend/lower_workflow.h"
#include "ir/ir_json.h"
#include "test_util.h"

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

// Lowers `text`, writes its IR JSON, reads it back and writes again.
void expectRoundTrip(const std::string &name, const std::string &text) {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId f = sm.addFile(name, text);
  std::string first;
  if (frontend::isActionMetadataPath(name)) {
    first = ir::writeActionJson(frontend::compileAction(sm, f, diags));
    auto back = ir::readActionJson(first, frontend::irJsonReadOptions(f));
    ASSERT_TRUE(static_cast<bool>(back)) << name << ": " << llvm::toString(back.takeError());
    EXPECT_EQ(ir::writeActionJson(*back), first) << name;
    return;
  }
  ir::Workflow wf = frontend::compileWorkflow(sm, f, diags);
  first = ir::writeWorkflowJson(wf);
  EXPECT_EQ(ir::writeWorkflowJson(wf), first) << name << ": writing is not deterministic";
  auto back = ir::readWorkflowJson(first, frontend::irJsonReadOptions(f));
  ASSERT_TRUE(static_cast<bool>(back)) << name << ": " << llvm::toString(back.takeError());
  EXPECT_EQ(ir::writeWorkflowJson(*back), first) << name;
  // Expression ASTs are rebuilt by the hook.
  for (size_t j = 0; j < wf.jobs.size() && j < back->jobs.size(); ++j)
    if (wf.jobs[j].condition && !wf.jobs[j].condition->parts.empty() &&
        wf.jobs[j].condition->parts[0].ast) {
      EXPECT_TRUE(back->jobs[j].condition->parts[0].ast) << name;
    }
}

} // namespace

// Every workflow and action of the real corpus round-trips byte for byte.
TEST(IrJson, RoundTripsTheRealCorpus) {
  REQUIRE_SHARED();
  unsigned n = 0;
  for (const auto &e : fs::recursive_directory_iterator(testutil::sharedDir() / "corpus/real")) {
    auto ext = e.path().extension();
    if (!e.is_regular_file() || (ext != ".yml" && ext != ".yaml"))
      continue;
    expectRoundTrip(e.path().string(), testutil::readFile(e.path()));
    ++n;
  }
  EXPECT_GT(n, 800u);
}

// The examples shipped with the project round-trip too.
TEST(IrJson, RoundTripsTheExamples) {
  unsigned n = 0;
  for (const auto &e : fs::recursive_directory_iterator(testutil::sourceDir() / "examples")) {
    auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".yml" || ext == ".yaml")) {
      expectRoundTrip(e.path().string(), testutil::readFile(e.path()));
      ++n;
    }
  }
  EXPECT_GT(n, 0u);
}

// The document carries its version; other versions and kinds are refused
// with an error rather than misread.
TEST(IrJson, VersionAndKindAreChecked) {
  ir::Workflow wf;
  wf.file = "x.yml";
  std::string text = ir::writeWorkflowJson(wf);
  EXPECT_NE(text.find("\"version\": 1"), std::string::npos);
  auto ok = ir::readWorkflowJson(text);
  EXPECT_TRUE(static_cast<bool>(ok));
  std::string v2 = text;
  v2.replace(v2.find("\"version\": 1"), 12, "\"version\": 2");
  auto bad = ir::readWorkflowJson(v2);
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("unsupported version 2"), std::string::npos);
  auto notAction = ir::readActionJson(text);
  ASSERT_FALSE(static_cast<bool>(notAction));
  llvm::consumeError(notAction.takeError());
  auto garbage = ir::readWorkflowJson("{\"version\": 1, \"kind\": \"workflow\"}");
  ASSERT_FALSE(static_cast<bool>(garbage));
  EXPECT_NE(llvm::toString(garbage.takeError()).find("missing key \"file\""), std::string::npos);
}

// Numbers keep their type: integers as integers, NaN/Infinity as strings.
TEST(IrJson, TypedMatrixValuesSurvive) {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId f = sm.addFile("m.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n"
                                     "        v: [1, 2.5, .inf, true, null, '3']\n    steps: [{run: a}]\n");
  std::string text = ir::writeWorkflowJson(frontend::compileWorkflow(sm, f, diags));
  EXPECT_NE(text.find("\"value\": 1\n"), std::string::npos);
  EXPECT_NE(text.find("\"value\": 2.5"), std::string::npos);
  EXPECT_NE(text.find("\"value\": \"Infinity\""), std::string::npos);
  EXPECT_NE(text.find("\"type\": \"null\""), std::string::npos);
  auto back = ir::readWorkflowJson(text);
  ASSERT_TRUE(static_cast<bool>(back));
  const auto &items = back->jobs[0].matrix()->get("v")->items;
  EXPECT_EQ(items[2].number, std::numeric_limits<double>::infinity());
  EXPECT_EQ(items[5].kind, ir::TemplateToken::Kind::String);
}
