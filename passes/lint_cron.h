/// \file
/// Cron expressions of `on.schedule[*].cron` (gha-semantics §1.3): five POSIX
/// fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC,
/// day of week 0-6 or SUN-SAT), each a comma-separated list of `*`, `N`,
/// `N-M`, with an optional `/STEP`. GitHub runs a schedule at most every 5
/// minutes; `shortestCronInterval` gives the shortest gap between two runs
/// so the rule can report schedules that ask for more.
///
/// A standalone validator: the cron rule calls it on YAML nodes today and on
/// the lowered triggers later.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

namespace passes {

struct CronSchedule {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;     ///< 1..31
  std::bitset<13> months;   ///< 1..12
  std::bitset<8> weekdays;  ///< 0..6 (7 is folded into 0)
};

struct CronError {
  std::string message; ///< what is wrong, e.g. "expected exactly 5 fields, found 4: [0 */3 * *]"
  size_t offset = 0;   ///< byte offset in the expression of the offending text
  size_t length = 0;
};

/// Parses `expr`; on failure returns nullopt and fills `err`.
std::optional<CronSchedule> parseCron(llvm::StringRef expr, CronError &err);

/// The shortest time between two runs of the schedule, in seconds.
uint64_t shortestCronInterval(const CronSchedule &s);

/// True when `name` is an IANA time zone name (zone or link, e.g.
/// "Europe/Paris", "UTC"); the list is generated from tzdata into
/// passes/lint_timezones.inc by scripts/gen-timezones/run.sh.
bool isIanaTimezone(llvm::StringRef name);

/// GitHub's minimum schedule interval, in seconds.
constexpr uint64_t kMinCronIntervalSeconds = 5 * 60;

} // namespace passes
