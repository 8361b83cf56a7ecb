// type-check-expressions: every template with the typed contexts of its key.
#include "pass_test_util.h"

using passtest::compile;

// matrix is typed from the vectors and include keys; a key no leg has is a warning.
TEST(TypeCheckPass, MatrixKeysComeFromTheStrategy) {
  auto c = compile("on: push\njobs:\n  a:\n    runs-on: ${{ matrix.os }}\n"
                   "    strategy:\n      matrix:\n        os: [l, m]\n        include: [{os: l, cov: true}]\n"
                   "    steps:\n      - run: echo ${{ matrix.cov }} ${{ matrix.colour }}\n");
  ASSERT_EQ(c->count("expr-unknown-property"), 1u) << c->text();
  const ir::Diagnostic *d = c->first("expr-unknown-property");
  EXPECT_EQ(d->severity, ir::Severity::Warning);
  EXPECT_EQ(d->range.line, 10u);
  EXPECT_EQ(d->range.col, 48u);
  EXPECT_NE(d->message.find("\"colour\" is not defined in \"matrix\""), std::string::npos);
  EXPECT_TRUE(c->completed);
}

// needs holds the needed jobs with their declared outputs; a call job's outputs
// are its callee's workflow_call outputs.
TEST(TypeCheckPass, NeedsAreTheNeededJobsAndTheirOutputs) {
  auto c = compile(R"(on: push
jobs:
  build:
    runs-on: x
    outputs: {version: '${{ steps.v.outputs.v }}'}
    steps: [{id: v, run: a}]
  lib:
    uses: ./.github/workflows/lib.yml
  test:
    needs: [build, lib]
    runs-on: x
    steps:
      - run: echo ${{ needs.build.outputs.version }} ${{ needs.lib.outputs.url }}
      - run: echo ${{ needs.build.outputs.verison }} ${{ needs.deploy.result }} ${{ needs.lib.outputs.uri }}
)",
                   passtest::withFiles({{"./.github/workflows/lib.yml",
                                         "on:\n  workflow_call:\n    outputs:\n      url: {value: '${{ jobs.j.outputs.u }}'}\n"
                                         "jobs:\n  j:\n    runs-on: x\n    outputs: {u: a}\n    steps: [{run: a}]\n"}}));
  EXPECT_EQ(c->count("expr-unknown-property"), 2u) << c->text();
  EXPECT_EQ(c->count("expr-needs-unknown-job"), 1u) << c->text();
  EXPECT_NE(c->text().find("job \"deploy\" is not in the needs of this job; \"needs\" holds: build, lib"),
            std::string::npos);
}

// steps holds the ids of earlier steps only; job outputs see all of them.
TEST(TypeCheckPass, StepsAreTheEarlierSteps) {
  auto c = compile("on: push\njobs:\n  a:\n    runs-on: x\n    outputs: {o: '${{ steps.late.outputs.x }}'}\n"
                   "    steps:\n      - run: echo ${{ steps.late.outputs.x }}\n      - id: late\n        run: b\n");
  ASSERT_EQ(c->count("expr-steps-unknown-id"), 1u) << c->text();
  EXPECT_EQ(c->first("expr-steps-unknown-id")->range.line, 7u);
}

// §8 #12: a boolean input compared with the string 'true' is always false.
TEST(TypeCheckPass, InputsAreTypedByTheirDeclarations) {
  auto c = compile("on:\n  workflow_dispatch:\n    inputs:\n      flag: {type: boolean}\n"
                   "jobs:\n  a:\n    if: inputs.flag == 'true'\n    runs-on: x\n    steps: [{run: a}]\n");
  ASSERT_EQ(c->count("expr-constant-comparison"), 1u) << c->text();
  auto ok = compile("on:\n  workflow_dispatch:\n    inputs:\n      flag: {type: boolean}\n"
                    "jobs:\n  a:\n    if: inputs.flag\n    runs-on: x\n    steps: [{run: a}]\n");
  EXPECT_TRUE(ok->diags.empty()) << ok->text();
}

// §8 #11: text around ${{ }} in an if makes it a non-empty string, always true.
TEST(TypeCheckPass, MixedIfIsAlwaysTrue) {
  auto c = compile("on: push\njobs:\n  a:\n    if: ${{ github.ref }} == 'x'\n    runs-on: x\n"
                   "    steps: [{run: a}]\n");
  EXPECT_EQ(c->count("if-always-true"), 1u) << c->text();
}

// workflow_call outputs read `jobs` of the same file; called workflows are checked too.
TEST(TypeCheckPass, CalledWorkflowsAndTheirOutputsAreChecked) {
  auto c = compile("on: push\njobs:\n  c:\n    uses: ./.github/workflows/lib.yml\n",
                   passtest::withFiles({{"./.github/workflows/lib.yml",
                                         "on:\n  workflow_call:\n    outputs:\n      url: {value: '${{ jobs.j.outputs.uri }}'}\n"
                                         "jobs:\n  j:\n    runs-on: x\n    outputs: {u: a}\n"
                                         "    steps: [{run: '${{ steps.nope.outputs.x }}'}]\n"}}));
  EXPECT_EQ(c->count("expr-unknown-property"), 1u) << c->text();
  EXPECT_EQ(c->count("expr-steps-unknown-id"), 1u) << c->text();
  EXPECT_NE(c->text().find("./.github/workflows/lib.yml:4:"), std::string::npos) << c->text();
}
