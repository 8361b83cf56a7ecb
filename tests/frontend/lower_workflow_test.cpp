// Lowering of workflows into ir::Workflow: every schema key, ranges, diagnostics.
#include "lower_test_util.h"

#include <gtest/gtest.h>

using testutil::compile;

// A workflow using every top-level key and every trigger form lowers without
// diagnostics into the matching IR fields.
TEST(LowerWorkflow, LowersEveryTopLevelKeyAndTrigger) {
  auto c = compile(R"(name: CI
run-name: Deploy ${{ github.ref }}
on:
  push:
    branches: [main, 'releases/**']
    tags-ignore: v*
    paths-ignore: ['docs/**']
  pull_request:
    types: [opened, synchronize]
    branches-ignore: [wip]
  schedule:
    - cron: '0 4 * * 1'
      timezone: Europe/Paris
  workflow_dispatch:
    inputs:
      level:
        type: choice
        options: [info, debug]
        default: info
        required: true
  workflow_call:
    inputs:
      target: {type: string, required: true, default: '${{ github.ref }}'}
    outputs:
      url: {description: where, value: '${{ jobs.build.outputs.url }}'}
    secrets:
      token: {required: true}
      other:
permissions:
  contents: read
  id-token: write
env:
  GREETING: hello
  COUNT: 3
defaults:
  run:
    shell: bash
    working-directory: src
concurrency:
  group: ci-${{ github.ref }}
  cancel-in-progress: true
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
)");
  EXPECT_EQ(c->summary(), "");
  const ir::Workflow &wf = c->wf;
  ASSERT_TRUE(wf.name);
  EXPECT_EQ(wf.name->raw, "CI");
  ASSERT_TRUE(wf.runName);
  EXPECT_EQ(wf.runName->toExpressionSource(), "format('Deploy {0}', github.ref)");
  EXPECT_EQ(wf.triggerForm, ir::TriggerForm::Mapping);
  ASSERT_EQ(wf.triggers.size(), 5u);
  const ir::Trigger *push = wf.findTrigger("push");
  ASSERT_TRUE(push && push->filter("branches") && push->filter("tags-ignore"));
  EXPECT_EQ(push->filter("branches")->patterns[1].value, "releases/**");
  EXPECT_EQ(push->filter("tags-ignore")->patterns[0].value, "v*");
  EXPECT_EQ(wf.findTrigger("pull_request")->types.size(), 2u);
  const ir::Trigger *sched = wf.findTrigger("schedule");
  ASSERT_EQ(sched->schedules.size(), 1u);
  EXPECT_EQ(sched->schedules[0].cron.value, "0 4 * * 1");
  EXPECT_EQ(sched->schedules[0].timezone->value, "Europe/Paris");
  const ir::Trigger *dispatch = wf.findTrigger("workflow_dispatch");
  ASSERT_EQ(dispatch->inputs.size(), 1u);
  EXPECT_EQ(dispatch->inputs[0].type->value, "choice");
  EXPECT_EQ(dispatch->inputs[0].options.size(), 2u);
  EXPECT_TRUE(wf.isReusable());
  const ir::Trigger *call = wf.findTrigger("workflow_call");
  EXPECT_EQ(call->inputs[0].defaultValue->str.toExpressionSource(), "github.ref");
  EXPECT_EQ(call->outputs[0].value.toExpressionSource(), "jobs.build.outputs.url");
  ASSERT_EQ(call->secrets.size(), 2u);
  EXPECT_TRUE(call->secrets[1].isNull);
  ASSERT_TRUE(wf.permissions);
  EXPECT_EQ(wf.permissions->levelOf("id-token"), "write");
  EXPECT_EQ(wf.permissions->levelOf("issues"), "none");
  ASSERT_EQ(wf.env.size(), 2u);
  EXPECT_EQ(wf.env[1].value.raw, "3");
  EXPECT_EQ(wf.defaults.shell->raw, "bash");
  ASSERT_TRUE(wf.concurrency);
  EXPECT_FALSE(wf.concurrency->shortForm);
  EXPECT_TRUE(wf.concurrency->cancelInProgress->boolean);
}

// `on` as a string and as a list.
TEST(LowerWorkflow, TriggerShortForms) {
  auto a = compile("on: push\njobs:\n  j:\n    runs-on: x\n    steps: [{run: a}]\n");
  EXPECT_EQ(a->wf.triggerForm, ir::TriggerForm::String);
  auto b = compile("on: [push, fork]\njobs:\n  j:\n    runs-on: x\n    steps: [{run: a}]\n");
  EXPECT_EQ(b->wf.triggerForm, ir::TriggerForm::Sequence);
  EXPECT_EQ(b->wf.triggers.size(), 2u);
  EXPECT_EQ(b->summary(), "");
}

// A misspelt key gets GitHub's message, a "did you mean" note and the list of
// allowed keys.
TEST(LowerWorkflow, UnknownKeySuggestsTheClosestKey) {
  auto c = compile("on: push\njobs:\n  build:\n    runs-onn: ubuntu-latest\n    steps:\n      - run: x\n");
  const ir::Diagnostic *d = c->find("Unexpected value 'runs-onn'");
  ASSERT_TRUE(d) << c->summary();
  EXPECT_EQ(d->kindName(), "unknown-key");
  EXPECT_EQ(d->range.line, 4u);
  EXPECT_EQ(d->range.col, 5u);
  ASSERT_GE(d->notes.size(), 2u);
  EXPECT_EQ(d->notes[0].message, "did you mean 'runs-on'?");
  EXPECT_NE(d->notes[1].message.find("timeout-minutes"), std::string::npos);
  EXPECT_TRUE(c->hasMessage("Required property is missing: runs-on"));
}

// Wrong shapes say what was expected; several problems of one file are all reported.
TEST(LowerWorkflow, ReportsManyErrorsWithWhatIsAllowed) {
  auto c = compile(R"(on: pushh
permissions:
  contents: maybe
jobs:
  a:
    runs-on: x
    steps:
      not: a-sequence
  b:
    runs-on: x
    timeout-minutes: soon
    continue-on-error: perhaps
    steps:
      - run: a
)");
  std::string s = c->summary();
  EXPECT_NE(s.find("1:5: Unexpected value 'pushh' [events]"), std::string::npos) << s;
  EXPECT_NE(s.find("3:13: Unexpected value 'maybe'"), std::string::npos) << s;
  EXPECT_NE(s.find("8:7: A mapping was not expected [type-mismatch]"), std::string::npos) << s;
  EXPECT_NE(s.find("11:22: Unexpected value 'soon'"), std::string::npos) << s;
  EXPECT_NE(s.find("12:24: Unexpected value 'perhaps'"), std::string::npos) << s;
  const ir::Diagnostic *d = c->find("A mapping was not expected");
  ASSERT_FALSE(d->notes.empty());
  EXPECT_EQ(d->notes[0].message, "expected a sequence of steps");
  const ir::Diagnostic *p = c->find("'pushh'");
  EXPECT_EQ(p->notes[0].message, "did you mean 'push'?");
}

// Every job key lowers into the job, keeping typed tokens where GitHub does.
TEST(LowerWorkflow, LowersEveryJobKey) {
  auto c = compile(R"(on: push
jobs:
  build:
    name: Build ${{ matrix.os }}
    runs-on: ${{ matrix.os }}
    environment: {name: prod, url: 'https://x'}
    outputs:
      url: ${{ steps.deploy.outputs.url }}
    env: {A: b}
    defaults: {run: {shell: pwsh}}
    timeout-minutes: 30
    cancel-timeout-minutes: 2
    strategy:
      fail-fast: false
      max-parallel: 2
      matrix:
        os: [ubuntu-latest, windows-latest]
        node: [18, 20.5, true]
        include:
          - os: macos-latest
            experimental: true
    continue-on-error: ${{ matrix.experimental }}
    container:
      image: node:20
      ports: [80]
      credentials: {username: u, password: '${{ secrets.P }}'}
    services:
      redis: redis:7
      db: {image: postgres, env: {PG: 1}}
    permissions: read-all
    concurrency: build-${{ github.ref }}
    steps:
      - id: deploy
        run: echo
  call:
    needs: [build]
    if: always()
    uses: ./.github/workflows/reuse.yml
    with: {flag: true, n: 3, s: x}
    secrets: inherit
)");
  EXPECT_EQ(c->summary(), "");
  ASSERT_EQ(c->wf.jobs.size(), 2u);
  const ir::Job &j = c->wf.jobs[0];
  EXPECT_EQ(j.kind, ir::JobKind::Normal);
  EXPECT_EQ(j.name->toExpressionSource(), "format('Build {0}', matrix.os)");
  EXPECT_TRUE(j.runsOn->isExpression());
  EXPECT_EQ(j.environment->get("name")->str.raw, "prod");
  EXPECT_EQ(j.outputs[0].name.value, "url");
  EXPECT_EQ(j.timeoutMinutes->number, 30);
  EXPECT_EQ(j.cancelTimeoutMinutes->number, 2);
  const ir::TemplateToken *m = j.matrix();
  ASSERT_TRUE(m && m->isMapping());
  ASSERT_EQ(m->entries.size(), 3u);
  EXPECT_EQ(m->entries[0].key.value, "os");
  EXPECT_EQ(m->entries[1].key.value, "node");
  const auto &node = m->entries[1].value.items;
  EXPECT_EQ(node[0].kind, ir::TemplateToken::Kind::Number);
  EXPECT_EQ(node[1].number, 20.5);
  EXPECT_EQ(node[2].kind, ir::TemplateToken::Kind::Bool);
  EXPECT_FALSE(j.strategy->get("fail-fast")->boolean);
  EXPECT_TRUE(j.continueOnError->isExpression());
  EXPECT_EQ(j.container->get("ports")->items[0].str.raw, "80");
  EXPECT_EQ(j.services->entries.size(), 2u);
  EXPECT_EQ(j.permissions->form, ir::Permissions::Form::ReadAll);
  EXPECT_TRUE(j.concurrency->shortForm);
  const ir::Job &call = c->wf.jobs[1];
  EXPECT_EQ(call.kind, ir::JobKind::ReusableCall);
  EXPECT_EQ(call.uses->value, "./.github/workflows/reuse.yml");
  EXPECT_TRUE(call.inheritSecrets);
  ASSERT_EQ(call.with.size(), 3u);
  EXPECT_EQ(call.with[0].value.kind, ir::TemplateToken::Kind::Bool);
  EXPECT_EQ(call.with[1].value.kind, ir::TemplateToken::Kind::Number);
  ASSERT_TRUE(call.condition && call.condition->parts[0].ast);
  EXPECT_TRUE(ir::usesStatusFunction(*call.condition->parts[0].ast));
}

// Job ids follow GitHub's rules; needs naming unknown jobs get a suggestion;
// a workflow whose jobs all need others has no start job.
TEST(LowerWorkflow, JobIdAndNeedsRules) {
  auto c = compile(R"(on: push
jobs:
  0bad:
    runs-on: x
    steps: [{run: a}]
  __reserved:
    runs-on: x
    steps: [{run: a}]
)");
  EXPECT_TRUE(c->hasMessage("The identifier '0bad' is invalid"));
  EXPECT_TRUE(c->hasMessage("The identifier '__reserved' is invalid. IDs starting with '__' are reserved."));
  auto n = compile(R"(on: push
jobs:
  build:
    runs-on: x
    steps: [{run: a}]
  test:
    needs: biuld
    runs-on: x
    steps: [{run: a}]
)");
  const ir::Diagnostic *d = n->find("depends on unknown job 'biuld'");
  ASSERT_TRUE(d) << n->summary();
  EXPECT_EQ(d->range.line, 7u);
  EXPECT_EQ(d->range.col, 12u);
  ASSERT_FALSE(d->notes.empty());
  EXPECT_EQ(d->notes[0].message, "did you mean 'build'?");
  EXPECT_EQ(d->notes[0].range.line, 3u);
  auto cyc = compile("on: push\njobs:\n  a:\n    needs: b\n    runs-on: x\n    steps: [{run: a}]\n"
                     "  b:\n    needs: a\n    runs-on: x\n    steps: [{run: a}]\n");
  EXPECT_TRUE(cyc->hasMessage("The workflow must contain at least one job with no dependencies."));
}

// Job ranges: the id key and the job mapping are both kept for editors.
TEST(LowerWorkflow, KeepsRangesOfKeysAndValues) {
  auto c = compile("on: push\njobs:\n  build:\n    runs-on: x\n    steps:\n      - run: echo hi\n        name: Say\n");
  const ir::Job &j = c->wf.jobs[0];
  EXPECT_EQ(j.id.range.line, 3u);
  EXPECT_EQ(j.id.range.col, 3u);
  EXPECT_EQ(j.id.range.endCol, 8u);
  EXPECT_EQ(j.range.line, 4u);
  EXPECT_EQ(j.steps[0].range.line, 6u);
  EXPECT_EQ(j.steps[0].range.col, 9u);
  EXPECT_EQ(j.steps[0].run.range.line, 6u);
  EXPECT_EQ(j.steps[0].run.range.col, 14u);
  EXPECT_EQ(j.steps[0].name->range.line, 7u);
}

// An expression error points at the offending column inside the YAML line,
// and remembers the whole value's range (GitHub reports that one).
TEST(LowerWorkflow, ExpressionErrorsPointIntoTheValue) {
  auto c = compile("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.sha == }}\n");
  ASSERT_EQ(c->diags.errorCount(), 1u) << c->summary();
  const ir::Diagnostic &d = c->diags.diagnostics()[0];
  EXPECT_EQ(d.range.line, 6u);
  EXPECT_GT(d.range.col, 18u);
  EXPECT_EQ(d.valueRange.col, 14u);
}

// `${{ }}` where GitHub allows none: workflow name, mapping keys, jobs.
// Where the schema gives no context, GitHub parses the value with none: each named
// value is an error, a lone string literal folds to its text, anything else is
// not allowed.
TEST(LowerWorkflow, ExpressionsWhereNoneAreAllowed) {
  auto c = compile("name: n ${{ github.ref }}\non: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
                   "      - uses: ${{ x }}\n      - run: a\n        shell: ${{ 'sh {0}' }}\n"
                   "      - run: b\n        shell: ${{ format('sh') }}\n");
  EXPECT_EQ(c->summary(),
            "1:13: Unrecognized named-value: 'github'. Located at position 1 within expression: github.ref [expression]\n"
            "7:19: Unrecognized named-value: 'x'. Located at position 1 within expression: x [expression]\n"
            "11:20: A template expression is not allowed in this context [expression-not-allowed]\n");
  ASSERT_EQ(c->wf.jobs[0].steps.size(), 3u);
  ASSERT_TRUE(c->wf.jobs[0].steps[1].shell);
  EXPECT_EQ(c->wf.jobs[0].steps[1].shell->value, "sh {0}");
}

// Expressions are parsed with the contexts GitHub's schema allows at each key.
TEST(LowerWorkflow, ContextAvailabilityFollowsTheSchema) {
  auto c = compile(R"(on: push
concurrency: ${{ secrets.X }}
env:
  TOKEN: ${{ secrets.TOKEN }}
jobs:
  a:
    runs-on: x
    if: hashFiles('a') != ''
    steps:
      - run: echo ${{ steps.x.outputs.y }} ${{ hashFiles('go.sum') }}
        if: success() && !cancelled()
)");
  std::string s = c->summary();
  EXPECT_NE(s.find("2:18: Unrecognized named-value: 'secrets'"), std::string::npos) << s;
  EXPECT_NE(s.find("8:9: Unrecognized function: 'hashFiles'"), std::string::npos) << s;
  EXPECT_EQ(c->diags.errorCount(), 2u) << s;
}

// A job is a reusable-workflow call or a normal job by the first key only one of
// the two allows (GitHub's one-of): the other kind's keys are then unexpected.
TEST(LowerWorkflow, FirstDistinguishingKeyDecidesTheJobKind) {
  auto c = compile("on: push\njobs:\n  a:\n    uses: o/r/.github/workflows/w.yml@v1\n    runs-on: x\n"
                   "  b:\n    runs-on: x\n    uses: o/r/.github/workflows/w.yml@v1\n    steps: [{run: a}]\n"
                   "  c:\n    with: {k: v}\n    runs-on: x\n");
  EXPECT_EQ(c->summary(), "5:5: Unexpected value 'runs-on' [unknown-key]\n"
                          "8:5: Unexpected value 'uses' [unknown-key]\n"
                          "11:5: Required property is missing: uses [missing-key]\n"
                          "12:5: Unexpected value 'runs-on' [unknown-key]\n");
  ASSERT_EQ(c->wf.jobs.size(), 3u);
  EXPECT_EQ(c->wf.jobs[0].kind, ir::JobKind::ReusableCall);
  EXPECT_EQ(c->wf.jobs[1].kind, ir::JobKind::Normal);
  EXPECT_EQ(c->wf.jobs[2].kind, ir::JobKind::ReusableCall);
}
