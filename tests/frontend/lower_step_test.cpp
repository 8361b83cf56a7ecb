// Lowering of steps: kinds, generated ids, conditions, background steps.
#include "lower_test_util.h"

#include <gtest/gtest.h>

using testutil::compile;

// Steps without an id get GitHub's generated ids, unique case-insensitively,
// avoiding explicit ids.
TEST(LowerStep, GeneratesIdsLikeGitHub) {
  auto c = compile(R"(on: push
jobs:
  a:
    runs-on: x
    steps:
      - uses: actions/checkout@v4
      - uses: actions/checkout@v4
      - run: one
      - id: __RUN_2_
        run: x
      - run: two
      - uses: ./local/action
      - uses: docker://alpine:3.19
      - uses: owner/repo/sub/dir@v1
)");
  // "__RUN_2_" is a reserved id: reported, and not used.
  EXPECT_TRUE(c->hasMessage("IDs starting with '__' are reserved"));
  std::vector<std::string> ids;
  for (const auto &s : c->wf.jobs[0].steps)
    ids.push_back(s.id.value);
  EXPECT_EQ(ids, (std::vector<std::string>{"__actions_checkout", "__actions_checkout_2", "__run",
                                           "__run_2", "__run_3", "__self", "__alpine_3_19",
                                           "__owner_repo_sub_dir"}));
  EXPECT_TRUE(c->wf.jobs[0].steps[0].generatedId);
}

// Long step lists (past the short linear scan of taken ids): duplicates are still
// found case-insensitively and generated ids still count up per base.
TEST(LowerStep, GeneratesIdsInLongStepLists) {
  std::string yaml = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n";
  for (int i = 1; i <= 70; ++i)
    yaml += "      - id: step" + std::to_string(i) + "\n        run: x\n";
  yaml += "      - id: STEP7\n        run: x\n";
  for (int i = 0; i < 40; ++i)
    yaml += i % 2 ? "      - run: y\n" : "      - uses: actions/checkout@v4\n";
  auto c = compile(yaml);
  EXPECT_TRUE(c->hasMessage("STEP7"));
  const auto &steps = c->wf.jobs[0].steps;
  ASSERT_EQ(steps.size(), 111u);
  EXPECT_EQ(steps[71].id.value, "__actions_checkout");
  EXPECT_EQ(steps[72].id.value, "__run");
  EXPECT_EQ(steps[73].id.value, "__actions_checkout_2");
  EXPECT_EQ(steps[74].id.value, "__run_2");
  EXPECT_EQ(steps[109].id.value, "__actions_checkout_20");
  EXPECT_EQ(steps[110].id.value, "__run_20");
}

// Every step key lowers; `if` is a bare expression with an AST.
TEST(LowerStep, LowersEveryStepKey) {
  auto c = compile(R"(on: push
jobs:
  a:
    runs-on: x
    steps:
      - id: build
        name: Build ${{ matrix.os }}
        if: github.event_name == 'push' && hashFiles('**/go.sum') != ''
        run: make
        shell: bash
        working-directory: src
        env: {A: '1'}
        continue-on-error: true
        timeout-minutes: 5
      - uses: actions/setup-node@v4
        with:
          node-version: 20
)");
  EXPECT_EQ(c->summary(), "");
  const ir::Step &s = c->wf.jobs[0].steps[0];
  EXPECT_EQ(s.kind, ir::StepKind::Run);
  ASSERT_TRUE(s.condition);
  ASSERT_EQ(s.condition->parts.size(), 1u);
  ASSERT_TRUE(s.condition->parts[0].ast);
  EXPECT_EQ(s.condition->parts[0].ast->op, ir::ExprOp::And);
  EXPECT_EQ(s.shell->value, "bash");
  EXPECT_EQ(s.workingDirectory->raw, "src");
  EXPECT_TRUE(s.continueOnError->boolean);
  EXPECT_EQ(s.timeoutMinutes->number, 5);
  const ir::Step &u = c->wf.jobs[0].steps[1];
  EXPECT_EQ(u.kind, ir::StepKind::Uses);
  EXPECT_EQ(u.with[0].value.raw, "20");
}

// A step with neither run nor uses, and misplaced keys.
TEST(LowerStep, StepKindErrors) {
  auto c = compile(R"(on: push
jobs:
  a:
    runs-on: x
    steps:
      - name: nothing
      - shell: bash
      - uses: actions/checkout@v4
        shell: bash
      - run: x
        uses: actions/checkout@v4
      - uses: not-a-ref
)");
  std::string s = c->summary();
  EXPECT_NE(s.find("6:9: There's not enough info to determine what you meant."), std::string::npos) << s;
  EXPECT_NE(s.find("7:9: Required property is missing: run"), std::string::npos) << s;
  EXPECT_NE(s.find("9:9: Unexpected value 'shell'"), std::string::npos) << s;
  EXPECT_NE(s.find("11:9: Unexpected value 'uses'"), std::string::npos) << s;
  EXPECT_NE(s.find("12:15: Expected format {org}/{repo}[/path]@ref. Actual 'not-a-ref'"), std::string::npos) << s;
}

// The 2026 step kinds: background steps, wait, wait-all, cancel, parallel.
TEST(LowerStep, BackgroundAndControlSteps) {
  auto c = compile(R"(on: push
jobs:
  a:
    runs-on: x
    steps:
      - id: server
        run: npm start
        background: true
      - wait: [server]
      - wait-all:
      - cancel: server
      - parallel:
          - run: a
          - run: b
)");
  EXPECT_EQ(c->summary(), "");
  const auto &st = c->wf.jobs[0].steps;
  ASSERT_EQ(st.size(), 5u);
  EXPECT_TRUE(st[0].background);
  EXPECT_EQ(st[1].kind, ir::StepKind::Wait);
  EXPECT_EQ(st[1].waitFor[0].value, "server");
  EXPECT_EQ(st[1].id.value, "__wait");
  EXPECT_EQ(st[2].kind, ir::StepKind::WaitAll);
  EXPECT_EQ(st[3].cancel->value, "server");
  EXPECT_EQ(st[4].parallel.size(), 2u);
}

// Duplicate step ids (case-insensitive) are reported.
TEST(LowerStep, DuplicateStepIds) {
  auto c = compile("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - {id: s, run: a}\n      - {id: S, run: b}\n");
  EXPECT_TRUE(c->hasMessage("'S' is already defined"));
}
