// A fast path for large ClusterStatus JSON dumps (istioctl `-o json`, Envoy /clusters JSON).
// nlohmann's DOM costs ~25 ns/byte and a 10,000-endpoint dump is ~14 MB, mostly indentation;
// this single pass reads the camelCase shape istioctl prints without building a DOM. It gives
// up (nullopt) on anything it does not handle exactly like the DOM parser (snake_case keys,
// pipes, active health-check flags, duplicate keys, escapes, non-ASCII, any syntax error) and
// on anything the DOM parser warns about (an address that is not an IP, a cluster listed
// twice), and the caller then runs the DOM parser, which owns every error and warning.
#include <bit>
#include <cstdint>
#include <cstring>
#include <unordered_set>

#include "parse/endpoints_internal.h"

namespace meshverify::endpoints_internal {

namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // Indentation is most of a pretty-printed dump: skip runs of spaces 8 bytes at a time,
  // landing on the first other byte of the last word in one step.
  void Ws() {
    constexpr uint64_t kSpaces = 0x2020202020202020ULL;
    while (p_ < end_) {
      if (*p_ == ' ') {
        uint64_t word;
        while (end_ - p_ >= 8) {
          std::memcpy(&word, p_, 8);
          uint64_t diff = word ^ kSpaces;
          if (diff != 0) {
            bool little = std::endian::native == std::endian::little;
            p_ += (little ? std::countr_zero(diff) : std::countl_zero(diff)) / 8;
            break;
          }
          p_ += 8;
        }
        while (p_ < end_ && *p_ == ' ') ++p_;
      } else if (*p_ == '\n' || *p_ == '\r' || *p_ == '\t') {
        ++p_;
      } else {
        break;
      }
    }
  }
  bool At(char c) {
    Ws();
    return p_ < end_ && *p_ == c;
  }
  bool Eat(char c) {
    if (!At(c)) return false;
    ++p_;
    return true;
  }
  bool AtEnd() {
    Ws();
    return p_ == end_;
  }

  // A string of printable ASCII without escapes (anything else: give up).
  bool String(std::string_view* out) {
    if (!Eat('"')) return false;
    const char* start = p_;
    while (p_ < end_ && *p_ != '"') {
      auto c = static_cast<unsigned char>(*p_);
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;
      ++p_;
    }
    if (p_ == end_) return false;
    *out = std::string_view(start, static_cast<size_t>(p_ - start));
    ++p_;
    return true;
  }

  // A JSON number that is a non-negative integer, or a string of digits (proto3 uint64).
  bool Uint(uint64_t max, uint64_t* out) {
    Ws();
    std::string_view digits;
    if (p_ < end_ && *p_ == '"') {
      if (!String(&digits)) return false;
    } else {
      const char* start = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      digits = std::string_view(start, static_cast<size_t>(p_ - start));
      if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
      if (digits.size() > 1 && digits[0] == '0') return false;  // not JSON
    }
    std::optional<uint64_t> v = ParseUint(digits, max);
    if (!v) return false;
    *out = *v;
    return true;
  }

  bool Bool(bool* out) {
    Ws();
    if (Literal("true")) return *out = true;
    if (Literal("false")) return !(*out = false);
    return false;
  }

  // Skips any value, checking its syntax.
  bool Skip(int depth = 0) {
    if (depth > 64) return false;
    Ws();
    if (p_ == end_) return false;
    std::string_view s;
    switch (*p_) {
      case '"':
        return String(&s);
      case '{':
        ++p_;
        if (Eat('}')) return true;
        do {
          if (!String(&s) || !Eat(':') || !Skip(depth + 1)) return false;
        } while (Eat(','));
        return Eat('}');
      case '[':
        ++p_;
        if (Eat(']')) return true;
        do {
          if (!Skip(depth + 1)) return false;
        } while (Eat(','));
        return Eat(']');
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number();
    }
  }

  // Calls on_key(key) for each member of an object; on_key reads the value.
  template <typename F>
  bool Object(F on_key) {
    if (!Eat('{')) return false;
    if (Eat('}')) return true;
    std::string_view key;
    do {
      if (!String(&key) || !Eat(':') || !on_key(key)) return false;
    } while (Eat(','));
    return Eat('}');
  }

  template <typename F>
  bool Array(F on_item) {
    if (!Eat('[')) return false;
    if (Eat(']')) return true;
    do {
      if (!on_item()) return false;
    } while (Eat(','));
    return Eat(']');
  }

 private:
  bool Literal(std::string_view lit) {
    if (static_cast<size_t>(end_ - p_) < lit.size() || std::memcmp(p_, lit.data(), lit.size())) {
      return false;
    }
    p_ += lit.size();
    return true;
  }
  bool Number() {
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    const char* int_start = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    if (p_ == int_start || (*int_start == '0' && p_ - int_start > 1)) return false;
    if (p_ < end_ && *p_ == '.') {
      const char* frac = ++p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == frac) return false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      const char* exp = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == exp) return false;
    }
    return p_ > start;
  }

  const char* p_;
  const char* end_;
};

// Keys the DOM parser reads under another spelling or gives a meaning the fast path lacks.
bool GiveUpOn(std::string_view key) {
  return key.find('_') != std::string_view::npos || key == "pipe" ||
         key == "envoyInternalAddress" || key == "failedActiveHealthCheck" ||
         key == "activeHcTimeout" || key == "failedActiveDegradedCheck";
}

// A member the fast path does not read: skipped, unless the DOM parser would read it.
bool Unknown(Scanner& s, std::string_view key) { return !GiveUpOn(key) && s.Skip(); }

// Tracks keys seen in one object: a duplicate means "the DOM keeps the last one"; give up.
struct Seen {
  uint32_t bits = 0;
  bool First(int bit) {
    if (bits & (1u << bit)) return false;
    bits |= 1u << bit;
    return true;
  }
};

// True iff `a` is an address ParseIp accepts; may say false for some that it accepts (the DOM
// parser then decides). Dotted quads, the bulk of a dump, are checked in one pass without a
// copy or inet_pton: four decimal parts of 1..3 digits, each <= 255, no leading zero.
bool SurelyIp(std::string_view a) {
  const char* p = a.data();
  const char* const end = p + a.size();
  auto digit = [&] { return p != end && *p >= '0' && *p <= '9'; };
  for (int part = 0; part < 4; ++part) {
    if (part > 0 && (p == end || *p++ != '.')) return a.find(':') != a.npos && ParseIp(a);
    if (!digit()) return a.find(':') != a.npos && ParseIp(a);  // IPv6, or not an address
    unsigned v = static_cast<unsigned>(*p++ - '0');
    if (v == 0 && digit()) return false;  // a leading zero
    for (int i = 0; i < 2 && digit(); ++i) v = v * 10 + static_cast<unsigned>(*p++ - '0');
    if (v > 255) return false;
  }
  return p == end || (a.find(':') != a.npos && ParseIp(a));
}

bool Address(Scanner& s, Endpoint* ep) {
  Seen seen;
  bool have = false;
  bool ok = s.Object([&](std::string_view k) {
    if (k != "socketAddress") return Unknown(s, k);
    if (!seen.First(0)) return false;
    have = true;
    Seen inner;
    bool have_ip = false;
    return s.Object([&](std::string_view k2) {
      if (k2 == "address") {
        std::string_view ip;
        if (!inner.First(0) || !s.String(&ip) || !SurelyIp(ip)) return false;
        ep->address = std::string(ip);
        return have_ip = true;
      }
      if (k2 == "port") return false;  // the early streaming writer's spelling of portValue
      if (k2 == "portValue") {
        uint64_t port = 0;
        if (!inner.First(1) || !s.Uint(65535, &port)) return false;
        ep->port = static_cast<uint32_t>(port);
        return true;
      }
      return Unknown(s, k2);
    }) && have_ip;
  });
  return ok && have;
}

bool Stats(Scanner& s, Endpoint* ep) {
  ep->counters.reserve(8);  // istioctl lists 6 counters and 2 gauges per host
  return s.Array([&] {
    std::string_view name;
    uint64_t value = 0;
    Seen seen;
    bool ok = s.Object([&](std::string_view k) {
      if (k == "name") return seen.First(0) && s.String(&name);
      if (k == "value") return seen.First(1) && s.Uint(UINT64_MAX, &value);
      return Unknown(s, k);
    });
    if (!ok || !(seen.bits & 1)) return false;
    ep->counters[name] = value;
    return true;
  });
}

bool Health(Scanner& s, Endpoint* ep) {
  Seen seen;
  return s.Object([&](std::string_view k) {
    if (k == "edsHealthStatus") {
      std::string_view h;
      return seen.First(0) && s.String(&h) && NormalizeHealth(h, &ep->health);
    }
    if (k == "failedOutlierCheck") return seen.First(1) && s.Bool(&ep->outlier_ejected);
    return Unknown(s, k);
  });
}

bool Locality(Scanner& s, Endpoint* ep) {
  std::string_view region, zone, sub_zone;
  Seen seen;
  bool ok = s.Object([&](std::string_view k) {
    if (k == "region") return seen.First(0) && s.String(&region);
    if (k == "zone") return seen.First(1) && s.String(&zone);
    if (k == "subZone") return seen.First(2) && s.String(&sub_zone);
    return Unknown(s, k);
  });
  ep->locality = LocalityString(region, zone, sub_zone);
  return ok;
}

bool Host(Scanner& s, std::string_view cluster, Endpoint* ep) {
  ep->envoy_cluster = std::string(cluster);
  Seen seen;
  bool ok = s.Object([&](std::string_view k) {
    uint64_t v = 0;
    if (k == "address") return seen.First(0) && Address(s, ep);
    if (k == "stats") return seen.First(1) && Stats(s, ep);
    if (k == "healthStatus") return seen.First(2) && Health(s, ep);
    if (k == "weight")
      return seen.First(3) && s.Uint(UINT32_MAX, &v) && (ep->weight = uint32_t(v), true);
    if (k == "priority") {
      return seen.First(4) && s.Uint(UINT32_MAX, &v) && (ep->priority = uint32_t(v), true);
    }
    if (k == "locality") return seen.First(5) && Locality(s, ep);
    if (k == "hostname") {
      std::string_view h;
      return seen.First(6) && s.String(&h) && (ep->hostname = std::string(h), true);
    }
    return Unknown(s, k);
  });
  return ok && (seen.bits & 1);  // an address is required
}

// One ClusterStatus. Its name may follow its hosts, so hosts are patched afterwards. A name
// already in `names` (a cluster listed twice) gives up.
bool Cluster(Scanner& s, std::vector<Endpoint>* out, std::unordered_set<std::string_view>* names) {
  size_t first = out->size();
  std::string_view name;
  Seen seen;
  bool ok = s.Object([&](std::string_view k) {
    if (k == "name") return seen.First(0) && s.String(&name);
    if (k == "hostStatuses") {
      return seen.First(1) && s.Array([&] {
        out->emplace_back();
        return Host(s, "", &out->back());
      });
    }
    return Unknown(s, k);
  });
  if (!ok || !(seen.bits & 1) || !names->insert(name).second) return false;
  for (size_t i = first; i < out->size(); ++i) (*out)[i].envoy_cluster = std::string(name);
  return true;
}

}  // namespace

std::optional<std::vector<Endpoint>> FastParseClusterStatusesJson(std::string_view text) {
  Scanner s(text);
  std::vector<Endpoint> out;
  std::unordered_set<std::string_view> names;  // views into `text`
  auto clusters = [&] { return s.Array([&] { return Cluster(s, &out, &names); }); };
  bool ok;
  if (s.At('{')) {
    Seen seen;
    ok = s.Object(
        [&](std::string_view k) { return k == "clusterStatuses" && seen.First(0) && clusters(); });
  } else {
    ok = clusters();
  }
  if (!ok || !s.AtEnd()) return std::nullopt;
  return out;
}

}  // namespace meshverify::endpoints_internal
