/// \file
/// What a step's process says to the runner: workflow commands on its output
/// (`::name key=value,...::message`), the file commands (GITHUB_OUTPUT, GITHUB_ENV,
/// GITHUB_STATE: `name=value` lines and `name<<DELIMITER` heredocs; GITHUB_PATH: one
/// directory per line) and the masker that hides secrets and `add-mask` values in
/// every text the runner writes.
#pragma once

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace runtime {

/// Replaces registered values with `***`.
class Masker {
public:
  /// Registers a value (and, for a multi-line value, each of its lines). Values shorter
  /// than 1 character are ignored.
  void add(llvm::StringRef value);
  std::string apply(llvm::StringRef text) const;
  /// Whether `text` contains a registered value.
  bool reveals(llvm::StringRef text) const;
  bool empty() const { return values_.empty(); }

private:
  std::vector<std::string> values_; ///< longest first
};

/// A parsed `::command props::message` line.
struct WorkflowCommand {
  std::string name;
  std::map<std::string, std::string> props;
  std::string message;
};

/// Parses a workflow command line (leading whitespace allowed); nullopt for any other
/// line. Properties and the message are unescaped (%25 %0D %0A, and %3A %2C in
/// properties).
std::optional<WorkflowCommand> parseWorkflowCommand(llvm::StringRef line);

/// Reads a GITHUB_OUTPUT/GITHUB_ENV/GITHUB_STATE file: pairs in file order. A malformed
/// line (no `=`, or a heredoc without its delimiter) sets `error`.
std::vector<std::pair<std::string, std::string>> parseFileCommands(llvm::StringRef text, std::string &error);

} // namespace runtime

namespace runtime {

/// Parses a dotenv file (`--secrets-file`): `NAME=VALUE` lines, `#` comments, an
/// optional `export ` prefix, values in double quotes (with \n, \t, \", \\ escapes and
/// line breaks) or single quotes (literal). Sets `error` ("line N: ...") on a bad line.
std::vector<std::pair<std::string, std::string>> parseDotenv(llvm::StringRef text, std::string &error);

} // namespace runtime
