// The language server's message framing and document model.
#include "backend/lsp_document.h"
#include "backend/lsp_transport.h"

#include <gtest/gtest.h>

using namespace backend;

static std::string frame(const std::string &body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Messages split across reads and glued together are all recovered.
TEST(LspMessageReader, ReassemblesSplitAndGluedMessages) {
  LspMessageReader r;
  std::string two = frame("{\"a\":1}") + frame("{\"b\":2}");
  std::string body, err;
  r.feed(two.substr(0, 10));
  EXPECT_EQ(r.next(body, err), LspMessageReader::Status::NeedMore);
  r.feed(two.substr(10));
  ASSERT_EQ(r.next(body, err), LspMessageReader::Status::Message);
  EXPECT_EQ(body, "{\"a\":1}");
  ASSERT_EQ(r.next(body, err), LspMessageReader::Status::Message);
  EXPECT_EQ(body, "{\"b\":2}");
  EXPECT_EQ(r.next(body, err), LspMessageReader::Status::NeedMore);
  EXPECT_EQ(r.pending(), 0u);
}

// Extra headers are ignored, names are case-insensitive, bare LF separators work.
TEST(LspMessageReader, AcceptsHeaderVariants) {
  LspMessageReader r;
  r.feed("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}");
  r.feed("Content-Length: 2\n\n[]");
  std::string body, err;
  ASSERT_EQ(r.next(body, err), LspMessageReader::Status::Message);
  EXPECT_EQ(body, "{}");
  ASSERT_EQ(r.next(body, err), LspMessageReader::Status::Message);
  EXPECT_EQ(body, "[]");
}

// Broken headers are errors that skip the bad block; the next message still gets through.
TEST(LspMessageReader, RecoversFromBrokenHeaders) {
  LspMessageReader r;
  r.feed("Content-Type: x\r\n\r\n");
  r.feed("Content-Length: -5\r\n\r\n");
  r.feed("Content-Length: 99999999999999999999\r\n\r\n");
  r.feed(frame("{}"));
  std::string body, err;
  EXPECT_EQ(r.next(body, err), LspMessageReader::Status::Error);
  EXPECT_NE(err.find("without Content-Length"), std::string::npos);
  EXPECT_EQ(r.next(body, err), LspMessageReader::Status::Error);
  EXPECT_EQ(r.next(body, err), LspMessageReader::Status::Error);
  ASSERT_EQ(r.next(body, err), LspMessageReader::Status::Message);
  EXPECT_EQ(body, "{}");
  // A header block that never ends is dropped once it passes the limit.
  LspMessageReader big;
  big.feed(std::string(LspMessageReader::kMaxHeaderBytes + 10, 'x'));
  EXPECT_EQ(big.next(body, err), LspMessageReader::Status::Error);
  EXPECT_EQ(big.pending(), 0u);
}

// LSP columns are UTF-16 code units; ours are code points.
TEST(LspDocument, ConvertsUtf16AndCodePoints) {
  // "é" is 1 unit (2 bytes), "😀" is 2 units (4 bytes).
  LspDocument d("file:///w.yml", "a: é😀x\nb: 1\n", 1);
  EXPECT_EQ(d.toLsp({1, 4}).character, 3u);  // before é
  EXPECT_EQ(d.toLsp({1, 5}).character, 4u);  // before 😀
  EXPECT_EQ(d.toLsp({1, 6}).character, 6u);  // before x
  EXPECT_EQ(d.fromLsp({0, 6}).col, 6u);
  EXPECT_EQ(d.fromLsp({0, 4}).col, 5u);
  EXPECT_EQ(d.offsetOf({0, 6}), 9u);
  EXPECT_EQ(d.offsetOf({0, 100}), 10u); // clamped to the line end
  EXPECT_EQ(d.offsetOf({9, 0}), d.text().size());
  EXPECT_EQ(d.positionOfOffset(9).character, 6u);
}

// Incremental edits replace ranges; a full change replaces everything.
TEST(LspDocument, AppliesIncrementalAndFullEdits) {
  LspDocument d("file:///w.yml", "on: push\njobs: {}\n", 1);
  d.applyEdit({0, 4}, {0, 8}, "pull_request", 2);
  EXPECT_EQ(d.text(), "on: pull_request\njobs: {}\n");
  d.applyEdit({1, 0}, {1, 0}, "# c\n", 3);
  EXPECT_EQ(d.lineText(1), "# c");
  EXPECT_EQ(d.version(), 3);
  d.applyEdit({5, 0}, {0, 0}, "", 4); // reversed and out of range: clamped, not trusted
  d.setText("x", 5);
  EXPECT_EQ(d.text(), "x");
  EXPECT_EQ(d.lineCount(), 1u);
}

TEST(LspDocument, FileUrisRoundTrip) {
  EXPECT_EQ(uriToPath("file:///tmp/a%20b/w.yml"), "/tmp/a b/w.yml");
  EXPECT_EQ(uriToPath("file://localhost/x.yml"), "/x.yml");
  EXPECT_EQ(pathToUri("/tmp/a b/w.yml"), "file:///tmp/a%20b/w.yml");
  EXPECT_EQ(uriToPath("untitled:1"), "untitled:1");
  EXPECT_EQ(uriToPath("file:///%zz%4"), "/%zz%4");
}
