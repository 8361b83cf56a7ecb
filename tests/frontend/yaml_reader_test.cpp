// YAML reader: GitHub's typing rules, limits and located nodes.
#include "frontend/yaml_reader.h"

#include <gtest/gtest.h>

using namespace frontend;

namespace {

struct Parsed {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  std::unique_ptr<YamlDocument> doc;
};

std::unique_ptr<Parsed> parse(std::string text, YamlReadOptions opts = {}) {
  auto p = std::make_unique<Parsed>();
  ir::FileId f = p->sm.addFile("w.yml", std::move(text));
  p->doc = readYaml(p->sm, f, p->diags, opts);
  p->diags.finalize();
  return p;
}

} // namespace

// Plain scalars follow the YAML 1.2 core schema; quoted ones are strings.
TEST(YamlReader, CoreSchemaTypingOfPlainScalars) {
  auto p = parse("a: on\nb: yes\nc: 3.10\nd: '3.10'\ne: true\nf: 0x1F\ng: ~\nh: 0o17\ni: .inf\nj: 1e3\n");
  ASSERT_TRUE(p->diags.empty());
  const YamlNode *r = p->doc->root;
  EXPECT_EQ(r->get("a")->type, ScalarType::String);
  EXPECT_EQ(r->get("b")->type, ScalarType::String);
  EXPECT_EQ(r->get("c")->type, ScalarType::Float);
  EXPECT_EQ(*r->get("c")->asNumber(), 3.1);
  EXPECT_EQ(r->get("d")->type, ScalarType::String);
  EXPECT_EQ(r->get("e")->asBool(), std::optional<bool>(true));
  EXPECT_EQ(*r->get("f")->asNumber(), 31);
  EXPECT_TRUE(r->get("g")->isNull());
  EXPECT_EQ(*r->get("h")->asNumber(), 15);
  EXPECT_TRUE(std::isinf(*r->get("i")->asNumber()));
  EXPECT_EQ(*r->get("j")->asNumber(), 1000);
}

// Every node keeps its 1-based range and scalar style.
TEST(YamlReader, NodesKeepRangesAndStyles) {
  auto p = parse("jobs:\n  build:\n    run: |\n      echo hi\n    name: \"x\"\n");
  ASSERT_TRUE(p->diags.empty());
  const YamlNode *build = p->doc->root->get("jobs")->get("build");
  EXPECT_EQ(build->range.line, 3u);
  EXPECT_EQ(build->range.col, 5u);
  const YamlNode *run = build->get("run");
  EXPECT_EQ(run->style, ScalarStyle::Literal);
  EXPECT_EQ(run->value, "echo hi\n");
  EXPECT_EQ(build->get("name")->style, ScalarStyle::DoubleQuoted);
  EXPECT_EQ(build->get("NAME")->value, "x"); // look-up is case-insensitive
}

// Keys that differ only in case are duplicates, as GitHub's parser says.
TEST(YamlReader, DuplicateKeysAreCaseInsensitive) {
  auto p = parse("env:\n  FOO: 1\n  foo: 2\n");
  ASSERT_EQ(p->diags.diagnostics().size(), 1u);
  const auto &d = p->diags.diagnostics()[0];
  EXPECT_EQ(d.kind, ir::DiagKind::YamlDuplicateKey);
  EXPECT_EQ(d.range.line, 3u);
  EXPECT_EQ(d.range.col, 3u);
  EXPECT_NE(d.message.find("line 2"), std::string::npos);
}

TEST(YamlReader, MultipleDocumentsAreAnError) {
  auto p = parse("a: 1\n---\nb: 2\n");
  ASSERT_EQ(p->diags.errorCount(), 1u);
  EXPECT_EQ(p->diags.diagnostics()[0].kind, ir::DiagKind::YamlMultipleDocuments);
  EXPECT_EQ(p->diags.diagnostics()[0].range.line, 2u);
}

// Anchors and aliases resolve to the same node.
TEST(YamlReader, AliasesResolve) {
  auto p = parse("a: &x\n  k: v\nb: *x\n");
  ASSERT_TRUE(p->diags.empty());
  EXPECT_EQ(p->doc->root->get("a"), p->doc->root->get("b"));
}

// An alias used inside the node its own anchor names is reported (each one) and read
// as null; reading goes on.
TEST(YamlReader, RecursiveAliasesAreReportedAndReadAsNull) {
  auto p = parse("a: &x\n  k: *x\n  l: [*x]\nb: 1\n");
  ASSERT_EQ(p->diags.errorCount(), 2u);
  const auto &d = p->diags.diagnostics()[0];
  EXPECT_EQ(d.kind, ir::DiagKind::YamlRecursiveAlias);
  EXPECT_EQ(d.range.line, 2u);
  EXPECT_EQ(d.range.col, 6u);
  EXPECT_EQ(d.message, "recursive alias \"*x\": it is used inside the node its anchor names "
                       "(declared at line 1, column 4)");
  ASSERT_NE(p->doc->root, nullptr);
  EXPECT_TRUE(p->doc->root->get("a")->get("k")->isNull());
  EXPECT_NE(p->doc->root->get("b"), nullptr);
}

// A billion-laughs document stops at the expansion budget with a diagnostic.
TEST(YamlReader, AliasBombIsBounded) {
  std::string s = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'k'; ++c) {
    s += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i)
      s += std::string(i ? ", *" : "*") + prev;
    s += "]\n";
    prev = c;
  }
  auto p = parse(s);
  ASSERT_TRUE(p->diags.hasErrors());
  EXPECT_EQ(p->diags.diagnostics()[0].kind, ir::DiagKind::YamlAliasBudget);
}

TEST(YamlReader, DepthLimit) {
  YamlReadOptions o;
  o.maxDepth = 3;
  auto p = parse("a:\n  b:\n    c:\n      d: 1\n", o);
  ASSERT_TRUE(p->diags.hasErrors());
  EXPECT_EQ(p->diags.diagnostics()[0].kind, ir::DiagKind::YamlMaxDepth);
  EXPECT_EQ(p->diags.diagnostics()[0].range.line, 4u);
}

TEST(YamlReader, FileSizeLimit) {
  YamlReadOptions o;
  o.maxFileSize = 10;
  auto p = parse("name: a long name\n", o);
  ASSERT_EQ(p->diags.errorCount(), 1u);
  EXPECT_EQ(p->diags.diagnostics()[0].kind, ir::DiagKind::FileTooLarge);
}

TEST(YamlReader, InvalidUtf8AndNulAreReportedWithPosition) {
  auto p = parse("a: b\nc: \xff\n");
  ASSERT_EQ(p->diags.errorCount(), 1u);
  EXPECT_EQ(p->diags.diagnostics()[0].kind, ir::DiagKind::InvalidUtf8);
  EXPECT_EQ(p->diags.diagnostics()[0].range.line, 2u);
  EXPECT_EQ(p->diags.diagnostics()[0].range.col, 4u);
  auto q = parse(std::string("a: b\0c", 6));
  EXPECT_EQ(q->diags.diagnostics()[0].kind, ir::DiagKind::NulByte);
}

TEST(YamlReader, CrlfAndBomAreHandled) {
  auto p = parse("\xEF\xBB\xBFon: push\r\njobs:\r\n  a: 1\r\n");
  ASSERT_TRUE(p->diags.empty());
  EXPECT_EQ(p->doc->root->get("jobs")->get("a")->range.line, 3u);
}

TEST(YamlReader, SyntaxErrorsPointAtTheProblem) {
  auto p = parse("a: b\n c: d\n");
  ASSERT_TRUE(p->diags.hasErrors());
  EXPECT_EQ(p->diags.diagnostics()[0].kind, ir::DiagKind::YamlSyntax);
  EXPECT_EQ(p->diags.diagnostics()[0].range.line, 2u);
}

TEST(YamlReader, ExplicitTagsAreValidated) {
  auto p = parse("a: !!int \"300\"\nb: !!bool test\nc: !!timestamp 2022-10-26\nd: !!str 12\n");
  std::vector<ir::DiagKind> kinds;
  for (auto &d : p->diags.diagnostics())
    kinds.push_back(d.kind);
  EXPECT_EQ(kinds, (std::vector<ir::DiagKind>{ir::DiagKind::YamlBadTagStyle,
                                               ir::DiagKind::YamlBadTaggedValue,
                                               ir::DiagKind::YamlUnsupportedTag}));
  EXPECT_EQ(p->doc->root->get("d")->type, ScalarType::String);
}

TEST(YamlReader, MergeKeysAreRejected) {
  auto p = parse("a: &x {k: v}\nb:\n  <<: *x\n");
  ASSERT_EQ(p->diags.errorCount(), 1u);
  EXPECT_EQ(p->diags.diagnostics()[0].kind, ir::DiagKind::YamlMergeKey);
}

// Positions inside a scalar's value map back to the source text.
TEST(YamlReader, ScalarValuePositions) {
  auto p = parse("a: 'it''s ${{ x }}'\nb: |\n  line one\n  ${{ y }}\nc: plain ${{ z }}\n");
  ASSERT_TRUE(p->diags.empty());
  const YamlNode *a = p->doc->root->get("a");
  size_t off = a->value.find("${{");
  auto pos = scalarValuePos(p->sm, *a, off);
  EXPECT_EQ(pos.line, 1u);
  EXPECT_EQ(pos.col, 11u);
  const YamlNode *b = p->doc->root->get("b");
  pos = scalarValuePos(p->sm, *b, b->value.find("${{"));
  EXPECT_EQ(pos.line, 4u);
  EXPECT_EQ(pos.col, 3u);
  const YamlNode *c = p->doc->root->get("c");
  auto r = scalarValueRange(p->sm, *c, c->value.find("z"), 1);
  EXPECT_EQ(r.line, 5u);
  EXPECT_EQ(r.col, 14u);
  EXPECT_EQ(r.endCol, 15u);
}
