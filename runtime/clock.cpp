// The real wall clock.
#include "runtime/clock.h"

#include <chrono>

namespace runtime {

TimeMs RealClock::now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace runtime
