// libFuzzer target: the language server's message reader and dispatch, fed arbitrary bytes.
//
// The input is split at its first byte into read sizes, so framing across
// partial reads is exercised too. The server is initialized first (as an
// editor would), then every framed message or framing error is handled.
#include "backend/lsp_server.h"
#include "backend/lsp_transport.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static std::unique_ptr<passes::Linter> linter = [] {
    passes::LintOptions o;
    o.externalTools = false;
    o.jobs = 1;
    return std::move(*passes::Linter::create(o));
  }();
  backend::LspServer server(*linter, [](const nlohmann::json &m) {
    (void)m.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  });
  server.handleMessage(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{}})");
  if (size == 0)
    return 0;
  size_t chunk = 1 + data[0] % 64;
  backend::LspMessageReader reader;
  for (size_t off = 1; off < size && !server.exited(); off += chunk) {
    size_t n = std::min(chunk, size - off);
    reader.feed(llvm::StringRef(reinterpret_cast<const char *>(data + off), n));
    for (;;) {
      std::string body, error;
      auto st = reader.next(body, error);
      if (st == backend::LspMessageReader::Status::NeedMore)
        break;
      if (st == backend::LspMessageReader::Status::Error)
        server.handleFramingError(error);
      else
        server.handleMessage(body);
      if (server.exited())
        break;
    }
  }
  return 0;
}
