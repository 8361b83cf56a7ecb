/// \file
/// Source positions and ranges. Every node of the IR keeps the range of the
/// user's text it came from (architecture decision 1), so any layer can point
/// at it in a diagnostic.
///
/// Lines and columns are 1-based; columns count Unicode code points (not
/// bytes), as libyaml and GitHub's parser do. A range's end is exclusive: the
/// column just past the last character. Line 0 means "no position".
#pragma once

#include <cstdint>
#include <tuple>

namespace ir {

/// Index into a SourceManager; 0 means "no file".
using FileId = uint32_t;

struct SourcePos {
  uint32_t line = 0;
  uint32_t col = 0;

  bool valid() const { return line != 0; }
  friend auto operator<=>(const SourcePos &, const SourcePos &) = default;
};

struct SourceRange {
  FileId file = 0;
  uint32_t line = 0;
  uint32_t col = 0;
  uint32_t endLine = 0;
  uint32_t endCol = 0;

  bool valid() const { return line != 0; }
  SourcePos start() const { return {line, col}; }
  SourcePos end() const { return {endLine, endCol}; }

  static SourceRange point(FileId file, uint32_t line, uint32_t col) {
    return {file, line, col, line, col + 1};
  }
  /// The range from the start of `a` to the end of `b`.
  static SourceRange span(const SourceRange &a, const SourceRange &b) {
    return {a.file, a.line, a.col, b.endLine, b.endCol};
  }

  friend auto operator<=>(const SourceRange &, const SourceRange &) = default;
};

} // namespace ir
