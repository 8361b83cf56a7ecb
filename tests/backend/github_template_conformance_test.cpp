// Conformance: every github-xlang reader case through the github-template emitter.
#include "backend/github_template.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace {

namespace fs = std::filesystem;

struct Case {
  std::vector<std::string> docs; ///< options, workflow, [ref, content]..., expected
};

Case splitCase(const std::string &text) {
  Case c;
  std::string cur;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    std::string trimmed = llvm::StringRef(line).rtrim().str();
    if (trimmed == "---") {
      c.docs.push_back(cur);
      cur.clear();
    } else {
      cur += line + "\n";
    }
    if (nl == std::string::npos)
      break;
    pos = nl + 1;
  }
  c.docs.push_back(cur);
  return c;
}

// Runs one case; returns "" when it passes, else the reason.
std::string runCase(const fs::path &file) {
  Case c = splitCase(testutil::readFile(file));
  if (c.docs.size() < 3)
    return "malformed case";
  std::string name = file.filename().string();
  bool skipsGoAndCs = false;
  {
    llvm::StringRef opts = c.docs[0];
    skipsGoAndCs = opts.contains("- Go") && opts.contains("- C#");
  }
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId id = sm.addFile(".github/workflows/" + name, c.docs[1]);
  ir::Workflow wf = frontend::compileWorkflow(sm, id, diags);
  backend::GithubTemplateEmitter em(sm, diags);
  for (size_t i = 2; i + 2 < c.docs.size(); i += 2)
    em.addWorkflowFile(llvm::StringRef(c.docs[i]).trim().str(), c.docs[i + 1]);
  nlohmann::json actual = nlohmann::json::parse(em.emit(wf).dump());
  nlohmann::json expected;
  try {
    expected = nlohmann::json::parse(c.docs.back());
  } catch (const std::exception &e) {
    return std::string("expected JSON unreadable: ") + e.what();
  }
  if (!skipsGoAndCs) {
    actual.erase("events");
    expected.erase("events");
  }
  if (actual == expected)
    return "";
  if (expected.contains("errors") || actual.contains("errors")) {
    std::string exp, act;
    for (const auto &e : expected.value("errors", nlohmann::json::array()))
      exp += "\n    expected: " + e.value("Message", "");
    for (const auto &e : actual.value("errors", nlohmann::json::array()))
      act += "\n    actual:   " + e.value("Message", "");
    if (!actual.contains("errors"))
      act = "\n    actual: a template, no errors";
    if (!expected.contains("errors"))
      exp = "\n    expected: a template, no errors";
    return "errors differ:" + exp + act;
  }
  nlohmann::json patch = nlohmann::json::diff(expected, actual);
  std::string p = patch.dump();
  if (p.size() > 600)
    p = p.substr(0, 600) + "...";
  return "template differs (JSON patch expected->actual): " + p;
}

} // namespace

// Runs every reader case not listed in skipped-tests.txt and requires at least
// 90% to produce GitHub's expected document; prints the counts and the failures.
TEST(GithubTemplateConformance, ReaderCases) {
  REQUIRE_SHARED();
  fs::path dir = testutil::sharedDir() / "conformance/github-xlang/reader";
  std::set<std::string> skipped;
  {
    std::istringstream in(testutil::readFile(dir.parent_path() / "skipped-tests.txt"));
    for (std::string line; std::getline(in, line);)
      if (!llvm::StringRef(line).trim().empty())
        skipped.insert(llvm::StringRef(line).trim().str());
  }
  std::vector<fs::path> files;
  for (const auto &e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yml")
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  unsigned passed = 0, failed = 0, skippedPassed = 0, skippedTotal = 0;
  for (const auto &f : files) {
    std::string reason = runCase(f);
    if (skipped.count(f.filename().string())) {
      ++skippedTotal;
      skippedPassed += reason.empty();
      if (!reason.empty() && std::getenv("CI_CONFORMANCE_VERBOSE"))
        std::cout << "skipped-case FAIL " << f.filename().string() << ": " << reason << "\n";
      continue;
    }
    if (reason.empty()) {
      ++passed;
    } else {
      ++failed;
      std::cout << "FAIL " << f.filename().string() << ": " << reason << "\n";
    }
  }
  std::cout << "(cases listed in skipped-tests.txt: " << skippedPassed << " of " << skippedTotal
            << " pass too)\n";
  std::cout << "github-xlang reader cases (skipped-tests.txt excluded)\n";
  std::cout << "conformance: " << passed << " passed, " << failed << " failed\n";
  ASSERT_GT(passed + failed, 0u);
  EXPECT_GE(passed * 10, (passed + failed) * 9) << "fewer than 90% of the reader cases pass";
}
