// Variations of the real-world pastes (endpoints_realworld_test.cc) written for these tests:
// other widths, IPv6, other cluster names and placeholders, so that the parsers read the
// kinds of paste, not the sample files.
#include <gtest/gtest.h>

#include "meshverify/endpoints.h"
#include "parse/endpoints_internal.h"
#include "parse/endpoints_test_util.h"

namespace meshverify {
namespace {

using testing_endpoints::ExpectRows;

EndpointView Parse(std::string_view text, EndpointFormat fmt = EndpointFormat::kAuto) {
  Result<EndpointView> v = ParseEndpointView(text, fmt, "p.txt");
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : EndpointView{};
}

constexpr char kCutOff[] =
    "row ends before its CLUSTER column (cut off?): kept with no Envoy cluster";

// Rows without a header at other widths, IPv6 with and without brackets, a unix:// row (the
// one that sets the 33-wide column in istio/istio#35082), a bare IP (port 0), another cluster.
TEST(EndpointPastesTest, HeaderlessRowsAtAnyWidthWithIpv6AndPortlessAddresses) {
  const char* kDb = "outbound|5432||db.prod.svc.cluster.local";
  EndpointView v = Parse(
      "10.1.2.3:5432            HEALTHY     OK                "
      "outbound|5432||db.prod.svc.cluster.local\n"
      "fd00:10:244::5:5432      UNHEALTHY   OK                "
      "outbound|5432||db.prod.svc.cluster.local\n"
      "[fd00:10:241::7]:5432    HEALTHY     FAILED            "
      "outbound|5432||db.prod.svc.cluster.local\n"
      "unix://./etc/istio/proxy/SDS     HEALTHY     OK                sds-grpc\n"
      "10.1.2.4                 DRAINING    OK                "
      "outbound|5432||db.prod.svc.cluster.local\n");
  ExpectRows(v.endpoints, {{"10.1.2.3", 5432, "HEALTHY", false, kDb},
                           {"fd00:10:244::5", 5432, "UNHEALTHY", false, kDb},
                           {"fd00:10:241::7", 5432, "HEALTHY", true, kDb},
                           {"unix://./etc/istio/proxy/SDS", 0, "HEALTHY", false, "sds-grpc"},
                           {"10.1.2.4", 0, "DRAINING", false, kDb}});
  EXPECT_TRUE(v.warnings.empty());
}

// A header-less IPv6 row holds "::" like Envoy's /clusters text: detection must not mistake it.
TEST(EndpointPastesTest, HeaderlessIpv6FirstRowIsATable) {
  std::string text = "fd00::1:80     HEALTHY     OK     outbound|80||a.b.svc.cluster.local\n";
  EXPECT_EQ(DetectEndpointFormat(text), EndpointFormat::kIstioctlTable);
  EXPECT_EQ(Parse(text).format, EndpointFormat::kIstioctlTable);
  EXPECT_EQ(Parse(text, EndpointFormat::kEdsTable).format, EndpointFormat::kEdsTable);
  ExpectRows(Parse(text).endpoints,
             {{"fd00::1", 80, "HEALTHY", false, "outbound|80||a.b.svc.cluster.local"}});
}

// Chat tools collapse runs of spaces; tabs come from terminals. Rows are read by their words.
TEST(EndpointPastesTest, RowsRespacedWithSingleSpacesOrTabs) {
  EndpointView v = Parse(
      "ENDPOINT STATUS OUTLIER CHECK CLUSTER\n"
      "10.0.0.1:80 HEALTHY FAILED outbound|80||x\n"
      "10.0.0.2:80\tHEALTHY\tOK\toutbound|80||x\n");
  ExpectRows(v.endpoints, {{"10.0.0.1", 80, "HEALTHY", true, "outbound|80||x"},
                           {"10.0.0.2", 80, "HEALTHY", false, "outbound|80||x"}});
}

// The pre-1.1 table at another width, with IPv6, and the same rows without their header.
TEST(EndpointPastesTest, ThreeColumnTableWithAndWithoutHeader) {
  const char* rows =
      "fd00::a:9080          UNHEALTHY   outbound|9080||reviews.default.svc.cluster.local\n"
      "10.0.0.9:9080         HEALTHY     outbound|9080||reviews.default.svc.cluster.local\n";
  for (std::string text :
       {std::string("ENDPOINT              STATUS      CLUSTER\n") + rows, std::string(rows)}) {
    EndpointView v = Parse(text);
    ExpectRows(
        v.endpoints,
        {{"fd00::a", 9080, "UNHEALTHY", false, "outbound|9080||reviews.default.svc.cluster.local"},
         {"10.0.0.9", 9080, "HEALTHY", false, "outbound|9080||reviews.default.svc.cluster.local"}});
  }
}

// Quote prefixes every line shares: "# " (comments), "> " (Markdown quotes), indentation; and
// blank lines (or a lone "#") before, between and after, with CRLF.
TEST(EndpointPastesTest, SharedPrefixesBlankLinesAndCrlf) {
  for (const char* text : {
           "#\r\n# ENDPOINT          STATUS      OUTLIER CHECK     CLUSTER\r\n"
           "# 10.9.0.1:8080     HEALTHY     OK                outbound|8080||web.shop\r\n#\r\n",
           "> ENDPOINT          STATUS      OUTLIER CHECK     CLUSTER\n"
           ">\n"
           "> 10.9.0.1:8080     HEALTHY     OK                outbound|8080||web.shop\n",
           "\n\n\n    10.9.0.1:8080     HEALTHY     OK                outbound|8080||web.shop\n\n",
           "#10.9.0.1:8080  HEALTHY  OK  outbound|8080||web.shop\n",
       }) {
    SCOPED_TRACE(text);
    EXPECT_EQ(DetectEndpointFormat(text), EndpointFormat::kIstioctlTable);
    ExpectRows(Parse(text).endpoints,
               {{"10.9.0.1", 8080, "HEALTHY", false, "outbound|8080||web.shop"}});
  }
  // Envoy /clusters text and the eds table quoted the same way.
  EndpointView text =
      Parse("# c1::10.0.0.1:80::health_flags::healthy\n# c1::10.0.0.1:80::weight::3\n");
  ExpectRows(text.endpoints, {{"10.0.0.1", 80, "HEALTHY", false, "c1"}});
  EXPECT_EQ(text.endpoints[0].weight, 3u);
  EndpointView eds = Parse(
      "  NAME              STATUS      LOCALITY          CLUSTER\n"
      "  10.0.0.2:80       HEALTHY     eu-west1/b        outbound|80||x\n");
  ASSERT_EQ(eds.endpoints.size(), 1u);
  EXPECT_EQ(eds.endpoints[0].locality, "eu-west1/b");
}

// A prefix only some lines have is not stripped (those lines are then not rows).
TEST(EndpointPastesTest, PrefixOnSomeLinesOnlyIsNotStripped) {
  auto r = ParseEndpointView("10.0.0.1:80  HEALTHY  OK  c\n# 10.0.0.2:80  HEALTHY  OK  c\n",
                             EndpointFormat::kAuto, "p.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "p.txt:2: unknown STATUS '10.0.0.2:80' "
            "(want UNKNOWN|HEALTHY|UNHEALTHY|DRAINING|TIMEOUT|DEGRADED)");
}

// The eds table without its header, with and without a locality.
TEST(EndpointPastesTest, HeaderlessEdsRowsWithLocality) {
  EndpointView v = Parse(
      "10.244.0.8:80        HEALTHY     us-central1/us-central1-a     outbound|80||echo\n"
      "10.244.0.9:80        DEGRADED                                  outbound|80||echo\n");
  ExpectRows(v.endpoints, {{"10.244.0.8", 80, "HEALTHY", false, "outbound|80||echo"},
                           {"10.244.0.9", 80, "DEGRADED", false, "outbound|80||echo"}});
  EXPECT_EQ(v.endpoints[0].locality, "us-central1/us-central1-a");
  EXPECT_EQ(v.endpoints[1].locality, "");
}

// Two listings pasted one after the other (two pods, or two runs): both headers are read.
TEST(EndpointPastesTest, SeveralListingsOneAfterTheOther) {
  EndpointView v = Parse(
      "ENDPOINT            STATUS      OUTLIER CHECK     CLUSTER\n"
      "10.0.0.1:80         HEALTHY     OK                c\n"
      "\n"
      "ENDPOINT                    STATUS      OUTLIER CHECK     CLUSTER\n"
      "192.168.10.200:15443        HEALTHY     OK                c\n");
  ExpectRows(v.endpoints, {{"10.0.0.1", 80, "HEALTHY", false, "c"},
                           {"192.168.10.200", 15443, "HEALTHY", false, "c"}});
}

// Rows cut off before their CLUSTER column: aligned with a 4-column header (cut after STATUS or
// after OUTLIER CHECK), without a header, and in a 3-column table. Kept, each with a warning
// naming its line; a row that stops before STATUS is an error.
TEST(EndpointPastesTest, RowsCutBeforeTheirClusterAreKeptWithWarnings) {
  EndpointView v = Parse(
      "ENDPOINT               STATUS      OUTLIER CHECK     CLUSTER\n"
      "10.0.0.1:80            HEALTHY     OK                c\n"
      "10.0.0.2:80            HEALTHY     FAILED\n"
      "10.0.0.3:80            UNHEALTHY\n");
  ExpectRows(v.endpoints, {{"10.0.0.1", 80, "HEALTHY", false, "c"},
                           {"10.0.0.2", 80, "HEALTHY", true, ""},
                           {"10.0.0.3", 80, "UNHEALTHY", false, ""}});
  EXPECT_EQ(v.warnings, (std::vector<std::string>{std::string("p.txt:3: ") + kCutOff,
                                                  std::string("p.txt:4: ") + kCutOff}));
  EndpointView bare = Parse("10.0.0.5:80   HEALTHY   OK   c\n10.0.0.6:80   HEALTHY   OK\n");
  ASSERT_EQ(bare.endpoints.size(), 2u);
  EXPECT_EQ(bare.warnings, std::vector<std::string>{std::string("p.txt:2: ") + kCutOff});
  EndpointView three = Parse("ENDPOINT          STATUS      CLUSTER\n10.0.0.7:80       HEALTHY\n");
  ASSERT_EQ(three.endpoints.size(), 1u);
  EXPECT_EQ(three.warnings, std::vector<std::string>{std::string("p.txt:2: ") + kCutOff});
  auto early = ParseEndpointView("ENDPOINT          STATUS      CLUSTER\n10.0.0.8:80\n",
                                 EndpointFormat::kAuto, "p.txt");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().message(), "p.txt:2: row ends before its STATUS column (cut off?)");
}

// Placeholders people put in for addresses: kept as written (so the view is never silently
// empty), with a warning naming the line. A typo in a real IP is still an error.
TEST(EndpointPastesTest, RedactedAddressesInTablesAreKeptWithWarnings) {
  EndpointView v = Parse(
      "x.x.x.x:5000       HEALTHY     OK     outbound|5000||hw\n"
      "<pod-ip>:5000      HEALTHY     OK     outbound|5000||hw\n"
      "[REDACTED]:5000    HEALTHY     OK     outbound|5000||hw\n"
      "10.0.x.x           HEALTHY     OK     outbound|5000||hw\n");
  ExpectRows(v.endpoints, {{"x.x.x.x", 5000, "HEALTHY", false, "outbound|5000||hw"},
                           {"<pod-ip>", 5000, "HEALTHY", false, "outbound|5000||hw"},
                           {"REDACTED", 5000, "HEALTHY", false, "outbound|5000||hw"},
                           {"10.0.x.x", 0, "HEALTHY", false, "outbound|5000||hw"}});
  ASSERT_EQ(v.warnings.size(), 4u);
  EXPECT_EQ(v.warnings[2],
            "p.txt:3: 'REDACTED' is not an IP address (redacted?): kept, but no pod CIDR can "
            "map it");
  for (const char* typo : {"10.0.0.999:80", "fd00:::1:80", "1.2.3:80"}) {
    auto r = ParseEndpointView(std::string(typo) + "   HEALTHY   OK   c\n", EndpointFormat::kAuto,
                               "p.txt");
    ASSERT_FALSE(r.ok()) << typo;
    EXPECT_EQ(r.status().message(), "p.txt:1: bad endpoint address '" + std::string(typo) + "'");
  }
}

// Envoy /clusters text: placeholders with and without a port, IPv6 placeholders, and a last
// line cut inside a stat (a warning) as opposed to a broken line in the middle (an error).
TEST(EndpointPastesTest, EnvoyTextPlaceholdersAndACutLastLine) {
  EndpointView v = Parse(
      "svc/a/80::<ip>:80::health_flags::/failed_outlier_check\n"
      "svc/a/80::[xxxx::x]:80::health_flags::healthy\n"
      "svc/b::REDACTED::health_flags::healthy\n"
      "svc/b::REDACTED::weight::5\n"
      "svc/b::10.0.0.1:80::cx_total::3\n"
      "svc/b::10.0.0.1:80::health_fl");
  ExpectRows(v.endpoints, {{"<ip>", 80, "HEALTHY", true, "svc/a/80"},
                           {"xxxx::x", 80, "HEALTHY", false, "svc/a/80"},
                           {"REDACTED", 0, "HEALTHY", false, "svc/b"},
                           {"10.0.0.1", 80, "UNKNOWN", false, "svc/b"}});
  EXPECT_EQ(v.endpoints[2].weight, 5u);
  ASSERT_EQ(v.warnings.size(), 4u);  // one per placeholder host, not per line
  EXPECT_EQ(v.warnings[2].substr(0, 19), "p.txt:3: 'REDACTED'");
  EXPECT_EQ(v.warnings[3], "p.txt:6: line cut off (no '::<value>'): ignored");
  auto mid = ParseEndpointView("c::10.0.0.1:80::health_fl\nc::10.0.0.1:80::weight::1\n",
                               EndpointFormat::kEnvoyClustersText, "p.txt");
  ASSERT_FALSE(mid.ok());
  EXPECT_EQ(mid.status().message(), "p.txt:1: expected '<stat>::<value>' after the host");
}

// ClusterStatus JSON: a placeholder address warns with its JSON path (the fast path leaves it to
// the DOM parser, which owns warnings); the early writer's "port", in camelCase too; integers
// as {"value": N}; /* */ comments.
TEST(EndpointPastesTest, JsonPlaceholdersOlderPortAndWrappedIntegers) {
  namespace ei = endpoints_internal;
  const char* redacted = R"([{"name": "c", "hostStatuses": [
      {"address": {"socketAddress": {"address": "10.0.0.1", "portValue": 80}}},
      {"address": {"socketAddress": {"address": "X.X.X.X", "portValue": 80}}}]}])";
  EXPECT_FALSE(ei::FastParseClusterStatusesJson(redacted).has_value());
  EndpointView v = Parse(redacted);
  ExpectRows(v.endpoints,
             {{"10.0.0.1", 80, "UNKNOWN", false, "c"}, {"X.X.X.X", 80, "UNKNOWN", false, "c"}});
  EXPECT_EQ(v.warnings, std::vector<std::string>{
                            "p.txt: [0].hostStatuses[1].address.socketAddress.address: 'X.X.X.X' "
                            "is not an IP address (redacted?): kept, but no pod CIDR can map it"});
  const char* older = R"([{"name": "c", "hostStatuses": [
      {"address": {"socketAddress": {"address": "fd00::9", "port": 8080}},
       "weight": {"value": 7}, "priority": {"value": 1},
       "stats": [{"name": "rq_total", "value": {"value": "12"}}]}]}])";
  EXPECT_FALSE(ei::FastParseClusterStatusesJson(older).has_value());
  EndpointView o = Parse(older);
  ExpectRows(o.endpoints, {{"fd00::9", 8080, "UNKNOWN", false, "c"}});
  EXPECT_EQ(o.endpoints[0].weight, 7u);
  EXPECT_EQ(o.endpoints[0].priority, 1u);
  EXPECT_EQ(o.endpoints[0].counters.at("rq_total"), 12u);
  EndpointView snake = Parse(R"({"cluster_statuses": [{"name": "c", "host_statuses": [
      {"address": {"socket_address": {"address": "10.0.0.2", "port": 9}},
       "health_status": {"eds_health_status": "HEALTHY"}, "success_rate": {"value": 99.5}}]}]})");
  ExpectRows(snake.endpoints, {{"10.0.0.2", 9, "HEALTHY", false, "c"}});
  auto first = ParseEndpointView("// captured from sleep-1\n[]\n", EndpointFormat::kAuto, "p.json");
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().message().rfind("p.json: byte 1, line 1, column 1: ", 0), 0u)
      << first.status().message();
  EXPECT_NE(first.status().message().find("(a comment: JSON has none; remove it)"),
            std::string::npos);
  auto comment = ParseEndpointView("[ /* one host */ ]", EndpointFormat::kAuto, "p.json");
  ASSERT_FALSE(comment.ok());
  EXPECT_NE(comment.status().message().find("line 1, column 3: "), std::string::npos);
  EXPECT_NE(comment.status().message().find("(a comment: JSON has none; remove it)"),
            std::string::npos);
}

// The EDS JSON reads the older "port" and warns about placeholders the same way.
TEST(EndpointPastesTest, EdsJsonOlderPortAndPlaceholder) {
  EndpointView v = Parse(R"([{"clusterName": "c", "endpoints": [{"lbEndpoints": [
      {"endpoint": {"address": {"socketAddress": {"address": "a.b.c.d", "port": 81}}}}]}]}])");
  ExpectRows(v.endpoints, {{"a.b.c.d", 81, "UNKNOWN", false, "c"}});
  EXPECT_EQ(v.warnings, std::vector<std::string>{
                            "p.txt: [0].endpoints[0].lbEndpoints[0].endpoint.address.socketAddress."
                            "address: 'a.b.c.d' is not an IP address (redacted?): kept, but no pod "
                            "CIDR can map it"});
}

// A paste with a placeholder on every row: every row is kept, the warnings stop at 50.
TEST(EndpointPastesTest, WarningsAreCapped) {
  std::string table;
  for (int i = 0; i < 60; ++i) table += "X.X.X." + std::to_string(i) + ":80   HEALTHY   OK   c\n";
  EndpointView v = Parse(table);
  EXPECT_EQ(v.endpoints.size(), 60u);
  ASSERT_EQ(v.warnings.size(), 51u);
  EXPECT_EQ(v.warnings.back(), "p.txt: 10 more warnings not shown");
}

// Detection still refuses what is none of these.
TEST(EndpointPastesTest, NotAViewIsStillRefused) {
  for (const char* text : {"Hello version: v1, instance: hw-v1\n",
                           "NAME READY STATUS\nx 1/1 Running\n", "\n\nsome words HEALTHY here\n"}) {
    EXPECT_EQ(DetectEndpointFormat(text), EndpointFormat::kAuto) << text;
    EXPECT_FALSE(ParseEndpointView(text, EndpointFormat::kAuto, "p.txt").ok()) << text;
  }
  EXPECT_EQ(ParseEndpointView("\n\nsome words HEALTHY here\n", EndpointFormat::kAuto, "p.txt")
                .status()
                .message(),
            "p.txt:3: unrecognized endpoint view (want an istioctl proxy-config endpoints/eds "
            "table or JSON, or Envoy /clusters text or JSON)");
}

}  // namespace
}  // namespace meshverify
