// ci-lint: lints GitHub Actions workflows and action files; `--lsp` runs the language server.
#include "backend/lint_format_output.h"
#include "backend/lsp_server.h"
#include "passes/lint_driver.h"
#include "passes/lint_inputs.h"
#include "passes/lint_registry.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace {

constexpr int kExitClean = 0, kExitProblems = 1, kExitUsage = 2, kExitInternal = 3;

const char *kUsage = R"(usage: ci-lint [options] [FILES...]

Lints GitHub Actions workflows and action metadata files. With no FILES, finds
the repository root (.git) and lints .github/workflows/*.{yml,yaml} and the
repository's action.yml files. A directory gives its .yml/.yaml files (a
repository: as with no FILES). '-' reads standard input.

options:
  --format=FORMAT        text (default), json, sarif, github, actionlint
  --enable KIND          report KIND (repeatable; 'all' for every kind; applied in order)
  --disable KIND         do not report KIND (repeatable; 'all' for every kind)
  --ignore REGEX         drop diagnostics whose message matches REGEX (repeatable)
  --config FILE          config file (default: ROOT/.github/ci-lint.yaml)
  --stdin-filename NAME  name of the file read from '-' (for output and config)
  --no-shellcheck        do not run shellcheck and pyflakes over run: scripts
  --shellcheck PATH      shellcheck program to use
  --pyflakes PATH        pyflakes program to use
  -j N, --jobs N         lint N files at a time (default: one per core)
  --color=WHEN           auto (default), always, never
  --list-kinds           print every kind with its summary and exit
  --lsp                  run the language server on stdin/stdout
  --version              print the version and exit
  -h, --help             print this help and exit

exit status: 0 no problems, 1 problems found, 2 usage error, 3 internal failure
)";

int usageError(const std::string &msg) {
  llvm::errs() << "ci-lint: " << msg << "\n(run 'ci-lint --help' for usage)\n";
  return kExitUsage;
}

} // namespace

int main(int argc, char **argv) {
  passes::LintOptions opts;
  std::vector<std::string> files;
  std::string formatName = "text", colorWhen = "auto", stdinFilename;
  bool lsp = false, listKinds = false;

  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool hasInline = false;
    if (a.size() > 2 && a.rfind("-j", 0) == 0) { // -jN
      value = a.substr(2);
      a = "-j";
      hasInline = true;
    } else if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      value = a.substr(a.find('=') + 1);
      a = a.substr(0, a.find('='));
      hasInline = true;
    }
    auto take = [&](std::string &out) -> bool {
      if (hasInline) {
        out = value;
        return true;
      }
      if (i + 1 >= args.size())
        return false;
      out = args[++i];
      return true;
    };
    std::string v;
    if (a == "-h" || a == "--help") {
      llvm::outs() << kUsage;
      return kExitClean;
    } else if (a == "--version") {
      llvm::outs() << "ci-lint 0.1.0\n";
      return kExitClean;
    } else if (a == "--format") {
      if (!take(formatName))
        return usageError("--format needs a value");
    } else if (a == "--enable" || a == "--disable" || a == "--ignore" || a == "--config" ||
               a == "--stdin-filename" || a == "--shellcheck" || a == "--pyflakes" ||
               a == "--color" || a == "-j" || a == "--jobs") {
      if (!take(v))
        return usageError(a + " needs a value");
      if (a == "--enable" || a == "--disable")
        opts.kindSwitches.emplace_back(v, a == "--enable");
      else if (a == "--ignore")
        opts.ignorePatterns.push_back(v);
      else if (a == "--config")
        opts.configPath = v;
      else if (a == "--stdin-filename")
        stdinFilename = v;
      else if (a == "--shellcheck")
        opts.shellcheckPath = v;
      else if (a == "--pyflakes")
        opts.pyflakesPath = v;
      else if (a == "--color")
        colorWhen = v;
      else {
        char *end = nullptr;
        long n = std::strtol(v.c_str(), &end, 10);
        if (*end || n < 1 || n > 1024)
          return usageError("--jobs needs a number between 1 and 1024, got '" + v + "'");
        opts.jobs = static_cast<unsigned>(n);
      }
    } else if (a == "--no-shellcheck" && !hasInline) {
      opts.externalTools = false;
    } else if (a == "--list-kinds" && !hasInline) {
      listKinds = true;
    } else if (a == "--lsp" && !hasInline) {
      lsp = true;
    } else if (a == "--") {
      files.insert(files.end(), args.begin() + i + 1, args.end());
      break;
    } else if (a.size() > 1 && a[0] == '-') {
      return usageError("unknown option '" + args[i] + "'");
    } else {
      files.push_back(a);
    }
  }

  auto format = backend::parseLintFormat(formatName);
  if (!format)
    return usageError("unknown format '" + formatName +
                      "'; expected text, json, sarif, github or actionlint");
  if (colorWhen != "auto" && colorWhen != "always" && colorWhen != "never")
    return usageError("--color must be auto, always or never, got '" + colorWhen + "'");

  if (listKinds) {
    for (const std::string &k : passes::lintKindNames()) {
      const passes::LintKindDoc &d = passes::lintKindDoc(k);
      llvm::outs() << k << (d.defaultEnabled ? "" : " (opt-in)") << ": " << d.summary << '\n';
    }
    return kExitClean;
  }

  auto linter = passes::Linter::create(opts);
  if (!linter)
    return usageError(llvm::toString(linter.takeError()));

  if (lsp) {
    if (!files.empty())
      return usageError("--lsp takes no files");
    return backend::runLanguageServer(0, llvm::outs(), **linter);
  }

  auto inputs = passes::collectLintInputs(files, stdinFilename, [] {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  });
  if (!inputs)
    return usageError(llvm::toString(inputs.takeError()));

  passes::LintReport report = (*linter)->lint(*inputs);
  backend::LintFormatOptions fo;
  fo.color = colorWhen == "always" ||
             (colorWhen == "auto" && *format == backend::LintFormat::Text &&
              llvm::sys::Process::StandardOutIsDisplayed());
  backend::writeLintReport(llvm::outs(), *format, report.sm, report.diags, fo);
  llvm::outs().flush();
  for (const std::string &e : report.errors)
    llvm::errs() << "ci-lint: error: " << e << '\n';
  if (!report.errors.empty())
    return kExitInternal;
  return report.diags.empty() ? kExitClean : kExitProblems;
}
