// Actions without a network: local composite and node actions, the action cache, the
// built-in checkout/artifact/cache/setup/github-script actions, and the sandbox provider.
#include "local_test_util.h"

#include <gtest/gtest.h>

using namespace localtest;

namespace {

TEST(LocalActions, CompositeNestedWithInputsOutputsIfAndEnv) {
  Repo r;
  r.write(".github/actions/outer/action.yml", R"Y(name: outer
inputs:
  who:
    description: who
    default: world
outputs:
  greeting:
    value: ${{ steps.inner.outputs.said }}
runs:
  using: composite
  steps:
    - run: echo "outer says hi ${{ inputs.who }} $FROM_STEP"
      shell: bash
    - id: inner
      uses: ./.github/actions/inner
      with:
        text: hello ${{ inputs.who }}
    - if: inputs.who == 'nobody'
      run: echo skipped-step
      shell: bash
)Y");
  r.write(".github/actions/inner/action.yml", R"Y(name: inner
inputs:
  text:
    required: true
outputs:
  said:
    value: ${{ steps.x.outputs.said }}
runs:
  using: composite
  steps:
    - id: x
      run: echo "said=${{ inputs.text }}" >> "$GITHUB_OUTPUT"
      shell: bash
)Y");
  r.write("wf.yml", R"Y(on: push
jobs:
  comp:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: a
        uses: ./.github/actions/outer
        with:
          who: you
        env:
          FROM_STEP: step-env
      - run: echo "greeting=${{ steps.a.outputs.greeting }}"
)Y");
  r.commit();
  nlohmann::json doc = r.run("wf.yml");
  EXPECT_EQ(doc["conclusion"], "success") << doc.dump(2) << r.log(1, "comp", 2);
  std::string log = r.log(1, "comp", 2);
  EXPECT_NE(log.find("outer says hi you step-env"), std::string::npos) << log;
  EXPECT_EQ(log.find("\nskipped-step\n"), std::string::npos) << log;
  EXPECT_NE(r.log(1, "comp", 3).find("greeting=hello you"), std::string::npos) << r.log(1, "comp", 3);
}

TEST(LocalActions, NodeActionWithPreAndPostFromTheActionCache) {
  Repo r;
  fs::path cache = fs::path(r.dir()) / "actions-cache";
  r.write("actions-cache/acme/hello@v1/action.yml", R"Y(name: hello
inputs:
  name:
    default: nobody
runs:
  using: node20
  pre: pre.js
  main: main.js
  post: post.js
  post-if: always()
)Y");
  r.write("actions-cache/acme/hello@v1/pre.js",
          "console.log('pre ran with ' + process.env.INPUT_NAME);\n"
          "require('fs').appendFileSync(process.env.GITHUB_STATE, 'early=from-pre\\n');\n");
  r.write("actions-cache/acme/hello@v1/main.js",
          "const fs = require('fs');\n"
          "console.log('hello ' + process.env.INPUT_NAME + ' after ' + process.env.STATE_early);\n"
          "fs.appendFileSync(process.env.GITHUB_OUTPUT, 'greeting=hi ' + process.env.INPUT_NAME + '\\n');\n"
          "fs.appendFileSync(process.env.GITHUB_STATE, 'saved=from-main\\n');\n");
  r.write("actions-cache/acme/hello@v1/post.js", "console.log('post ran with ' + process.env.STATE_saved);\n");
  r.write("wf.yml", R"Y(on: push
jobs:
  node:
    runs-on: ubuntu-latest
    steps:
      - run: echo "first step"
      - id: h
        uses: acme/hello@v1
        with:
          name: Ada
      - run: echo "out=${{ steps.h.outputs.greeting }}"
      - uses: acme/missing@v9
)Y");
  r.commit();
  int code = -1;
  nlohmann::json doc = r.run("wf.yml", "--action-cache " + quote(cache.string()), &code);
  EXPECT_EQ(code, 1);
  // The pre runs at the start of the job, before the first step, with the step's inputs;
  // its GITHUB_STATE reaches the main.
  std::string pre = r.log(1, "node", 1);
  EXPECT_NE(pre.find("pre ran with Ada"), std::string::npos) << pre;
  EXPECT_NE(r.log(1, "node", 2).find("first step"), std::string::npos) << r.log(1, "node", 2);
  std::string log = r.log(1, "node", 3);
  EXPECT_NE(log.find("hello Ada after from-pre"), std::string::npos) << log;
  EXPECT_EQ(log.find("pre ran"), std::string::npos) << log;
  EXPECT_NE(r.log(1, "node", 4).find("out=hi Ada"), std::string::npos);
  std::string missing = r.log(1, "node", 5);
  EXPECT_NE(missing.find("acme/missing@v9"), std::string::npos) << missing;
  EXPECT_NE(missing.find("git clone https://github.com/acme/missing"), std::string::npos) << missing;
  EXPECT_NE(r.log(1, "node", 6).find("post ran with from-main"), std::string::npos) << r.log(1, "node", 6);
  nlohmann::json names = r.sql("SELECT name FROM exec_steps WHERE run_id = 1 ORDER BY step_index");
  ASSERT_GE(names.size(), 1u);
  EXPECT_EQ(names[0]["name"], "Pre Run acme/hello@v1");

  doc = r.run("wf.yml", "--action-cache " + quote(cache.string()) + " --skip-missing-actions", &code);
  EXPECT_EQ(code, 0) << doc.dump(2);
  nlohmann::json ann = r.sql("SELECT message FROM exec_annotations WHERE run_id = 2 AND level = 'warning'");
  ASSERT_EQ(ann.size(), 1u);
  EXPECT_NE(ann[0]["message"].get<std::string>().find("--skip-missing-actions"), std::string::npos);
}

TEST(LocalActions, ArtifactsCacheSetupAndGithubScript) {
  Repo r;
  r.write("wf.yml", R"Y(on: push
jobs:
  make:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: mkdir -p out/sub && echo one > out/a.txt && echo two > out/sub/b.txt
      - uses: actions/upload-artifact@v4
        with:
          name: bundle
          path: out/
      - id: c
        uses: actions/cache@v4
        with:
          path: cached
          key: deps-${{ hashFiles('wf.yml') }}
          restore-keys: deps-
      - if: steps.c.outputs.cache-hit != 'true'
        run: mkdir -p cached && echo filled > cached/x
      - uses: actions/setup-node@v4
        with:
          node-version: 999
        continue-on-error: true
      - id: gs
        uses: actions/github-script@v7
        with:
          script: |
            core.info('event ' + context.eventName);
            return {sum: 1 + 2};
      - run: echo "result=${{ steps.gs.outputs.result }}"
      - uses: actions/upload-artifact@v4
        continue-on-error: true
        with:
          name: ../escape
          path: out/
  use:
    needs: make
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: bundle
          path: got
      - run: cat got/a.txt got/sub/b.txt
      - id: c
        uses: actions/cache/restore@v4
        with:
          path: cached
          key: deps-other
          restore-keys: deps-
      - run: echo "hit=${{ steps.c.outputs.cache-hit }} matched=${{ steps.c.outputs.cache-matched-key != '' }} $(cat cached/x)"
)Y");
  r.commit();
  nlohmann::json doc = r.run("wf.yml");
  EXPECT_EQ(doc["conclusion"], "success") << doc.dump(2);
  nlohmann::json steps = r.sql("SELECT step_index, name, outcome FROM exec_steps WHERE instance = 'make' ORDER BY step_index");
  ASSERT_GE(steps.size(), 9u) << steps.dump();
  EXPECT_EQ(steps[5]["outcome"], "failure"); // node 999 is not on this machine
  EXPECT_NE(r.log(1, "make", 6).find("node-version '999' is requested"), std::string::npos) << r.log(1, "make", 6);
  EXPECT_NE(r.log(1, "make", 8).find("result={\"sum\":3}"), std::string::npos) << r.log(1, "make", 7) << r.log(1, "make", 8);
  EXPECT_NE(r.log(1, "make", 9).find("not allowed"), std::string::npos) << r.log(1, "make", 9);
  EXPECT_FALSE(fs::exists(fs::path(r.dir()) / ".ci-exec/runs/1/escape"));
  // the post step saves the cache
  EXPECT_EQ(steps.back()["name"].get<std::string>().rfind("Post Cache deps-", 0), 0u) << steps.dump();
  std::string use = r.log(1, "use", 2);
  EXPECT_NE(use.find("one\ntwo"), std::string::npos) << use;
  EXPECT_NE(r.log(1, "use", 4).find("hit=false matched=true filled"), std::string::npos) << r.log(1, "use", 4);
}

TEST(LocalActions, SandboxKeepsTheHostReadOnlyAndHasNoNetwork) {
  if (localtest::sh("bwrap --ro-bind / / true").exit != 0)
    GTEST_SKIP() << "bubblewrap cannot create namespaces here";
  Repo r;
  r.write("wf.yml", R"Y(on: push
jobs:
  boxed:
    runs-on: ubuntu-latest
    steps:
      - run: echo inside > "$GITHUB_WORKSPACE/ok.txt" && echo tmp > /tmp/t && cat /tmp/t
      - run: touch "$HOME_DIR/host-write" && touch /usr/ci-exec-host-write
        continue-on-error: true
      - run: echo "interfaces=$(grep -c ':' /proc/net/dev)"
env:
  HOME_DIR: )Y" + r.dir() + "\n");
  r.commit();
  r.exec("run wf.yml --provider sandbox --json");
  nlohmann::json steps = r.sql("SELECT outcome FROM exec_steps WHERE instance = 'boxed' ORDER BY step_index");
  ASSERT_EQ(steps.size(), 3u) << steps.dump();
  EXPECT_EQ(steps[0]["outcome"], "success") << r.log(1, "boxed", 1);
  EXPECT_EQ(steps[1]["outcome"], "failure") << r.log(1, "boxed", 2);
  EXPECT_FALSE(fs::exists(fs::path(r.dir()) / "host-write")); // /tmp is private in the sandbox
  EXPECT_FALSE(fs::exists("/usr/ci-exec-host-write"));
  std::string net = r.log(1, "boxed", 3);
  EXPECT_NE(net.find("\ninterfaces=1\n"), std::string::npos) << net; // only the loopback interface
}

} // namespace
