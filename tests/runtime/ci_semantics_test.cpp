// Scenario tests of GitHub's job semantics (gha-semantics §3, §8) on the CI orchestrator
// with the sim provider: each a small workflow plan, a scenario and the expected conclusions.
#include "ci_harness.h"

using namespace runtime;
using rtest::CiHarness;
using rtest::Conclusions;
using rtest::conclusions;
using rtest::entry;
using rtest::ojson;
using rtest::plan;

TEST(CiSemantics, AFailureSkipsDefaultDependentsTransitivelyWhileAlwaysAndFailureJobsRun) {
  // a fails -> b (default) skipped -> c (always) runs -> d (default) stays skipped (§8 #9).
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "a"}},
                       {{"id", "b"}, {"needs", {"a"}}},
                       {{"id", "c"}, {"needs", {"b"}}, {"if", "always()"}},
                       {{"id", "d"}, {"needs", {"c"}}},
                       {{"id", "e"}, {"needs", {"a"}}, {"if", "failure()"}},
                       {{"id", "f"}, {"needs", {"a"}}, {"if", "success() || failure() || cancelled()"}},
                   })),
                   {{"jobs", {{"a", {{"conclusion", "failure"}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"a", "failure"}, {"b", "skipped"}, {"c", "success"},
                                           {"d", "skipped"}, {"e", "success"}, {"f", "success"}}));
  EXPECT_EQ(entry(doc, "b")["reason"], "needs");
  EXPECT_EQ(doc["conclusion"], "failure");
}

TEST(CiSemantics, AFalseConditionSkipsAJobAndAlwaysDiffersFromTheStatusDisjunction) {
  // §8 #10: with a skipped need, only always() is true.
  CiHarness h;
  json doc = h.run(plan(ojson::array({
      {{"id", "a"}, {"if", "success() && (github.ref == 'refs/heads/other')"}},
      {{"id", "b"}, {"needs", {"a"}}, {"if", "success() || failure() || cancelled()"}},
      {{"id", "c"}, {"needs", {"a"}}, {"if", "always()"}},
  })));
  EXPECT_EQ(conclusions(doc), (Conclusions{{"a", "skipped"}, {"b", "skipped"}, {"c", "success"}}));
  EXPECT_EQ(entry(doc, "a")["reason"], "condition");
  EXPECT_EQ(entry(doc, "b")["reason"], "needs");
  EXPECT_EQ(doc["conclusion"], "success") << "skipped jobs count as success";
}

TEST(CiSemantics, SuccessIsTransitiveOverAllAncestorsThroughAnAlwaysJob) {
  // §3.1, §8 #9: A skipped -> B (always) succeeds -> C (default) stays skipped.
  CiHarness h;
  json doc = h.run(plan(ojson::array({
      {{"id", "a"}, {"if", "false"}},
      {{"id", "b"}, {"needs", {"a"}}, {"if", "always()"}},
      {{"id", "c"}, {"needs", {"b"}}},
      {{"id", "d"}, {"needs", {"b"}}, {"if", "success() && (needs.b.result == 'success')"}},
  })));
  EXPECT_EQ(conclusions(doc), (Conclusions{{"a", "skipped"}, {"b", "success"}, {"c", "skipped"}, {"d", "skipped"}}));
  EXPECT_EQ(entry(doc, "c")["reason"], "needs");
}

TEST(CiSemantics, ContinueOnErrorReportsSuccessToNeedsAndDoesNotFailTheRun) {
  // §3.2, §8 #5.
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "flaky"}, {"continue_on_error", true}},
                       {{"id", "next"}, {"needs", {"flaky"}},
                        {"if", "success() && (needs.flaky.result == 'success' && needs.flaky.outputs.v == 'x')"}},
                   })),
                   {{"jobs", {{"flaky", {{"conclusion", "failure"}, {"outputs", {{"v", "x"}}}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"flaky", "failure"}, {"next", "success"}}));
  EXPECT_EQ(entry(doc, "flaky")["result"], "success");
  EXPECT_EQ(doc["conclusion"], "success");
}

TEST(CiSemantics, NeedsResultsAndOutputsReachConditionsOfDirectDependents) {
  // §3.2: needs.<id> holds result and outputs of direct needs only; ids are case-insensitive.
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "Build"}, {"local_id", "Build"}},
                       {{"id", "lint"}},
                       {{"id", "deploy"}, {"needs", {"build", "lint"}},
                        {"if", "success() && needs.BUILD.outputs.version == '1.2' && needs.lint.result == 'success'"}},
                       {{"id", "notify"}, {"needs", {"deploy"}},
                        {"if", "success() && needs.build.outputs.version == ''"}},
                   })),
                   {{"jobs", {{"Build", {{"outputs", {{"version", "1.2"}, {"empty", ""}}}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"Build", "success"}, {"lint", "success"}, {"deploy", "success"}, {"notify", "success"}}));
  EXPECT_EQ(entry(doc, "Build")["outputs"], (json{{"version", "1.2"}})) << "empty outputs are dropped (§8 #14)";
}

TEST(CiSemantics, FailFastCancelsRunningAndQueuedSiblingsAndMaxParallelHoldsLegsBack) {
  // §2.2, §8 #7: 4 legs, max-parallel 2; leg 1 fails -> leg 2 (running) and 3, 4 (queued) cancelled.
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "test"}, {"strategy", {{"fail_fast", true}, {"max_parallel", 2}, {"matrix", {{"v", {1, 2, 3, 4}}}}}}},
                       {{"id", "report"}, {"needs", {"test"}}, {"if", "always()"}},
                   })),
                   {{"default", {{"conclusion", "hang"}}},
                    {"jobs", {{"test (1)", {{"conclusion", "failure"}, {"duration_ms", 50}}}, {"report", {{"conclusion", "success"}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"test (1)", "failure"}, {"test (2)", "cancelled"}, {"test (3)", "cancelled"},
                                           {"test (4)", "cancelled"}, {"report", "success"}}));
  for (const char *leg : {"test (2)", "test (3)", "test (4)"})
    EXPECT_EQ(entry(doc, leg)["reason"], "fail-fast") << leg;
  std::vector<std::string> legs;
  for (auto &[inst, attempt] : rtest::dispatches(h.store()))
    if (inst.rfind("test.", 0) == 0)
      legs.push_back(inst);
  EXPECT_EQ(legs, (std::vector<std::string>{"test._1", "test._2"})) << "max-parallel 2";
  EXPECT_EQ(rtest::cancelledAtProvider(h.store()), (std::vector<std::string>{"test._2"}));
  EXPECT_EQ(doc["conclusion"], "failure");
}

TEST(CiSemantics, FailFastIgnoresAFailingLegWithContinueOnError) {
  // §2.4 Ex 4(b): the experimental leg fails; nothing else is affected and the run succeeds.
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "test"},
                        {"strategy", {{"fail_fast", true},
                                      {"matrix", {{"version", {6, 7}}, {"experimental", {false}},
                                                  {"include", ojson::array({{{"version", 9}, {"experimental", true}}})}}}}},
                        {"continue_on_error", "${{ matrix.experimental }}"}},
                   })),
                   {{"jobs", {{"test (9, true)", {{"conclusion", "failure"}}}, {"test (6, false)", {{"duration_ms", 100}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"test (6, false)", "success"}, {"test (7, false)", "success"}, {"test (9, true)", "failure"}}));
  EXPECT_EQ(doc["conclusion"], "success");
}

TEST(CiSemantics, FailFastFalseLetsSiblingsFinish) {
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "t"}, {"strategy", {{"fail_fast", false}, {"matrix", {{"v", {1, 2, 3}}}}}}},
                   })),
                   {{"jobs", {{"t (1)", {{"conclusion", "failure"}}}, {"t (2)", {{"duration_ms", 500}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"t (1)", "failure"}, {"t (2)", "success"}, {"t (3)", "success"}}));
}

TEST(CiSemantics, AJobTimeoutCancelsTheJobAndDependentsSeeCancelled) {
  // Decided rule: a timed-out job concludes cancelled (reason timeout); needs.X.result is
  // 'cancelled'; always() dependents run, default ones are skipped; the run fails.
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "slow"}, {"timeout_minutes", 5}},
                       {{"id", "cleanup"}, {"needs", {"slow"}}, {"if", "always() && needs.slow.result == 'cancelled'"}},
                       {{"id", "deploy"}, {"needs", {"slow"}}},
                       {{"id", "onfail"}, {"needs", {"slow"}}, {"if", "failure()"}},
                   })),
                   {{"jobs", {{"slow", {{"conclusion", "hang"}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"slow", "cancelled"}, {"cleanup", "success"}, {"deploy", "skipped"}, {"onfail", "skipped"}}));
  EXPECT_EQ(entry(doc, "slow")["reason"], "timeout");
  EXPECT_EQ(rtest::cancelledAtProvider(h.store()), (std::vector<std::string>{"slow"})) << "the provider is told to stop it";
  EXPECT_EQ(doc["conclusion"], "failure");
}

TEST(CiSemantics, ATimeoutOfAContinueOnErrorJobDoesNotFailTheRun) {
  CiHarness h;
  json doc = h.run(plan(ojson::array({{{"id", "slow"}, {"timeout_minutes", 1}, {"continue_on_error", true}}})),
                   {{"jobs", {{"slow", {{"conclusion", "hang"}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"slow", "cancelled"}}));
  EXPECT_EQ(doc["conclusion"], "success");
}

TEST(CiSemantics, AJobThatFinishesWithinItsTimeoutSucceeds) {
  CiHarness h;
  json doc = h.run(plan(ojson::array({{{"id", "quick"}, {"timeout_minutes", "${{ 2 }}"}}})),
                   {{"jobs", {{"quick", {{"duration_ms", 119000}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"quick", "success"}}));
}

TEST(CiSemantics, MatrixOutputsMergeKeyByKeyNonEmptyValuesLastFinisherWins) {
  // §3.3, §8 #4: legs set different keys; for a shared key the last leg to finish wins,
  // and an empty value does not overwrite.
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "build"}, {"strategy", {{"matrix", {{"os", {"linux", "mac", "win"}}}}}}},
                       {{"id", "use"}, {"needs", {"build"}}},
                   })),
                   {{"jobs", {{"build (linux)", {{"duration_ms", 30}, {"outputs", {{"linux", "ok"}, {"shared", "linux"}}}}},
                              {"build (mac)", {{"duration_ms", 10}, {"outputs", {{"mac", "ok"}, {"shared", "mac"}}}}},
                              {"build (win)", {{"duration_ms", 50}, {"outputs", {{"win", "ok"}, {"shared", ""}}}}}}}});
  EXPECT_EQ(conclusions(doc)["use"], "success");
  // The merged outputs are what `needs.build.outputs` gives; check them through a dependent.
  json doc2 = h.run(plan(ojson::array({
                        {{"id", "build"}, {"strategy", {{"matrix", {{"os", {"linux", "mac", "win"}}}}}}},
                        {{"id", "use"}, {"needs", {"build"}},
                         {"if", "success() && needs.build.outputs.shared == 'linux' && needs.build.outputs.win == 'ok' "
                                "&& needs.build.outputs.mac == 'ok'"}},
                    })),
                    {{"jobs", {{"build (linux)", {{"duration_ms", 30}, {"outputs", {{"linux", "ok"}, {"shared", "linux"}}}}},
                               {"build (mac)", {{"duration_ms", 10}, {"outputs", {{"mac", "ok"}, {"shared", "mac"}}}}},
                               {"build (win)", {{"duration_ms", 50}, {"outputs", {{"win", "ok"}, {"shared", ""}}}}}}}});
  EXPECT_EQ(conclusions(doc2)["use"], "success") << doc2.dump();
}

TEST(CiSemantics, DynamicMatrixIsExpandedFromNeedsOutputsWithIncludeRules) {
  // §2.2, §8 #16: matrix from fromJSON(needs.setup.outputs.m) with include.
  CiHarness h;
  std::string m = json{{"os", {"linux", "mac"}}, {"include", json::array({{{"os", "linux"}, {"extra", "x"}}, {{"os", "win"}}})}}.dump();
  json doc = h.run(plan(ojson::array({
                       {{"id", "setup"}},
                       {{"id", "build"}, {"needs", {"setup"}}, {"strategy", {{"matrix", "${{ fromJSON(needs.setup.outputs.m) }}"}}}},
                       {{"id", "use"}, {"needs", {"build"}},
                        {"if", "success() && (needs.build.outputs.linux == 'x' && needs.build.outputs.win == 'ok')"}},
                   })),
                   {{"jobs", {{"setup", {{"outputs", {{"m", m}}}}},
                              {"build (linux)", {{"outputs", {{"linux", "x"}}}}},
                              {"build (win)", {{"outputs", {{"win", "ok"}}}, {"duration_ms", 30}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"setup", "success"}, {"build (linux)", "success"}, {"build (mac)", "success"},
                                           {"build (win)", "success"}, {"use", "success"}}));
  std::vector<std::string> ids;
  for (const json &j : doc["jobs"])
    if (j["job"] == "build")
      ids.push_back(j["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"build.linux", "build.mac", "build.win"}));
}

TEST(CiSemantics, ADynamicMatrixThatGitHubRejectsFailsItsJob) {
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "setup"}},
                       {{"id", "build"}, {"needs", {"setup"}}, {"strategy", {{"matrix", "${{ fromJSON(needs.setup.outputs.m) }}"}}}},
                       {{"id", "after"}, {"needs", {"build"}}, {"if", "failure()"}},
                   })),
                   {{"jobs", {{"setup", {{"outputs", {{"m", "{\"os\": []}"}}}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"setup", "success"}, {"build", "failure"}, {"after", "success"}}));
  EXPECT_NE(entry(doc, "build")["error"].get<std::string>().find("os"), std::string::npos) << doc.dump();
  EXPECT_EQ(doc["conclusion"], "failure");
}

TEST(CiSemantics, AMatrixJobFailsForItsDependentsWhenALegFails) {
  // §3.2 safe model: failure if any leg failed without continue-on-error.
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "t"}, {"strategy", {{"fail_fast", false}, {"matrix", {{"v", {1, 2}}}}}}},
                       {{"id", "next"}, {"needs", {"t"}}, {"if", "always() && needs.t.result == 'failure'"}},
                   })),
                   {{"jobs", {{"t (2)", {{"conclusion", "failure"}}}}}});
  EXPECT_EQ(conclusions(doc)["next"], "success");
}

TEST(CiSemantics, AMatrixNameTemplateIsEvaluatedPerLegWithoutASuffix) {
  // §2.3: a name with an expression gets no "(...)" suffix.
  CiHarness h;
  json doc = h.run(plan(ojson::array({
      {{"id", "t"}, {"name", "test on ${{ matrix.os }}"}, {"strategy", {{"matrix", {{"os", {"linux", "mac"}}}}}}},
  })));
  EXPECT_EQ(conclusions(doc), (Conclusions{{"test on linux", "success"}, {"test on mac", "success"}}));
}

TEST(CiSemantics, PreExpandedInstancesRunWithTheirNamesAndMatrices) {
  CiHarness h;
  json doc = h.run(plan(ojson::array({
      {{"id", "lint"}, {"strategy", {{"fail_fast", true}}},
       {"instances", ojson::array({{{"id", "lint.linux"}, {"name", "lint (linux)"}, {"matrix", {{"os", "linux"}}}, {"config_id", "linux"}}})}},
      {{"id", "after"}, {"needs", {"lint"}}},
  })));
  EXPECT_EQ(conclusions(doc), (Conclusions{{"lint (linux)", "success"}, {"after", "success"}}));
}

TEST(CiSemantics, StatusFunctionsWithJobIdArgumentsNarrowToTheNamedAncestors) {
  // The schema's job-level success(ids...) / failure(ids...) (§3.1).
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "a"}},
                       {{"id", "b"}},
                       {{"id", "c"}, {"needs", {"a", "b"}}, {"if", "success('a')"}},
                       {{"id", "d"}, {"needs", {"a", "b"}}, {"if", "failure('b')"}},
                       {{"id", "e"}, {"needs", {"a", "b"}}, {"if", "failure('a')"}},
                   })),
                   {{"jobs", {{"b", {{"conclusion", "failure"}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"a", "success"}, {"b", "failure"}, {"c", "success"}, {"d", "success"}, {"e", "skipped"}}));
}

TEST(CiSemantics, ReusableCallGatesItsMembersAndExposesTheirOutputs) {
  // §7: members wait for the call's needs and if; the call's result aggregates them;
  // its outputs come from jobs.<member>.outputs; members show as "caller / callee".
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "prep"}},
                       {{"id", "call"}, {"name", "Call"}, {"uses", "./.github/workflows/lib.yml"}, {"needs", {"prep"}},
                        {"outputs", {{"o", "${{ jobs.build.outputs.b }}"}}}},
                       {{"id", "call/build"}, {"local_id", "build"}, {"name", "build"}, {"call", "call"}},
                       {{"id", "call/test"}, {"local_id", "test"}, {"name", "test"}, {"call", "call"}, {"needs", {{{"id", "call/build"}, {"as", "build"}}}},
                        {"if", "success() && needs.build.outputs.b == 'B'"}},
                       {{"id", "after"}, {"needs", {"call"}}, {"if", "success() && needs.call.outputs.o == 'B'"}},
                   })),
                   {{"jobs", {{"call/build", {{"outputs", {{"b", "B"}}}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"prep", "success"}, {"Call / build", "success"}, {"Call / test", "success"}, {"after", "success"}}));
}

TEST(CiSemantics, ASkippedReusableCallSkipsItsMembers) {
  CiHarness h;
  json doc = h.run(plan(ojson::array({
      {{"id", "call"}, {"uses", "./lib.yml"}, {"if", "false"}},
      {{"id", "call/build"}, {"local_id", "build"}, {"call", "call"}},
      {{"id", "after"}, {"needs", {"call"}}, {"if", "always() && needs.call.result == 'skipped'"}},
  })));
  EXPECT_EQ(conclusions(doc), (Conclusions{{"call / build", "skipped"}, {"after", "success"}}));
}

TEST(CiSemantics, RunConclusionIsFailureWhenAJobFailsEvenIfAlwaysJobsSucceed) {
  CiHarness h;
  json doc = h.run(plan(ojson::array({{{"id", "a"}}, {{"id", "b"}, {"needs", {"a"}}, {"if", "always()"}}})),
                   {{"jobs", {{"a", {{"conclusion", "failure"}}}}}});
  EXPECT_EQ(doc["conclusion"], "failure");
}
