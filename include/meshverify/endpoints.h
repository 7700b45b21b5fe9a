#pragma once
// Endpoint views, split by concern; this header includes all three (and ip.h). Include the one
// you use:
//   endpoint_parsers.h  istioctl / Envoy admin output -> Endpoint (formats, detection, filter)
//   cluster_map.h       pod CIDRs -> mesh clusters (ClusterMap)
//   expected_shares.h   a view -> the traffic shares Envoy would give (expect: endpoints)
//   ip.h                IP addresses and CIDRs
// ParseKindConfig (a kind cluster's pod subnets) is in config.h.

#include "meshverify/cluster_map.h"
#include "meshverify/endpoint_parsers.h"
#include "meshverify/expected_shares.h"
#include "meshverify/ip.h"
