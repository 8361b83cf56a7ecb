// Open documents of the language server and UTF-16 position conversion.
#include "backend/lsp_document.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

namespace backend {

LspDocument::LspDocument(std::string uri, std::string text, int64_t version)
    : uri_(std::move(uri)), text_(std::move(text)), version_(version) {
  reindex();
}

void LspDocument::reindex() {
  lineStarts_.assign(1, 0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n')
      lineStarts_.push_back(i + 1);
    else if (text_[i] == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n'))
      lineStarts_.push_back(i + 1);
  }
}

void LspDocument::setText(std::string text, int64_t version) {
  text_ = std::move(text);
  version_ = version;
  reindex();
}

void LspDocument::applyEdit(LspPosition start, LspPosition end, llvm::StringRef text,
                            int64_t version) {
  size_t b = offsetOf(start), e = offsetOf(end);
  if (e < b)
    std::swap(b, e);
  text_.replace(b, e - b, text.data(), text.size());
  version_ = version;
  reindex();
}

llvm::StringRef LspDocument::lineText(uint32_t line) const {
  if (line >= lineStarts_.size())
    return {};
  size_t b = lineStarts_[line];
  size_t e = line + 1 < lineStarts_.size() ? lineStarts_[line + 1] : text_.size();
  llvm::StringRef s(text_.data() + b, e - b);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s = s.drop_back();
  return s;
}

// Length in bytes of the UTF-8 sequence starting with `c` (1 for invalid bytes).
static size_t seqLen(unsigned char c) {
  return c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
}

size_t LspDocument::offsetOf(LspPosition p) const {
  if (p.line >= lineStarts_.size())
    return text_.size();
  llvm::StringRef line = lineText(p.line);
  size_t i = 0;
  uint32_t units = 0;
  while (i < line.size() && units < p.character) {
    size_t n = std::min(seqLen(static_cast<unsigned char>(line[i])), line.size() - i);
    units += n == 4 ? 2 : 1;
    i += n;
  }
  return lineStarts_[p.line] + i;
}

LspPosition LspDocument::positionOfOffset(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - lineStarts_.begin()) - 1;
  llvm::StringRef l = lineText(line);
  size_t upto = std::min(offset - lineStarts_[line], l.size());
  uint32_t units = 0;
  for (size_t i = 0; i < upto;) {
    size_t n = std::min(seqLen(static_cast<unsigned char>(l[i])), l.size() - i);
    units += n == 4 ? 2 : 1;
    i += n;
  }
  return {line, units};
}

LspPosition LspDocument::toLsp(ir::SourcePos p) const {
  if (p.line == 0)
    return {0, 0};
  uint32_t line = p.line - 1;
  if (line >= lineStarts_.size())
    return positionOfOffset(text_.size());
  llvm::StringRef l = lineText(line);
  uint32_t units = 0, col = 1;
  for (size_t i = 0; i < l.size() && col < p.col; ++col) {
    size_t n = std::min(seqLen(static_cast<unsigned char>(l[i])), l.size() - i);
    units += n == 4 ? 2 : 1;
    i += n;
  }
  // Columns past the end of the line (an end-exclusive range) keep counting.
  if (col < p.col)
    units += p.col - col;
  return {line, units};
}

ir::SourcePos LspDocument::fromLsp(LspPosition p) const {
  if (p.line >= lineStarts_.size())
    p.line = lineStarts_.empty() ? 0 : static_cast<uint32_t>(lineStarts_.size() - 1);
  llvm::StringRef l = lineText(p.line);
  size_t i = 0;
  uint32_t units = 0, col = 1;
  while (i < l.size() && units < p.character) {
    size_t n = std::min(seqLen(static_cast<unsigned char>(l[i])), l.size() - i);
    units += n == 4 ? 2 : 1;
    i += n;
    ++col;
  }
  return {p.line + 1, col};
}

std::string uriToPath(llvm::StringRef uri) {
  llvm::StringRef rest = uri;
  if (!rest.consume_front("file://"))
    return uri.str();
  // file://host/path: drop an authority ("localhost" or empty).
  if (!rest.startswith("/")) {
    size_t slash = rest.find('/');
    rest = slash == llvm::StringRef::npos ? llvm::StringRef() : rest.substr(slash);
  }
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() + 0 && llvm::isHexDigit(rest[i + 1]) &&
        i + 2 < rest.size() && llvm::isHexDigit(rest[i + 2])) {
      out += static_cast<char>(llvm::hexFromNibbles(rest[i + 1], rest[i + 2]));
      i += 2;
    } else {
      out += rest[i];
    }
  }
  return out;
}

std::string pathToUri(llvm::StringRef path) {
  std::string out = "file://";
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
      out += static_cast<char>(c);
    else {
      out += '%';
      out += llvm::hexdigit(c >> 4, false);
      out += llvm::hexdigit(c & 15, false);
    }
  }
  return out;
}

} // namespace backend
