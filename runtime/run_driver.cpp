// The loop that drives the engine and the in-process completion sources.
#include "runtime/run_driver.h"

#include <algorithm>

namespace runtime {

llvm::Error drive(Engine &engine, const ProviderRegistry &providers, const std::function<bool()> &done,
                  int64_t maxIdleMs) {
  Clock &clock = engine.clock();
  while (true) {
    if (llvm::Error e = engine.runUntilIdle())
      return e;
    std::optional<TimeMs> next;
    for (const auto &source : providers.sources()) {
      if (llvm::Error e = source->deliverDue(engine, clock.now()))
        return e;
      llvm::Expected<std::optional<TimeMs>> due = source->nextDue();
      if (!due)
        return due.takeError();
      if (*due)
        next = next ? std::min(*next, **due) : **due;
    }
    if (llvm::Error e = engine.runUntilIdle())
      return e;
    if (done())
      return llvm::Error::success();
    if (std::optional<TimeMs> timer = engine.nextTimerDue())
      next = next ? std::min(*next, *timer) : *timer;
    TimeMs now = clock.now();
    if (next && *next <= now)
      continue;
    if (clock.isVirtual()) {
      if (next) {
        clock.advanceTo(*next);
        continue;
      }
      if (engine.waitForNotification(maxIdleMs))
        continue;
      return llvm::createStringError(std::errc::timed_out,
                                     "nothing left to happen: no job completion or timer is "
                                     "scheduled, but the executions have not finished");
    }
    int64_t timeout = next ? *next - now : -1;
    if (maxIdleMs >= 0 && (timeout < 0 || timeout > maxIdleMs))
      timeout = maxIdleMs;
    bool woken = engine.waitForNotification(timeout);
    if (!woken && timeout < 0)
      return llvm::createStringError(std::errc::timed_out,
                                     "nothing left to happen and no way to be woken up");
    if (!woken && !next && maxIdleMs >= 0)
      return llvm::createStringError(std::errc::timed_out, "nothing happened for %lld ms",
                                     static_cast<long long>(maxIdleMs));
  }
}

} // namespace runtime
