#include "cli/shard_flags.h"

#include <cstdio>

namespace meshverify::cli {

void AddShardOptions(po::options_description& desc, ShardFlags* f, ShardValues* v) {
  desc.add_options()("shard", po::value(&v->shard)->value_name("I/N"),
                     "shard I (0-based) of N: its part of the requests (or rate)")(
      "source-name", po::value(&f->source_name)->value_name("NAME"),
      "--direct: the source's name in the report (default direct)")(
      "instance-cluster", po::value(&v->instance_cluster)->value_name("POD=CLUSTER")->composing(),
      "a destination pod's cluster (repeatable; instead of asking kubectl)")(
      "instance-ip", po::value(&v->instance_ip)->value_name("POD=IP")->composing(),
      "a destination pod's IP (repeatable; maps a direct check's own sidecar view)")(
      "quit-sidecar", po::bool_switch(&f->quit_sidecar),
      "when done, POST the Istio sidecar's /quitquitquit (Jobs without native sidecars)");
}

Status ParseShardValues(const po::variables_map& vm, const ShardValues& v, ShardFlags* f) {
  if (vm.count("shard")) {
    int i = -1, n = 0;
    char tail = 0;
    if (std::sscanf(v.shard.c_str(), "%d/%d%c", &i, &n, &tail) != 2 || n < 1 || n > 10000 ||
        i < 0 || i >= n) {
      return Status::Usage("--shard '" + v.shard + "': expected I/N with 0 <= I < N <= 10000");
    }
    f->index = i;
    f->count = n;
  }
  for (const std::string& ic : v.instance_cluster) {
    const size_t eq = ic.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == ic.size()) {
      return Status::Usage("--instance-cluster '" + ic + "': expected POD=CLUSTER");
    }
    f->instance_clusters[ic.substr(0, eq)] = ic.substr(eq + 1);
  }
  for (const std::string& ip : v.instance_ip) {
    const size_t eq = ip.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == ip.size() ||
        ip.find_first_of(" \t", eq) != std::string::npos) {
      return Status::Usage("--instance-ip '" + ip + "': expected POD=IP");
    }
    f->instance_ips[ip.substr(0, eq)] = ip.substr(eq + 1);
  }
  return Status::Ok();
}

}  // namespace meshverify::cli
