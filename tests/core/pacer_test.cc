#include "meshverify/pacer.h"

#include <gtest/gtest.h>

#include <vector>

#include "fakes/fake_clock.h"

namespace meshverify {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// A source with `slots` slots and a server answering in `service` after each send; the fake
// clock moves by `tick` between looks. Returns the release times (ns after the origin).
struct Sim {
  std::vector<int64_t> sent_ns;
  std::vector<int64_t> intended_ns;
  std::vector<bool> late;
};

Sim Simulate(Pacer& pacer, testing::FakeClock& clock, int slots, nanoseconds service,
             nanoseconds tick, nanoseconds until, nanoseconds stall_from = {},
             nanoseconds stall_for = {}) {
  const auto origin = clock.Monotonic();
  std::vector<std::chrono::steady_clock::time_point> busy_until;
  Sim sim;
  for (auto t = origin; t < origin + until; t += tick) {
    // Answers come back after `service`, or after the stall ends if the server is stalled.
    std::erase_if(busy_until, [&](auto done) { return done <= t; });
    while (static_cast<int>(busy_until.size()) < slots) {
      std::optional<Pacer::Release> r = pacer.Next(t);
      if (!r) break;
      sim.sent_ns.push_back((t - origin).count());
      sim.intended_ns.push_back((r->intended - origin).count());
      sim.late.push_back(r->late);
      auto done = t + service;
      const auto stall_end = origin + stall_from + stall_for;
      if (stall_for.count() > 0 && done > origin + stall_from && t < stall_end) {
        done = std::max(done, stall_end + service);
      }
      busy_until.push_back(done);
    }
  }
  (void)clock;
  return sim;
}

TEST(PacerTest, OpenLoopFollowsOneGlobalScheduleWithoutDrift) {
  testing::FakeClock clock;
  Pacer pacer(1000, 100000, clock.Monotonic(), milliseconds(0));
  Sim sim = Simulate(pacer, clock, 4, microseconds(100), microseconds(10), milliseconds(2000));
  ASSERT_EQ(sim.sent_ns.size(), 2000u);  // due at 0, 1, ..., 1999 ms
  for (size_t i = 0; i < sim.sent_ns.size(); ++i) {
    EXPECT_EQ(sim.intended_ns[i], static_cast<int64_t>(i) * 1000000);
    EXPECT_LT(sim.sent_ns[i] - sim.intended_ns[i], 10000);  // within one tick
    EXPECT_FALSE(sim.late[i]);
  }
  EXPECT_EQ(pacer.late(), 0u);
}

TEST(PacerTest, FractionalIntervalsDoNotAccumulateError) {
  testing::FakeClock clock;
  const auto origin = clock.Monotonic();
  Pacer pacer(3, 10, origin, milliseconds(0));
  std::vector<int64_t> due;
  for (int i = 0; i < 10; ++i) {
    ASSERT_FALSE(pacer.Next(pacer.NextDue(origin) - nanoseconds(1)).has_value());
    auto r = pacer.Next(pacer.NextDue(origin));
    ASSERT_TRUE(r.has_value());
    due.push_back((r->intended - origin).count());
  }
  EXPECT_EQ(due[3], 1000000000);
  EXPECT_EQ(due[9], 3000000000);
  EXPECT_EQ(due[1], 333333333);
  EXPECT_TRUE(pacer.Done(origin));
  EXPECT_EQ(pacer.NextDue(origin), Pacer::TimePoint::max());
}

TEST(PacerTest, StallMakesLateSendsThatKeepTheirIntendedTimeAndNeverRunAhead) {
  testing::FakeClock clock;
  Pacer pacer(1000, 100000, clock.Monotonic(), milliseconds(0));
  // 4 slots, 100 us service, a 200 ms stall of the server from 500 ms.
  Sim sim = Simulate(pacer, clock, 4, microseconds(100), microseconds(10), milliseconds(1000),
                     milliseconds(500), milliseconds(200));
  uint64_t late = 0;
  for (size_t i = 0; i < sim.sent_ns.size(); ++i) {
    EXPECT_EQ(sim.intended_ns[i], static_cast<int64_t>(i) * 1000000);  // schedule never moves
    EXPECT_GE(sim.sent_ns[i], sim.intended_ns[i]);                     // never ahead of it
    late += sim.late[i];
  }
  // Requests due at 500..503 ms went out on time and stalled; those due at 504..700 ms waited
  // for a slot and went out late once the server answered again.
  EXPECT_EQ(late, pacer.late());
  EXPECT_GE(late, 190u);
  EXPECT_LE(late, 210u);                 // and a few due while the backlog drained
  EXPECT_EQ(sim.sent_ns.size(), 1000u);  // the backlog drained; the run is not shortened
}

TEST(PacerTest, DurationBoundsOpenAndClosedLoop) {
  testing::FakeClock clock;
  const auto origin = clock.Monotonic();
  Pacer open(100, 1000, origin, milliseconds(50));
  int n = 0;
  for (auto t = origin; t < origin + milliseconds(200); t += milliseconds(1)) {
    while (open.Next(t)) ++n;
  }
  EXPECT_EQ(n, 5);  // due at 0, 10, 20, 30, 40 ms; 50 ms is the end
  Pacer closed(0, 1000, origin, milliseconds(50));
  auto r = closed.Next(origin + milliseconds(49));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->intended, origin + milliseconds(49));
  EXPECT_FALSE(closed.Next(origin + milliseconds(50)).has_value());
  EXPECT_TRUE(closed.Done(origin + milliseconds(50)));
  Pacer counted(0, 2, origin, milliseconds(0));
  EXPECT_TRUE(counted.Next(origin) && counted.Next(origin));
  EXPECT_FALSE(counted.Next(origin).has_value());
  EXPECT_EQ(counted.released(), 2u);
}

TEST(PacerTest, SlackDecidesLateness) {
  testing::FakeClock clock;
  const auto origin = clock.Monotonic();
  Pacer pacer(1000, 10, origin, milliseconds(0), milliseconds(1));
  EXPECT_FALSE(pacer.Next(origin + milliseconds(1))->late);    // exactly at the slack
  EXPECT_TRUE(pacer.Next(origin + microseconds(2001))->late);  // due at 1 ms, 1.001 ms behind
}

}  // namespace
}  // namespace meshverify
