/// \file
/// The configuration file `.github/ci-lint.yaml` (or `.yml`) at the root of a
/// repository. Its keys are a superset of actionlint's `actionlint.yaml`, so
/// an existing actionlint config can be renamed or passed with `--config`:
///
/// ```yaml
/// self-hosted-runner:
///   labels: [gpu, 'linux-*-large']   # extra runner labels (globs allowed)
/// config-variables: [DEPLOY_ENV]     # names defined for the `vars` context;
///                                    # null or absent: any name is accepted
/// paths:                             # per-path ignores, globs relative to the root
///   .github/workflows/legacy/**/*.yaml:
///     ignore: ['label ".+" is unknown']   # regexes matched against messages
/// enable: [KIND, ...]                # turn on opt-in kinds
/// disable: [KIND, ...]               # turn kinds off
/// ```
///
/// The file is read with the project's YAML reader; mistakes are diagnostics
/// of kind `config` at their place in the file, and the rest still applies.
#pragma once

#include "ir/diagnostic.h"
#include "ir/source_manager.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace passes {

struct LintConfig {
  /// Where the config came from ("" when there was none).
  std::string path;
  /// `self-hosted-runner.labels`: extra labels accepted in `runs-on` (globs).
  std::vector<std::string> runnerLabels;
  /// `config-variables`: names accepted after `vars.`; nullopt = unchecked.
  std::optional<std::vector<std::string>> configVariables;

  struct PathIgnore {
    std::string glob;                ///< path glob relative to the repository root
    std::vector<std::string> source; ///< the regexes as written
    std::vector<std::regex> regexes; ///< ECMAScript syntax, searched anywhere in the message
  };
  std::vector<PathIgnore> paths;
  std::vector<std::string> enable;  ///< kinds to turn on
  std::vector<std::string> disable; ///< kinds to turn off

  /// True when a `paths:` entry matching `relPath` ignores `message`.
  bool ignores(llvm::StringRef relPath, llvm::StringRef message) const;
  /// True when `label` is one of the configured runner labels (glob match, case-insensitive).
  bool hasRunnerLabel(llvm::StringRef label) const;
};

/// Parses config file `file` of `sm`. Problems are reported as `config`
/// diagnostics; what could be read is returned.
LintConfig parseLintConfig(const ir::SourceManager &sm, ir::FileId file,
                           ir::DiagnosticEngine &diags);

/// `ROOT/.github/ci-lint.yaml` or `.yml` if one exists.
std::optional<std::string> findLintConfig(llvm::StringRef root);

/// Compiles a user regex (ECMAScript syntax); returns an error message on failure.
std::optional<std::regex> compileUserRegex(llvm::StringRef pattern, std::string &error);

} // namespace passes
