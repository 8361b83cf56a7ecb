/// \file
/// The ci-lint language server (`ci-lint --lsp`): JSON-RPC 2.0 over
/// stdio with Content-Length framing (lsp_transport.h).
///
/// | method | what it does |
/// |---|---|
/// | `initialize` | capabilities (incremental sync, hover, completion, definition, symbols); `initializationOptions` optional |
/// | `initialized`, `$/...` | ignored |
/// | `textDocument/didOpen`, `didSave` | lint with every rule (shellcheck/pyflakes included), publish diagnostics |
/// | `textDocument/didChange` | apply full or incremental edits, lint without external tools, publish |
/// | `textDocument/didClose` | forget the document, clear its diagnostics |
/// | `textDocument/hover`, `completion`, `definition`, `documentSymbol` | answered by the LanguageFeatures providers |
/// | `shutdown`, `exit` | stop; exit status 0 only after shutdown |
///
/// Positions on the wire are UTF-16 code units (LSP's default encoding);
/// ours are code points: LspDocument converts. Malformed input gets a
/// JSON-RPC error (-32700 parse error, -32600 invalid request, -32601 unknown
/// method, -32602 invalid params, -32002 not initialized) and the server
/// goes on; nothing the client sends can crash it.
#pragma once

#include "backend/lsp_document.h"
#include "backend/lsp_features.h"
#include "passes/lint_driver.h"

#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace backend {

class LspServer {
public:
  using Sender = std::function<void(const nlohmann::json &)>;

  LspServer(passes::Linter &linter, Sender send);

  /// Adds a provider asked before the existing ones (IR-based features go first).
  void addFeatures(std::unique_ptr<LanguageFeatures> f);

  /// Handles one message body.
  void handleMessage(llvm::StringRef body);
  /// Answers a framing problem the reader found (error reply with a null id).
  void handleFramingError(const std::string &error);

  bool exited() const { return exited_; }
  /// 0 after `shutdown` then `exit`, 1 for `exit` without `shutdown`.
  int exitCode() const { return shutdown_ ? 0 : 1; }
  /// Open documents (for tests).
  const std::map<std::string, LspDocument> &documents() const { return docs_; }

private:
  nlohmann::json dispatch(const std::string &method, const nlohmann::json &params, bool &handled);
  void lintAndPublish(const LspDocument &doc, bool external);
  nlohmann::json toLspRange(const LspDocument &doc, const ir::SourceRange &r) const;
  LspPosition positionParam(const nlohmann::json &params) const;
  const LspDocument &documentParam(const nlohmann::json &params) const;

  passes::Linter &linter_;
  Sender send_;
  std::vector<std::unique_ptr<LanguageFeatures>> features_;
  std::map<std::string, LspDocument> docs_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
};

/// Serves on file descriptor `inFd` (normally 0) and `out` until `exit` or
/// end of input. Returns the exit status (0 after a proper shutdown).
int runLanguageServer(int inFd, llvm::raw_ostream &out, passes::Linter &linter);

} // namespace backend
