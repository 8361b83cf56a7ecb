/// \file
/// `ci-exec logs RUN [--job J] [--step S] [--follow]`: the step logs of a run,
/// read from `<store dir>/runs/<run>/logs/<instance>/<step index>.log`.
///
/// Each job is headed by its name and state, each step by its number, name and
/// conclusion. Log groups (`::group::TITLE` ... `::endgroup::`, or the `##[group]`
/// form of GitHub's raw logs) are folded into one line `▸ TITLE (N lines)` when
/// `fold` is set (standard output is a terminal), and shown open (`▾ TITLE`)
/// otherwise. With `follow`, new lines are printed as the provider writes them until
/// the run has completed; groups then stream open.
#pragma once

#include <cstdio>
#include <string>

namespace runtime {

struct LogsCommand {
  std::string store;
  std::string run;  ///< run number
  std::string job;  ///< instance id, job id or display name ("" = every job)
  std::string step; ///< 1-based step number or step name ("" = every step)
  bool follow = false;
  bool fold = false;
  int pollMs = 200;
};

/// Prints the logs; returns the exit code (0, 1 for an unknown run/job/step, 2 usage).
int runLogsCommand(const LogsCommand &cmd, std::FILE *out, std::FILE *err);

/// One log line for people: GitHub's markers `##[error]`, `##[warning]`, `##[notice]`,
/// `##[debug]` become "Error: "... prefixes and `##[command]` is dropped; `kind` (if
/// given) receives the marker's name ("" for an ordinary line).
std::string logLineText(const std::string &line, std::string *kind = nullptr);

/// `text` (a whole log) with its groups folded or opened as described above.
std::string renderLogText(const std::string &text, bool fold);

} // namespace runtime
