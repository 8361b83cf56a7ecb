// Context availability per workflow key, generated from GitHub's workflow schema.
#include "frontend/context_availability.h"

#include <gtest/gtest.h>

#include <climits>

using namespace frontend;

// The job-level `if` sees github/inputs/vars/needs and the status functions, with
// success/failure taking job names (0..MAX), but not matrix (evaluated before expansion).
TEST(ContextAvailability, JobIfMatchesTheDocsTable) {
  const ContextAvailability *a = findContextAvailability("job-if");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->contexts, (std::vector<std::string>{"github", "inputs", "vars", "needs"}));
  EXPECT_FALSE(a->allowsContext("matrix"));
  EXPECT_TRUE(a->allowsContext("NEEDS"));
  const FunctionSignature *success = a->findFunction("Success");
  ASSERT_NE(success, nullptr);
  EXPECT_EQ(success->minArgs, 0u);
  EXPECT_EQ(success->maxArgs, UINT_MAX);
  const FunctionSignature *always = a->findFunction("always");
  ASSERT_NE(always, nullptr);
  EXPECT_EQ(always->maxArgs, 0u);
  EXPECT_EQ(a->findFunction("hashFiles"), nullptr);
}

// Step `if` adds steps/job/runner/env and hashFiles, but not secrets.
TEST(ContextAvailability, StepIfAllowsHashFilesButNotSecrets) {
  const ContextAvailability *a = findContextAvailability("step-if");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->allowsContext("steps"));
  EXPECT_TRUE(a->allowsContext("env"));
  EXPECT_FALSE(a->allowsContext("secrets"));
  const FunctionSignature *h = a->findFunction("hashfiles");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->minArgs, 1u);
  EXPECT_EQ(h->maxArgs, 255u);
  EXPECT_EQ(a->findFunction("success")->maxArgs, 0u);
}

// Keys are reachable through the schema's mapping keys and free-form mappings.
TEST(ContextAvailability, KeyPathsAndMappingValuesResolve) {
  EXPECT_EQ(definitionForKey("run-step", "run"), "string-steps-context");
  EXPECT_EQ(definitionForKey("job-factory", "timeout-minutes"), "number-strategy-context");
  EXPECT_EQ(definitionForKey("run-step", "shell"), "");
  const ContextAvailability *run = findContextAvailability("run-step.run");
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->definition, "string-steps-context");
  EXPECT_TRUE(run->allowsContext("secrets"));
  const ContextAvailability *outputs = findContextAvailability("job-outputs");
  ASSERT_NE(outputs, nullptr);
  EXPECT_EQ(outputs->definition, "string-runner-context");
  EXPECT_TRUE(outputs->allowsContext("steps"));
  EXPECT_EQ(outputs->findFunction("hashFiles"), nullptr);
  EXPECT_EQ(findContextAvailability("no-such-definition"), nullptr);
  EXPECT_EQ(findContextAvailability("run-step.shell"), nullptr);
}

// Workflow-level keys: run-name sees no secrets, workflow env does, call outputs see jobs.
TEST(ContextAvailability, WorkflowLevelKeys) {
  EXPECT_FALSE(findContextAvailability("run-name")->allowsContext("secrets"));
  EXPECT_TRUE(findContextAvailability("workflow-env")->allowsContext("secrets"));
  EXPECT_TRUE(findContextAvailability("workflow-output-context")->allowsContext("jobs"));
  EXPECT_FALSE(findContextAvailability("workflow-call-input-default")->allowsContext("needs"));
  EXPECT_GE(allContextAvailability().size(), 35u);
}

// parseOptionsFor feeds the parser: matrix in a job `if` and hashFiles in run-name fail.
TEST(ContextAvailability, ParseOptionsRejectWhatTheKeyDoesNotAllow) {
  ExprParseOptions jobIf = parseOptionsFor("job-if");
  EXPECT_FALSE(parseExpression("success() && needs.a.result == 'success'", jobIf).error);
  EXPECT_FALSE(parseExpression("failure('a', 'b')", jobIf).error);
  auto m = parseExpression("matrix.os == 'x'", jobIf);
  ASSERT_TRUE(m.error);
  EXPECT_EQ(m.error->message, "Unrecognized named-value: 'matrix'");

  ExprParseOptions stepIf = parseOptionsFor("step-if");
  auto tooMany = parseExpression("success('a')", stepIf);
  ASSERT_TRUE(tooMany.error);
  EXPECT_EQ(tooMany.error->message, "Too many parameters supplied: 'success'");
  EXPECT_FALSE(parseExpression("hashFiles('**/go.sum') != ''", stepIf).error);

  auto h = parseExpression("hashFiles('x')", parseOptionsFor("run-name"));
  ASSERT_TRUE(h.error);
  EXPECT_EQ(h.error->message, "Unrecognized function: 'hashFiles'");

  auto unknown = parseExpression("github.sha", parseOptionsFor("nonsense"));
  ASSERT_TRUE(unknown.error);
  EXPECT_FALSE(parseExpression("format('{0}', 1)", parseOptionsFor("nonsense")).error);
}
