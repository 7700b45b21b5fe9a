// The exec-mode preflight (probe.h): the script run for real under /bin/sh with and without
// curl, ReadPreflight on what pods print, and max_parallel bounding execs at once.
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_command_runner.h"
#include "fakes/fake_probe_output.h"
#include "meshverify/probe.h"

namespace meshverify::probe {
namespace {

using meshverify::testing::FakeClock;
using meshverify::testing::FakeCommandRunner;

const ProbeSource kSource{"cluster1", "sleep-1", "kind-cluster1", "", "sample", "sleep"};

// Runs the preflight with only `path` as PATH; returns what the pod would send back.
CommandResult RunPreflight(const std::string& path) {
  std::ofstream(path + "/preflight.sh") << PreflightScript("mv-pre");
  std::string cmd = "PATH='" + path + "' /bin/sh '" + path + "/preflight.sh'";
  FILE* p = popen(cmd.c_str(), "r");
  CommandResult r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.stdout_text.append(buf, n);
  r.exit_code = pclose(p) == 0 ? 0 : 1;
  return r;
}

// A dir of busybox tools (no curl), plus a fake curl printing `version` when not empty.
std::string Tools(const std::string& version) {
  char tmpl[] = "/tmp/meshverify-preflight.XXXXXX";
  std::string dir = mkdtemp(tmpl);
  const char* bb = access("/usr/bin/busybox", X_OK) == 0 ? "/usr/bin/busybox" : "/bin/busybox";
  for (const char* tool : {"head", "mktemp", "rm"}) symlink(bb, (dir + "/" + tool).c_str());
  if (!version.empty()) {
    std::ofstream(dir + "/curl") << "#!/bin/sh\necho '" << version << "'\n";
    chmod((dir + "/curl").c_str(), 0755);
  }
  return dir;
}

TEST(PreflightTest, FindsShCurlAndATempDirWhereTheyAre) {
  std::string tools = Tools("curl 8.11.1 (x86_64-pc-linux-musl) libcurl/8.11.1");
  PreflightResult r = ReadPreflight(kSource, "mv-pre", RunPreflight(tools));
  EXPECT_TRUE(r.problems.empty()) << r.problems[0];
  EXPECT_EQ(r.found, "sh, curl 8.11, temp dir /dev/shm");
  std::string rm = "rm -rf '" + tools + "'";
  (void)system(rm.c_str());
}

TEST(PreflightTest, AMissingOrOldCurlIsOneProblemWithItsHint) {
  std::string none = Tools("");
  PreflightResult r = ReadPreflight(kSource, "mv-pre", RunPreflight(none));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0], "cluster1/sleep-1 (container sleep): curl is not installed (every "
                           "request would fail, exit 127)");
  ASSERT_EQ(r.hints.size(), 1u);
  std::string old = Tools("curl 7.68.0 (x86_64-pc-linux-gnu) libcurl/7.68.0");
  r = ReadPreflight(kSource, "mv-pre", RunPreflight(old));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0], "cluster1/sleep-1 (container sleep): curl 7.68.0 is older than curl "
                           "7.75 (needs %{exitcode} and %{urlnum})");
  std::string rm = "rm -rf '" + none + "' '" + old + "'";
  (void)system(rm.c_str());
}

TEST(PreflightTest, NoTempDirAndNoShAreProblemsToo) {
  CommandResult no_tmp = FakeCommandRunner::Ok("mv-pre sh ok\nmv-pre curl curl 8.1.2 (x)\n"
                                               "mv-pre tmp missing\n");
  PreflightResult r = ReadPreflight(kSource, "mv-pre", no_tmp);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0],
            "cluster1/sleep-1 (container sleep): no writable temp dir (/dev/shm, $TMPDIR, /tmp)");
  EXPECT_NE(r.hints[0].find("emptyDir"), std::string::npos);
  CommandResult no_sh = FakeCommandRunner::Fail(
      126, "OCI runtime exec failed: exec: \"sh\": executable file not found in $PATH\n");
  r = ReadPreflight(kSource, "mv-pre", no_sh);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0],
            "cluster1/sleep-1 (container sleep): cannot run sh in the pod (exit 126: OCI runtime "
            "exec failed: exec: \"sh\": executable file not found in $PATH)");
  // A forged line of another marker counts for nothing.
  r = ReadPreflight(kSource, "mv-pre", FakeCommandRunner::Ok("other sh ok\n"));
  EXPECT_EQ(r.problems.size(), 1u);
}

// Eight sources at once through a prober allowing two execs: never more than two run.
TEST(ExecProberTest, MaxParallelBoundsTheExecsRunningAtOnce) {
  std::atomic<int> running{0}, peak{0};
  FakeCommandRunner runner;
  runner.On(FakeCommandRunner::Prefix({"kubectl", "exec"}),
            [&](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
              int now = ++running;
              for (int seen = peak.load(); now > seen && !peak.compare_exchange_weak(seen, now);) {
              }
              std::this_thread::sleep_for(std::chrono::milliseconds(20));
              --running;
              auto pre = meshverify::testing::FakePreflightOutput(argv.back());
              if (pre) return FakeCommandRunner::Ok(*pre);
              auto p = meshverify::testing::ParseProbeScript(argv.back());
              return FakeCommandRunner::Ok(meshverify::testing::FramedProbeOutput(
                  *p, [](uint64_t) { return meshverify::testing::FakeAnswer{200, 0, "x"}; }));
            });
  FakeClock clock;
  ExecOptions options;
  options.max_parallel = 2;
  ExecProber prober(runner, clock, options);
  std::vector<ProbeSource> sources(8, kSource);
  std::vector<std::thread> threads;
  for (const ProbeSource& s : sources) {
    threads.emplace_back([&prober, &s] { EXPECT_TRUE(prober.Preflight(s, nullptr).problems.empty()); });
  }
  for (std::thread& t : threads) t.join();
  ProbeSpec spec;
  spec.url = "http://h/";
  spec.requests = 10;
  std::vector<RecordSink> sinks(8, [](ProbeRecord&&) {});
  std::vector<ProbeOutcome> out = ProbeEverySource(prober, sources, spec, nullptr, sinks);
  for (const ProbeOutcome& o : out) EXPECT_EQ(o.requests, 10u);
  EXPECT_LE(peak.load(), 2);
  EXPECT_LE(prober.peak_parallel(), 2);
  EXPECT_GE(prober.peak_parallel(), 1);
}

}  // namespace
}  // namespace meshverify::probe
