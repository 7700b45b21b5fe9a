// IP addresses and CIDRs (ip.h): both families, brackets, host bits and the messages.
#include "meshverify/ip.h"

#include <gtest/gtest.h>

namespace meshverify {
namespace {

TEST(ParseIpTest, BothFamiliesWithOrWithoutBrackets) {
  std::optional<IpAddress> v4 = ParseIp("10.241.0.8");
  ASSERT_TRUE(v4.has_value());
  EXPECT_FALSE(v4->v6);
  EXPECT_EQ(v4->bytes[0], 10);
  EXPECT_EQ(v4->bytes[3], 8);
  std::optional<IpAddress> v6 = ParseIp("[fd00:10:244::7]");
  ASSERT_TRUE(v6.has_value());
  EXPECT_TRUE(v6->v6);
  EXPECT_EQ(v6->bytes[0], 0xfd);
  EXPECT_EQ(v6->bytes[15], 7);
  for (const char* bad : {"", "10.241.0", "10.241.0.256", "fe80::1%eth0", "unix:///x", "[::1",
                          "10.0.0.1:80"}) {
    EXPECT_FALSE(ParseIp(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ParseIp(std::string(100, '1')).has_value());
}

TEST(ParseCidrTest, NetworkAndPrefixOrAReason) {
  Result<std::pair<IpAddress, int>> c = ParseCidr("10.241.0.0/16");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->second, 16);
  EXPECT_TRUE(ParseCidr("fd00:10:244::/56").ok());
  EXPECT_TRUE(ParseCidr("0.0.0.0/0").ok());
  EXPECT_EQ(ParseCidr("10.241.0.1/16").status().message(), "'10.241.0.1/16': host bits set");
  EXPECT_EQ(ParseCidr("10.241.0.0").status().message(),
            "'10.241.0.0': not a CIDR (want address/prefix)");
  EXPECT_EQ(ParseCidr("10.241.0.0/33").status().message(),
            "'10.241.0.0/33': prefix length must be 0..32");
  EXPECT_EQ(ParseCidr("x/8").status().message(), "'x/8': bad address");
  EXPECT_TRUE(ValidateCidr("10.244.0.0/16").ok());
  EXPECT_TRUE(ValidateCidr("10.244.0.0/8").IsInvalidInput());
}

TEST(PrefixMatchTest, ComparesTheFirstBitsOfOneFamily) {
  IpAddress net = *ParseIp("10.244.0.0"), in = *ParseIp("10.244.255.1"), out = *ParseIp("10.245.0.1");
  EXPECT_TRUE(PrefixMatch(net, in, 16));
  EXPECT_FALSE(PrefixMatch(net, out, 16));
  EXPECT_TRUE(PrefixMatch(net, out, 15));  // 10.244/15 holds 10.245
  EXPECT_TRUE(PrefixMatch(net, out, 0));
  EXPECT_FALSE(PrefixMatch(net, *ParseIp("::a"), 0));  // another family never matches
}

TEST(ParseGatewayAddressTest, AddressAndOptionalPort) {
  struct Case {
    const char* text;
    const char* address;
    uint32_t port;
  };
  for (const Case& c : {Case{"172.18.0.3:15443", "172.18.0.3", 15443},
                        Case{"172.18.0.3", "172.18.0.3", 0}, Case{"[fd00::3]:15443", "fd00::3", 15443},
                        Case{"fd00::3", "fd00::3", 0}, Case{"[fd00::3]", "fd00::3", 0}}) {
    Result<GatewayAddress> g = ParseGatewayAddress(c.text);
    ASSERT_TRUE(g.ok()) << c.text << ": " << g.status().ToString();
    EXPECT_EQ(g->address, c.address) << c.text;
    EXPECT_EQ(g->port, c.port) << c.text;
  }
  struct Bad {
    const char* text;
    const char* message;
  };
  for (const Bad& b :
       {Bad{"gw.example.com:15443", "'gw.example.com:15443': not an IP address (ADDR[:PORT])"},
        Bad{"172.18.0.3:", "'172.18.0.3:': empty port"},
        Bad{"172.18.0.3:0", "'172.18.0.3:0': port must be 1..65535"},
        Bad{"172.18.0.3:65536", "'172.18.0.3:65536': port must be 1..65535"},
        Bad{"[fd00::3", "'[fd00::3': no ']'"}, Bad{"[fd00::3]x", "'[fd00::3]x': expected :PORT after ']'"},
        Bad{"", "'': not an IP address (ADDR[:PORT])"}}) {
    Result<GatewayAddress> g = ParseGatewayAddress(b.text);
    ASSERT_FALSE(g.ok()) << b.text;
    EXPECT_EQ(g.status().message(), b.message);
  }
  Result<GatewayAddress> g = ParseGatewayAddress("172.18.0.3:15443");
  EXPECT_TRUE(IsGateway(*g, *ParseIp("172.18.0.3"), 15443));
  EXPECT_FALSE(IsGateway(*g, *ParseIp("172.18.0.3"), 15444));
  EXPECT_FALSE(IsGateway(*g, *ParseIp("172.18.0.4"), 15443));
}

}  // namespace
}  // namespace meshverify
