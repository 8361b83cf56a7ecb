/// \file
/// Running an external checker (shellcheck, pyflakes) over scripts: finds
/// the program once per process, writes each script to a temporary file,
/// runs the program once for a batch of files with a time limit, and returns
/// its output. Failures to run are operational (llvm::Error), never crashes;
/// the rules then skip their checks for that file.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace passes {

/// Absolute path of the first of `names` found on PATH, or of `configured`
/// when it is non-empty and executable; nullopt when none exists. Cached.
std::optional<std::string> findExternalTool(llvm::StringRef configured,
                                            llvm::ArrayRef<llvm::StringRef> names);

struct ToolRun {
  int exitCode = 0;
  std::string out; ///< stdout
  std::string err; ///< stderr
  std::vector<std::string> files; ///< the temporary files, in the order of `contents`
};

/// Writes `contents` to temporary files named `*.<suffix>`, runs `program
/// args... files...`, reads its output and deletes the files. Gives up after
/// `timeoutSeconds`.
llvm::Expected<ToolRun> runToolOnFiles(llvm::StringRef program,
                                       llvm::ArrayRef<std::string> args,
                                       llvm::ArrayRef<std::string> contents,
                                       llvm::StringRef suffix, unsigned timeoutSeconds = 60);

} // namespace passes
