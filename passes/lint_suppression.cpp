// Scanning `# ci-lint: ignore[kind] reason` comments out of the file text.
#include "passes/lint_suppression.h"

#include "passes/lint_registry.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

namespace passes {

static constexpr llvm::StringLiteral kMarker = "ci-lint:";

// True when the line is blank or only a comment.
static bool isCommentOnly(llvm::StringRef line) {
  llvm::StringRef t = line.ltrim(" \t");
  return t.empty() || t.startswith("#");
}

SuppressionSet SuppressionSet::scan(const ir::SourceManager &sm, ir::FileId file,
                                    ir::DiagnosticEngine &diags) {
  SuppressionSet set;
  llvm::StringRef text = sm.text(file);
  if (text.find(kMarker) == llvm::StringRef::npos)
    return set;
  std::vector<std::string> known = lintKindNames();
  uint32_t lines = sm.lineCount(file);
  for (uint32_t ln = 1; ln <= lines; ++ln) {
    llvm::StringRef line = sm.lineText(file, ln);
    size_t m = line.find(kMarker);
    if (m == llvm::StringRef::npos)
      continue;
    // The marker must directly follow "#" and optional spaces; the "#" must
    // open a comment (start of line or after whitespace).
    size_t hash = line.rfind('#', m);
    if (hash == llvm::StringRef::npos || !line.slice(hash + 1, m).trim(" \t").empty())
      continue;
    if (hash > 0 && line[hash - 1] != ' ' && line[hash - 1] != '\t')
      continue;
    Suppression s;
    s.range = {file, ln, ir::columnOfByteOffset(line, hash), ln,
               ir::columnOfByteOffset(line, line.size())};
    llvm::StringRef rest = line.substr(m + kMarker.size()).ltrim(" \t");
    if (!rest.consume_front("ignore[")) {
      diags.report(ir::DiagKind::LintSuppressionMalformed, s.range);
      continue;
    }
    size_t close = rest.find(']');
    if (close == llvm::StringRef::npos) {
      diags.report(ir::DiagKind::LintSuppressionMalformed, s.range);
      continue;
    }
    llvm::SmallVector<llvm::StringRef, 4> parts;
    rest.substr(0, close).split(parts, ',', -1, false);
    for (llvm::StringRef p : parts) {
      p = p.trim(" \t");
      if (p.empty())
        continue;
      if (!std::binary_search(known.begin(), known.end(), p.str())) {
        ir::Diagnostic &d = diags.report(ir::DiagKind::LintSuppressionUnknownKind, s.range, p);
        std::string sug = suggestKind(p);
        if (!sug.empty())
          d.message += "; did you mean \"" + sug + "\"?";
        continue;
      }
      s.kinds.push_back(p.str());
    }
    if (s.kinds.empty()) {
      if (parts.empty())
        diags.report(ir::DiagKind::LintSuppressionMalformed, s.range);
      continue;
    }
    s.reason = rest.substr(close + 1).trim(" \t").str();
    if (!isCommentOnly(line.substr(0, hash))) {
      s.targetLine = ln;
    } else {
      uint32_t t = ln + 1;
      while (t <= lines && isCommentOnly(sm.lineText(file, t)))
        ++t;
      s.targetLine = t;
    }
    set.items_.push_back(std::move(s));
  }
  return set;
}

bool SuppressionSet::suppresses(const ir::Diagnostic &d) const {
  if (items_.empty() || !d.range.valid())
    return false;
  llvm::StringRef kind = d.kindName();
  if (used_.size() != items_.size()) {
    used_.resize(items_.size());
    for (size_t i = 0; i < items_.size(); ++i)
      used_[i].assign(items_[i].kinds.size(), false);
  }
  bool hit = false;
  for (size_t i = 0; i < items_.size(); ++i) {
    const Suppression &s = items_[i];
    if (s.targetLine != d.range.line)
      continue;
    auto it = std::find(s.kinds.begin(), s.kinds.end(), kind);
    if (it != s.kinds.end()) {
      used_[i][it - s.kinds.begin()] = true;
      hit = true;
    }
  }
  return hit;
}

} // namespace passes
