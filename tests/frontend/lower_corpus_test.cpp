// Real corpus: every workflow and action file compiles without errors.
#include "frontend/action_metadata.h"
#include "frontend/lower_workflow.h"
#include "ir/diagnostic_render.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <map>

namespace fs = std::filesystem;

// Every file under shared/corpus/real/*/.github/workflows/ (and every
// action.yml) compiles with zero error diagnostics, except the files listed in
// tests/data/corpus-allowlist.tsv, which GitHub itself rejects and which must
// still get an error.
TEST(LowerCorpus, RealWorkflowsCompileWithoutErrors) {
  REQUIRE_SHARED();
  std::map<std::string, std::string> allowed;
  {
    std::istringstream in(testutil::readFile(testutil::sourceDir() / "tests/data/corpus-allowlist.tsv"));
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#')
        continue;
      auto [path, reason] = llvm::StringRef(line).split('\t');
      allowed[path.str()] = reason.str();
    }
  }
  fs::path root = testutil::sharedDir() / "corpus/real";
  unsigned passed = 0, failed = 0, allowedSeen = 0;
  for (const auto &e : fs::recursive_directory_iterator(root)) {
    auto ext = e.path().extension();
    if (!e.is_regular_file() || (ext != ".yml" && ext != ".yaml"))
      continue;
    std::string rel = fs::relative(e.path(), root).string();
    bool isAction = frontend::isActionMetadataPath(rel);
    if (!isAction && rel.find("/.github/workflows/") == std::string::npos)
      continue;
    ir::SourceManager sm;
    ir::DiagnosticEngine diags;
    ir::FileId f = sm.addFile(rel, testutil::readFile(e.path()));
    if (isAction)
      frontend::compileAction(sm, f, diags);
    else
      frontend::compileWorkflow(sm, f, diags);
    diags.finalize();
    auto it = allowed.find(rel);
    if (it != allowed.end()) {
      ++allowedSeen;
      EXPECT_TRUE(diags.hasErrors()) << rel << " is allow-listed (" << it->second
                                     << ") but compiles cleanly: remove it from the list";
      continue;
    }
    if (!diags.hasErrors()) {
      ++passed;
      continue;
    }
    ++failed;
    std::string text;
    llvm::raw_string_ostream os(text);
    ir::RenderOptions ro;
    ro.showSource = false;
    ir::renderHuman(os, sm, diags.diagnostics(), ro);
    ADD_FAILURE() << os.str();
  }
  std::cout << "real corpus (" << allowedSeen << " allow-listed files skipped)\n";
  std::cout << "corpus: " << passed << " passed, " << failed << " failed\n";
  EXPECT_EQ(allowedSeen, allowed.size()) << "an allow-listed file is missing from the corpus";
  EXPECT_GT(passed, 800u);
}
