// Golden tests of the lint rules: tests/passes/lint_golden/NAME.yaml is linted
// (file name shown as NAME.yaml) and the text output must equal NAME.golden.
// `*_ok.yaml` files are the negative cases: their golden output is empty.
// Regenerate with CI_UPDATE_GOLDEN=1 after checking the new output by eye.
// A first line `# ci-lint-test: enable KIND,...` enables opt-in kinds for that file.
#include "test_util.h"

#include "backend/lint_format_output.h"
#include "passes/lint_driver.h"
#include "passes/lint_external_tool.h"
#include "passes/lint_registry.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

namespace fs = std::filesystem;

namespace {

fs::path goldenDir() { return testutil::sourceDir() / "tests" / "passes" / "lint_golden"; }

bool updateGolden() {
  const char *v = std::getenv("CI_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

std::string lintToText(const fs::path &file, std::vector<std::string> *kinds = nullptr) {
  passes::LintOptions o;
  o.root = goldenDir().string();
  o.jobs = 1;
  // A first line `# ci-lint-test: enable KIND,KIND` turns on opt-in kinds.
  std::string text = testutil::readFile(file);
  llvm::StringRef first = llvm::StringRef(text).split('\n').first;
  if (first.consume_front("# ci-lint-test: enable ")) {
    llvm::SmallVector<llvm::StringRef, 8> kinds;
    first.trim().split(kinds, ',');
    for (llvm::StringRef k : kinds)
      o.kindSwitches.emplace_back(k.trim().str(), true);
  }
  auto linter = passes::Linter::create(o);
  EXPECT_TRUE(static_cast<bool>(linter));
  passes::LintInput in;
  in.path = file.string();
  in.displayName = file.filename().string();
  auto report = (*linter)->lint({in});
  std::string out;
  llvm::raw_string_ostream os(out);
  backend::writeLintReport(os, backend::LintFormat::Text, report.sm, report.diags);
  os.flush();
  if (kinds)
    for (const auto &d : report.diags)
      kinds->push_back(d.kindName().str());
  return out;
}

std::vector<fs::path> goldenInputs() {
  std::vector<fs::path> v;
  for (const auto &e : fs::directory_iterator(goldenDir()))
    if (e.path().extension() == ".yaml")
      v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

bool toolMissingFor(const std::string &name) {
  if (name.rfind("shellcheck", 0) == 0)
    return !passes::findExternalTool("", {"shellcheck"});
  if (name.rfind("pyflakes", 0) == 0)
    return !passes::findExternalTool("", {"pyflakes3", "pyflakes"});
  return false;
}

} // namespace

// Each golden input gives exactly its recorded output; *_ok inputs give none.
TEST(LintGolden, EveryInputMatchesItsGoldenOutput) {
  for (const fs::path &in : goldenInputs()) {
    std::string name = in.stem().string();
    if (toolMissingFor(name)) {
      std::printf("skipping %s: the external tool is not installed\n", name.c_str());
      continue;
    }
    std::string got = lintToText(in);
    fs::path golden = fs::path(in).replace_extension(".golden");
    if (updateGolden()) {
      std::ofstream(golden, std::ios::binary) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; run with CI_UPDATE_GOLDEN=1";
    EXPECT_EQ(got, testutil::readFile(golden)) << "golden mismatch for " << name;
    if (name.size() > 3 && name.substr(name.size() - 3) == "_ok") {
      EXPECT_EQ(got, "") << name << " is a negative case and must lint clean";
    }
  }
}

// Every kind a lint rule reports appears in at least one golden output.
TEST(LintGolden, EveryRuleKindHasAGoldenCase) {
  std::set<std::string> seen;
  for (const fs::path &in : goldenInputs()) {
    if (toolMissingFor(in.stem().string()))
      return; // cannot see the external kinds
    std::vector<std::string> kinds;
    lintToText(in, &kinds);
    seen.insert(kinds.begin(), kinds.end());
  }
  for (const auto &rule : passes::lintRules())
    for (const char *k : rule.kinds)
      EXPECT_TRUE(seen.count(k)) << "kind " << k << " of rule " << rule.name
                                 << " appears in no golden output";
  EXPECT_TRUE(seen.count("suppression"));
  EXPECT_TRUE(seen.count("syntax-check"));
}
