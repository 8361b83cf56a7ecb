// Rule `anchors`: YAML anchors (`&name`) that no alias (`*name`) uses.
//
// The reader expands aliases into the tree, so uses are found in the text: an
// anchor counts as used when `*name` appears after it and before the next
// definition of the same name (a later `&name` replaces the earlier one).
// `*name` inside a quoted string or comment also counts, which can only hide a
// finding, never invent one.
#include "passes/lint_rule.h"

#include <algorithm>
#include <set>

namespace passes {

namespace {

using frontend::YamlNode;

bool anchorChar(char c) {
  return !(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '[' || c == ']' ||
           c == '{' || c == '}');
}

struct Anchor {
  std::string name;
  size_t offset; ///< of the `&` in the text
  ir::SourceRange range;
};

class AnchorsRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "anchors"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (!ctx.root)
      return;
    llvm::StringRef text = ctx.sm.text(ctx.file);
    std::vector<Anchor> anchors;
    std::set<const YamlNode *> seen;
    collect(ctx.root, ctx, text, seen, anchors);
    if (anchors.empty())
      return;
    std::sort(anchors.begin(), anchors.end(),
              [](const Anchor &a, const Anchor &b) { return a.offset < b.offset; });
    for (size_t i = 0; i < anchors.size(); ++i) {
      const Anchor &a = anchors[i];
      size_t end = text.size();
      for (size_t j = i + 1; j < anchors.size(); ++j)
        if (anchors[j].name == a.name) {
          end = anchors[j].offset;
          break;
        }
      if (!usedBetween(text, a.name, a.offset + 1 + a.name.size(), end))
        ctx.report(ir::DiagKind::YamlSyntax, a.range,
                   "anchor \"" + a.name + "\" is defined but not used");
    }
  }

private:
  static bool usedBetween(llvm::StringRef text, llvm::StringRef name, size_t from, size_t to) {
    std::string needle = "*" + name.str();
    for (size_t p = text.find(needle, from); p != llvm::StringRef::npos && p < to;
         p = text.find(needle, p + 1)) {
      size_t after = p + needle.size();
      if (after >= text.size() || !anchorChar(text[after]))
        return true;
    }
    return false;
  }

  static void collect(const YamlNode *n, LintContext &ctx, llvm::StringRef text,
                      std::set<const YamlNode *> &seen, std::vector<Anchor> &out) {
    if (!n || !seen.insert(n).second)
      return;
    if (!n->anchor.empty()) {
      // The node starts at its anchor (or, with a tag first, a little after).
      size_t off = ctx.sm.offsetOf(n->range.file, n->range.start());
      std::string needle = "&" + n->anchor.str();
      size_t at = off < text.size() && text.substr(off).startswith(needle)
                      ? off
                      : text.substr(0, off).rfind(needle);
      if (at != llvm::StringRef::npos) {
        ir::SourceRange r = n->range;
        ir::SourcePos pos = ctx.sm.posOf(n->range.file, at);
        r.line = r.endLine = pos.line;
        r.col = pos.col;
        r.endCol = r.col + unsigned(needle.size());
        out.push_back({n->anchor.str(), at, r});
      }
    }
    for (const YamlNode *i : n->items)
      collect(i, ctx, text, seen, out);
    for (const auto &e : n->entries) {
      collect(e.key, ctx, text, seen, out);
      collect(e.value, ctx, text, seen, out);
    }
  }
};

} // namespace

std::unique_ptr<LintRule> createAnchorsRule() { return std::make_unique<AnchorsRule>(); }

} // namespace passes
