// Diagnostic engine and renderers.
#include "ir/diagnostic_render.h"

#include <gtest/gtest.h>

using namespace ir;

// Diagnostics come out sorted by position with exact duplicates removed.
TEST(DiagnosticEngine, SortsAndDeduplicates) {
  DiagnosticEngine e;
  e.report(DiagKind::YamlSyntax, {1, 3, 1, 3, 2}, "b");
  e.report(DiagKind::YamlSyntax, {1, 1, 5, 1, 6}, "a");
  e.report(DiagKind::YamlSyntax, {1, 3, 1, 3, 2}, "b");
  e.finalize();
  ASSERT_EQ(e.diagnostics().size(), 2u);
  EXPECT_EQ(e.diagnostics()[0].message, "a");
  EXPECT_EQ(e.errorCount(), 2u);
}

TEST(DiagnosticEngine, EveryKindHasANameAndFormat) {
  for (size_t i = 0; i < static_cast<size_t>(DiagKind::NumKinds); ++i) {
    const auto &info = diagKindInfo(static_cast<DiagKind>(i));
    EXPECT_NE(std::string(info.name), "");
    EXPECT_NE(std::string(info.format), "");
  }
}

TEST(DiagnosticRender, HumanFormatHasPositionCaretAndKind) {
  SourceManager sm;
  FileId f = sm.addFile("ci.yml", "jobs:\n  build:\n    needs: biuld\n");
  DiagnosticEngine e;
  e.report(DiagKind::YamlSyntax, {f, 3, 12, 3, 17}, "unknown job \"biuld\"");
  std::string out;
  llvm::raw_string_ostream os(out);
  renderHuman(os, sm, e.diagnostics());
  EXPECT_EQ(os.str(), "ci.yml:3:12: error: unknown job \"biuld\" [syntax-check]\n"
                      " 3 |     needs: biuld\n"
                      "   |            ^~~~~\n");
}

TEST(DiagnosticRender, JsonCarriesKindRangeAndNotes) {
  SourceManager sm;
  FileId f = sm.addFile("ci.yml", "a: 1\na: 2\n");
  DiagnosticEngine e;
  e.report(DiagKind::YamlDuplicateKey, {f, 2, 1, 2, 2}, "a", 1).note({f, 1, 1, 1, 2}, "first");
  auto j = diagnosticsToJson(sm, e.diagnostics());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["kind"], "syntax-check");
  EXPECT_EQ(j[0]["severity"], "error");
  EXPECT_EQ(j[0]["range"]["start"]["line"], 2);
  EXPECT_EQ(j[0]["notes"][0]["message"], "first");
}

TEST(SourceManager, ColumnsCountCodePoints) {
  SourceManager sm;
  FileId f = sm.addFile("x", "ab\n\xC3\xA9x\r\nz");
  EXPECT_EQ(sm.lineCount(f), 3u);
  EXPECT_EQ(sm.lineText(f, 2), "\xC3\xA9x");
  EXPECT_EQ(sm.offsetOf(f, {2, 2}), 5u);
  EXPECT_EQ(sm.posOf(f, 5), (SourcePos{2, 2}));
}
