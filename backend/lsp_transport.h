/// \file
/// The language server's wire format: JSON-RPC 2.0 messages framed by
/// `Content-Length: N\r\n\r\n` headers (LSP "base protocol"). The reader is
/// incremental (feed bytes, take messages) and never trusts its input: an
/// unknown or broken header block is skipped with an error the server turns
/// into a JSON-RPC error reply; lengths and header sizes are bounded so a
/// hostile client cannot make it allocate without limit.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace backend {

class LspMessageReader {
public:
  static constexpr size_t kMaxHeaderBytes = 8 * 1024;
  static constexpr size_t kMaxContentLength = 64u << 20;

  enum class Status {
    Message,  ///< `body` holds one message's content
    NeedMore, ///< feed more bytes
    Error,    ///< `error` says what was wrong; the offending bytes were skipped
  };

  /// Appends bytes read from the client.
  void feed(llvm::StringRef bytes) { buf_.append(bytes.data(), bytes.size()); }
  /// Takes the next complete message, if any.
  Status next(std::string &body, std::string &error);
  /// Bytes held that are not yet a complete message.
  size_t pending() const { return buf_.size() - pos_; }

private:
  void compact();
  std::string buf_;
  size_t pos_ = 0;
};

/// Writes `body` with its Content-Length header and flushes.
void writeLspMessage(llvm::raw_ostream &os, llvm::StringRef body);

} // namespace backend
