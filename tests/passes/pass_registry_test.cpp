// The pass registry, pipelines, hooks and timings of the compile driver.
#include "pass_test_util.h"

#include "passes/pass_registry.h"

using passtest::compile;

namespace {

/// A pass registered from outside the built-in list (as the Lambda backend's
/// operation-budget will be): counts jobs into the plan.
struct CountJobsPass : passes::CompilePass {
  llvm::StringRef name() const override { return "count-jobs"; }
  passes::PreservedAnalyses run(passes::CompileUnit &u, passes::CompileAnalysisManager &) override {
    u.workflow().estimate = int64_t(u.workflow().jobs.size());
    return passes::PreservedAnalyses::all();
  }
};

const char *kTwoJobs = "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n"
                       "  b:\n    needs: a\n    runs-on: x\n    steps: [{run: b}]\n";

} // namespace

// The default pipeline is listed once, in order.
TEST(PassRegistry, DefaultPipeline) {
  auto p = passes::defaultPipeline();
  ASSERT_GE(p.size(), 6u);
  EXPECT_EQ(std::vector<std::string>(p.begin(), p.begin() + 6),
            (std::vector<std::string>{"resolve-needs", "inline-reusable", "expand-matrix",
                                      "resolve-concurrency", "fold-conditions", "type-check-expressions"}));
  for (const std::string &n : p)
    EXPECT_TRUE(passes::findPass(n)) << n;
}

// Pipeline strings: names checked, unknown ones suggested.
TEST(PassRegistry, ParsePipeline) {
  auto ok = passes::parsePipeline(" resolve-needs, expand-matrix ");
  ASSERT_TRUE(bool(ok));
  EXPECT_EQ(*ok, (std::vector<std::string>{"resolve-needs", "expand-matrix"}));
  auto bad = passes::parsePipeline("resolve-needs,expand-matrx");
  ASSERT_FALSE(bool(bad));
  std::string msg = llvm::toString(bad.takeError());
  EXPECT_NE(msg.find("unknown pass 'expand-matrx'; did you mean 'expand-matrix'?"), std::string::npos) << msg;
  EXPECT_FALSE(bool(passes::parsePipeline(",")));
}

// A pass registered elsewhere can run by name and join the default pipeline.
TEST(PassRegistry, PassesRegisteredElsewhereRun) {
  passes::registerPass("count-jobs", "count the plan's jobs", [] { return std::make_unique<CountJobsPass>(); });
  auto c = compile(kTwoJobs, {}, {"resolve-needs", "count-jobs"});
  EXPECT_EQ(c->plan().estimate, 2);
  EXPECT_EQ(c->json()["workflows"][0]["estimate"]["operations"], 2);
}

// --print-after dumps the IR and the plan so far after the named pass; timings
// list lowering and every pass.
TEST(PassRegistry, PrintAfterAndTimings) {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId f = sm.addFile("w.yml", kTwoJobs);
  std::string dump;
  llvm::raw_string_ostream os(dump);
  passes::PipelineOptions p;
  p.passes = {"resolve-needs", "expand-matrix"};
  p.printAfter = {"resolve-needs"};
  p.timePasses = true;
  p.dumpStream = &os;
  auto r = passes::compileFile(sm, f, diags, {}, p);
  ASSERT_TRUE(bool(r));
  os.flush();
  auto j = nlohmann::json::parse(dump);
  EXPECT_EQ(j["after"], "resolve-needs");
  EXPECT_EQ(j["ir"]["kind"], "workflow");
  EXPECT_EQ(j["plan"]["workflows"][0]["jobs"][1]["needs"][0], "a");
  EXPECT_FALSE(j["plan"]["workflows"][0]["jobs"][1].contains("instances")); // not expanded yet
  ASSERT_EQ(r->timings.size(), 3u);
  EXPECT_EQ(r->timings[0].pass, "lower");
  EXPECT_EQ(r->timings[2].pass, "expand-matrix");
  EXPECT_TRUE(r->completed);
}

// Lowering errors stop before the passes; the plan stays the seed.
TEST(PassRegistry, LoweringErrorsStopBeforeThePasses) {
  auto c = compile("on: push\njobs:\n  a:\n    runs-onn: x\n    steps: [{run: a}]\n");
  EXPECT_FALSE(c->completed);
  EXPECT_TRUE(c->job("a")->instances.empty());
}
