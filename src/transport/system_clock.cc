#include "transport/system_clock.h"

#include <thread>

namespace meshverify {

void SystemClock::SleepFor(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

}  // namespace meshverify
