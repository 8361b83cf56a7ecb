/// \file
/// An open editor document: its text, version, and the conversions between
/// LSP positions (0-based line, column in UTF-16 code units, as the protocol
/// requires) and ours (1-based line, column in code points) or byte offsets.
/// Supports full and incremental `didChange` edits; out-of-range positions
/// are clamped (to the line end, or the end of the text), never trusted.
#pragma once

#include "ir/source_location.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace backend {

struct LspPosition {
  uint32_t line = 0;      ///< 0-based
  uint32_t character = 0; ///< UTF-16 code units from the line start
};

class LspDocument {
public:
  LspDocument() = default;
  LspDocument(std::string uri, std::string text, int64_t version);

  const std::string &uri() const { return uri_; }
  const std::string &text() const { return text_; }
  int64_t version() const { return version_; }

  /// Replaces the whole text.
  void setText(std::string text, int64_t version);
  /// Replaces [start, end) with `text` (an incremental change).
  void applyEdit(LspPosition start, LspPosition end, llvm::StringRef text, int64_t version);

  size_t lineCount() const { return lineStarts_.size(); }
  /// Line `line` (0-based) without its line break.
  llvm::StringRef lineText(uint32_t line) const;

  /// Byte offset of an LSP position (clamped).
  size_t offsetOf(LspPosition p) const;
  /// LSP position of a byte offset (clamped).
  LspPosition positionOfOffset(size_t offset) const;
  /// LSP position of our (1-based line, code-point column) position.
  LspPosition toLsp(ir::SourcePos p) const;
  /// Our position of an LSP position.
  ir::SourcePos fromLsp(LspPosition p) const;

private:
  void reindex();
  std::string uri_;
  std::string text_;
  int64_t version_ = 0;
  std::vector<size_t> lineStarts_;
};

/// A `file://` URI's path (percent-decoded); other schemes give the URI as is.
std::string uriToPath(llvm::StringRef uri);
/// `file://` URI of an absolute path (percent-encoded).
std::string pathToUri(llvm::StringRef path);

} // namespace backend
