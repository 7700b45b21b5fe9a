// The generated in-pod script, run for real with /bin/sh: against a fake curl (interleaved
// completions, multi-line bodies holding the marker, failures) and against the real curl with
// a hostile URL (file://, no network).
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
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

// Runs `shell script` with `path_prefix` first in PATH; returns stdout.
std::string RunSh(const std::string& script, const std::string& path_prefix, int* status,
                  const std::string& shell = "/bin/sh") {
  std::string dir = MakeTempDir();
  std::string file = dir + "/script.sh";
  std::ofstream(file) << script;
  std::string cmd = "PATH='" + path_prefix + "':\"$PATH\" " + shell + " " + file;
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

// A fake curl that behaves as the real one does with -K and --parallel-max 1: one transfer
// after another, each writing its body and then the -w line to stdout. It finds its requests
// from its output file's name (out<j>) and FAKE_S, FAKE_C (the script's first request and
// concurrency); the bodies hold framing-like lines: another marker's and the real marker cut
// short by one letter. FAKE_SLOW makes every transfer take a little while.
constexpr char kFakeCurl[] = R"SH(#!/bin/sh
while [ $# -gt 0 ]; do
  case $1 in -K) cfg=$2; shift ;; -w) fmt=$2; shift ;; esac
  shift
done
[ -n "$FAKE_CURL_LOG" ] && cp "$cfg" "$FAKE_CURL_LOG"
m=${fmt%% W *}
out=$(readlink /proc/$$/fd/1); j=${out##*/out}
i=0; ex=0
while read -r key rest; do
  [ "$key" = url ] || continue
  seq=$((FAKE_S + j + i * FAKE_C))
  code=200; ex=0; size=0
  [ -n "$FAKE_SLOW" ] && sleep "$FAKE_SLOW"
  case $((seq % 4)) in
    0) body=$(printf 'Hello version: v1, instance: hw-%s\nmeshverify-probe: E\n%s W 0 200 0 0 0 1 0\nx' "$seq" "${m%?}")
       printf '%s' "$body"; size=${#body} ;;
    1) printf 'Hello version: v2, instance: hw-%s' "$seq"; size=$(printf 'Hello version: v2, instance: hw-%s' "$seq" | wc -c) ;;
    2) code=503 ;;
    3) code=000; ex=7 ;;
  esac
  new=0; [ "$i" -eq 0 ] && new=1
  echo "$m W $i $code $ex 0.000100 0.001000 $new $size"
  i=$((i + 1))
done < "$cfg"
exit $ex
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
      return "Hello version: v1, instance: hw-" + std::to_string(seq) + "\nmeshverify-probe: E\n" +
             m.substr(0, m.size() - 1) + " W 0 200 0 0 0 1 0\nx";
    case 1:
      return "Hello version: v2, instance: hw-" + std::to_string(seq);
    default:
      return "";
  }
}

// Runs the script over [first, first + count) with the fake curl; parses what it prints.
std::vector<ProbeRecord> RunProbe(const std::string& bin, uint64_t first, uint64_t count, int c,
                                  const std::string& env, std::string* out,
                                  const std::string& shell = "/bin/sh") {
  const std::string m = RandomMarker();
  int status = 0;
  *out = RunSh("FAKE_S=" + std::to_string(first) + "; FAKE_C=" + std::to_string(c) + "; " + env +
                   "export FAKE_S FAKE_C FAKE_SLOW\n" +
                   BuildProbeScript("http://helloworld.sample:5000/hello", first, count, c,
                                    milliseconds(5000), milliseconds(200), m),
               bin, &status, shell);
  EXPECT_EQ(status, 0);
  std::vector<ProbeRecord> records;
  FrameParser p(m, ProbeSource{"c1", "pod", "", "", "ns", "sleep"}, 1 << 16,
                [&](ProbeRecord&& r) { records.push_back(std::move(r)); });
  for (size_t i = 0; i < out->size(); i += 13) p.Feed(std::string_view(*out).substr(i, 13));
  EXPECT_TRUE(p.ok()) << p.error() << "\n" << *out;
  EXPECT_FALSE(p.in_block());
  for (const ProbeRecord& r : records) {
    uint64_t seq = r.seq;
    EXPECT_EQ(r.body, ExpectedBody(seq, m)) << seq;
    EXPECT_EQ(r.http_code, seq % 4 == 3 ? 0 : seq % 4 == 2 ? 503 : 200) << seq;
    EXPECT_EQ(r.curl_exit, seq % 4 == 3 ? 7 : 0) << seq;
    EXPECT_EQ(r.new_connection, seq - first < static_cast<uint64_t>(c)) << seq;
    EXPECT_TRUE(r.error.empty());
  }
  return records;
}

TEST_F(ProbeScriptTest, EveryRequestComesBackOnceWithItsOwnBodyAtConcurrency16) {
  std::string out;
  // 77 requests from seq 100 over 16 curls: 13 curls with 5 requests, 3 with 4.
  std::vector<ProbeRecord> records = RunProbe(bin_, 100, 77, 16, "", &out);
  ASSERT_EQ(records.size(), 77u);
  for (uint64_t i = 0; i < 77; ++i) EXPECT_EQ(records[i].seq, 100 + i);
}

TEST_F(ProbeScriptTest, ResultsStreamWhileTheCurlsRun) {
  std::string out;
  // Each transfer takes 0.05 s, so 20 requests per curl take 1 s: several flushes of 0.2 s.
  std::vector<ProbeRecord> records = RunProbe(bin_, 0, 40, 2, "FAKE_SLOW=0.05; ", &out);
  ASSERT_EQ(records.size(), 40u);
  for (uint64_t i = 0; i < 40; ++i) EXPECT_EQ(records[i].seq, i);
  size_t pieces = 0;
  for (size_t at = out.find(" D 0 "); at != std::string::npos; at = out.find(" D 0 ", at + 1)) {
    ++pieces;
  }
  EXPECT_GE(pieces, 3u) << out;
}

// Istio's sleep sample runs curlimages/curl: busybox ash and busybox tools. The same run there.
TEST_F(ProbeScriptTest, RunsUnderBusyboxAshWithBusyboxTools) {
  if (access("/usr/bin/busybox", X_OK) != 0 && access("/bin/busybox", X_OK) != 0) {
    GTEST_SKIP() << "busybox is not installed (scripts/deps.sh installs it)";
  }
  std::string tools = MakeTempDir();
  for (const char* tool :
       {"sh", "wc", "head", "tail", "sleep", "mktemp", "rm", "cat", "readlink", "cp", "printf"}) {
    ASSERT_EQ(symlink(access("/usr/bin/busybox", X_OK) == 0 ? "/usr/bin/busybox" : "/bin/busybox",
                      (tools + "/" + tool).c_str()),
              0);
  }
  std::string out;
  std::vector<ProbeRecord> records =
      RunProbe(bin_ + "':'" + tools, 7, 50, 3, "FAKE_SLOW=0.02; ", &out, tools + "/sh");
  ASSERT_EQ(records.size(), 50u);
  for (uint64_t i = 0; i < 50; ++i) EXPECT_EQ(records[i].seq, 7 + i);
  std::string rm = "rm -rf '" + tools + "'";
  (void)system(rm.c_str());
}

TEST_F(ProbeScriptTest, NoWritableTempDirExits71WithoutOutput) {
  std::ofstream(bin_ + "/mktemp") << "#!/bin/sh\nexit 1\n";
  chmod((bin_ + "/mktemp").c_str(), 0755);
  int status = 0;
  std::string out =
      RunSh(BuildProbeScript("http://h/", 0, 4, 2, milliseconds(1000), milliseconds(1000), "mv:"),
            bin_, &status);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 71);
  EXPECT_EQ(out, "");
}

TEST_F(ProbeScriptTest, HostileUrlReachesCurlConfigQuotedAndRunsNothing) {
  std::string dir = MakeTempDir();
  std::string log = dir + "/cfg";
  std::string witness = dir + "/pwned";
  std::string url = "http://h/a'b\"c\\d $(touch " + witness + ") `touch " + witness + "`\nx";
  int status = 0;
  std::string script =
      "FAKE_CURL_LOG='" + log + "'; FAKE_S=0; FAKE_C=1\n" + "export FAKE_CURL_LOG FAKE_S FAKE_C\n" +
      BuildProbeScript(url, 0, 1, 1, milliseconds(1000), milliseconds(1000), "mv:");
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
      RunSh(BuildProbeScript(url, 0, 3, 2, milliseconds(5000), milliseconds(1000), "meshverify-x"),
            "/nonexistent", &status);
  std::vector<ProbeRecord> records;
  FrameParser p("meshverify-x", ProbeSource{}, 1 << 16,
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

TEST(ProbeScriptBodyTest, IsSrcProbeProbeShAsEmbeddedAtBuildTime) {
  std::ifstream f(std::string(MESHVERIFY_SOURCE_DIR) + "/src/probe/probe.sh", std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(ProbeScriptBody(), file);
  std::string script =
      BuildProbeScript("http://h/", 3, 4, 2, milliseconds(1500), milliseconds(1000), "mv-1");
  EXPECT_EQ(script.substr(0, script.find('\n') + 1),
            "marker='mv-1'; url_config='\"http://h/\"'; first_seq=3; end_seq=7; concurrency=2; "
            "timeout_s=1.500; flush_s=1\n");
  EXPECT_EQ(script.substr(script.find('\n') + 1), file);
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
  ProbeSource t{"cluster1", "sleep-'$(x)", "kind-cluster1", "/k/conf", "sam ple", "sleep"};
  std::vector<std::string> argv = ExecArgv(t, "SCRIPT");
  std::vector<std::string> want = {"kubectl",      "exec",    "-n",          "sam ple",
                                   "-c",           "sleep",   "--context",   "kind-cluster1",
                                   "--kubeconfig", "/k/conf", "sleep-'$(x)", "--",
                                   "sh",           "-c",      "SCRIPT"};
  EXPECT_EQ(argv, want);
}

// The real curl's path, found before the test's wrapper is first on PATH.
std::string RealCurl() {
  FILE* p = popen("command -v curl", "r");
  char buf[512] = {0};
  if (p == nullptr) return "curl";
  const bool got = fgets(buf, sizeof(buf), p) != nullptr;
  pclose(p);
  std::string path = got ? buf : "";
  while (!path.empty() && path.back() == '\n') path.pop_back();
  return path.empty() ? "/usr/bin/curl" : path;
}

TEST(ProbeScriptRealCurlTest, PacedScriptRunsEachCurlWithItsRateAndFramesEveryRequest) {
  // The real curl under a wrapper that logs its arguments; file:// needs no network.
  std::string dir = MakeTempDir();
  std::ofstream(dir + "/answer") << "Hello version: v1, instance: paced\n";
  std::ofstream(dir + "/curl") << "#!/bin/sh\nprintf '%s\\n' \"$*\" >>'" << dir << "/args'\n"
                               << "exec \"$REAL_CURL\" \"$@\"\n";
  chmod((dir + "/curl").c_str(), 0755);
  int status = 0;
  std::string out =
      RunSh("REAL_CURL=" + RealCurl() + "; export REAL_CURL\n" +
                BuildPacedProbeScript("file://" + dir + "/answer", 10, 7, 3, milliseconds(5000),
                                      milliseconds(100), "meshverify-p", 300),
            dir, &status);
  EXPECT_EQ(status, 0) << out;
  std::vector<ProbeRecord> records;
  FrameParser p("meshverify-p", ProbeSource{}, 1 << 16,
                [&](ProbeRecord&& r) { records.push_back(std::move(r)); });
  p.Expect(10, 17);
  p.Feed(out);
  ASSERT_TRUE(p.ok()) << p.error() << "\n" << out;
  ASSERT_EQ(records.size(), 7u) << out;
  for (uint64_t i = 0; i < 7; ++i) {
    EXPECT_EQ(records[i].seq, 10 + i);
    EXPECT_EQ(records[i].curl_exit, 0) << out;
    EXPECT_EQ(records[i].body, "Hello version: v1, instance: paced\n");
  }
  // 300/s over 3 curls: 100/s each, 360000 an hour; serial transfers (--rate has no effect
  // with --parallel).
  std::ifstream f(dir + "/args");
  std::string line;
  int curls = 0;
  while (std::getline(f, line)) {
    ++curls;
    EXPECT_NE(line.find("--rate 360000/h"), std::string::npos) << line;
    EXPECT_EQ(line.find("--parallel"), std::string::npos) << line;
  }
  EXPECT_EQ(curls, 3);
  std::string rm = "rm -rf '" + dir + "'";
  (void)system(rm.c_str());
}

}  // namespace
}  // namespace meshverify::probe
