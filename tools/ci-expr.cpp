// ci-expr: evaluates GitHub Actions `${{ }}` expressions (one-shot, JSON lines, or a REPL).
#include "frontend/expr_request.h"
#include "ir/value_json.h"
#include "runtime/hash_files.h"

#include "llvm/LineEditor/LineEditor.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <unistd.h>

namespace {

const char *kUsage =
    "usage: ci-expr 'EXPR' [--context NAME=FILE.json ...] [--contexts FILE.json]\n"
    "               [--function NAME=JSON ...] [--workspace DIR]\n"
    "       ci-expr --jsonl [--workspace DIR]   (requests on stdin, one JSON line each)\n"
    "       ci-expr                             (interactive, on a terminal)\n"
    "\n"
    "  --context NAME=FILE.json  the context NAME is the JSON in FILE\n"
    "  --contexts FILE.json      an object whose members are contexts\n"
    "  --function NAME=JSON      fixed result of a host function (success, failure,\n"
    "                            cancelled, always, hashFiles)\n"
    "  --workspace DIR           hashFiles() hashes files under DIR\n"
    "\n"
    "Exit status: 0 value printed, 1 expression error, 2 usage or file error.\n";

bool readJSONFile(llvm::StringRef path, ir::Value &out, std::string &err) {
  auto buf = llvm::MemoryBuffer::getFile(path);
  if (!buf) {
    err = path.str() + ": " + buf.getError().message();
    return false;
  }
  ir::JSONParseError perr;
  if (!ir::parseJSON((*buf)->getBuffer(), out, perr)) {
    err = path.str() + ":" + std::to_string(perr.line) + ":" + std::to_string(perr.column) +
          ": " + perr.message;
    return false;
  }
  return true;
}

/// Loads a contexts object file into `contexts` (members added or replaced).
bool loadContexts(llvm::StringRef path, ir::Value &contexts, std::string &err) {
  ir::Value v;
  if (!readJSONFile(path, v, err))
    return false;
  if (!v.isObject()) {
    err = path.str() + ": expected a JSON object whose members are contexts";
    return false;
  }
  for (const auto &m : v.getObject())
    contexts.mutableObject().set(m.key, m.value);
  return true;
}

int evaluateOnce(const frontend::ExprRequest &req, ir::ExprHost *host) {
  frontend::ExprOutcome o = frontend::runExprRequest(req, host);
  if (o.error) {
    std::cerr << frontend::formatExprErrorWithCaret(*o.error, req.expr);
    return 1;
  }
  std::cout << ir::writeJSON(o.value, /*pretty=*/true, /*nonFiniteAsStrings=*/true) << "\n";
  return 0;
}

int runJsonl(ir::ExprHost *host) {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (llvm::StringRef(line).trim().empty())
      continue;
    frontend::ExprRequest req;
    std::string err;
    if (!frontend::parseExprRequest(line, req, err)) {
      std::cout << frontend::formatRequestError(err) << "\n" << std::flush;
      continue;
    }
    std::cout << frontend::formatExprOutcome(frontend::runExprRequest(req, host), req.expr) << "\n"
              << std::flush;
  }
  return 0;
}

int runRepl(frontend::ExprRequest base, ir::ExprHost *host) {
  std::string history;
  if (const char *home = std::getenv("HOME"))
    history = std::string(home) + "/.ci_expr_history";
  llvm::LineEditor editor("ci-expr", history);
  editor.setPrompt("expr> ");
  std::cout << "ci-expr: type an expression; :load FILE.json loads contexts, :contexts lists "
               "them, :quit leaves.\n";
  while (auto line = editor.readLine()) {
    llvm::StringRef l = llvm::StringRef(*line).trim();
    if (l.empty())
      continue;
    if (l == ":quit" || l == ":q")
      break;
    if (l.consume_front(":load")) {
      std::string err;
      if (!loadContexts(l.trim(), base.contexts, err))
        std::cout << "error: " << err << "\n";
      else
        std::cout << "loaded " << base.contexts.getObject().size() << " context(s)\n";
      continue;
    }
    if (l == ":contexts") {
      for (const auto &m : base.contexts.getObject())
        std::cout << m.key << " (" << ir::Value::kindName(m.value.kind()).str() << ")\n";
      continue;
    }
    frontend::ExprRequest req = base;
    req.expr = l.str();
    frontend::ExprOutcome o = frontend::runExprRequest(req, host);
    if (o.error)
      std::cout << frontend::formatExprErrorWithCaret(*o.error, req.expr);
    else
      std::cout << ir::writeJSON(o.value, true, true) << "\n";
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  frontend::ExprRequest req;
  req.contexts = ir::Value::object();
  req.functions = ir::Value::object();
  req.extraContextNames = frontend::wellKnownContextNames();
  bool jsonl = false, haveExpr = false;
  std::string workspace, err;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef a = argv[i];
    auto value = [&](llvm::StringRef flag) -> llvm::StringRef {
      if (a.consume_front(flag.str() + "="))
        return a;
      if (i + 1 >= argc) {
        std::cerr << "ci-expr: " << flag.str() << " needs a value\n" << kUsage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--jsonl") {
      jsonl = true;
    } else if (a.startswith("--contexts")) {
      if (!loadContexts(value("--contexts"), req.contexts, err)) {
        std::cerr << "ci-expr: " << err << "\n";
        return 2;
      }
    } else if (a.startswith("--context")) {
      auto [name, file] = value("--context").split('=');
      ir::Value v;
      if (name.empty() || file.empty()) {
        std::cerr << "ci-expr: --context takes NAME=FILE.json\n";
        return 2;
      }
      if (!readJSONFile(file, v, err)) {
        std::cerr << "ci-expr: " << err << "\n";
        return 2;
      }
      req.contexts.mutableObject().set(name.str(), v);
    } else if (a.startswith("--function")) {
      auto [name, json] = value("--function").split('=');
      ir::Value v;
      ir::JSONParseError perr;
      if (name.empty() || !ir::parseJSON(json, v, perr)) {
        std::cerr << "ci-expr: --function takes NAME=JSON (e.g. success=true)\n";
        return 2;
      }
      req.functions.mutableObject().set(name.str(), v);
    } else if (a.startswith("--workspace")) {
      workspace = value("--workspace").str();
    } else if (a == "--" && i + 1 < argc && !haveExpr) {
      req.expr = argv[++i]; // an expression that starts with '-'
      haveExpr = true;
    } else if (a.startswith("--")) {
      std::cerr << "ci-expr: unknown option " << a.str() << "\n" << kUsage;
      return 2;
    } else if (!haveExpr) {
      req.expr = a.str();
      haveExpr = true;
    } else {
      std::cerr << "ci-expr: one expression at a time\n" << kUsage;
      return 2;
    }
  }
  ir::FunctionTableHost host;
  if (!workspace.empty())
    runtime::addHashFilesFunction(host, workspace);
  if (jsonl)
    return runJsonl(&host);
  if (haveExpr)
    return evaluateOnce(req, &host);
  if (isatty(STDIN_FILENO))
    return runRepl(std::move(req), &host);
  std::cerr << kUsage;
  return 2;
}
