// Finding and running external script checkers on temporary files.
#include "passes/lint_external_tool.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <mutex>

namespace passes {

std::optional<std::string> findExternalTool(llvm::StringRef configured,
                                            llvm::ArrayRef<llvm::StringRef> names) {
  static std::mutex mu;
  static std::map<std::string, std::optional<std::string>> cache;
  std::string key = configured.str();
  for (llvm::StringRef n : names)
    key += "\n" + n.str();
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(key);
  if (it != cache.end())
    return it->second;
  std::optional<std::string> found;
  if (!configured.empty()) {
    if (llvm::sys::fs::can_execute(configured))
      found = configured.str();
    else if (auto p = llvm::sys::findProgramByName(configured))
      found = *p;
  } else {
    for (llvm::StringRef n : names)
      if (auto p = llvm::sys::findProgramByName(n)) {
        found = *p;
        break;
      }
  }
  cache[key] = found;
  return found;
}

namespace {
// Deletes temporary files when the run ends, however it ends.
struct TempFiles {
  std::vector<std::string> paths;
  ~TempFiles() {
    for (const std::string &p : paths)
      llvm::sys::fs::remove(p);
  }
};

llvm::Expected<std::string> makeTemp(llvm::StringRef suffix, TempFiles &temps) {
  llvm::SmallString<128> path;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("ci-lint", suffix, path))
    return llvm::createStringError(ec, "cannot create a temporary file: %s",
                                   ec.message().c_str());
  temps.paths.push_back(std::string(path.str()));
  return temps.paths.back();
}

std::string slurp(llvm::StringRef path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  return buf ? (*buf)->getBuffer().str() : std::string();
}
} // namespace

llvm::Expected<ToolRun> runToolOnFiles(llvm::StringRef program,
                                       llvm::ArrayRef<std::string> args,
                                       llvm::ArrayRef<std::string> contents,
                                       llvm::StringRef suffix, unsigned timeoutSeconds) {
  TempFiles temps;
  ToolRun run;
  for (const std::string &c : contents) {
    auto path = makeTemp(suffix, temps);
    if (!path)
      return path.takeError();
    std::error_code ec;
    llvm::raw_fd_ostream os(*path, ec);
    if (ec)
      return llvm::createStringError(ec, "cannot write %s: %s", path->c_str(),
                                     ec.message().c_str());
    os << c;
    os.close();
    run.files.push_back(*path);
  }
  auto outPath = makeTemp("out", temps);
  if (!outPath)
    return outPath.takeError();
  auto errPath = makeTemp("err", temps);
  if (!errPath)
    return errPath.takeError();

  std::vector<llvm::StringRef> argv;
  argv.push_back(program);
  for (const std::string &a : args)
    argv.push_back(a);
  for (const std::string &f : run.files)
    argv.push_back(f);
  llvm::Optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef(*outPath),
                                                 llvm::StringRef(*errPath)};
  std::string errMsg;
  bool failed = false;
  int rc = llvm::sys::ExecuteAndWait(program, argv, llvm::None, redirects, timeoutSeconds, 0,
                                     &errMsg, &failed);
  if (failed || rc < 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "running %s failed: %s",
                                   program.str().c_str(),
                                   errMsg.empty() ? "timed out or crashed" : errMsg.c_str());
  run.exitCode = rc;
  run.out = slurp(*outPath);
  run.err = slurp(*errPath);
  return run;
}

} // namespace passes
