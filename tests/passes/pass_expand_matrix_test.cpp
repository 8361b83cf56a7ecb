// expand-matrix: the worked examples of gha-semantics §2.4 and §8 #1-3, #13, #16 through the plan.
#include "pass_test_util.h"

#include "ir/value_json.h"

using passtest::compile;

namespace {

std::string matrixJob(const std::string &id, const std::string &matrix, const std::string &extra = "") {
  return "on: push\njobs:\n  " + id + ":\n    runs-on: ubuntu-latest\n" + extra +
         "    strategy:\n      matrix:\n" + matrix + "    steps: [{run: echo}]\n";
}

std::string compact(const ir::Value &v) { return ir::writeJSON(v, false); }

} // namespace

// Ex 1 / §8 #1: the product in declaration order, first key slowest; ids from config ids.
TEST(ExpandMatrixPass, Example1ProductOrderNamesAndIds) {
  auto c = compile(matrixJob("example_matrix", "        version: [10, 12, 14]\n"
                                               "        os: [ubuntu-latest, windows-latest]\n"));
  EXPECT_EQ(c->legNames("example_matrix"),
            (std::vector<std::string>{
                "example_matrix (10, ubuntu-latest)", "example_matrix (10, windows-latest)",
                "example_matrix (12, ubuntu-latest)", "example_matrix (12, windows-latest)",
                "example_matrix (14, ubuntu-latest)", "example_matrix (14, windows-latest)"}));
  const ir::PlanJob *j = c->job("example_matrix");
  EXPECT_EQ(j->instances[1].id, "example_matrix._10_windows-latest");
  EXPECT_EQ(j->instances[1].configId, "_10_windows-latest");
  EXPECT_EQ(compact(j->instances[1].matrix), R"({"version":10,"os":"windows-latest"})");
  EXPECT_EQ(j->legs, 6);
}

// Ex 2: partial-match excludes leave 9 of the 12 combinations.
TEST(ExpandMatrixPass, Example2PartialExclude) {
  auto c = compile(matrixJob("j", "        os: [macos-latest, windows-latest]\n"
                                  "        version: [12, 14, 16]\n"
                                  "        environment: [staging, production]\n"
                                  "        exclude:\n"
                                  "          - os: macos-latest\n            version: 12\n"
                                  "            environment: production\n"
                                  "          - os: windows-latest\n            version: 16\n"));
  auto names = c->legNames("j");
  ASSERT_EQ(names.size(), 9u);
  EXPECT_EQ(names[0], "j (macos-latest, 12, staging)");
  EXPECT_EQ(names[2], "j (macos-latest, 14, production)");
  EXPECT_EQ(names[8], "j (windows-latest, 14, production)");
}

// Ex 3: include extends matching legs without overwriting, unmatched entries are appended.
TEST(ExpandMatrixPass, Example3Include) {
  auto c = compile(matrixJob("job", "        fruit: [apple, pear]\n        animal: [cat, dog]\n"
                                    "        include:\n"
                                    "          - color: green\n"
                                    "          - color: pink\n            animal: cat\n"
                                    "          - fruit: apple\n            shape: circle\n"
                                    "          - fruit: banana\n"
                                    "          - fruit: banana\n            animal: cat\n"));
  EXPECT_EQ(c->legNames("job"),
            (std::vector<std::string>{"job (apple, cat)", "job (apple, dog)", "job (pear, cat)",
                                      "job (pear, dog)", "job (banana)", "job (banana, cat)"}));
  const ir::PlanJob *j = c->job("job");
  EXPECT_EQ(compact(j->instances[0].matrix),
            R"({"fruit":"apple","animal":"cat","color":"pink","shape":"circle"})");
  EXPECT_EQ(compact(j->instances[3].matrix), R"({"fruit":"pear","animal":"dog","color":"green"})");
}

// Ex 4: (a) an include adds a key to one leg; (b) an unmatched include is appended,
// and continue-on-error stays a per-leg template.
TEST(ExpandMatrixPass, Example4ExpandOneLegAndAppend) {
  auto a = compile(matrixJob("t", "        os: [windows-latest, ubuntu-latest]\n        node: [14, 16]\n"
                                  "        include:\n          - os: windows-latest\n"
                                  "            node: 16\n            npm: 6\n"));
  const ir::PlanJob *j = a->job("t");
  ASSERT_EQ(j->instances.size(), 4u);
  EXPECT_EQ(compact(j->instances[1].matrix), R"({"os":"windows-latest","node":16,"npm":6})");
  auto b = compile(matrixJob("test",
                             "        version: [6, 7, 8]\n        experimental: [false]\n"
                             "        include:\n          - version: 9\n            experimental: true\n",
                             "    continue-on-error: ${{ matrix.experimental }}\n"));
  EXPECT_EQ(b->legNames("test"), (std::vector<std::string>{"test (6, false)", "test (7, false)",
                                                           "test (8, false)", "test (9, true)"}));
  EXPECT_EQ(b->job("test")->continueOnError.expression, "${{ matrix.experimental }}");
  EXPECT_TRUE(b->job("test")->strategy->failFast.constant->getBool());
}

// The extra checks of §2.4: counts and names with objects and repeated extras.
TEST(ExpandMatrixPass, Example4ExtraChecks) {
  auto perl = compile(matrixJob("p", "        os: [ubuntu-latest]\n"
                                     "        perl: ['5.16', '5.20', '5.26', '5.30', latest]\n"
                                     "        include:\n"
                                     "          - os: macos-latest\n            perl: '5.26'\n"
                                     "          - os: macos-latest\n            perl: latest\n"));
  EXPECT_EQ(perl->job("p")->instances.size(), 7u);
  auto ten = compile(matrixJob("t", "        os: [macos, windows, ubuntu]\n        version: [12, 14, 16]\n"
                                    "        include:\n          - os: windows\n            version: 17\n"));
  EXPECT_EQ(ten->job("t")->instances.size(), 10u);
  auto only = compile(matrixJob("includes_only", "        include:\n"
                                                 "          - env: production\n            site: site-a\n"
                                                 "          - env: staging\n            site: site-b\n"));
  EXPECT_EQ(only->legNames("includes_only"),
            (std::vector<std::string>{"includes_only (production, site-a)",
                                      "includes_only (staging, site-b)"}));
  auto obj = compile(matrixJob("build", "        os: [ubuntu-latest, macos-latest]\n"
                                        "        node: [{version: 14}, {version: 20, env: X}]\n"));
  EXPECT_EQ(obj->legNames("build")[1], "build (ubuntu-latest, 20, X)");
  auto twice = compile(matrixJob("j", "        os: [a, b]\n        include:\n"
                                      "          - os: a\n            node: 1\n"
                                      "          - os: a\n            node: 2\n"));
  const ir::PlanJob *j = twice->job("j");
  ASSERT_EQ(j->instances.size(), 2u);
  EXPECT_EQ(compact(j->instances[0].matrix), R"({"os":"a","node":2})");
  EXPECT_EQ(compact(j->instances[1].matrix), R"({"os":"b"})");
}

// §8 #2: include and exclude compare with loose, case-insensitive equality.
TEST(ExpandMatrixPass, LooseEqualityInIncludeAndExclude) {
  auto c = compile(matrixJob("j", "        os: [Ubuntu, windows]\n        node: [16, 18]\n"
                                  "        exclude:\n          - os: ubuntu\n            node: '16'\n"
                                  "        include:\n          - os: WINDOWS\n            extra: yes\n"));
  const ir::PlanJob *j = c->job("j");
  ASSERT_EQ(j->instances.size(), 3u);
  EXPECT_EQ(compact(j->instances[1].matrix), R"({"os":"windows","node":16,"extra":"yes"})");
}

// §8 #13: an unquoted 3.10 is the number 3.1, in the matrix and in the name.
TEST(ExpandMatrixPass, UnquotedVersionLosesItsTrailingZero) {
  auto c = compile(matrixJob("py", "        python: [3.9, 3.10, '3.11']\n"));
  EXPECT_EQ(c->legNames("py"), (std::vector<std::string>{"py (3.9)", "py (3.1)", "py (3.11)"}));
}

// A job without a matrix has one instance whose id is the job id.
TEST(ExpandMatrixPass, AJobWithoutAMatrixHasOneInstance) {
  auto c = compile("on: push\njobs:\n  lint:\n    name: Lint\n    runs-on: x\n    steps: [{run: a}]\n");
  const ir::PlanJob *j = c->job("lint");
  ASSERT_EQ(j->instances.size(), 1u);
  EXPECT_EQ(j->instances[0].id, "lint");
  EXPECT_EQ(j->instances[0].name, "Lint");
  EXPECT_EQ(j->instances[0].configId, "__default");
  EXPECT_FALSE(j->strategy);
}

// §8 #16 / §2.2: a matrix read from needs stays symbolic for the runtime (no instances).
TEST(ExpandMatrixPass, DynamicMatricesStaySymbolic) {
  auto c = compile("on: push\njobs:\n  setup:\n    runs-on: x\n    outputs: {m: '${{ steps.s.outputs.m }}'}\n"
                   "    steps: [{id: s, run: a}]\n"
                   "  test:\n    needs: setup\n    runs-on: x\n    strategy:\n      max-parallel: 2\n"
                   "      matrix: ${{ fromJSON(needs.setup.outputs.m) }}\n    steps: [{run: a}]\n"
                   "  mixed:\n    needs: setup\n    runs-on: x\n    strategy:\n      matrix:\n"
                   "        os: [a, b]\n        node: ${{ fromJSON(needs.setup.outputs.m) }}\n"
                   "    steps: [{run: a}]\n");
  ASSERT_TRUE(c->completed) << c->text();
  const ir::PlanJob *t = c->job("test");
  EXPECT_TRUE(t->instances.empty());
  EXPECT_EQ(t->strategy->dynamicMatrix, "${{ fromJSON(needs.setup.outputs.m) }}");
  EXPECT_EQ(t->strategy->maxParallel.constant->getNumber(), 2);
  EXPECT_EQ(t->legs, 256);
  auto j = c->json()["workflows"][0]["jobs"][2];
  EXPECT_EQ(j["strategy"]["matrix"]["os"].dump(), R"(["a","b"])");
  EXPECT_EQ(j["strategy"]["matrix"]["node"], "${{ fromJSON(needs.setup.outputs.m) }}");
}

// A matrix that reads only known contexts (--contexts) is expanded at compile time.
TEST(ExpandMatrixPass, MatricesOverKnownContextsAreExpanded) {
  passes::CompileOptions o;
  ir::Value inputs = ir::Value::object();
  inputs.mutableObject().set("targets", ir::Value::string("[\"x86\",\"arm\"]"));
  o.contexts.set("inputs", inputs, false);
  auto c = compile("on: {workflow_dispatch: {inputs: {targets: {type: string}}}}\njobs:\n"
                   "  b:\n    runs-on: x\n    strategy:\n      matrix:\n"
                   "        arch: ${{ fromJSON(inputs.targets) }}\n    steps: [{run: a}]\n",
                   std::move(o));
  EXPECT_EQ(c->legNames("b"), (std::vector<std::string>{"b (x86)", "b (arm)"}));
}

// §2.3: a name holding an expression gets no suffix and is evaluated per leg.
TEST(ExpandMatrixPass, ExpressionNamesAreEvaluatedPerLegWithoutSuffix) {
  auto c = compile(matrixJob("b", "        os: [linux, mac]\n",
                             "    name: Build on ${{ matrix.os }} (${{ strategy.job-index }})\n"));
  EXPECT_EQ(c->legNames("b"), (std::vector<std::string>{"Build on linux (0)", "Build on mac (1)"}));
  auto d = compile(matrixJob("b", "        os: [linux]\n", "    name: ${{ github.ref }} ${{ matrix.os }}\n"));
  EXPECT_EQ(d->legNames("b"), (std::vector<std::string>{"${{ github.ref }} ${{ matrix.os }}"}));
}

// Expansion errors are diagnostics at the matrix key; the pipeline stops.
TEST(ExpandMatrixPass, ErrorsAreDiagnosticsAtTheMatrix) {
  auto c = compile(matrixJob("j", "        os: []\n"));
  ASSERT_EQ(c->count("matrix"), 1u) << c->text();
  EXPECT_NE(c->text().find("w.yml:7:13: error: Matrix vector 'os' does not contain any values"),
            std::string::npos)
      << c->text();
  EXPECT_FALSE(c->completed);
  std::string big = "        a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]\n"
                    "        b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\n";
  auto d = compile(matrixJob("j", big));
  EXPECT_EQ(d->count("matrix"), 1u) << d->text();
  auto ok = compile(matrixJob("j", "        a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\n"
                                   "        b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\n"));
  EXPECT_EQ(ok->job("j")->instances.size(), 256u);
}

// §8 #5 and #7: job-level continue-on-error is kept per job; fail-fast defaults to
// true and max-parallel to unlimited (null).
TEST(ExpandMatrixPass, StrategyDefaultsAndContinueOnError) {
  auto c = compile(matrixJob("t", "        os: [a, b]\n", "    continue-on-error: true\n"));
  const ir::PlanJob *j = c->job("t");
  EXPECT_TRUE(j->continueOnError.constant->getBool());
  EXPECT_TRUE(j->strategy->failFast.constant->getBool());
  EXPECT_TRUE(j->strategy->maxParallel.constant->isNull());
  auto s = c->json()["workflows"][0]["jobs"][0];
  EXPECT_EQ(s["strategy"]["fail_fast"], true);
  EXPECT_TRUE(s["strategy"]["max_parallel"].is_null());
  EXPECT_EQ(s["continue_on_error"], true);
}

// GitHub's template reader in a matrix: an expression that yields an array is spliced
// into its vector, `${{ insert }}` merges mappings, expression keys are evaluated.
TEST(ExpandMatrixPass, TemplateReaderSplicesArraysAndMergesMappings) {
  auto c = compile(matrixJob("a", "        a:\n"
                                  "        - env:\n            key1: ${{ 'val' }}1\n"
                                  "        - ${{ fromJSON('[{\"env\":{\"key2\":\"val2\"}},{\"env\":{\"key3\":\"val3\"}}]') }}\n"
                                  "        b:\n"
                                  "        - env:\n            k1: v1\n"
                                  "            ${{ insert }}:\n              k2: v2\n"
                                  "            ${{insert}}: ${{ fromJSON('{\"k3\":\"v3\"}') }}\n"
                                  "        ${{ format('{0}-key', 'my') }}: [x]\n"));
  ASSERT_TRUE(c->completed) << c->text();
  EXPECT_EQ(c->diags.diagnostics().size(), 0u) << c->text();
  const ir::PlanJob *j = c->job("a");
  ASSERT_EQ(j->instances.size(), 3u);
  EXPECT_EQ(compact(j->instances[0].matrix),
            R"({"a":{"env":{"key1":"val1"}},"b":{"env":{"k1":"v1","k2":"v2","k3":"v3"}},"my-key":"x"})");
  EXPECT_EQ(compact(*j->instances[2].matrix.getObject().find("a")), R"({"env":{"key3":"val3"}})");
  // A nested sequence written in YAML is an item, not spliced.
  auto n = compile(matrixJob("n", "        a: [[1, 2], 3]\n"));
  EXPECT_EQ(n->job("n")->instances.size(), 2u);
}

// An expression key read from needs stays symbolic: the plan carries it for the runtime.
TEST(ExpandMatrixPass, ExpressionKeysFromNeedsStaySymbolic) {
  auto c = compile("on: push\njobs:\n  p:\n    runs-on: x\n    outputs: {k: '${{ steps.s.outputs.k }}'}\n"
                   "    steps: [{id: s, run: a}]\n"
                   "  m:\n    needs: p\n    runs-on: x\n    strategy:\n      matrix:\n"
                   "        ${{ needs.p.outputs.k }}: [a, b]\n"
                   "    steps: [{run: 'echo ${{ matrix[needs.p.outputs.k] }}'}]\n");
  ASSERT_TRUE(c->completed) << c->text();
  EXPECT_EQ(c->diags.diagnostics().size(), 0u) << c->text();
  EXPECT_TRUE(c->job("m")->instances.empty());
  auto j = c->json()["workflows"][0]["jobs"][1];
  EXPECT_EQ(j["strategy"]["matrix"]["${{ needs.p.outputs.k }}"].dump(), R"(["a","b"])");
}

// Where GitHub rejects them, expression keys keep their diagnostics: a context not
// available in a matrix, `insert` inside a longer key.
TEST(ExpandMatrixPass, ExpressionKeysKeepDiagnostics) {
  auto bad = compile(matrixJob("b", "        ${{ steps.x.outputs.y }}: [a]\n"));
  EXPECT_GE(bad->diags.diagnostics().size(), 1u);
  EXPECT_NE(bad->text().find("steps"), std::string::npos) << bad->text();
  auto ins = compile(matrixJob("i", "        a:\n        - env:\n            x-${{ insert }}: {k: v}\n"));
  EXPECT_EQ(ins->count("expression-not-allowed"), 1u) << ins->text();
}
