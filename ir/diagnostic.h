/// \file
/// Diagnostics: problems in the user's files (architecture decision 2).
///
/// Every kind is listed once in diagnostic_kinds.def with a stable name, a
/// default severity and a message format. A diagnostic has a kind, a severity,
/// a primary range, a formatted message and notes with their own ranges.
/// The engine collects them, then sorts by position and drops duplicates.
#pragma once

#include "ir/source_location.h"

#include "llvm/ADT/StringRef.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

namespace ir {

enum class Severity : uint8_t { Note, Warning, Error };

llvm::StringRef severityName(Severity s); // "note", "warning", "error"

enum class DiagKind : uint16_t {
#define DIAG(Id, Name, Sev, Format) Id,
#include "ir/diagnostic_kinds.def"
  NumKinds
};

struct DiagKindInfo {
  const char *name;   ///< stable kind name, e.g. "needs-cycle"
  Severity severity;  ///< default severity
  const char *format; ///< fmt format of the message
};

const DiagKindInfo &diagKindInfo(DiagKind kind);
/// All kinds whose stable name is `name` (several ids may share one name).
std::vector<DiagKind> diagKindsNamed(llvm::StringRef name);
/// Every distinct stable kind name, sorted.
std::vector<std::string> allDiagKindNames();

struct DiagnosticNote {
  SourceRange range;
  std::string message;
};

struct Diagnostic {
  DiagKind kind = DiagKind::YamlSyntax;
  Severity severity = Severity::Error;
  SourceRange range;
  /// The whole YAML value the problem sits in, when `range` is narrower (an
  /// expression token inside a scalar). GitHub's parser reports positions of
  /// values, so its formats use this when it is valid.
  SourceRange valueRange;
  std::string message;
  std::vector<DiagnosticNote> notes;

  llvm::StringRef kindName() const { return diagKindInfo(kind).name; }
  Diagnostic &note(SourceRange r, std::string msg) {
    notes.push_back({r, std::move(msg)});
    return *this;
  }
};

class DiagnosticEngine {
public:
  /// Reports a diagnostic of `kind` at `range` with the kind's message format
  /// applied to `args`. The returned reference stays valid until the next report.
  template <typename... Args>
  Diagnostic &report(DiagKind kind, SourceRange range, Args &&...args) {
    return add(kind, range,
               fmt::format(fmt::runtime(diagKindInfo(kind).format), std::forward<Args>(args)...));
  }
  /// Reports with an already formatted message.
  Diagnostic &add(DiagKind kind, SourceRange range, std::string message);
  Diagnostic &add(Diagnostic d);

  /// Sorts by (file, position, kind, message) and removes exact duplicates.
  void finalize();

  const std::vector<Diagnostic> &diagnostics() const { return diags_; }
  std::vector<Diagnostic> &diagnostics() { return diags_; }
  bool hasErrors() const { return errors_ > 0; }
  unsigned errorCount() const { return errors_; }
  bool empty() const { return diags_.empty(); }
  void clear() {
    diags_.clear();
    errors_ = 0;
  }

private:
  std::vector<Diagnostic> diags_;
  unsigned errors_ = 0;
};

} // namespace ir
