/// \file
/// Inline suppression comments:
///
/// ```yaml
/// runs-on: gpu-box  # ci-lint: ignore[runner-label] our self-hosted pool
/// # ci-lint: ignore[shellcheck,deprecated-commands] legacy script, see #123
/// - run: echo "::set-output name=x::$y"
/// ```
///
/// A comment that follows code silences the listed kinds on its own line; a
/// comment alone on its line silences them on the next line that is not
/// itself a comment (so several suppression comments can be stacked). The
/// reason after `]` is free text. Comments are not in the YAML tree, so the
/// file text is scanned: a `#` at the start of a line or after a space opens a
/// comment. Comments inside `run:` block scalars count too, which lets a
/// script line be silenced from inside the script.
#pragma once

#include "ir/diagnostic.h"
#include "ir/source_manager.h"

#include <string>
#include <vector>

namespace passes {

struct Suppression {
  ir::SourceRange range;          ///< the comment
  uint32_t targetLine = 0;        ///< the line it silences
  std::vector<std::string> kinds; ///< kind names as written
  std::string reason;
};

class SuppressionSet {
public:
  /// Scans file `file`; malformed comments and unknown kinds are reported to
  /// `diags` (kind `suppression`).
  static SuppressionSet scan(const ir::SourceManager &sm, ir::FileId file,
                             ir::DiagnosticEngine &diags);

  /// True when a comment silences `d` (matching its kind and start line).
  bool suppresses(const ir::Diagnostic &d) const;
  /// Calls `fn(suppression, kind)` for every kind of every comment that has
  /// silenced nothing through suppresses() so far.
  template <typename Fn> void forEachUnused(Fn &&fn) const {
    for (size_t i = 0; i < items_.size(); ++i)
      for (size_t k = 0; k < items_[i].kinds.size(); ++k)
        if (i >= used_.size() || !used_[i][k])
          fn(items_[i], items_[i].kinds[k]);
  }
  const std::vector<Suppression> &all() const { return items_; }
  bool empty() const { return items_.empty(); }

private:
  std::vector<Suppression> items_;
  mutable std::vector<std::vector<bool>> used_; ///< per item, per kind
};

} // namespace passes
