// The language server in process: lifecycle, diagnostics, edits, features, malformed input.
#include "backend/lsp_server.h"
#include "backend/lsp_workflow_keys.h"

#include <gtest/gtest.h>

using namespace backend;
using nlohmann::json;

namespace {

const char *kUri = "file:///tmp/ci-lint-lsp-test/.github/workflows/ci.yml";

const char *kWorkflow = R"(on:
  schedule:
    - cron: '* * * * *'
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Compile
        run: make
  test:
    needs: [build]
    runs-on: ubuntu-latest
    steps:
      - id: t
        run: echo ${{ needs.build.result }}
)";

struct Harness {
  std::unique_ptr<passes::Linter> linter;
  std::vector<json> sent;
  std::unique_ptr<LspServer> server;
  int nextId = 1;

  Harness() {
    passes::LintOptions o;
    o.externalTools = false;
    linter = std::move(*passes::Linter::create(o));
    server = std::make_unique<LspServer>(*linter, [this](const json &m) { sent.push_back(m); });
  }
  json request(const std::string &method, json params) {
    int id = nextId++;
    sent.clear();
    server->handleMessage(
        json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump());
    for (const auto &m : sent)
      if (m.contains("id") && m["id"] == id)
        return m;
    return nullptr;
  }
  void notify(const std::string &method, json params) {
    sent.clear();
    server->handleMessage(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}}.dump());
  }
  json lastDiagnostics() const {
    for (auto it = sent.rbegin(); it != sent.rend(); ++it)
      if ((*it)["method"] == "textDocument/publishDiagnostics")
        return (*it)["params"];
    return nullptr;
  }
  void open(const std::string &text) {
    request("initialize", json::object());
    notify("initialized", json::object());
    notify("textDocument/didOpen",
           {{"textDocument", {{"uri", kUri}, {"languageId", "yaml"}, {"version", 1}, {"text", text}}}});
  }
  json at(const std::string &method, unsigned line, unsigned ch) {
    return request(method, {{"textDocument", {{"uri", kUri}}},
                            {"position", {{"line", line}, {"character", ch}}}});
  }
};

std::vector<std::string> labels(const json &completion) {
  std::vector<std::string> out;
  for (const auto &i : completion["result"]["items"])
    out.push_back(i["label"]);
  return out;
}

bool has(const std::vector<std::string> &v, const std::string &s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

// initialize works without params or initializationOptions and announces the features.
TEST(LspServer, InitializeWithoutOptions) {
  Harness h;
  json r = h.request("initialize", nullptr);
  ASSERT_TRUE(r.contains("result")) << r.dump();
  const json &caps = r["result"]["capabilities"];
  EXPECT_EQ(caps["textDocumentSync"]["change"], 2);
  EXPECT_TRUE(caps["hoverProvider"].get<bool>());
  EXPECT_TRUE(caps["definitionProvider"].get<bool>());
  EXPECT_TRUE(caps["documentSymbolProvider"].get<bool>());
  EXPECT_TRUE(caps.contains("completionProvider"));
}

// Requests before initialize are refused with ServerNotInitialized.
TEST(LspServer, RefusesRequestsBeforeInitialize) {
  Harness h;
  json r = h.request("textDocument/hover", json::object());
  EXPECT_EQ(r["error"]["code"], -32002);
}

// didOpen publishes diagnostics with ranges, severity, code and source.
TEST(LspServer, PublishesDiagnosticsOnOpen) {
  Harness h;
  h.open(kWorkflow);
  json d = h.lastDiagnostics();
  ASSERT_TRUE(d.is_object());
  EXPECT_EQ(d["uri"], kUri);
  ASSERT_EQ(d["diagnostics"].size(), 1u);
  const json &diag = d["diagnostics"][0];
  EXPECT_EQ(diag["code"], "events");
  EXPECT_EQ(diag["severity"], 1);
  EXPECT_EQ(diag["source"], "ci-lint");
  EXPECT_EQ(diag["range"]["start"]["line"], 2);
  EXPECT_EQ(diag["range"]["start"]["character"], 12);
  EXPECT_EQ(diag["range"]["end"]["character"], 23);
}

// Incremental edits are applied; fixing the cron clears the diagnostic.
TEST(LspServer, IncrementalChangeRelints) {
  Harness h;
  h.open(kWorkflow);
  json change = json::parse(R"({"textDocument": {"version": 2},
      "contentChanges": [{"range": {"start": {"line": 2, "character": 13},
                                    "end": {"line": 2, "character": 14}},
                          "text": "*/10"}]})");
  change["textDocument"]["uri"] = kUri;
  h.notify("textDocument/didChange", change);
  json d = h.lastDiagnostics();
  EXPECT_EQ(d["version"], 2);
  EXPECT_EQ(d["diagnostics"].size(), 0u) << d.dump();
  EXPECT_NE(h.server->documents().at(kUri).text().find("'*/10 * * * *'"), std::string::npos);
  // A full-text change brings a problem back.
  json full = json::parse(R"({"textDocument": {"version": 3},
      "contentChanges": [{"text": "on: push\nenv: {'A B': 1}\n"}]})");
  full["textDocument"]["uri"] = kUri;
  h.notify("textDocument/didChange", full);
  bool envVar = false;
  json published = h.lastDiagnostics();
  for (const auto &d : published["diagnostics"])
    envVar |= d["code"] == "env-var";
  EXPECT_TRUE(envVar) << published.dump();
  h.notify("textDocument/didClose", {{"textDocument", {{"uri", kUri}}}});
  EXPECT_EQ(h.lastDiagnostics()["diagnostics"].size(), 0u);
  EXPECT_TRUE(h.server->documents().empty());
}

// Document symbols list jobs with their steps.
TEST(LspServer, DocumentSymbolsListJobsAndSteps) {
  Harness h;
  h.open(kWorkflow);
  json r = h.request("textDocument/documentSymbol", {{"textDocument", {{"uri", kUri}}}});
  ASSERT_EQ(r["result"].size(), 2u) << r.dump();
  EXPECT_EQ(r["result"][0]["name"], "build");
  EXPECT_EQ(r["result"][0]["children"][0]["name"], "Compile");
  EXPECT_EQ(r["result"][1]["name"], "test");
  EXPECT_EQ(r["result"][1]["children"][0]["name"], "t");
  EXPECT_EQ(r["result"][1]["selectionRange"]["start"]["line"], 9);
}

// Go to definition from a needs: entry and from needs.X in an expression.
TEST(LspServer, DefinitionFromNeeds) {
  Harness h;
  h.open(kWorkflow);
  json r = h.at("textDocument/definition", 10, 13); // needs: [build]
  ASSERT_TRUE(r["result"].is_object()) << r.dump();
  EXPECT_EQ(r["result"]["uri"], kUri);
  EXPECT_EQ(r["result"]["range"]["start"]["line"], 4);
  EXPECT_EQ(r["result"]["range"]["start"]["character"], 2);
  r = h.at("textDocument/definition", 14, 30); // ${{ needs.build.result }}
  EXPECT_EQ(r["result"]["range"]["start"]["line"], 4);
  r = h.at("textDocument/definition", 0, 0);
  EXPECT_TRUE(r["result"].is_null());
}

// Hover tells which job a needs entry points to, and what a key means.
TEST(LspServer, HoverOnNeedsAndKeys) {
  Harness h;
  h.open(kWorkflow);
  json r = h.at("textDocument/hover", 10, 13);
  std::string md = r["result"]["contents"]["value"];
  EXPECT_NE(md.find("job `build`"), std::string::npos) << md;
  EXPECT_NE(md.find("runs-on: `ubuntu-latest`"), std::string::npos) << md;
  r = h.at("textDocument/hover", 5, 6); // runs-on key
  EXPECT_NE(r["result"]["contents"]["value"].get<std::string>().find("**runs-on**"),
            std::string::npos);
}

// Completion offers the keys allowed at the cursor, job ids and contexts.
TEST(LspServer, CompletionOffersKeysJobsAndContexts) {
  Harness h;
  h.open(std::string(kWorkflow) + "  deploy:\n    \n    needs: \n    steps:\n      - \n"
                                  "        run: echo ${{ needs. }} ${{ \n");
  auto jobKeys = labels(h.at("textDocument/completion", 16, 4));
  EXPECT_TRUE(has(jobKeys, "runs-on"));
  EXPECT_TRUE(has(jobKeys, "needs"));
  EXPECT_FALSE(has(jobKeys, "uses:"));
  auto needs = labels(h.at("textDocument/completion", 17, 11));
  EXPECT_EQ(needs, (std::vector<std::string>{"build", "test"}));
  auto stepKeys = labels(h.at("textDocument/completion", 19, 8));
  EXPECT_TRUE(has(stepKeys, "uses"));
  EXPECT_TRUE(has(stepKeys, "working-directory"));
  EXPECT_FALSE(has(stepKeys, "runs-on"));
  auto jobsRef = labels(h.at("textDocument/completion", 20, 28));
  EXPECT_EQ(jobsRef, (std::vector<std::string>{"build", "test"}));
  auto contexts = labels(h.at("textDocument/completion", 20, 36));
  EXPECT_TRUE(has(contexts, "github"));
  EXPECT_TRUE(has(contexts, "hashFiles"));
  auto top = labels(h.at("textDocument/completion", 0, 0));
  EXPECT_TRUE(has(top, "jobs"));
  EXPECT_TRUE(has(top, "permissions"));
}

// The key path at a position comes from indentation, even in broken YAML.
TEST(LspServer, KeyPathFromIndentation) {
  LspDocument d("file:///x.yml",
                "on:\n  push:\n    \njobs:\n  a:\n    steps:\n      - run: |\n          x\n        \n",
                1);
  EXPECT_EQ(keyPathAt(d, {3, 5}), (std::vector<std::string>{"on", "push"}));
  EXPECT_EQ(keyPathAt(d, {9, 9}), (std::vector<std::string>{"jobs", "a", "steps", "-"}));
  EXPECT_EQ(keyPathAt(d, {4, 1}), (std::vector<std::string>{}));
  EXPECT_EQ(keysAt({"on", "push"}, false).size(), 6u); // no "types" for push
  EXPECT_EQ(keysAt({"on", "pull_request"}, false).size(), 5u);
}

// Malformed messages get JSON-RPC errors and the server keeps going.
TEST(LspServer, MalformedMessagesGetErrors) {
  Harness h;
  h.request("initialize", json::object());
  auto send = [&](const std::string &raw) {
    h.sent.clear();
    h.server->handleMessage(raw);
    return h.sent.empty() ? json(nullptr) : h.sent.back();
  };
  EXPECT_EQ(send("{not json")["error"]["code"], -32700);
  EXPECT_EQ(send("[1,2]")["error"]["code"], -32600);
  EXPECT_EQ(send(R"({"jsonrpc":"2.0","id":{},"method":"x"})")["error"]["code"], -32600);
  EXPECT_EQ(send(R"({"jsonrpc":"2.0","id":1})")["error"]["code"], -32600);
  EXPECT_EQ(send(R"({"jsonrpc":"2.0","id":1,"method":"nope"})")["error"]["code"], -32601);
  EXPECT_EQ(send(R"({"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}})")["error"]["code"],
            -32602);
  EXPECT_EQ(send(R"({"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///none"},"position":{"line":0,"character":0}}})")["error"]["code"],
            -32602);
  EXPECT_EQ(send(R"({"jsonrpc":"2.0","id":2,"method":"textDocument/didOpen","params":{"textDocument":{"uri":5}}})")["error"]["code"],
            -32602);
  EXPECT_TRUE(send(R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}})").is_null());
  h.server->handleFramingError("bad header");
  EXPECT_EQ(h.sent.back()["error"]["code"], -32700);
  EXPECT_TRUE(h.request("shutdown", nullptr)["result"].is_null());
  EXPECT_EQ(send(R"({"jsonrpc":"2.0","id":9,"method":"textDocument/hover"})")["error"]["code"], -32600);
  send(R"({"jsonrpc":"2.0","method":"exit"})");
  EXPECT_TRUE(h.server->exited());
  EXPECT_EQ(h.server->exitCode(), 0);
}
