// FakeClock is shared by the probe threads of a pipeline test: concurrent reads and advances
// must neither race nor lose time.
#include "fakes/fake_clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace meshverify::testing {
namespace {

TEST(FakeClockTest, ThreadsAdvancingAtOnceLoseNoTime) {
  FakeClock clock;
  const auto start = clock.Monotonic();
  const auto wall = clock.Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 20000; ++i) {
        clock.SleepFor(std::chrono::milliseconds(1));
        (void)clock.Monotonic();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(clock.Monotonic() - start, std::chrono::milliseconds(80000));
  EXPECT_EQ(clock.Now() - wall, std::chrono::milliseconds(80000));
}

}  // namespace
}  // namespace meshverify::testing
