// Source text registry: file names, contents and line tables.
#include "ir/source_manager.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace ir {

static bool isContinuationByte(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t byteOffsetOfColumn(llvm::StringRef line, uint32_t col) {
  size_t off = 0;
  for (uint32_t c = 1; c < col && off < line.size(); ++c) {
    ++off;
    while (off < line.size() && isContinuationByte(line[off]))
      ++off;
  }
  return off;
}

uint32_t columnOfByteOffset(llvm::StringRef line, size_t offset) {
  uint32_t col = 1;
  offset = std::min(offset, line.size());
  for (size_t i = 0; i < offset; ++i)
    if (!isContinuationByte(line[i]))
      ++col;
  return col;
}

FileId SourceManager::addFile(std::string name, std::string text) {
  auto f = std::make_unique<File>();
  f->name = std::move(name);
  f->text = std::move(text);
  const std::string &t = f->text;
  std::vector<uint32_t> &starts = f->lineStarts;
  starts.reserve(t.size() / 32 + 2);
  starts.push_back(0);
  const char *b = t.data(), *e = b + t.size();
  if (!std::memchr(b, '\r', t.size())) {
    // The common case, no CR at all: a line starts after every LF.
    for (const char *p = b; (p = static_cast<const char *>(std::memchr(p, '\n', e - p)));)
      starts.push_back(static_cast<uint32_t>(++p - b));
  } else {
    // LF, CRLF and a lone CR each end a line.
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '\n')
        starts.push_back(static_cast<uint32_t>(i + 1));
      else if (t[i] == '\r' && (i + 1 >= t.size() || t[i + 1] != '\n'))
        starts.push_back(static_cast<uint32_t>(i + 1));
    }
  }
  files_.push_back(std::move(f));
  return static_cast<FileId>(files_.size());
}

const SourceManager::File &SourceManager::file(FileId id) const {
  assert(id >= 1 && id <= files_.size() && "unknown file id");
  return *files_[id - 1];
}

uint32_t SourceManager::lineCount(FileId id) const {
  return static_cast<uint32_t>(file(id).lineStarts.size());
}

llvm::StringRef SourceManager::lineText(FileId id, uint32_t line) const {
  const File &f = file(id);
  if (line == 0 || line > f.lineStarts.size())
    return {};
  size_t begin = f.lineStarts[line - 1];
  size_t end = line < f.lineStarts.size() ? f.lineStarts[line] : f.text.size();
  llvm::StringRef s(f.text.data() + begin, end - begin);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s = s.drop_back();
  return s;
}

size_t SourceManager::offsetOf(FileId id, SourcePos pos) const {
  const File &f = file(id);
  if (pos.line == 0)
    return 0;
  if (pos.line > f.lineStarts.size())
    return f.text.size();
  return f.lineStarts[pos.line - 1] + byteOffsetOfColumn(lineText(id, pos.line), pos.col);
}

SourcePos SourceManager::posOf(FileId id, size_t offset) const {
  const File &f = file(id);
  offset = std::min(offset, f.text.size());
  auto it = std::upper_bound(f.lineStarts.begin(), f.lineStarts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - f.lineStarts.begin());
  size_t lineStart = f.lineStarts[line - 1];
  llvm::StringRef rest(f.text.data() + lineStart, f.text.size() - lineStart);
  return {line, columnOfByteOffset(rest, offset - lineStart)};
}

} // namespace ir
