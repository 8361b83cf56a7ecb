// The language server: JSON-RPC dispatch, document sync, diagnostics and feature requests.
#include "backend/lsp_server.h"

#include "backend/lsp_ir_features.h"

#include "backend/lint_format_output.h"
#include "backend/lsp_transport.h"
#include "frontend/yaml_reader.h"
#include "passes/lint_discovery.h"

#include <unistd.h>

namespace backend {

namespace {

enum ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
};

// A request that cannot be answered; becomes a JSON-RPC error reply.
struct RpcError {
  int code;
  std::string message;
};

nlohmann::json errorReply(const nlohmann::json &id, int code, const std::string &message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

const nlohmann::json &member(const nlohmann::json &obj, const char *key, const char *what) {
  if (!obj.is_object() || !obj.contains(key))
    throw RpcError{InvalidParams, std::string("missing \"") + key + "\" in " + what};
  return obj.at(key);
}

std::string stringMember(const nlohmann::json &obj, const char *key, const char *what) {
  const nlohmann::json &v = member(obj, key, what);
  if (!v.is_string())
    throw RpcError{InvalidParams, std::string("\"") + key + "\" in " + what + " must be a string"};
  return v.get<std::string>();
}

uint32_t uintMember(const nlohmann::json &obj, const char *key, const char *what) {
  const nlohmann::json &v = member(obj, key, what);
  if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > UINT32_MAX)
    throw RpcError{InvalidParams,
                   std::string("\"") + key + "\" in " + what + " must be a non-negative integer"};
  return static_cast<uint32_t>(v.get<int64_t>());
}

int64_t versionOf(const nlohmann::json &td) {
  if (td.is_object() && td.contains("version") && td["version"].is_number_integer())
    return td["version"].get<int64_t>();
  return 0;
}

LspPosition parsePosition(const nlohmann::json &p) {
  return {uintMember(p, "line", "position"), uintMember(p, "character", "position")};
}

int lspSeverity(ir::Severity s) {
  switch (s) {
  case ir::Severity::Error:
    return 1;
  case ir::Severity::Warning:
    return 2;
  case ir::Severity::Note:
    return 3;
  }
  return 1;
}

int completionKind(CompletionKind k) {
  switch (k) {
  case CompletionKind::Property:
    return 10;
  case CompletionKind::Event:
    return 23;
  case CompletionKind::Value:
    return 12;
  case CompletionKind::Variable:
    return 6;
  case CompletionKind::Function:
    return 3;
  case CompletionKind::Reference:
    return 18;
  }
  return 1;
}

int symbolKind(SymbolKind k) {
  switch (k) {
  case SymbolKind::Trigger:
    return 24; // Event
  case SymbolKind::Job:
    return 2; // Module
  case SymbolKind::Step:
    return 12; // Function
  }
  return 2;
}

// A document parsed for a feature request.
struct Parsed {
  ir::SourceManager sm;
  ir::FileId file = 0;
  std::unique_ptr<frontend::YamlDocument> yaml;
};

std::unique_ptr<Parsed> parse(const LspDocument &doc) {
  auto p = std::make_unique<Parsed>();
  p->file = p->sm.addFile(uriToPath(doc.uri()), doc.text());
  ir::DiagnosticEngine ignored;
  p->yaml = frontend::readYaml(p->sm, p->file, ignored);
  return p;
}

} // namespace

LspServer::LspServer(passes::Linter &linter, Sender send)
    : linter_(linter), send_(std::move(send)) {
  features_.push_back(createIrLanguageFeatures());
  features_.push_back(createYamlLanguageFeatures());
}

void LspServer::addFeatures(std::unique_ptr<LanguageFeatures> f) {
  features_.insert(features_.begin(), std::move(f));
}

void LspServer::handleFramingError(const std::string &error) {
  send_(errorReply(nullptr, ParseError, "malformed message: " + error));
}

nlohmann::json LspServer::toLspRange(const LspDocument &doc, const ir::SourceRange &r) const {
  LspPosition s = doc.toLsp(r.start());
  ir::SourcePos endPos = r.end();
  if (!endPos.valid() || endPos < r.start())
    endPos = {r.line, r.col + 1};
  LspPosition e = doc.toLsp(endPos);
  return {{"start", {{"line", s.line}, {"character", s.character}}},
          {"end", {{"line", e.line}, {"character", e.character}}}};
}

void LspServer::lintAndPublish(const LspDocument &doc, bool external) {
  std::string path = uriToPath(doc.uri());
  const passes::LintProject &project = linter_.projectFor(path);
  ir::SourceManager sm;
  ir::FileId id = sm.addFile(path, doc.text());
  std::string rel = project.root.empty() ? path : passes::relativeToRoot(path, project.root);
  std::vector<ir::Diagnostic> diags =
      linter_.lintSource(sm, id, project, rel, passes::classifyLintFile(path), external);
  nlohmann::json items = nlohmann::json::array();
  for (const ir::Diagnostic &d : diags) {
    std::string kind = d.kindName().str();
    nlohmann::json item = {
        {"range", toLspRange(doc, d.range.valid() ? d.range : ir::SourceRange::point(id, 1, 1))},
        {"severity", lspSeverity(d.severity)},
        {"code", kind},
        {"source", "ci-lint"},
        {"message", d.message},
    };
    if (!d.notes.empty()) {
      nlohmann::json rel = nlohmann::json::array();
      for (const auto &n : d.notes)
        if (n.range.valid() && n.range.file == id)
          rel.push_back({{"location", {{"uri", doc.uri()}, {"range", toLspRange(doc, n.range)}}},
                         {"message", n.message}});
      if (!rel.empty())
        item["relatedInformation"] = std::move(rel);
    }
    items.push_back(std::move(item));
  }
  send_({{"jsonrpc", "2.0"},
         {"method", "textDocument/publishDiagnostics"},
         {"params", {{"uri", doc.uri()}, {"version", doc.version()}, {"diagnostics", items}}}});
}

const LspDocument &LspServer::documentParam(const nlohmann::json &params) const {
  const nlohmann::json &td = member(params, "textDocument", "params");
  std::string uri = stringMember(td, "uri", "textDocument");
  auto it = docs_.find(uri);
  if (it == docs_.end())
    throw RpcError{InvalidParams, "document " + uri + " is not open"};
  return it->second;
}

LspPosition LspServer::positionParam(const nlohmann::json &params) const {
  return parsePosition(member(params, "position", "params"));
}

nlohmann::json LspServer::dispatch(const std::string &method, const nlohmann::json &params,
                                   bool &handled) {
  handled = true;
  if (method == "initialize") {
    initialized_ = true;
    return {{"capabilities",
             {{"positionEncoding", "utf-16"},
              {"textDocumentSync",
               {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
              {"hoverProvider", true},
              {"completionProvider", {{"triggerCharacters", {".", " ", ":", "-"}}}},
              {"definitionProvider", true},
              {"documentSymbolProvider", true}}},
            {"serverInfo", {{"name", "ci-lint"}, {"version", "0.1.0"}}}};
  }
  if (method == "shutdown") {
    shutdown_ = true;
    return nullptr;
  }
  if (!initialized_)
    throw RpcError{ServerNotInitialized, "the server has not been initialized"};
  if (method == "textDocument/didOpen") {
    const nlohmann::json &td = member(params, "textDocument", "params");
    std::string uri = stringMember(td, "uri", "textDocument");
    std::string text = stringMember(td, "text", "textDocument");
    LspDocument &doc = docs_[uri] = LspDocument(uri, std::move(text), versionOf(td));
    lintAndPublish(doc, /*external=*/true);
    return nullptr;
  }
  if (method == "textDocument/didChange") {
    const nlohmann::json &td = member(params, "textDocument", "params");
    std::string uri = stringMember(td, "uri", "textDocument");
    auto it = docs_.find(uri);
    if (it == docs_.end())
      throw RpcError{InvalidParams, "document " + uri + " is not open"};
    const nlohmann::json &changes = member(params, "contentChanges", "params");
    if (!changes.is_array())
      throw RpcError{InvalidParams, "\"contentChanges\" must be an array"};
    LspDocument &doc = it->second;
    int64_t version = versionOf(td);
    for (const auto &c : changes) {
      std::string text = stringMember(c, "text", "content change");
      if (c.contains("range") && !c["range"].is_null()) {
        const nlohmann::json &r = c["range"];
        doc.applyEdit(parsePosition(member(r, "start", "range")),
                      parsePosition(member(r, "end", "range")), text, version);
      } else {
        doc.setText(std::move(text), version);
      }
    }
    lintAndPublish(doc, /*external=*/false);
    return nullptr;
  }
  if (method == "textDocument/didSave") {
    lintAndPublish(documentParam(params), /*external=*/true);
    return nullptr;
  }
  if (method == "textDocument/didClose") {
    const nlohmann::json &td = member(params, "textDocument", "params");
    std::string uri = stringMember(td, "uri", "textDocument");
    docs_.erase(uri);
    send_({{"jsonrpc", "2.0"},
           {"method", "textDocument/publishDiagnostics"},
           {"params", {{"uri", uri}, {"diagnostics", nlohmann::json::array()}}}});
    return nullptr;
  }
  if (method == "textDocument/hover" || method == "textDocument/completion" ||
      method == "textDocument/definition" || method == "textDocument/documentSymbol") {
    const LspDocument &doc = documentParam(params);
    auto parsed = parse(doc);
    FeatureContext fc{doc, parsed->sm, parsed->file, *parsed->yaml,
                      passes::classifyLintFile(uriToPath(doc.uri()))};
    if (method == "textDocument/documentSymbol") {
      std::function<nlohmann::json(const SymbolEntry &)> conv = [&](const SymbolEntry &s) {
        nlohmann::json j = {{"name", s.name.empty() ? "?" : s.name},
                            {"kind", symbolKind(s.kind)},
                            {"range", toLspRange(doc, s.range)},
                            {"selectionRange", toLspRange(doc, s.selection)}};
        if (!s.detail.empty())
          j["detail"] = s.detail;
        nlohmann::json kids = nlohmann::json::array();
        for (const auto &c : s.children)
          kids.push_back(conv(c));
        j["children"] = std::move(kids);
        return j;
      };
      for (auto &f : features_) {
        std::vector<SymbolEntry> syms = f->documentSymbols(fc);
        if (syms.empty())
          continue;
        nlohmann::json out = nlohmann::json::array();
        for (const auto &s : syms)
          out.push_back(conv(s));
        return out;
      }
      return nlohmann::json::array();
    }
    ir::SourcePos pos = doc.fromLsp(positionParam(params));
    if (method == "textDocument/hover") {
      for (auto &f : features_)
        if (auto h = f->hover(fc, pos)) {
          nlohmann::json j = {{"contents", {{"kind", "markdown"}, {"value", h->markdown}}}};
          if (h->range.valid())
            j["range"] = toLspRange(doc, h->range);
          return j;
        }
      return nullptr;
    }
    if (method == "textDocument/definition") {
      for (auto &f : features_)
        if (auto r = f->definition(fc, pos))
          return {{"uri", doc.uri()}, {"range", toLspRange(doc, *r)}};
      return nullptr;
    }
    nlohmann::json items = nlohmann::json::array();
    for (auto &f : features_) {
      std::vector<CompletionEntry> entries = f->complete(fc, pos);
      if (entries.empty())
        continue;
      for (const auto &e : entries) {
        nlohmann::json item = {{"label", e.label}, {"kind", completionKind(e.kind)}};
        if (!e.detail.empty())
          item["detail"] = e.detail;
        if (!e.insertText.empty())
          item["insertText"] = e.insertText;
        items.push_back(std::move(item));
      }
      break;
    }
    return {{"isIncomplete", false}, {"items", std::move(items)}};
  }
  handled = false;
  return nullptr;
}

void LspServer::handleMessage(llvm::StringRef body) {
  nlohmann::json msg = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (msg.is_discarded()) {
    send_(errorReply(nullptr, ParseError, "the message is not valid JSON"));
    return;
  }
  if (!msg.is_object()) {
    send_(errorReply(nullptr, InvalidRequest, "a message must be a JSON object"));
    return;
  }
  nlohmann::json id = nullptr;
  bool isRequest = msg.contains("id");
  if (isRequest) {
    id = msg["id"];
    if (!id.is_string() && !id.is_number_integer() && !id.is_null()) {
      send_(errorReply(nullptr, InvalidRequest, "\"id\" must be a string or an integer"));
      return;
    }
  }
  if (!msg.contains("method")) {
    if (isRequest && (msg.contains("result") || msg.contains("error")))
      return; // a response to a request we never send: ignore
    if (isRequest)
      send_(errorReply(id, InvalidRequest, "a request needs a \"method\""));
    return;
  }
  if (!msg["method"].is_string()) {
    if (isRequest)
      send_(errorReply(id, InvalidRequest, "\"method\" must be a string"));
    return;
  }
  std::string method = msg["method"].get<std::string>();
  nlohmann::json params = msg.contains("params") ? msg["params"] : nlohmann::json(nullptr);
  if (!params.is_null() && !params.is_object() && !params.is_array()) {
    if (isRequest)
      send_(errorReply(id, InvalidParams, "\"params\" must be an object or an array"));
    return;
  }

  if (method == "exit") {
    exited_ = true;
    return;
  }
  if (shutdown_ && method != "shutdown") {
    if (isRequest)
      send_(errorReply(id, InvalidRequest, "the server is shutting down"));
    return;
  }
  try {
    bool handled = false;
    nlohmann::json result = dispatch(method, params, handled);
    if (!handled) {
      if (isRequest)
        send_(errorReply(id, MethodNotFound, "unknown method \"" + method + "\""));
      return; // unknown notifications ($/cancelRequest, ...) are ignored
    }
    if (isRequest)
      send_({{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
  } catch (const RpcError &e) {
    if (isRequest)
      send_(errorReply(id, e.code, e.message));
  } catch (const nlohmann::json::exception &e) {
    if (isRequest)
      send_(errorReply(id, InvalidParams, std::string("invalid params: ") + e.what()));
  } catch (const std::exception &e) {
    if (isRequest)
      send_(errorReply(id, InternalError, std::string("internal error: ") + e.what()));
  }
}

int runLanguageServer(int inFd, llvm::raw_ostream &out, passes::Linter &linter) {
  LspServer server(linter, [&](const nlohmann::json &msg) {
    writeLspMessage(out, msg.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  });
  LspMessageReader reader;
  char buf[65536];
  while (!server.exited()) {
    ssize_t n = ::read(inFd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break; // end of input: the client went away
    reader.feed(llvm::StringRef(buf, static_cast<size_t>(n)));
    for (;;) {
      std::string body, error;
      auto st = reader.next(body, error);
      if (st == LspMessageReader::Status::NeedMore)
        break;
      if (st == LspMessageReader::Status::Error)
        server.handleFramingError(error);
      else
        server.handleMessage(body);
      if (server.exited())
        break;
    }
  }
  return server.exited() ? server.exitCode() : 1;
}

} // namespace backend
