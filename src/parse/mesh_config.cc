// mesh.yaml -> MeshConfig (DESIGN.md "Config"). Every key is checked; errors name the place
// as "<source>:<line>: <dotted key>: <reason>".
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <initializer_list>
#include <set>

#include "meshverify/config.h"
#include "meshverify/ip.h"
#include "parse/endpoints_internal.h"

namespace meshverify {
namespace {

class Loader {
 public:
  explicit Loader(std::string_view source) : source_(source) {}

  Status Fail(const YAML::Node& at, const std::string& key, const std::string& reason) const {
    int line = at.Mark().line;  // -1 for nodes without a position
    std::string where = std::string(source_);
    if (line >= 0) {
      // Appended piecewise: GCC 12 -O3 warns -Wrestrict (a false positive) on "lit" + string&&.
      where += ':';
      where += std::to_string(line + 1);
    }
    return Status::InvalidInput(where + ": " + endpoints_internal::Printable(key + ": " + reason));
  }

  // Fails on any key of map `m` not in `allowed`, naming it and its line.
  Status CheckKeys(const YAML::Node& m, const std::string& prefix,
                   std::initializer_list<const char*> allowed) const {
    if (!m.IsMap()) return Fail(m, prefix.empty() ? "(top level)" : prefix, "expected a map");
    std::string want;
    for (const char* a : allowed) {
      if (!want.empty()) want += '|';
      want += a;
    }
    std::set<std::string> seen;
    for (const auto& kv : m) {
      std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "?";
      if (!seen.insert(k).second) return Fail(kv.first, Join(prefix, k), "duplicate key");
      bool ok = false;
      for (const char* a : allowed) ok = ok || k == a;
      if (!ok) return Fail(kv.first, Join(prefix, k), "unknown key (want " + want + ")");
    }
    return Status::Ok();
  }

  static std::string Join(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
  }

  Status String(const YAML::Node& n, const std::string& key, std::string* out,
                bool allow_empty = false) const {
    if (!n.IsScalar()) return Fail(n, key, "expected a string");
    if (n.Scalar().empty() && !allow_empty) return Fail(n, key, "must not be empty");
    *out = n.Scalar();
    return Status::Ok();
  }

  Status Number(const YAML::Node& n, const std::string& key, double lo, double hi, bool lo_open,
                double* out) const {
    double v = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v)) {
      return Fail(n, key, "expected a number, got '" + Text(n) + "'");
    }
    if ((lo_open ? v <= lo : v < lo) || v > hi) {
      return Fail(
          n, key,
          Text(n) + " is out of range " + (lo_open ? "(" : "[") + Fmt(lo) + ", " + Fmt(hi) + "]");
    }
    *out = v;
    return Status::Ok();
  }

  Status Uint(const YAML::Node& n, const std::string& key, uint64_t lo, uint64_t hi,
              uint64_t* out) const {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    uint64_t v = 0;
    bool digits = !s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == s.npos;
    if (digits) v = std::stoull(s);
    if (!digits || v < lo || v > hi) {
      return Fail(n, key,
                  "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                      "], got '" + Text(n) + "'");
    }
    *out = v;
    return Status::Ok();
  }

  Status Duration(const YAML::Node& n, const std::string& key,
                  std::chrono::milliseconds* out) const {
    if (!n.IsScalar()) return Fail(n, key, "expected a duration such as 5s");
    std::string where = std::string(source_) + ":" + std::to_string(n.Mark().line + 1) + ": " + key;
    Result<std::chrono::milliseconds> d = ParseDuration(n.Scalar(), where);
    if (!d.ok()) return Status::InvalidInput(endpoints_internal::Printable(d.status().message()));
    if (d->count() <= 0) return Fail(n, key, "must be positive");
    *out = *d;
    return Status::Ok();
  }

  Status Clusters(const YAML::Node& n, std::vector<ClusterConfig>* out) const;
  Status Cluster(const YAML::Node& n, const std::string& key, ClusterConfig* c) const;
  Status Source(const YAML::Node& n, MeshConfig::Source* s) const;
  Status Target(const YAML::Node& n, MeshConfig::Target* t) const;
  Status Expect(const YAML::Node& n, MeshConfig::Expect* e) const;
  Status Gate(const YAML::Node& n, GateOptions* g) const;
  Status Run(const YAML::Node& n, MeshConfig::Run* r) const;

 private:
  static std::string Text(const YAML::Node& n) {
    return n.IsScalar() ? n.Scalar() : "<not a scalar>";
  }
  static std::string Fmt(double v) {
    std::string s = std::to_string(v);
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
  }

  std::string_view source_;
};

Status Loader::Cluster(const YAML::Node& n, const std::string& key, ClusterConfig* c) const {
  Status s = CheckKeys(n, key, {"name", "context", "kubeconfig", "pod_cidrs", "gateways"});
  if (!s.ok()) return s;
  if (!n["name"]) return Fail(n, key + ".name", "missing");
  for (const auto& kv : n) {
    const std::string k = kv.first.Scalar();
    const std::string dotted = key + "." + k;
    if (k == "name") s = String(kv.second, dotted, &c->name);
    if (k == "context") s = String(kv.second, dotted, &c->context);
    if (k == "kubeconfig") s = String(kv.second, dotted, &c->kubeconfig);
    if (k == "pod_cidrs") {
      const YAML::Node& list = kv.second;
      if (!list.IsSequence()) return Fail(list, dotted, "expected a list of CIDRs");
      for (size_t i = 0; i < list.size() && s.ok(); ++i) {
        std::string item_key = dotted + "[" + std::to_string(i) + "]";
        std::string cidr;
        s = String(list[i], item_key, &cidr);
        if (s.ok() && !ValidateCidr(cidr).ok()) {
          return Fail(list[i], item_key, ValidateCidr(cidr).message());
        }
        if (s.ok()) c->pod_cidrs.push_back(cidr);
      }
    }
    if (k == "gateways") {
      const YAML::Node& list = kv.second;
      if (!list.IsSequence()) return Fail(list, dotted, "expected a list of ADDR[:PORT]");
      for (size_t i = 0; i < list.size() && s.ok(); ++i) {
        std::string item_key = dotted + "[" + std::to_string(i) + "]";
        std::string addr;
        s = String(list[i], item_key, &addr);
        if (!s.ok()) break;
        Result<GatewayAddress> g = ParseGatewayAddress(addr);
        if (!g.ok()) return Fail(list[i], item_key, g.status().message());
        c->gateways.push_back(addr);
      }
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status Loader::Clusters(const YAML::Node& n, std::vector<ClusterConfig>* out) const {
  if (!n.IsSequence() || n.size() == 0) {
    return Fail(n, "clusters", "expected a non-empty list of clusters");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < n.size(); ++i) {
    std::string key = "clusters[" + std::to_string(i) + "]";
    ClusterConfig c;
    Status s = Cluster(n[i], key, &c);
    if (!s.ok()) return s;
    if (!names.insert(c.name).second) {
      return Fail(n[i]["name"], key + ".name", "duplicate cluster '" + c.name + "'");
    }
    out->push_back(std::move(c));
  }
  return Status::Ok();
}

Status Loader::Source(const YAML::Node& n, MeshConfig::Source* src) const {
  Status s = CheckKeys(n, "source", {"namespace", "selector", "container"});
  for (const auto& kv : n) {
    if (!s.ok()) break;
    const std::string k = kv.first.Scalar();
    std::string* field = k == "namespace"  ? &src->ns
                         : k == "selector" ? &src->selector
                                           : &src->container;
    s = String(kv.second, "source." + k, field);
  }
  return s;
}

Status Loader::Target(const YAML::Node& n, MeshConfig::Target* t) const {
  Status s =
      CheckKeys(n, "target", {"url", "envoy_cluster", "destinations", "namespace", "pattern"});
  for (const auto& kv : n) {
    if (!s.ok()) break;
    const std::string k = kv.first.Scalar();
    const std::string key = "target." + k;
    if (k == "url") {
      s = String(kv.second, key, &t->url);
      if (s.ok() && t->url.rfind("http://", 0) != 0 && t->url.rfind("https://", 0) != 0) {
        s = Fail(kv.second, key, "expected an http:// or https:// URL");
      }
      // curl refuses these only at probe time, after the retries (issue 15 item 8).
      for (size_t i = 0; s.ok() && i < t->url.size(); ++i) {
        const auto c = static_cast<unsigned char>(t->url[i]);
        if (c < 0x20 || c == 0x7f) {
          s = Fail(kv.second, key, "control character at byte " + std::to_string(i + 1));
        }
      }
    } else if (k == "envoy_cluster") {
      s = String(kv.second, key, &t->envoy_cluster, /*allow_empty=*/true);
    } else if (k == "destinations") {
      s = String(kv.second, key, &t->destinations);
    } else if (k == "namespace") {
      s = String(kv.second, key, &t->ns);
    } else {  // pattern
      s = String(kv.second, key, &t->pattern, /*allow_empty=*/true);
      RE2 re(t->pattern, RE2::Quiet);
      if (s.ok() && !re.ok()) s = Fail(kv.second, key, "bad regular expression: " + re.error());
    }
  }
  return s;
}

Status Loader::Expect(const YAML::Node& n, MeshConfig::Expect* e) const {
  if (n.IsScalar()) {
    if (n.Scalar() != "endpoints") {
      return Fail(n, "expect", "want 'endpoints' or a map of shares such as {v1: 0.5, v2: 0.5}");
    }
    e->from_endpoints = true;
    return Status::Ok();
  }
  if (!n.IsMap() || n.size() == 0) {
    return Fail(n, "expect", "want 'endpoints' or a map of shares such as {v1: 0.5, v2: 0.5}");
  }
  // ParseShares owns the rules for names and sums; feed it the map as "k=v,...".
  std::string list;
  for (const auto& kv : n) {
    const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (k.empty() || k.find_first_of("=,") != std::string::npos) {
      return Fail(kv.first, "expect", "bad name '" + k + "'");
    }
    if (!kv.second.IsScalar()) return Fail(kv.second, "expect." + k, "expected a number");
    list += (list.empty() ? "" : ",") + k + "=" + kv.second.Scalar();
  }
  std::string where = std::string(source_) + ":" + std::to_string(n.Mark().line + 1) + ": expect";
  Result<ShareList> shares = ParseShareList(list, where);
  if (!shares.ok()) {
    return Status::InvalidInput(endpoints_internal::Printable(shares.status().message()));
  }
  e->from_endpoints = false;
  e->shares = std::move(shares->shares);
  e->note = endpoints_internal::Printable(shares->note);
  return Status::Ok();
}

Status Loader::Gate(const YAML::Node& n, GateOptions* g) const {
  Status s = CheckKeys(n, "gate", {"tolerance", "alpha", "max_error_rate"});
  for (const auto& kv : n) {
    if (!s.ok()) break;
    const std::string k = kv.first.Scalar();
    if (k == "tolerance") s = Number(kv.second, "gate.tolerance", 0, 0.5, true, &g->tolerance);
    if (k == "alpha") {
      s = Number(kv.second, "gate.alpha", 0, 1, true, &g->alpha);
      if (s.ok() && g->alpha >= 1) s = Fail(kv.second, "gate.alpha", "must be below 1");
    }
    if (k == "max_error_rate") {
      s = Number(kv.second, "gate.max_error_rate", 0, 1, false, &g->max_error_rate);
    }
  }
  return s;
}

Status Loader::Run(const YAML::Node& n, MeshConfig::Run* r) const {
  Status s =
      CheckKeys(n, "run", {"requests", "looks", "concurrency", "timeout", "deadline", "wait"});
  for (const auto& kv : n) {
    if (!s.ok()) break;
    const std::string k = kv.first.Scalar();
    if (k == "requests") s = Uint(kv.second, "run.requests", 1, 100000000, &r->requests);
    if (k == "looks") {
      uint64_t l = 0;
      s = Uint(kv.second, "run.looks", 1, 100, &l);
      r->looks = static_cast<int>(l);
    }
    if (k == "concurrency") {
      uint64_t c = 0;
      s = Uint(kv.second, "run.concurrency", 1, 64, &c);  // one curl process each in the pod
      r->concurrency = static_cast<int>(c);
    }
    if (k == "timeout") s = Duration(kv.second, "run.timeout", &r->timeout);
    if (k == "deadline") s = Duration(kv.second, "run.deadline", &r->deadline);
    if (k == "wait") s = Duration(kv.second, "run.wait", &r->wait);
  }
  if (s.ok() && static_cast<uint64_t>(r->looks) > r->requests) {
    const YAML::Node l = n["looks"] ? n["looks"] : n["requests"];
    s = Fail(l ? l : n, "run.looks", "more looks than requests");
  }
  if (s.ok() && r->timeout > r->deadline) {
    const YAML::Node t = n["timeout"];
    s = Fail(t ? t : n, "run.timeout", "longer than run.deadline");
  }
  return s;
}

Result<MeshConfig> Load(const YAML::Node& root, std::string_view source) {
  Loader l(source);
  if (!root.IsDefined() || root.IsNull()) {
    return Status::InvalidInput(std::string(source) + ": empty config (clusters: is required)");
  }
  Status s = l.CheckKeys(root, "", {"clusters", "source", "target", "expect", "gate", "run"});
  if (!s.ok()) return s;
  if (!root["clusters"]) return l.Fail(root, "clusters", "missing (at least one cluster)");
  MeshConfig c;
  for (const auto& kv : root) {
    const std::string k = kv.first.Scalar();
    if (k == "clusters") s = l.Clusters(kv.second, &c.clusters);
    if (k == "source") s = l.Source(kv.second, &c.source);
    if (k == "target") s = l.Target(kv.second, &c.target);
    if (k == "expect") s = l.Expect(kv.second, &c.expect);
    if (k == "gate") s = l.Gate(kv.second, &c.gate);
    if (k == "run") s = l.Run(kv.second, &c.run);
    if (!s.ok()) return s;
  }
  return c;
}

}  // namespace

Result<MeshConfig> ParseMeshConfig(std::string_view yaml, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    std::string where(source);
    if (e.mark.line >= 0) {
      where += ':';
      where += std::to_string(e.mark.line + 1);
    }
    return Status::InvalidInput(where + ": " + endpoints_internal::Printable(e.msg));
  }
  try {
    return Load(root, source);
  } catch (const YAML::Exception& e) {  // accessors on malformed nodes; not expected
    return Status::InvalidInput(std::string(source) + ": " + e.msg);
  }
}

}  // namespace meshverify
