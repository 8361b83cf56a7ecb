// The ci-lint driver: kind selection, --ignore, config file, suppressions, discovery, parallel order.
#include "test_util.h"

#include "passes/lint_config.h"
#include "passes/lint_discovery.h"
#include "passes/lint_driver.h"
#include "passes/lint_suppression.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace passes;

namespace {

// A temporary repository with files; removed at the end of the test.
struct TempRepo {
  fs::path root;
  TempRepo() {
    llvm::SmallString<128> p;
    llvm::sys::fs::createUniqueDirectory("ci-lint-test", p);
    root = std::string(p.str());
    fs::create_directories(root / ".git");
  }
  ~TempRepo() { fs::remove_all(root); }
  fs::path write(const std::string &rel, const std::string &text) {
    fs::path p = root / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

const char *kBad = R"(on:
  schedule:
    - cron: '* * * * *'
jobs:
  a:
    runs-on: [ubuntu-latest, windows-latest]
    env:
      'A B': x
    steps:
      - run: echo hi
)";

std::vector<std::string> lint(const LintOptions &o, const std::vector<LintInput> &inputs,
                              LintReport *out = nullptr) {
  auto l = Linter::create(o);
  EXPECT_TRUE(static_cast<bool>(l));
  LintReport r = (*l)->lint(inputs);
  std::vector<std::string> lines;
  for (const auto &d : r.diags)
    lines.push_back((d.range.file ? r.sm.name(d.range.file).str() : "") + ":" +
                    std::to_string(d.range.line) + ": " + d.kindName().str());
  if (out)
    *out = std::move(r);
  return lines;
}

LintInput textInput(const fs::path &path, const std::string &text, const std::string &name) {
  LintInput in;
  in.path = path.string();
  in.text = text;
  in.displayName = name;
  return in;
}

} // namespace

// With no options every default kind is reported.
TEST(LintDriver, ReportsDefaultKinds) {
  TempRepo repo;
  LintOptions o;
  o.externalTools = false;
  auto got = lint(o, {textInput(repo.root / "w.yaml", kBad, "w.yaml")});
  EXPECT_EQ(got, (std::vector<std::string>{"w.yaml:3: events", "w.yaml:6: runner-label",
                                           "w.yaml:8: env-var"}));
}

// --disable drops a kind, --enable all brings it back, unknown kinds are usage errors.
TEST(LintDriver, EnableDisableSelectKinds) {
  TempRepo repo;
  LintOptions o;
  o.externalTools = false;
  o.kindSwitches = {{"events", false}, {"env-var", false}};
  auto got = lint(o, {textInput(repo.root / "w.yaml", kBad, "w.yaml")});
  EXPECT_EQ(got, (std::vector<std::string>{"w.yaml:6: runner-label"}));
  // Switches apply in command-line order.
  o.kindSwitches = {{"all", false}, {"env-var", true}};
  got = lint(o, {textInput(repo.root / "w.yaml", kBad, "w.yaml")});
  EXPECT_EQ(got, (std::vector<std::string>{"w.yaml:8: env-var"}));
  o.kindSwitches = {{"env-var", true}, {"all", false}};
  EXPECT_TRUE(lint(o, {textInput(repo.root / "w.yaml", kBad, "w.yaml")}).empty());
  LintOptions bad;
  bad.kindSwitches = {{"runer-label", true}};
  auto l = Linter::create(bad);
  ASSERT_FALSE(static_cast<bool>(l));
  std::string msg = llvm::toString(l.takeError());
  EXPECT_NE(msg.find("did you mean \"runner-label\""), std::string::npos) << msg;
}

// --ignore drops diagnostics whose message matches; a bad regex is a usage error.
TEST(LintDriver, IgnoreRegexMatchesMessages) {
  TempRepo repo;
  LintOptions o;
  o.externalTools = false;
  o.ignorePatterns = {"conflicts with", "^scheduled job"};
  auto got = lint(o, {textInput(repo.root / "w.yaml", kBad, "w.yaml")});
  EXPECT_EQ(got, (std::vector<std::string>{"w.yaml:8: env-var"}));
  o.ignorePatterns = {"(unclosed"};
  EXPECT_FALSE(static_cast<bool>(Linter::create(o)));
}

// The repository's .github/ci-lint.yaml adds runner labels, ignores per path and disables kinds.
TEST(LintDriver, ConfigFileAppliesPerRepository) {
  TempRepo repo;
  repo.write(".github/ci-lint.yaml", R"(self-hosted-runner:
  labels: [gpu-*]
paths:
  .github/workflows/legacy/**:
    ignore: ['scheduled job runs too frequently']
disable: [env-var]
)");
  std::string wf = std::string(kBad) + "  b:\n    runs-on: gpu-a100\n    steps:\n      - run: echo\n";
  fs::path legacy = repo.write(".github/workflows/legacy/old.yaml", wf);
  fs::path current = repo.write(".github/workflows/ci.yaml", wf);
  LintOptions o;
  o.externalTools = false;
  LintInput a, b;
  a.path = legacy.string();
  a.displayName = "old.yaml";
  b.path = current.string();
  b.displayName = "ci.yaml";
  auto got = lint(o, {a, b});
  EXPECT_EQ(got, (std::vector<std::string>{"old.yaml:6: runner-label", "ci.yaml:3: events",
                                           "ci.yaml:6: runner-label"}));
}

// Mistakes in the config file are `config` diagnostics at their place; the rest applies.
TEST(LintConfig, ReportsMistakesWithPositions) {
  ir::SourceManager sm;
  ir::FileId f = sm.addFile("ci-lint.yaml", R"(self-hosted-runner:
  labels: [a, [b]]
paths:
  '**':
    ignore: ['(bad']
enable: [shelcheck]
colour: true
config-variables: [X]
)");
  ir::DiagnosticEngine diags;
  LintConfig c = parseLintConfig(sm, f, diags);
  diags.finalize();
  std::vector<std::string> got;
  for (const auto &d : diags.diagnostics())
    got.push_back(std::to_string(d.range.line) + ":" + std::to_string(d.range.col) + " " +
                  d.kindName().str());
  EXPECT_EQ(got, (std::vector<std::string>{"2:15 config", "5:14 config", "6:10 config", "7:1 config"}));
  EXPECT_EQ(c.runnerLabels, (std::vector<std::string>{"a"}));
  ASSERT_TRUE(c.configVariables);
  EXPECT_EQ(*c.configVariables, (std::vector<std::string>{"X"}));
  EXPECT_NE(diags.diagnostics()[2].message.find("did you mean \"shellcheck\""), std::string::npos);
}

// A suppression comment silences its kinds on its line or on the next code line.
TEST(LintSuppression, TargetsOwnLineOrNextCodeLine) {
  ir::SourceManager sm;
  ir::FileId f = sm.addFile("w.yaml", "a: 1 # ci-lint: ignore[glob] ok\n"
                                      "# ci-lint: ignore[events,env-var] because\n"
                                      "\n"
                                      "# another comment\n"
                                      "b: 2\n"
                                      "c: '# ci-lint: ignore[glob]'\n"
                                      "d: x#ci-lint: ignore[glob]\n");
  ir::DiagnosticEngine diags;
  SuppressionSet s = SuppressionSet::scan(sm, f, diags);
  ASSERT_EQ(s.all().size(), 2u); // in the last two lines '#' does not open a comment
  EXPECT_EQ(s.all()[0].targetLine, 1u);
  EXPECT_EQ(s.all()[1].targetLine, 5u);
  EXPECT_EQ(s.all()[1].reason, "because");
  ir::Diagnostic d;
  d.kind = ir::DiagKind::LintEnvVarName;
  d.range = {f, 5, 1, 5, 2};
  EXPECT_TRUE(s.suppresses(d));
  d.kind = ir::DiagKind::LintGlobSyntax;
  EXPECT_FALSE(s.suppresses(d));
  d.range = {f, 1, 1, 1, 2};
  EXPECT_TRUE(s.suppresses(d));
  EXPECT_TRUE(diags.empty());
}

// Discovery finds the root, the workflows (not nested) and action files.
TEST(LintDiscovery, FindsRootWorkflowsAndActions) {
  TempRepo repo;
  repo.write(".github/workflows/b.yml", "on: push\n");
  repo.write(".github/workflows/a.yaml", "on: push\n");
  repo.write(".github/workflows/notes.txt", "x");
  repo.write(".github/workflows/sub/c.yaml", "on: push\n");
  repo.write("action.yml", "name: x\n");
  repo.write(".github/actions/setup/action.yaml", "name: y\n");
  repo.write("node_modules/pkg/action.yml", "name: z\n");
  repo.write(".hidden/action.yml", "name: z\n");
  fs::create_directories(repo.root / "deep" / "er");
  auto root = findRepositoryRoot((repo.root / "deep" / "er").string());
  ASSERT_TRUE(root);
  EXPECT_EQ(fs::path(*root), repo.root);
  std::vector<std::string> rel;
  for (const auto &p : discoverLintFiles(*root))
    rel.push_back(relativeToRoot(p, *root));
  EXPECT_EQ(rel, (std::vector<std::string>{".github/workflows/a.yaml", ".github/workflows/b.yml",
                                           ".github/actions/setup/action.yaml", "action.yml"}));
  EXPECT_EQ(classifyLintFile("x/action.yml"), LintFileKind::Action);
  EXPECT_EQ(classifyLintFile("x/ci.yml"), LintFileKind::Workflow);
}

// Parallel linting gives the same output, in input order, as linting one at a time.
TEST(LintDriver, ParallelOutputIsDeterministic) {
  TempRepo repo;
  std::vector<LintInput> inputs;
  for (int i = 0; i < 24; ++i) {
    std::string name = "w" + std::to_string(i) + ".yaml";
    std::string text = kBad;
    if (i % 3 == 0)
      text = "on: push\njobs: {a: {runs-on: ubuntu-latest, steps: [{run: echo}]}}\n";
    inputs.push_back(textInput(repo.root / name, text, name));
  }
  LintOptions serial, parallel;
  serial.externalTools = parallel.externalTools = false;
  serial.jobs = 1;
  parallel.jobs = 4;
  auto a = lint(serial, inputs), b = lint(parallel, inputs);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), 16u * 3u);
  EXPECT_EQ(a.front(), "w1.yaml:3: events");
}

// An unreadable file is an operational error, not a diagnostic.
TEST(LintDriver, UnreadableFileIsAnError) {
  TempRepo repo;
  LintOptions o;
  LintInput in;
  in.path = (repo.root / "missing.yaml").string();
  LintReport r;
  auto got = lint(o, {in}, &r);
  EXPECT_TRUE(got.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("missing.yaml"), std::string::npos);
}

// A missing shellcheck is not an error: the check is skipped.
TEST(LintDriver, MissingExternalToolSkipsTheCheck) {
  TempRepo repo;
  LintOptions o;
  o.shellcheckPath = (repo.root / "no-such-shellcheck").string();
  o.pyflakesPath = (repo.root / "no-such-pyflakes").string();
  auto got = lint(o, {textInput(repo.root / "w.yaml",
                                "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                                "      - run: echo $1\n      - run: print(x)\n        shell: python\n",
                                "w.yaml")});
  EXPECT_TRUE(got.empty());
}
