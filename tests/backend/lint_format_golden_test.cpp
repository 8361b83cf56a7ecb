// Golden tests of ci-lint's output formats: tests/backend/lint_format_golden/input.yaml,
// shown as "ci,dir/in:put.yaml" (a name that needs escaping), rendered in every
// format and compared with input.<format>. Regenerate with CI_UPDATE_GOLDEN=1.
#include "test_util.h"

#include "backend/lint_format_output.h"
#include "passes/lint_driver.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

fs::path dir() { return testutil::sourceDir() / "tests" / "backend" / "lint_format_golden"; }

passes::LintReport lintInput() {
  passes::LintOptions o;
  o.externalTools = false;
  o.root = dir().string();
  auto l = passes::Linter::create(o);
  EXPECT_TRUE(static_cast<bool>(l));
  passes::LintInput in;
  in.path = (dir() / "input.yaml").string();
  in.displayName = "ci,dir/in:put.yaml";
  return (*l)->lint({in});
}

std::string render(backend::LintFormat f, const passes::LintReport &r) {
  std::string out;
  llvm::raw_string_ostream os(out);
  backend::writeLintReport(os, f, r.sm, r.diags);
  os.flush();
  return out;
}

void checkGolden(const char *ext, const std::string &got) {
  fs::path golden = dir() / (std::string("input.") + ext);
  const char *upd = std::getenv("CI_UPDATE_GOLDEN");
  if (upd && std::string(upd) == "1") {
    std::ofstream(golden, std::ios::binary) << got;
    return;
  }
  EXPECT_EQ(got, testutil::readFile(golden)) << "golden mismatch for " << golden;
}

} // namespace

// The input yields four findings: a glob error, an env var name, a duplicate
// key with a note, and a deprecated command (a warning).
TEST(LintFormatGolden, InputHasTheFindingsTheFormatsShow) {
  auto r = lintInput();
  ASSERT_EQ(r.diags.size(), 4u);
}

TEST(LintFormatGolden, Text) { checkGolden("txt", render(backend::LintFormat::Text, lintInput())); }
TEST(LintFormatGolden, Json) { checkGolden("json", render(backend::LintFormat::Json, lintInput())); }
TEST(LintFormatGolden, Sarif) {
  checkGolden("sarif", render(backend::LintFormat::Sarif, lintInput()));
}
TEST(LintFormatGolden, Github) {
  checkGolden("github", render(backend::LintFormat::Github, lintInput()));
}
TEST(LintFormatGolden, Actionlint) {
  checkGolden("actionlint", render(backend::LintFormat::Actionlint, lintInput()));
}

// GitHub workflow commands escape %, CR, LF in data and also ':' ',' in properties;
// columns are given only for single-line ranges.
TEST(LintFormatGithub, EscapesDataAndProperties) {
  ir::SourceManager sm;
  ir::FileId f = sm.addFile("a,b:c%.yml", "x\ny\n");
  ir::Diagnostic d;
  d.kind = ir::DiagKind::LintConfig;
  d.severity = ir::Severity::Warning;
  d.range = {f, 1, 1, 2, 1};
  d.message = "50% done,\nnext: line\r";
  EXPECT_EQ(backend::githubAnnotation(sm, d),
            "::warning file=a%2Cb%3Ac%25.yml,line=1,endLine=2,title=ci-lint [config]::50%25 "
            "done,%0Anext: line%0D");
  d.severity = ir::Severity::Note;
  d.range = {f, 2, 1, 2, 2};
  EXPECT_EQ(backend::githubAnnotation(sm, d).substr(0, 56),
            "::notice file=a%2Cb%3Ac%25.yml,line=2,col=1,endLine=2,en");
}

// SARIF carries what GitHub code scanning requires: version, $schema, tool
// driver name and rules (id, help), results with ruleId, message, a location
// with a relative URI and a region; columns are code points.
TEST(LintFormatSarif, HasTheRequiredProperties) {
  auto r = lintInput();
  nlohmann::json s = backend::lintReportToSarif(r.sm, r.diags);
  EXPECT_EQ(s["version"], "2.1.0");
  EXPECT_TRUE(s.contains("$schema"));
  ASSERT_EQ(s["runs"].size(), 1u);
  const auto &run = s["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "ci-lint");
  EXPECT_EQ(run["columnKind"], "unicodeCodePoints");
  std::set<std::string> ruleIds;
  for (const auto &rule : run["tool"]["driver"]["rules"]) {
    ruleIds.insert(rule["id"].get<std::string>());
    EXPECT_TRUE(rule["help"]["text"].is_string());
    EXPECT_TRUE(rule["help"]["markdown"].is_string());
    EXPECT_EQ(rule.find("helpUri"), rule.end()); // no invented web address
    std::string help = rule["help"]["text"].is_string() ? rule["help"]["text"].get<std::string>() : "";
    EXPECT_NE(help.find("docs/checks.md"), std::string::npos) << help;
  }
  ASSERT_EQ(run["results"].size(), 4u);
  for (const auto &res : run["results"]) {
    EXPECT_TRUE(ruleIds.count(res["ruleId"].get<std::string>()));
    EXPECT_EQ(run["tool"]["driver"]["rules"][res["ruleIndex"].get<size_t>()]["id"], res["ruleId"]);
    EXPECT_TRUE(res["message"]["text"].is_string());
    const auto &loc = res["locations"][0]["physicalLocation"];
    EXPECT_EQ(loc["artifactLocation"]["uri"], "ci%2Cdir/in%3Aput.yaml");
    EXPECT_GE(loc["region"]["startLine"].get<int>(), 1);
    EXPECT_GE(loc["region"]["startColumn"].get<int>(), 1);
  }
}
