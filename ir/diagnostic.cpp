// Diagnostic kind table and the collecting engine.
#include "ir/diagnostic.h"

#include <algorithm>
#include <set>

namespace ir {

static const DiagKindInfo kKindTable[] = {
#define DIAG(Id, Name, Sev, Format) {Name, Severity::Sev, Format},
#include "ir/diagnostic_kinds.def"
};

llvm::StringRef severityName(Severity s) {
  switch (s) {
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "error";
}

const DiagKindInfo &diagKindInfo(DiagKind kind) {
  return kKindTable[static_cast<size_t>(kind)];
}

std::vector<DiagKind> diagKindsNamed(llvm::StringRef name) {
  std::vector<DiagKind> out;
  for (size_t i = 0; i < static_cast<size_t>(DiagKind::NumKinds); ++i)
    if (name == kKindTable[i].name)
      out.push_back(static_cast<DiagKind>(i));
  return out;
}

std::vector<std::string> allDiagKindNames() {
  std::set<std::string> names;
  for (const auto &k : kKindTable)
    names.insert(k.name);
  return {names.begin(), names.end()};
}

Diagnostic &DiagnosticEngine::add(DiagKind kind, SourceRange range, std::string message) {
  Diagnostic d;
  d.kind = kind;
  d.severity = diagKindInfo(kind).severity;
  d.range = range;
  d.message = std::move(message);
  return add(std::move(d));
}

Diagnostic &DiagnosticEngine::add(Diagnostic d) {
  if (d.severity == Severity::Error)
    ++errors_;
  diags_.push_back(std::move(d));
  return diags_.back();
}

void DiagnosticEngine::finalize() {
  auto key = [](const Diagnostic &d) {
    return std::tie(d.range.file, d.range.line, d.range.col, d.range.endLine, d.range.endCol,
                    d.kind, d.message);
  };
  std::stable_sort(diags_.begin(), diags_.end(),
                   [&](const Diagnostic &a, const Diagnostic &b) { return key(a) < key(b); });
  diags_.erase(std::unique(diags_.begin(), diags_.end(),
                           [&](const Diagnostic &a, const Diagnostic &b) {
                             return key(a) == key(b) && a.severity == b.severity;
                           }),
               diags_.end());
  errors_ = static_cast<unsigned>(std::count_if(
      diags_.begin(), diags_.end(), [](const Diagnostic &d) { return d.severity == Severity::Error; }));
}

} // namespace ir
