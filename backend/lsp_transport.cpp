// Content-Length framing of JSON-RPC messages for the language server.
#include "backend/lsp_transport.h"

#include "llvm/ADT/StringExtras.h"

namespace backend {

void LspMessageReader::compact() {
  if (pos_ > 0 && pos_ * 2 >= buf_.size()) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
}

LspMessageReader::Status LspMessageReader::next(std::string &body, std::string &error) {
  llvm::StringRef rest = llvm::StringRef(buf_).substr(pos_);
  // Skip stray line breaks between messages.
  size_t skipped = 0;
  while (skipped < rest.size() && (rest[skipped] == '\r' || rest[skipped] == '\n'))
    ++skipped;
  pos_ += skipped;
  rest = rest.substr(skipped);
  if (rest.empty()) {
    compact();
    return Status::NeedMore;
  }
  // The header block ends at the first empty line (CRLF CRLF, or LF LF).
  size_t end = rest.find("\r\n\r\n");
  size_t sepLen = 4;
  size_t lf = rest.find("\n\n");
  if (lf != llvm::StringRef::npos && (end == llvm::StringRef::npos || lf < end)) {
    end = lf;
    sepLen = 2;
  }
  if (end == llvm::StringRef::npos) {
    if (rest.size() > kMaxHeaderBytes) {
      error = "header block longer than " + std::to_string(kMaxHeaderBytes) +
              " bytes without an empty line; discarded";
      pos_ = buf_.size();
      compact();
      return Status::Error;
    }
    return Status::NeedMore;
  }
  llvm::StringRef headers = rest.substr(0, end);
  size_t headerEnd = pos_ + end + sepLen;
  if (headers.size() > kMaxHeaderBytes) {
    error = "header block longer than " + std::to_string(kMaxHeaderBytes) + " bytes";
    pos_ = headerEnd;
    compact();
    return Status::Error;
  }
  long long length = -1;
  llvm::SmallVector<llvm::StringRef, 4> lines;
  headers.split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    line = line.rtrim('\r');
    auto [name, value] = line.split(':');
    if (name.trim().equals_insensitive("content-length")) {
      unsigned long long n;
      value = value.trim();
      if (value.empty() || !llvm::all_of(value, llvm::isDigit) || value.getAsInteger(10, n) ||
          n > kMaxContentLength) {
        error = "invalid Content-Length '" + value.str() + "' (at most " +
                std::to_string(kMaxContentLength) + " bytes)";
        pos_ = headerEnd;
        compact();
        return Status::Error;
      }
      length = static_cast<long long>(n);
    }
  }
  if (length < 0) {
    error = "message header without Content-Length";
    pos_ = headerEnd;
    compact();
    return Status::Error;
  }
  if (buf_.size() - headerEnd < static_cast<size_t>(length))
    return Status::NeedMore;
  body = buf_.substr(headerEnd, static_cast<size_t>(length));
  pos_ = headerEnd + static_cast<size_t>(length);
  compact();
  return Status::Message;
}

void writeLspMessage(llvm::raw_ostream &os, llvm::StringRef body) {
  os << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  os.flush();
}

} // namespace backend
