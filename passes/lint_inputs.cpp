// Collecting ci-lint's inputs from the command line or the repository.
#include "passes/lint_inputs.h"

#include "passes/lint_discovery.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

#include <algorithm>
#include <filesystem>

namespace passes {

std::string displayPath(llvm::StringRef path) {
  llvm::SmallString<256> cwd, abs(path);
  if (llvm::sys::fs::current_path(cwd) || llvm::sys::fs::make_absolute(abs))
    return path.str();
  std::string rel = std::filesystem::path(std::string(abs.str()))
                        .lexically_normal()
                        .lexically_relative(std::string(cwd.str()))
                        .string();
  return rel.empty() ? path.str() : rel;
}

/// A directory named on the command line: a repository (it has .github/) is linted
/// as when ci-lint runs inside it; any other directory gives its .yml/.yaml files.
static void appendDirectory(const std::string &dir, std::vector<LintInput> &inputs) {
  std::vector<std::string> paths;
  if (llvm::sys::fs::is_directory(dir + "/.github")) {
    paths = discoverLintFiles(dir);
  } else {
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator(dir, ec)) {
      std::string ext = e.path().extension().string();
      if (e.is_regular_file(ec) && (ext == ".yml" || ext == ".yaml"))
        paths.push_back(e.path().string());
    }
    std::sort(paths.begin(), paths.end());
  }
  for (std::string &p : paths) {
    LintInput in;
    in.displayName = displayPath(p);
    in.path = std::move(p);
    inputs.push_back(std::move(in));
  }
}

llvm::Expected<std::vector<LintInput>>
collectLintInputs(const std::vector<std::string> &files, const std::string &stdinFilename,
                  const std::function<std::string()> &readStdin) {
  std::vector<LintInput> inputs;
  if (!files.empty()) {
    bool stdinUsed = false;
    for (const std::string &f : files) {
      if (f != "-" && llvm::sys::fs::is_directory(f)) {
        appendDirectory(f, inputs);
        continue;
      }
      LintInput in;
      in.path = f;
      if (f == "-") {
        if (stdinUsed)
          return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                         "standard input ('-') can be linted only once");
        stdinUsed = true;
        in.text = readStdin();
        in.displayName = stdinFilename.empty() ? "<stdin>" : stdinFilename;
        // Discovery and config follow the name the editor gives.
        if (!stdinFilename.empty())
          in.path = stdinFilename;
      }
      inputs.push_back(std::move(in));
    }
    return inputs;
  }
  auto root = findRepositoryRoot(".");
  if (!root)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "no files given and no repository (.git) found from the current directory; "
        "name the workflow files to lint");
  for (const std::string &p : discoverLintFiles(*root)) {
    LintInput in;
    in.path = p;
    in.displayName = displayPath(p);
    inputs.push_back(std::move(in));
  }
  return inputs;
}

} // namespace passes
