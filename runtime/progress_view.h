/// \file
/// Live progress of `ci-exec run` and the summary table it ends with.
///
/// `ProgressPrinter` turns successive `RunView`s into output: on a terminal
/// (`live`) one line per job (status symbol, name with matrix values, state,
/// elapsed time, current step) redrawn in place under a header line; otherwise one
/// plain line per event (a job started, a step started, a job finished), stamped
/// with the event's time relative to the run's start, so that a log file reads in
/// order. `ProgressMonitor` polls the store from its own connection on a thread
/// while the run is driven, and feeds a printer. `renderRunSummary` is the table
/// printed when the run ends: conclusion, duration and notes of every job.
#pragma once

#include "runtime/run_view.h"

#include <atomic>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>

namespace runtime {

enum class ProgressMode {
  Off,   ///< nothing
  Plain, ///< line by line
  Live,  ///< redrawn in place (a terminal)
};

/// Live when `stream` is a terminal (and TERM is not "dumb"), else plain.
ProgressMode defaultProgressMode(std::FILE *stream);

class ProgressPrinter {
public:
  /// `width`/`height`: the terminal's size (live mode; 0 = ask the terminal).
  ProgressPrinter(std::FILE *out, ProgressMode mode, bool color, int width = 0, int height = 0);
  /// Prints what changed since the last call (plain) or redraws the block (live).
  /// `now` is the time elapsed times are measured to.
  void update(const RunView &view, TimeMs now);
  /// Ends the display: prints the last events (plain) or erases the block (live).
  void finish(const RunView &view, TimeMs now);

  /// The lines of the live block for `view` (no escape sequences but colours).
  std::vector<std::string> liveLines(const RunView &view, TimeMs now) const;
  /// The plain lines for the events not printed yet (marks them printed).
  std::vector<std::string> plainLines(const RunView &view, TimeMs now);

private:
  std::FILE *out_;
  ProgressMode mode_;
  bool color_;
  int width_, height_;
  size_t drawn_ = 0; ///< lines of the live block on screen
  unsigned frame_ = 0;
  std::set<std::string> printed_; ///< plain events already printed
};

/// The table printed when a run ends: the run's conclusion, then per job its
/// conclusion, name, duration and notes (reason, continue-on-error, error), then
/// totals. Workflow errors and workflows the event did not trigger are listed too.
std::string renderRunSummary(const RunView &view);

/// Polls a run in the store every `intervalMs` on its own thread and prints its
/// progress, until `stop`.
class ProgressMonitor {
public:
  ProgressMonitor(std::string storePath, ProgressMode mode, std::FILE *out, bool color,
                  int intervalMs = 150);
  ~ProgressMonitor();
  /// Starts watching run `runId`. On a virtual clock elapsed times are measured to the
  /// latest instant the store records instead of the wall clock.
  void start(int64_t runId, bool virtualTime);
  /// Stops the thread and prints the final state.
  void stop();

private:
  void poll(bool final);

  std::string storePath_;
  ProgressPrinter printer_;
  int intervalMs_;
  int64_t runId_ = 0;
  bool virtualTime_ = false;
  std::unique_ptr<Store> store_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

} // namespace runtime
