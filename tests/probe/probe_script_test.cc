// The generated in-pod script, run for real with /bin/sh: against a fake curl (interleaved
// completions, multi-line bodies holding the marker, failures) and against the real curl with
// a hostile URL (file://, no network).
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "meshverify/probe.h"

namespace meshverify::probe {
namespace {

using std::chrono::milliseconds;

std::string MakeTempDir() {
  char tmpl[] = "/tmp/meshverify-probe-test.XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d == nullptr ? "" : d;
}

// Runs `sh -c script` with `path_prefix` first in PATH; returns stdout.
std::string RunSh(const std::string& script, const std::string& path_prefix, int* status) {
  std::string dir = MakeTempDir();
  std::string file = dir + "/script.sh";
  std::ofstream(file) << script;
  std::string cmd = "PATH='" + path_prefix + "':\"$PATH\" /bin/sh " + file;
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  *status = pclose(p);
  std::string rm = "rm -rf '" + dir + "'";
  (void)system(rm.c_str());
  return out;
}

// A fake curl: reads the -K config, answers the transfers in reverse order (as a parallel
// run may), with multi-line bodies that contain the marker and framing-like lines.
constexpr char kFakeCurl[] = R"SH(#!/bin/sh
while [ $# -gt 0 ]; do
  case $1 in -K) cfg=$2; shift ;; -w) fmt=$2; shift ;; --parallel-max) max=$2; shift ;; esac
  shift
done
[ -n "$FAKE_CURL_LOG" ] && cp "$cfg" "$FAKE_CURL_LOG"
m=${fmt%% W *}
files=""
while read -r key eq val; do
  case $key in output) f=${val#\"}; f=${f%\"}; files="$f $files" ;; esac
done < "$cfg"
for f in $files; do
  seq=$(expr "$f" + 0)
  code=200; ex=0
  case $((seq % 4)) in
    0) printf 'Hello version: v1, instance: hw-%s\n%s E\n%s S 0 1\n' "$seq" "$m" "$m" > "$f" ;;
    1) printf 'Hello version: v2, instance: hw-%s' "$seq" > "$f" ;;
    2) : > "$f"; code=503 ;;
    3) code=000; ex=7 ;;
  esac
  size=0; [ -f "$f" ] && size=$(wc -c < "$f")
  echo "$m W $f $code $ex 0.000100 0.001000 $((seq % 2)) $size"
done
exit 0
)SH";

class ProbeScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = MakeTempDir();
    ASSERT_FALSE(bin_.empty());
    std::ofstream(bin_ + "/curl") << kFakeCurl;
    chmod((bin_ + "/curl").c_str(), 0755);
  }
  void TearDown() override {
    std::string rm = "rm -rf '" + bin_ + "'";
    (void)system(rm.c_str());
  }
  std::string bin_;
};

std::string ExpectedBody(uint64_t seq, const std::string& m) {
  switch (seq % 4) {
    case 0:
      return "Hello version: v1, instance: hw-" + std::to_string(seq) + "\n" + m + " E\n" + m +
             " S 0 1\n";
    case 1:
      return "Hello version: v2, instance: hw-" + std::to_string(seq);
    default:
      return "";
  }
}

TEST_F(ProbeScriptTest, EveryRequestComesBackOnceWithItsOwnBody) {
  const std::string m = "meshverify-probe:";
  int status = 0;
  // 37 requests from seq 100, in chunks of 16 (concurrency 16): 3 blocks, the last one short.
  std::string out = RunSh(BuildProbeScript("http://helloworld.sample:5000/hello", 100, 37, 16, 16,
                                           milliseconds(5000), m),
                          bin_, &status);
  EXPECT_EQ(status, 0);
  std::vector<ProbeRecord> records;
  FrameParser p(m, ExecTarget{"c1", "", "", "ns", "pod", "sleep"}, 1 << 16,
                [&](ProbeRecord&& r) { records.push_back(std::move(r)); });
  for (size_t i = 0; i < out.size(); i += 13) p.Feed(std::string_view(out).substr(i, 13));
  ASSERT_TRUE(p.ok()) << p.error() << "\n" << out;
  EXPECT_FALSE(p.in_block());
  ASSERT_EQ(records.size(), 37u);
  for (uint64_t i = 0; i < 37; ++i) {
    const ProbeRecord& r = records[i];
    uint64_t seq = 100 + i;
    EXPECT_EQ(r.seq, seq);
    EXPECT_EQ(r.body, ExpectedBody(seq, m)) << seq;
    EXPECT_EQ(r.http_code, seq % 4 == 3 ? 0 : seq % 4 == 2 ? 503 : 200) << seq;
    EXPECT_EQ(r.curl_exit, seq % 4 == 3 ? 7 : 0) << seq;
    EXPECT_EQ(r.new_connection, seq % 2 == 1) << seq;
    EXPECT_TRUE(r.error.empty());
  }
}

TEST_F(ProbeScriptTest, HostileUrlReachesCurlConfigQuotedAndRunsNothing) {
  std::string dir = MakeTempDir();
  std::string log = dir + "/cfg";
  std::string witness = dir + "/pwned";
  std::string url = "http://h/a'b\"c\\d $(touch " + witness + ") `touch " + witness + "`\nx";
  int status = 0;
  std::string script = "FAKE_CURL_LOG='" + log + "'; export FAKE_CURL_LOG\n" +
                       BuildProbeScript(url, 0, 1, 1, 1, milliseconds(1000), "mv:");
  RunSh(script, bin_, &status);
  std::ifstream f(log);
  std::string first;
  std::getline(f, first);
  EXPECT_EQ(first, "url = " + CurlConfigQuote(url));
  EXPECT_NE(access(witness.c_str(), F_OK), 0) << "a command in the URL ran";
  std::string rm = "rm -rf '" + dir + "'";
  (void)system(rm.c_str());
}

TEST(ProbeScriptRealCurlTest, RealCurlReadsTheQuotedUrlAndFramesItsBody) {
  // file:// needs no network; the file name carries shell and curl-config metacharacters.
  std::string dir = MakeTempDir();
  std::string name = "it's \"quoted\" $(x) `y` \\z";
  std::ofstream(dir + "/" + name) << "Hello version: v9, instance: file\nmeshverify-probe: E\n";
  std::string encoded;
  for (char c : name) {
    if (c == ' ')
      encoded += "%20";
    else if (c == '"')
      encoded += "%22";
    else if (c == '`')
      encoded += "%60";
    else if (c == '\\')
      encoded += "%5C";
    else
      encoded += c;
  }
  std::string url = "file://" + dir + "/" + encoded;
  int status = 0;
  std::string out =
      RunSh(BuildProbeScript(url, 0, 3, 2, 2, milliseconds(5000), "meshverify-probe:"),
            "/nonexistent", &status);
  std::vector<ProbeRecord> records;
  FrameParser p("meshverify-probe:", ExecTarget{}, 1 << 16,
                [&](ProbeRecord&& r) { records.push_back(std::move(r)); });
  p.Feed(out);
  ASSERT_TRUE(p.ok()) << p.error() << "\n" << out;
  ASSERT_EQ(records.size(), 3u) << out;
  for (const ProbeRecord& r : records) {
    EXPECT_EQ(r.curl_exit, 0) << out;
    EXPECT_EQ(r.body, "Hello version: v9, instance: file\nmeshverify-probe: E\n");
  }
  std::string rm = "rm -rf '" + dir + "'";
  (void)system(rm.c_str());
}

TEST(ShellQuoteTest, SurvivesTheShell) {
  for (std::string s : {std::string("plain"), std::string(""), std::string("a'b"),
                        std::string("'$(id)' `id` \"x\" \\ \n; rm -rf /tmp/nothing &")}) {
    int status = 0;
    std::string out = RunSh("printf %s " + ShellQuote(s), "/nonexistent", &status);
    EXPECT_EQ(out, s);
  }
}

TEST(ExecArgvTest, PodAndNamespaceAreSeparateWordsBeforeTheScript) {
  ExecTarget t{"cluster1", "kind-cluster1", "/k/conf", "sam ple", "sleep-'$(x)", "sleep"};
  std::vector<std::string> argv = ExecArgv(t, "SCRIPT");
  std::vector<std::string> want = {"kubectl",      "exec",    "-n",          "sam ple",
                                   "-c",           "sleep",   "--context",   "kind-cluster1",
                                   "--kubeconfig", "/k/conf", "sleep-'$(x)", "--",
                                   "sh",           "-c",      "SCRIPT"};
  EXPECT_EQ(argv, want);
}

}  // namespace
}  // namespace meshverify::probe
