// Time sources for the durable engine: the real wall clock and a fake, virtual one for tests.
#pragma once

#include <cstdint>

namespace runtime {

/// Milliseconds since the Unix epoch. Every time stored in the journal uses this unit.
using TimeMs = int64_t;

/// Where the engine reads the time. The engine never sleeps on its own: it asks the
/// clock for `now()` and, when it must wait for the next timer, either blocks on its
/// notifier (real clock) or asks a virtual clock to jump there (`advanceTo`).
class Clock {
public:
  virtual ~Clock() = default;
  /// The current time.
  virtual TimeMs now() const = 0;
  /// True when time only moves when somebody moves it (a fake clock). The engine then
  /// never blocks waiting for a timer: it either jumps (virtual time) or returns.
  virtual bool isVirtual() const { return false; }
  /// True when the engine may move this clock to the next timer when it has nothing
  /// else to do ("virtual time": thousands of timed events run in milliseconds).
  virtual bool autoAdvances() const { return false; }
  /// Moves a virtual clock forward to `t` (never backwards). No-op on a real clock.
  virtual void advanceTo(TimeMs) {}
};

/// The system wall clock (CLOCK_REALTIME, so stored deadlines survive restarts).
class RealClock final : public Clock {
public:
  TimeMs now() const override;
};

/// A clock that tests move by hand. With `autoAdvance`, the engine jumps it to the
/// next due timer whenever it would otherwise wait (virtual time).
class FakeClock final : public Clock {
public:
  explicit FakeClock(TimeMs start = 1'000'000, bool autoAdvance = false)
      : now_(start), autoAdvance_(autoAdvance) {}
  TimeMs now() const override { return now_; }
  bool isVirtual() const override { return true; }
  bool autoAdvances() const override { return autoAdvance_; }
  void advanceTo(TimeMs t) override {
    if (t > now_)
      now_ = t;
  }
  /// Moves the clock forward by `ms` milliseconds.
  void advance(TimeMs ms) { now_ += ms; }
  void setAutoAdvance(bool on) { autoAdvance_ = on; }

private:
  TimeMs now_;
  bool autoAdvance_;
};

} // namespace runtime
