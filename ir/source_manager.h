/// \file
/// Owns the text of every file read in one invocation and maps positions
/// (line, code-point column) to text, for diagnostics and editors.
#pragma once

#include "ir/source_location.h"

#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>
#include <vector>

namespace ir {

class SourceManager {
public:
  /// Registers a file and returns its id (ids start at 1).
  FileId addFile(std::string name, std::string text);

  size_t fileCount() const { return files_.size(); }
  llvm::StringRef name(FileId id) const { return file(id).name; }
  llvm::StringRef text(FileId id) const { return file(id).text; }

  /// The text of a 1-based line without its line break ("" when out of range).
  llvm::StringRef lineText(FileId id, uint32_t line) const;
  /// Number of lines in the file.
  uint32_t lineCount(FileId id) const;
  /// Byte offset of a position; columns count code points. Clamped to the text.
  size_t offsetOf(FileId id, SourcePos pos) const;
  /// The position of a byte offset (inverse of offsetOf).
  SourcePos posOf(FileId id, size_t offset) const;

private:
  struct File {
    std::string name;
    std::string text;
    std::vector<uint32_t> lineStarts; // byte offset of each line's first char
  };
  const File &file(FileId id) const;
  std::vector<std::unique_ptr<File>> files_;
};

/// Byte offset within `line` of the 1-based code-point column `col`.
size_t byteOffsetOfColumn(llvm::StringRef line, uint32_t col);
/// Code-point column (1-based) of the byte offset `offset` within `line`.
uint32_t columnOfByteOffset(llvm::StringRef line, size_t offset);

} // namespace ir
