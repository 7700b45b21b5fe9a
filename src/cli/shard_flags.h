#pragma once
// The flags a Job's pod gives `check` and `load` (meshverify jobs): --shard I/N,
// --source-name NAME, --instance-cluster POD=CLUSTER, --instance-ip POD=IP, --quit-sidecar;
// parsed one way for both.

#include <map>
#include <string>
#include <vector>

#include "cli/options.h"

namespace meshverify::cli {

struct ShardFlags {
  // --shard i/N: this process is shard i (0-based) of N (a Job's completion index).
  int index = 0, count = 1;
  std::string source_name;  // --source-name: the source's name in the report ("direct")
  // --instance-cluster POD=CLUSTER (repeatable): destination pods' clusters, given instead of
  // asking kubectl (a Job's pod has no kubectl).
  std::map<std::string, std::string> instance_clusters;
  // --instance-ip POD=IP (repeatable): destination pods' IPs, so that a direct check maps its
  // own sidecar's endpoints to the pods that answer.
  std::map<std::string, std::string> instance_ips;
  // --quit-sidecar: when done, POST the Istio sidecar's /quitquitquit (kQuitUrl).
  bool quit_sidecar = false;
};
inline constexpr const char* kQuitUrl = "http://127.0.0.1:15020/quitquitquit";

// What Boost fills in before ParseShardValues checks it.
struct ShardValues {
  std::string shard;
  std::vector<std::string> instance_cluster;
  std::vector<std::string> instance_ip;
};
void AddShardOptions(po::options_description& desc, ShardFlags* f, ShardValues* v);
// Fails with Usage "--shard 'X': expected I/N with 0 <= I < N <= 10000" or
// "--instance-cluster 'X': expected POD=CLUSTER" (--instance-ip: POD=IP).
Status ParseShardValues(const po::variables_map& vm, const ShardValues& v, ShardFlags* f);

}  // namespace meshverify::cli
