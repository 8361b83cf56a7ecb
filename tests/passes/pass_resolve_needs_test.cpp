// resolve-needs: self-dependencies, duplicates, case-insensitive ids, cycles, levels, critical path.
#include "pass_test_util.h"

using passtest::compile;

namespace {

const char *kHead = "on: push\njobs:\n";

std::string job(const std::string &id, const std::string &needs, const std::string &extra = "") {
  std::string s = "  " + id + ":\n    runs-on: ubuntu-latest\n";
  if (!needs.empty())
    s += "    needs: " + needs + "\n";
  return s + extra + "    steps: [{run: echo}]\n";
}

} // namespace

// A job that needs itself is an error at the `needs` entry; the pipeline stops.
TEST(ResolveNeeds, SelfDependencyIsAnError) {
  auto c = compile(kHead + job("a", "") + job("b", "[a, b]"));
  ASSERT_EQ(c->count("needs-self"), 1u) << c->text();
  EXPECT_NE(c->text().find("w.yml:8:16: error: job \"b\" needs itself"), std::string::npos) << c->text();
  EXPECT_FALSE(c->completed);
  EXPECT_EQ(c->job("b")->needs, std::vector<std::string>{"a"});
}

// An id listed twice (case-insensitively) is a warning and appears once in the plan.
TEST(ResolveNeeds, DuplicatesAreWarnedAndDropped) {
  auto c = compile(kHead + job("build", "") + job("test", "[build, Build]"));
  EXPECT_EQ(c->count("needs-duplicate"), 1u) << c->text();
  EXPECT_TRUE(c->completed);
  EXPECT_EQ(c->job("test")->needs, std::vector<std::string>{"build"});
}

// GitHub's service matches needs case-insensitively: the plan holds the job's own id.
TEST(ResolveNeeds, NeedsResolveCaseInsensitively) {
  auto c = compile(kHead + job("Build", "") + job("test", "BUILD"));
  EXPECT_TRUE(c->diags.empty()) << c->text();
  EXPECT_EQ(c->job("test")->needs, std::vector<std::string>{"Build"});
}

// A cycle is reported once, as the whole path starting at the earliest job on it,
// at the need that leaves that job; the other edges are notes.
TEST(ResolveNeeds, ACycleIsReportedOnceFromTheEarliestJob) {
  auto c = compile(kHead + job("start", "") + job("b", "[start, d]") + job("c", "b") + job("d", "c"));
  ASSERT_EQ(c->count("needs-cycle"), 1u) << c->text();
  const ir::Diagnostic *d = c->first("needs-cycle");
  EXPECT_NE(d->message.find(": b -> d -> c -> b"), std::string::npos) << d->message;
  EXPECT_EQ(d->range.line, 8u);
  EXPECT_EQ(d->notes.size(), 2u);
  EXPECT_FALSE(c->completed);
}

// Independent cycles are reported one each.
TEST(ResolveNeeds, IndependentCyclesAreEachReported) {
  auto c = compile(kHead + job("s", "") + job("a", "b") + job("b", "a") + job("x", "y") +
                   job("y", "x"));
  EXPECT_EQ(c->count("needs-cycle"), 2u) << c->text();
}

// Unknown needs are lowering's (one diagnostic with a suggestion), not repeated here.
TEST(ResolveNeeds, UnknownNeedsAreReportedOnceByLowering) {
  auto c = compile(kHead + job("build", "") + job("test", "biuld"));
  EXPECT_EQ(c->count("job-needs"), 1u) << c->text();
  EXPECT_NE(c->text().find("did you mean 'build'?"), std::string::npos) << c->text();
}

// Levels and the critical path follow timeout-minutes, or --durations when given.
TEST(ResolveNeeds, LevelsAndCriticalPathUseTimeoutsOrDurations) {
  std::string yaml = kHead + job("a", "", "    timeout-minutes: 10\n") +
                     job("fast", "a", "    timeout-minutes: 5\n") +
                     job("slow", "a", "    timeout-minutes: 50\n") +
                     job("end", "[fast, slow]", "    timeout-minutes: 1\n");
  auto c = compile(yaml);
  EXPECT_EQ(c->job("end")->level, 2u);
  EXPECT_EQ(c->plan().criticalPath, (std::vector<std::string>{"a", "slow", "end"}));
  EXPECT_EQ(c->plan().criticalPathMinutes, 61);
  passes::CompileOptions o;
  o.durations["fast"] = 100;
  auto d = compile(yaml, std::move(o));
  EXPECT_EQ(d->plan().criticalPath, (std::vector<std::string>{"a", "fast", "end"}));
  EXPECT_EQ(d->plan().criticalPathMinutes, 111);
  EXPECT_EQ(d->job("fast")->weight, 100);
}

// The job graph analysis is cached: passes that do not change the graph keep it.
TEST(ResolveNeeds, TheJobGraphAnalysisIsComputedOnce) {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId f = sm.addFile("w.yml", kHead + job("a", "") + job("b", "a"));
  passes::PipelineOptions p;
  p.passes = {"resolve-needs", "expand-matrix"};
  auto r = passes::compileFile(sm, f, diags, {}, p);
  ASSERT_TRUE(bool(r));
  passes::CompileAnalysisManager am(diags);
  auto &g1 = am.getResult<passes::JobGraphAnalysis>(*r->unit);
  auto &g2 = am.getResult<passes::JobGraphAnalysis>(*r->unit);
  EXPECT_EQ(&g1, &g2);
  EXPECT_EQ(g1.graph.edgeCount(), 1u);
}

// The transitive reduction: needs implied by other needs are listed in the plan
// (and drawn dashed in the graph), the needs themselves stay.
TEST(ResolveNeeds, RedundantNeedsAreRecorded) {
  auto c = compile(kHead + job("a", "") + job("b", "a") + job("c", "[a, b]"));
  EXPECT_EQ(c->job("c")->needs, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c->job("c")->redundantNeeds, std::vector<std::string>{"a"});
  EXPECT_EQ(c->json()["workflows"][0]["jobs"][2]["redundant_needs"][0], "a");
}
