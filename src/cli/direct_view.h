#pragma once
// `check --direct` with `expect: endpoints`: the view of this process's own sidecar, read from
// Envoy's admin API (GET 127.0.0.1:15000/clusters, text format) with libcurl.

#include "meshverify/check.h"

namespace meshverify::cli {

// Reads the view into settings->direct_view, the Envoy cluster of mesh.target filtered, and
// says where from in direct_view_from; when it cannot be read (no admin API, not Envoy's
// format), leaves direct_view unset and says why in direct_view_from.
void ReadOwnSidecarView(CheckSettings* settings);

}  // namespace meshverify::cli
