// A scripted LSP client: starts `ci-lint --lsp`, opens a workflow, edits it and
// checks the published diagnostics and the hover, completion, definition and
// symbol replies, then shuts the server down.
#include "test_util.h"

#include "backend/lsp_transport.h"

#include <gtest/gtest.h>

#include <set>
#include <nlohmann/json.hpp>

#include <chrono>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using nlohmann::json;

namespace {

class LspProcess {
public:
  LspProcess() {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0)
      return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      std::string bin = (testutil::binDir() / "ci-lint").string();
      execl(bin.c_str(), bin.c_str(), "--lsp", "--no-shellcheck", static_cast<char *>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    toServer_ = in[1];
    fromServer_ = out[0];
    signal(SIGPIPE, SIG_IGN);
  }
  ~LspProcess() {
    if (toServer_ >= 0)
      close(toServer_);
    if (fromServer_ >= 0)
      close(fromServer_);
    if (pid_ > 0 && !waited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool started() const { return pid_ > 0; }

  void sendRaw(const std::string &bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = write(toServer_, bytes.data() + off, bytes.size() - off);
      if (n <= 0)
        return;
      off += static_cast<size_t>(n);
    }
  }
  void send(const json &msg) {
    std::string body = msg.dump();
    sendRaw("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  int request(const std::string &method, const json &params) {
    int id = nextId_++;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    return id;
  }
  void notify(const std::string &method, const json &params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }

  // The next message from the server (null after 10 s of silence).
  json next() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      std::string body, err;
      auto st = reader_.next(body, err);
      if (st == backend::LspMessageReader::Status::Message)
        return json::parse(body, nullptr, false);
      if (st == backend::LspMessageReader::Status::Error)
        return {{"framing-error", err}};
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return nullptr;
      pollfd pfd{fromServer_, POLLIN, 0};
      if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
        return nullptr;
      char buf[8192];
      ssize_t n = read(fromServer_, buf, sizeof buf);
      if (n <= 0)
        return nullptr;
      reader_.feed(llvm::StringRef(buf, static_cast<size_t>(n)));
    }
  }
  // The reply to request `id`, skipping notifications.
  json reply(int id) {
    for (int i = 0; i < 50; ++i) {
      json m = next();
      if (m.is_null())
        return nullptr;
      if (m.contains("id") && m["id"] == id)
        return m;
    }
    return nullptr;
  }
  json diagnostics() {
    for (int i = 0; i < 50; ++i) {
      json m = next();
      if (m.is_null())
        return nullptr;
      if (m.value("method", "") == "textDocument/publishDiagnostics")
        return m["params"];
    }
    return nullptr;
  }
  int wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

private:
  pid_t pid_ = -1;
  int toServer_ = -1, fromServer_ = -1;
  int nextId_ = 1;
  bool waited_ = false;
  backend::LspMessageReader reader_;
};

const char *kUri = "file:///tmp/ci-lint-lsp-client/.github/workflows/ci.yml";

json at(unsigned line, unsigned ch) {
  return {{"textDocument", {{"uri", kUri}}}, {"position", {{"line", line}, {"character", ch}}}};
}

} // namespace

// The whole session a user's editor goes through.
TEST(CiLintLspClient, OpenEditQueryShutdown) {
  LspProcess lsp;
  ASSERT_TRUE(lsp.started());
  // initialize without initializationOptions.
  int id = lsp.request("initialize", {{"processId", nullptr}, {"rootUri", nullptr},
                                      {"capabilities", json::object()}});
  json init = lsp.reply(id);
  ASSERT_TRUE(init.contains("result")) << init.dump();
  EXPECT_EQ(init["result"]["serverInfo"]["name"], "ci-lint");
  lsp.notify("initialized", json::object());

  // Open a workflow with a too-frequent schedule and an emoji before it (UTF-16 columns).
  std::string text = "name: \xF0\x9F\x9A\x80 CI\non:\n  schedule:\n    - cron: '* * * * *'\n"
                     "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
                     "  test:\n    needs: build\n    runs-on: ubuntu-latest\n    steps:\n"
                     "      - run: echo ${{ needs.build.result }}\n";
  lsp.notify("textDocument/didOpen",
             {{"textDocument", {{"uri", kUri}, {"languageId", "yaml"}, {"version", 1}, {"text", text}}}});
  json diags = lsp.diagnostics();
  ASSERT_TRUE(diags.is_object());
  ASSERT_EQ(diags["diagnostics"].size(), 1u) << diags.dump();
  EXPECT_EQ(diags["diagnostics"][0]["code"], "events");
  EXPECT_EQ(diags["diagnostics"][0]["range"]["start"]["line"], 3);
  EXPECT_EQ(diags["diagnostics"][0]["range"]["start"]["character"], 12);

  // Edit: replace the cron with a valid one (incremental), then add a bad env var name.
  lsp.notify("textDocument/didChange",
             json::parse(R"({"textDocument":{"uri":"file:///tmp/ci-lint-lsp-client/.github/workflows/ci.yml","version":2},
               "contentChanges":[{"range":{"start":{"line":3,"character":13},"end":{"line":3,"character":14}},"text":"0"}]})"));
  diags = lsp.diagnostics();
  ASSERT_TRUE(diags.is_object());
  EXPECT_EQ(diags["version"], 2);
  EXPECT_EQ(diags["diagnostics"].size(), 0u) << diags.dump();
  // On line 0, after the emoji (2 UTF-16 units): insert a bad env block after "name:" line.
  lsp.notify("textDocument/didChange",
             json::parse(R"({"textDocument":{"uri":"file:///tmp/ci-lint-lsp-client/.github/workflows/ci.yml","version":3},
               "contentChanges":[{"range":{"start":{"line":0,"character":11},"end":{"line":0,"character":11}},"text":"\nenv: {'A B': 1}"}]})"));
  diags = lsp.diagnostics();
  ASSERT_EQ(diags["diagnostics"].size(), 1u) << diags.dump();
  EXPECT_EQ(diags["diagnostics"][0]["code"], "env-var");
  EXPECT_EQ(diags["diagnostics"][0]["range"]["start"]["line"], 1);
  EXPECT_EQ(diags["diagnostics"][0]["range"]["start"]["character"], 6);

  // Hover, definition, completion, symbols (lines shifted by one after the edit).
  json hover = lsp.reply(lsp.request("textDocument/hover", at(11, 12)));
  EXPECT_NE(hover["result"]["contents"]["value"].get<std::string>().find("job `build`"),
            std::string::npos)
      << hover.dump();
  json def = lsp.reply(lsp.request("textDocument/definition", at(14, 30)));
  EXPECT_EQ(def["result"]["range"]["start"]["line"], 6) << def.dump();
  json comp = lsp.reply(lsp.request("textDocument/completion", at(7, 4)));
  bool hasRunsOn = false;
  for (const auto &i : comp["result"]["items"])
    hasRunsOn |= i["label"] == "runs-on";
  EXPECT_TRUE(hasRunsOn) << comp.dump();
  // From the lowered workflow: the type and source of a context path, and the
  // properties of the typed object before the cursor.
  json typed = lsp.reply(lsp.request("textDocument/hover", at(14, 36)));
  std::string typedText = typed["result"]["contents"]["value"].get<std::string>();
  EXPECT_NE(typedText.find("`needs.build.result`: `string`"), std::string::npos) << typed.dump();
  EXPECT_NE(typedText.find("job `build`"), std::string::npos) << typed.dump();
  json props = lsp.reply(lsp.request("textDocument/completion", at(14, 34)));
  std::set<std::string> labels;
  for (const auto &i : props["result"]["items"])
    labels.insert(i["label"].get<std::string>());
  EXPECT_TRUE(labels.count("outputs") && labels.count("result")) << props.dump();
  json syms = lsp.reply(lsp.request("textDocument/documentSymbol", {{"textDocument", {{"uri", kUri}}}}));
  ASSERT_EQ(syms["result"].size(), 2u) << syms.dump();
  EXPECT_EQ(syms["result"][1]["name"], "test");

  // Garbage gets an error reply and the server stays up.
  lsp.sendRaw("Content-Length: 5\r\n\r\n{oops");
  json err = lsp.next();
  EXPECT_EQ(err["error"]["code"], -32700) << err.dump();
  lsp.sendRaw("X-Nothing: 1\r\n\r\n");
  err = lsp.next();
  EXPECT_EQ(err["error"]["code"], -32700) << err.dump();

  json down = lsp.reply(lsp.request("shutdown", nullptr));
  EXPECT_TRUE(down.contains("result"));
  lsp.notify("exit", nullptr);
  EXPECT_EQ(lsp.wait(), 0);
}
