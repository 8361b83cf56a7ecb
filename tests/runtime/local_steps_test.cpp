// The local provider runs real jobs: step semantics, outputs, env, shells, file commands.
#include "local_test_util.h"

#include <gtest/gtest.h>

using namespace localtest;

namespace {

TEST(LocalSteps, OutputsNeedsMatrixContinueOnErrorAndOutcome) {
  Repo r;
  r.write(".github/workflows/ci.yml", R"Y(name: CI
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      v: ${{ steps.s.outputs.v }}
      empty: ${{ steps.s.outputs.nothing }}
    steps:
      - id: s
        run: echo "v=42" >> "$GITHUB_OUTPUT"
      - id: bad
        run: exit 3
        continue-on-error: true
      - run: echo "outcome=${{ steps.bad.outcome }} conclusion=${{ steps.bad.conclusion }}"
      - if: failure()
        run: echo never
  test:
    needs: build
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, 2]
    steps:
      - run: echo "got ${{ needs.build.outputs.v }} n=${{ matrix.n }} empty=[${{ needs.build.outputs.empty }}]"
)Y");
  r.commit();
  int code = -1;
  nlohmann::json doc = r.run(".github/workflows/ci.yml", "", &code);
  ASSERT_EQ(code, 0) << doc.dump(2);
  EXPECT_EQ(doc["conclusion"], "success");
  EXPECT_EQ(jobConclusion(doc, "build"), "success");
  EXPECT_EQ(jobConclusion(doc, "test (1)"), "success");
  EXPECT_NE(r.log(1, "build", 3).find("outcome=failure conclusion=success"), std::string::npos) << r.log(1, "build", 3);
  EXPECT_NE(r.log(1, "test._1", 1).find("got 42 n=1 empty=[]"), std::string::npos) << r.log(1, "test._1", 1);
  nlohmann::json steps = r.sql("SELECT step_index, outcome, conclusion FROM exec_steps WHERE instance = 'build' ORDER BY step_index");
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[1]["outcome"], "failure");
  EXPECT_EQ(steps[1]["conclusion"], "success");
  EXPECT_EQ(steps[3]["outcome"], "skipped");
  nlohmann::json ann = r.sql("SELECT message FROM exec_annotations WHERE instance = 'build'");
  ASSERT_EQ(ann.size(), 1u);
  EXPECT_EQ(ann[0]["message"], "Process completed with exit code 3.");
}

TEST(LocalSteps, EnvPrecedenceFileCommandsShellsAndWorkingDirectory) {
  Repo r;
  r.write(".github/workflows/env.yml", R"Y(on: push
env:
  A: workflow
  B: workflow
  C: workflow
defaults:
  run:
    working-directory: sub
jobs:
  env:
    runs-on: ubuntu-latest
    env:
      B: job
      C: job
    steps:
      - uses: actions/checkout@v4
      - id: one
        run: |
          mkdir -p ../sub2 ../bin
          printf '#!/bin/sh\necho from-path\n' > ../bin/mytool && chmod +x ../bin/mytool
          echo "$PWD" | grep -q '/sub$'
          echo "D=from-env-file" >> "$GITHUB_ENV"
          echo "C=from-env-file" >> "$GITHUB_ENV"
          echo "$GITHUB_WORKSPACE/bin" >> "$GITHUB_PATH"
          { echo 'multi<<EOF'; echo 'line1'; echo 'line2'; echo 'EOF'; } >> "$GITHUB_OUTPUT"
          echo '# Summary' >> "$GITHUB_STEP_SUMMARY"
      - run: echo "A=$A B=$B C=$C D=$D E=$E ctx=${{ env.C }} multi=${{ steps.one.outputs.multi }}" | tr '\n' ' '
        env:
          C: step
          E: ${{ env.B }}
      - run: mytool
      - run: false | true
      - shell: python
        run: print("py", 6 * 7)
      - shell: sh
        run: test "$(basename "$PWD")" = sub2
        working-directory: sub2
      - shell: bash
        run: false | true
      - run: echo after
)Y");
  r.write("sub/.keep", "");
  r.commit();
  int code = -1;
  nlohmann::json doc = r.run(".github/workflows/env.yml", "", &code);
  EXPECT_EQ(code, 1) << doc.dump(2); // `shell: bash` has pipefail: `false | true` fails
  nlohmann::json steps = r.sql("SELECT step_index, outcome FROM exec_steps WHERE instance = 'env' ORDER BY step_index");
  ASSERT_EQ(steps.size(), 9u) << steps.dump();
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(steps[i]["outcome"], "success") << "step " << i + 1 << ": " << r.log(1, "env", i + 1);
  EXPECT_EQ(steps[7]["outcome"], "failure");
  EXPECT_EQ(steps[8]["outcome"], "skipped"); // after a failure, success() is false
  std::string log = r.log(1, "env", 3);
  EXPECT_NE(log.find("A=workflow B=job C=step D=from-env-file E=job ctx=step multi=line1 line2"), std::string::npos) << log;
  EXPECT_NE(r.log(1, "env", 4).find("from-path"), std::string::npos);
  EXPECT_NE(r.log(1, "env", 6).find("py 42"), std::string::npos);
  EXPECT_NE(testutil::readFile(fs::path(r.dir()) / ".ci-exec/runs/1/jobs/env/summary.md").find("# Summary"), std::string::npos);
}

TEST(LocalSteps, WorkflowCommands) {
  Repo r;
  r.write("w.yml", R"Y(on: push
jobs:
  cmds:
    runs-on: ubuntu-latest
    steps:
      - id: c
        run: |
          echo "::group::My group"
          echo "inside"
          echo "::endgroup::"
          echo "::error file=src/a.c,line=3,col=5,title=Bad::broken%0Athing"
          echo "::notice::note"
          echo "::stop-commands::pause123"
          echo "::warning::not a command"
          echo "::pause123::"
          echo "::set-output name=old::value"
          echo "::add-mask::hide-me-please"
          echo "now hide-me-please is hidden"
      - run: echo "old=${{ steps.c.outputs.old }}"
)Y");
  r.commit();
  nlohmann::json doc = r.run("w.yml");
  EXPECT_EQ(doc["conclusion"], "success") << doc.dump(2);
  std::string log = r.log(1, "cmds", 1);
  EXPECT_NE(log.find("##[group]My group\ninside\n##[endgroup]"), std::string::npos) << log;
  EXPECT_NE(log.find("##[error]broken\nthing"), std::string::npos) << log;
  EXPECT_NE(log.find("::warning::not a command"), std::string::npos) << log;
  EXPECT_NE(log.find("now *** is hidden"), std::string::npos) << log;
  // (the script echoed before it runs shows it: the mask exists from the command on)
  EXPECT_EQ(log.find("\nnow hide-me-please is hidden"), std::string::npos) << log;
  EXPECT_NE(log.find("set-output` command is deprecated"), std::string::npos) << log;
  EXPECT_NE(r.log(1, "cmds", 2).find("old=value"), std::string::npos);
  nlohmann::json ann = r.sql("SELECT level, message, file, line, col, title FROM exec_annotations ORDER BY rowid");
  ASSERT_GE(ann.size(), 2u);
  EXPECT_EQ(ann[0]["level"], "error");
  EXPECT_EQ(ann[0]["file"], "src/a.c");
  EXPECT_EQ(ann[0]["line"], 3);
  EXPECT_EQ(ann[0]["col"], 5);
  EXPECT_EQ(ann[0]["title"], "Bad");
}

TEST(LocalSteps, UnsecureCommandsNeedTheOptIn) {
  Repo r;
  r.write("u.yml", R"Y(on: push
jobs:
  off:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "::set-env name=foo::bar"
          echo "::add-path::/zip"
      - run: echo "foo=[$foo]"; case ":$PATH:" in *:/zip:*) echo "zip on" "path";; esac
  on:
    runs-on: ubuntu-latest
    env:
      ACTIONS_ALLOW_UNSECURE_COMMANDS: "True"
    steps:
      - run: |
          echo "::set-env name=foo::bar"
          echo "::set-env name=NODE_OPTIONS::--require x"
          echo "::add-path::/zip"
      - run: |
          test "$foo" = bar
          test "${NODE_OPTIONS:-}" != "--require x"
          case ":$PATH:" in *:/zip:*) ;; *) exit 1;; esac
          echo "env=${{ env.foo }}"
)Y");
  r.commit();
  nlohmann::json doc = r.run("u.yml");
  EXPECT_EQ(jobConclusion(doc, "on"), "success") << doc.dump(2);
  EXPECT_EQ(jobConclusion(doc, "off"), "success") << doc.dump(2);
  std::string off = r.log(1, "off", 1) + r.log(1, "off", 2);
  EXPECT_NE(off.find("The `set-env` command is disabled"), std::string::npos) << off;
  EXPECT_NE(off.find("The `add-path` command is disabled"), std::string::npos) << off;
  EXPECT_NE(off.find("foo=[]"), std::string::npos) << off;
  EXPECT_EQ(off.find("zip on path"), std::string::npos) << off;
  std::string on = r.log(1, "on", 1) + r.log(1, "on", 2);
  EXPECT_NE(on.find("Can't store NODE_OPTIONS"), std::string::npos) << on;
  EXPECT_NE(on.find("env=bar"), std::string::npos) << on;
}

TEST(LocalSteps, ShellFromAnExpressionIsEvaluatedFirst) {
  Repo r;
  r.write("s.yml", R"Y(on: push
env:
  MY_SHELL: sh
jobs:
  j:
    runs-on: ubuntu-latest
    env:
      JOB_SHELL: bash
    defaults:
      run:
        shell: ${{ env.JOB_SHELL }}
    steps:
      - run: test -n "$BASH"
      - env:
          JOB_SHELL: sh
        run: test -n "$BASH" && echo "defaults evaluated at job start"
  bad:
    runs-on: ubuntu-latest
    defaults:
      run:
        shell: ${{ env.MY_SHELL }} -x
    steps:
      - run: "true"
)Y");
  r.commit();
  nlohmann::json doc = r.run("s.yml");
  EXPECT_EQ(jobConclusion(doc, "j"), "success") << doc.dump(2);
  EXPECT_NE(r.log(1, "j", 2).find("defaults evaluated at job start"), std::string::npos);
  // The value is checked once evaluated: "sh -x" has no {0}.
  EXPECT_EQ(jobConclusion(doc, "bad"), "failure");
  EXPECT_NE(r.log(1, "bad", 1).find("custom shell 'sh -x' must contain {0}"), std::string::npos) << r.log(1, "bad", 1);
}

TEST(LocalSteps, ContainerJobsRunOnTheHostOnlyWhenAskedTo) {
  Repo r;
  r.write("c.yml", R"Y(on: push
jobs:
  box:
    runs-on: ubuntu-latest
    container: alpine:3
    steps:
      - run: if [ -z "${BASH+x}" ]; then echo "default shell sh"; else exit 1; fi
  svc:
    runs-on: ubuntu-latest
    container: alpine:3
    services:
      db: {image: postgres}
    steps:
      - run: "true"
)Y");
  r.commit();
  int code = -1;
  nlohmann::json doc = r.run("c.yml", "--container-jobs host", &code);
  EXPECT_EQ(jobConclusion(doc, "box"), "success") << doc.dump(2);
  std::string setup = r.log(1, "box", 1);
  EXPECT_NE(setup.find("The job's container (alpine:3) is ignored"), std::string::npos) << setup;
  EXPECT_NE(r.log(1, "box", 2).find("default shell sh"), std::string::npos);
  // services still need containers.
  EXPECT_EQ(jobConclusion(doc, "svc"), "failure");
  EXPECT_NE(doc.dump().find("`services:`"), std::string::npos) << doc.dump(2);
  EXPECT_EQ(r.exec("run c.yml --provider sim --container-jobs host").exit, 2);
  EXPECT_EQ(r.exec("run c.yml --provider local --container-jobs docker").exit, 2);
}

TEST(LocalSteps, ActorAndRepositoryFromOptionsOrTheOriginRemote) {
  Repo r;
  r.write("a.yml", R"Y(on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: echo "actor=$GITHUB_ACTOR repo=$GITHUB_REPOSITORY owner=${{ github.repository_owner }}"
)Y");
  r.commit();
  sh("cd " + quote(r.dir()) + " && git remote add origin git@github.com:octo-org/hello-world.git");
  nlohmann::json doc = r.run("a.yml");
  EXPECT_EQ(jobConclusion(doc, "j"), "success") << doc.dump(2);
  EXPECT_NE(r.log(1, "j", 1).find("repo=octo-org/hello-world owner=octo-org"), std::string::npos) << r.log(1, "j", 1);
  doc = r.run("a.yml", "--actor mona --repository acme/rocket");
  EXPECT_NE(r.log(2, "j", 1).find("actor=mona repo=acme/rocket owner=acme"), std::string::npos) << r.log(2, "j", 1);
  EXPECT_EQ(r.exec("run a.yml --provider local --repository just-a-name").exit, 2);
}

TEST(LocalSteps, RunTimeMatricesFollowTheTemplateReader) {
  Repo r;
  r.write("m.yml", R"Y(on: push
jobs:
  prep:
    runs-on: ubuntu-latest
    outputs:
      key: ${{ steps.o.outputs.key }}
      list: ${{ steps.o.outputs.list }}
    steps:
      - id: o
        run: |
          echo 'key=flavour' >> "$GITHUB_OUTPUT"
          echo 'list=["b", "c"]' >> "$GITHUB_OUTPUT"
  legs:
    needs: prep
    runs-on: ubuntu-latest
    strategy:
      matrix:
        ${{ needs.prep.outputs.key }}:
          - a
          - ${{ fromJSON(needs.prep.outputs.list) }}
        extra:
          - k1: v1
            ${{ insert }}: ${{ fromJSON('{"k2":"v2"}') }}
    steps:
      - run: echo "leg=${{ matrix.flavour }} ${{ matrix.extra.k1 }}${{ matrix.extra.k2 }}"
)Y");
  r.commit();
  nlohmann::json doc = r.run("m.yml");
  EXPECT_EQ(doc.value("conclusion", ""), "success") << doc.dump(2);
  std::string all = doc.dump();
  // The key from needs, "b" and "c" spliced from the output's array, the merged mapping.
  for (const char *leg : {"legs (a, v1, v2)", "legs (b, v1, v2)", "legs (c, v1, v2)"})
    EXPECT_NE(all.find(leg), std::string::npos) << leg << "\n" << all;
  EXPECT_EQ(all.find("${{"), std::string::npos) << all;
}

TEST(LocalSteps, ContainerJobsAreReportedNotRun) {
  Repo r;
  r.write("c.yml", R"Y(on: push
jobs:
  box:
    runs-on: ubuntu-latest
    container: node:20
    steps:
      - run: touch ran
)Y");
  r.commit();
  int code = -1;
  nlohmann::json doc = r.run("c.yml", "", &code);
  EXPECT_EQ(code, 1);
  EXPECT_EQ(jobConclusion(doc, "box"), "failure");
  EXPECT_NE(doc.dump().find("does not support"), std::string::npos) << doc.dump(2);
}

TEST(LocalSteps, PlatformLabelsChooseTheProvider) {
  Repo r;
  r.write("p.yml", R"Y(on: push
jobs:
  plain:
    runs-on: ubuntu-latest
    steps:
      - run: echo plain
  boxed:
    runs-on: [self-hosted, Isolated]
    steps:
      - run: echo boxed
)Y");
  r.commit();
  Output bad = r.exec("run p.yml --platform isolated=docker");
  EXPECT_EQ(bad.exit, 2);
  EXPECT_NE(bad.text.find("must be local or sandbox"), std::string::npos) << bad.text;
  if (sh("bwrap --ro-bind / / true").exit != 0)
    GTEST_SKIP() << "bubblewrap cannot create namespaces here";
  Output ok = r.exec("run p.yml --platform isolated=sandbox");
  EXPECT_EQ(ok.exit, 0) << ok.text;
  nlohmann::json rows = r.sql("SELECT instance, provider FROM exec_jobs ORDER BY instance");
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0]["instance"], "boxed");
  EXPECT_EQ(rows[0]["provider"], "sandbox");
  EXPECT_EQ(rows[1]["provider"], "local");
}

} // namespace
