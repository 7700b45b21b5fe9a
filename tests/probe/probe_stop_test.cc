// The in-pod script stops itself (probe.h, BuildProbeScript): killing kubectl does not reach it
// (kubernetes/kubernetes#89031). Run for real under /bin/sh with fake curls: when its stdout
// goes away, when its wall-clock limit passes, and when its main shell dies before the
// flusher (the exec then ends with every result instead of waiting out the deadline).
#include <gtest/gtest.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "meshverify/probe.h"

namespace meshverify::probe {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

// A curl that hangs: becomes `sleep $FAKE_SLEEP` (about 60 s, a number of this test's own).
constexpr char kHangingCurl[] = "#!/bin/sh\nexec sleep \"$FAKE_SLEEP\"\n";

// A curl that answers each URL of its -K config after FAKE_SLOW seconds, as probe_script_test's.
constexpr char kSlowCurl[] = R"SH(#!/bin/sh
while [ $# -gt 0 ]; do
  case $1 in -K) cfg=$2; shift ;; -w) fmt=$2; shift ;; esac
  shift
done
m=${fmt%% W *}
i=0
while read -r key rest; do
  [ "$key" = url ] || continue
  sleep "$FAKE_SLOW"
  printf 'Hello version: v1, instance: hw'
  echo "$m W $i 200 0 0.000100 0.001000 0 31"
  i=$((i + 1))
done < "$cfg"
)SH";

class ProbeStopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/meshverify-probe-stop.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    static int runs = 0;
    sleep_ = "59." + std::to_string(getpid()) + std::to_string(++runs);
  }
  void TearDown() override {
    std::string rm = "rm -rf '" + dir_ + "'";
    (void)system(rm.c_str());
  }
  void InstallCurl(const char* body) {
    std::ofstream(dir_ + "/curl") << body;
    chmod((dir_ + "/curl").c_str(), 0755);
  }
  // Runs `command` (sh -c) with the script in $dir_/probe.sh and the fake curl first in PATH,
  // killed with its whole group after 40 s; returns stdout, sets the elapsed time and status.
  std::string Run(const std::string& script, const std::string& command, double* elapsed_s,
                  int* status) {
    std::ofstream(dir_ + "/probe.sh") << script;
    std::string cmd = "cd '" + dir_ + "' && FAKE_SLEEP=" + sleep_ + " FAKE_SLOW=0.3 PATH='" +
                      dir_ + "':\"$PATH\" timeout -s KILL 40 sh -c '" + command + "'";
    auto t0 = SteadyClock::now();
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
    *status = pclose(p);
    *elapsed_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    return out;
  }
  // How many of this test's hanging curls run (`sleep <sleep_>` in /proc/*/cmdline).
  int CurlsRunning() {
    const std::string want = "sleep" + std::string(1, '\0') + sleep_ + std::string(1, '\0');
    int n = 0;
    FILE* ls = popen("ls /proc", "r");
    char name[64];
    while (fscanf(ls, "%63s", name) == 1) {
      std::ifstream f(std::string("/proc/") + name + "/cmdline", std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      if (ss.str() == want) ++n;
    }
    pclose(ls);
    return n;
  }
  // True when none of this test's hanging curls runs (after up to 2 s).
  bool CurlsGone() {
    for (int i = 0; i < 20; ++i) {
      if (CurlsRunning() == 0) return true;
      usleep(100000);
    }
    return false;
  }
  std::string dir_;
  std::string sleep_;
};

std::string Script(uint64_t count, int concurrency, milliseconds limit) {
  return BuildProbeScript("http://h/", 0, count, concurrency, milliseconds(5000),
                          milliseconds(200), "mv-stop", limit);
}

TEST_F(ProbeStopTest, StopsWithItsCurlsWhenItsReaderGoesAway) {
  InstallCurl(kHangingCurl);
  double elapsed = 0;
  int status = 0;
  // head reads the S and F lines and leaves while the curls hang: the flusher's next
  // heartbeat fails. The curls have started (an F line follows each) and run until then.
  std::string out = Run(Script(8, 2, seconds(0)),
                        "sh probe.sh | (head -n 3; sleep 3)",
                        &elapsed, &status);
  EXPECT_EQ(out, "mv-stop S 0 8\nmv-stop F 0 0 2\nmv-stop F 1 1 2\n");
  EXPECT_LT(elapsed, 10) << "the curls hang for 60 s";
  EXPECT_TRUE(CurlsGone()) << "the curls outlived the probe";
}

TEST_F(ProbeStopTest, StopsAtOnceWithAClosedStdout) {
  InstallCurl(kHangingCurl);
  double elapsed = 0;
  int status = 0;
  Run(Script(8, 2, seconds(0)), "sh probe.sh >&-; echo \"exit $?\" >status", &elapsed, &status);
  EXPECT_LT(elapsed, 10);
  std::ifstream f(dir_ + "/status");
  std::string line;
  std::getline(f, line);
  EXPECT_EQ(line, "exit 74");
}

TEST_F(ProbeStopTest, StopsItselfAndItsCurlsWhenTheWallClockLimitPasses) {
  InstallCurl(kHangingCurl);
  double elapsed = 0;
  int status = 0;
  std::string out = Run(Script(8, 2, seconds(2)), "sh probe.sh 2>err; echo \"exit $?\" >status",
                        &elapsed, &status);
  EXPECT_LT(elapsed, 15) << "the curls hang for 60 s; the limit is 2 s";
  EXPECT_GE(elapsed, 1.5);
  std::ifstream f(dir_ + "/status");
  std::string line;
  std::getline(f, line);
  EXPECT_EQ(line, "exit 143");
  std::ifstream e(dir_ + "/err");
  std::getline(e, line);
  EXPECT_EQ(line, "meshverify: the probe's wall-clock limit (2s) passed; stopping");
  EXPECT_TRUE(CurlsGone());
  EXPECT_EQ(out.find("mv-stop E"), std::string::npos) << out;
}

TEST_F(ProbeStopTest, AFlusherThatOutlivesItsShellEndsTheExecWithEveryResult) {
  InstallCurl(kSlowCurl);
  double elapsed = 0;
  int status = 0;
  // 4 requests on 2 curls, 0.6 s; the main shell is killed after 0.3 s. The limit (30 s) is what
  // would end the exec without the flusher's own check.
  std::string out = Run(Script(4, 2, seconds(30)),
                        "sh probe.sh & main=$!; sleep 0.3; kill -9 $main", &elapsed, &status);
  EXPECT_LT(elapsed, 10) << out;
  std::vector<ProbeRecord> records;
  FrameParser parser("mv-stop", ProbeSource{}, 1 << 16,
                     [&](ProbeRecord&& r) { records.push_back(std::move(r)); });
  parser.Expect(0, 4);
  parser.Feed(out);
  EXPECT_TRUE(parser.ok()) << parser.error();
  EXPECT_EQ(parser.next_seq(), 4u) << out;
  ASSERT_EQ(records.size(), 4u) << out;
  for (const ProbeRecord& r : records) EXPECT_EQ(r.body, "Hello version: v1, instance: hw");
}

}  // namespace
}  // namespace meshverify::probe
