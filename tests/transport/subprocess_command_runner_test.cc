#include "transport/subprocess_command_runner.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace meshverify {
namespace {

using std::chrono::milliseconds;
using Strings = std::vector<std::string>;

TEST(SubprocessCommandRunnerTest, CapturesStdoutStderrAndExitCode) {
  SubprocessCommandRunner runner;
  Result<CommandResult> r =
      runner.Run({"sh", "-c", "printf 'out\\n'; printf 'err\\n' >&2; exit 3"}, milliseconds(5000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text, "out\n");
  EXPECT_EQ(r->stderr_text, "err\n");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->timed_out);
}

TEST(SubprocessCommandRunnerTest, PassesArgumentsVerbatimWithoutAShell) {
  SubprocessCommandRunner runner;
  const std::string hostile = "a b'c\"$(echo pwned)`id`;\n*";
  Result<CommandResult> r = runner.Run({"printf", "%s", hostile}, milliseconds(5000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text, hostile);
}

TEST(SubprocessCommandRunnerTest, MissingProgramIsUnavailable) {
  SubprocessCommandRunner runner;
  Result<CommandResult> r = runner.Run({"meshverify-no-such-tool"}, milliseconds(5000));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
  EXPECT_EQ(r.status().message(),
            "meshverify-no-such-tool: cannot start: No such file or directory");
}

TEST(SubprocessCommandRunnerTest, AChildPrintingEndlesslyIsStoppedAtTheOutputCap) {
  SubprocessCommandRunner runner;
  auto start = std::chrono::steady_clock::now();
  Result<CommandResult> r = runner.Run({"yes", "pods"}, milliseconds(120000));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
  EXPECT_EQ(r.status().message(),
            "yes pods: printed more than 64 MiB (the child output cap); stopped it");
  EXPECT_LT(took, std::chrono::seconds(60)) << "stopped by the cap, not the timeout";
  // Just under the cap is fine.
  Result<CommandResult> under =
      runner.Run({"head", "-c", std::to_string(SubprocessCommandRunner::kMaxStdoutBytes),
                  "/dev/zero"},
                 milliseconds(60000));
  ASSERT_TRUE(under.ok()) << under.status().ToString();
  EXPECT_EQ(under->stdout_text.size(), SubprocessCommandRunner::kMaxStdoutBytes);
}

TEST(SubprocessCommandRunnerTest, EmptyArgvFails) {
  SubprocessCommandRunner runner;
  EXPECT_FALSE(runner.Run({}, milliseconds(100)).ok());
}

TEST(SubprocessCommandRunnerTest, TimeoutKillsTheWholeProcessGroup) {
  SubprocessCommandRunner runner;
  auto start = std::chrono::steady_clock::now();
  // The background sleep keeps stdout open: only a group kill lets the call return.
  Result<CommandResult> r =
      runner.Run({"sh", "-c", "sleep 30 & echo started; sleep 30"}, milliseconds(300));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->stdout_text, "started\n");
  EXPECT_EQ(r->exit_code, 128 + 15);  // SIGTERM
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(SubprocessCommandRunnerTest, CancelFlagStopsTheChild) {
  std::atomic<bool> cancel{false};
  SubprocessCommandRunner runner(&cancel);
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(200));
    cancel = true;
  });
  auto start = std::chrono::steady_clock::now();
  Result<CommandResult> r = runner.Run({"sleep", "30"}, milliseconds(60000));
  canceller.join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->timed_out);
  EXPECT_NE(r->exit_code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SubprocessCommandRunnerTest, StreamDeliversEveryByteInOrder) {
  SubprocessCommandRunner runner;
  std::string streamed;
  int chunks = 0;
  // 300 KB in several writes, more than one pipe buffer.
  Result<CommandResult> r = runner.Stream(
      {"sh", "-c", "i=0; while [ $i -lt 3000 ]; do printf '%099d\\n' $i; i=$((i+1)); done"},
      milliseconds(20000), [&](std::string_view c) {
        streamed.append(c);
        ++chunks;
      });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_TRUE(r->stdout_text.empty());
  ASSERT_EQ(streamed.size(), 3000u * 100u);
  EXPECT_EQ(streamed.substr(0, 100), std::string(99, '0') + "\n");
  EXPECT_EQ(streamed.substr(2999 * 100, 100), std::string(95, '0') + "2999\n");
  EXPECT_GT(chunks, 1);
}

TEST(SubprocessCommandRunnerTest, ReadsBothPipesWithoutDeadlock) {
  SubprocessCommandRunner runner;
  // 200 KB on each stream at once: a runner that read one pipe to EOF first would block.
  Result<CommandResult> r =
      runner.Run({"sh", "-c", "head -c 200000 /dev/zero >&2 & head -c 200000 /dev/zero; wait"},
                 milliseconds(20000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text.size(), 200000u);
  EXPECT_EQ(r->stderr_text.size(), 200000u);
}

TEST(SubprocessCommandRunnerTest, ChildGetsDefaultSigpipeEvenWhenParentIgnoresIt) {
  struct sigaction old {};
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  SubprocessCommandRunner runner;
  // With SIGPIPE ignored `yes` would print "write error" and exit 1; by default it dies of it.
  Result<CommandResult> r =
      runner.Run({"sh", "-c", "yes | head -n 1 >/dev/null; echo done"}, milliseconds(10000));
  sigaction(SIGPIPE, &old, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text, "done\n");
  EXPECT_EQ(r->stderr_text, "");
}

TEST(SubprocessCommandRunnerTest, ManyThreadsRunIndependentChildren) {
  SubprocessCommandRunner runner;
  constexpr int kThreads = 8;
  std::vector<std::string> outs(kThreads);
  std::vector<int> codes(kThreads, -1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        Result<CommandResult> r = runner.Run(
            {"sh", "-c", "printf %s \"$0\"; exit $1", std::to_string(t), std::to_string(t)},
            milliseconds(10000));
        if (!r.ok()) return;
        outs[t] += r->stdout_text;
        codes[t] = r->exit_code;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(outs[t], std::string(5, static_cast<char>('0' + t)));
    EXPECT_EQ(codes[t], t);
  }
}

}  // namespace
}  // namespace meshverify
