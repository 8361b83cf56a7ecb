// ci-lint's SARIF against the published SARIF 2.1.0 JSON schema, checked by
// tests/backend/lint_format_sarif_schema/run.sh (ajv with the schema shipped in
// @microsoft/jest-sarif, pinned by package-lock.json). Skipped when Node or the
// npm registry is unavailable.
#include "test_util.h"

#include "backend/lint_format_output.h"
#include "passes/lint_driver.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

// A report with diagnostics, notes and every severity validates against the schema.
TEST(LintFormatSarifSchema, OutputValidatesAgainstTheSarif210Schema) {
  fs::path src = testutil::sourceDir() / "tests" / "backend";
  passes::LintOptions o;
  o.externalTools = false;
  auto l = passes::Linter::create(o);
  ASSERT_TRUE(static_cast<bool>(l));
  passes::LintInput in;
  in.path = (src / "lint_format_golden" / "input.yaml").string();
  in.displayName = "dir with space/input.yaml";
  auto report = (*l)->lint({in});
  ASSERT_FALSE(report.diags.empty());

  llvm::SmallString<128> tmp;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("ci-lint", "sarif", tmp));
  {
    std::ofstream out(std::string(tmp.str()));
    out << backend::lintReportToSarif(report.sm, report.diags).dump(2);
  }
  std::string cmd = (src / "lint_format_sarif_schema" / "run.sh").string() + " '" +
                    std::string(tmp.str()) + "' '" +
                    (src / "lint_format_golden" / "input.sarif").string() + "' 2>&1";
  FILE *p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p))
    output.append(buf, n);
  int status = pclose(p);
  llvm::sys::fs::remove(tmp);
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (rc == 77)
    GTEST_SKIP() << "cannot run the schema check: " << output;
  EXPECT_EQ(rc, 0) << output;
  EXPECT_NE(output.find("valid SARIF 2.1.0"), std::string::npos) << output;
}
