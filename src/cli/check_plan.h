#pragma once
// `meshverify check` once its flags are parsed: mesh.yaml plus the flag overrides, the plan
// --dry-run prints, and the effective settings stored as the report's `config`.

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "meshverify/config.h"

namespace meshverify::cli {

// Applies the flags' overrides to `mesh` (kube flags select and point the clusters; run and
// gate values replace the config's). Fails with Usage when --context names no cluster of the
// config or the looks outnumber the requests.
Status ApplyCheckFlags(const CheckFlags& flags, MeshConfig* mesh);

// The plan as a person reads it: clusters, contexts, sources, target, expectation, gate, run,
// and the commands that would run. Runs nothing.
void PrintPlan(const CheckFlags& flags, const MeshConfig& mesh, std::ostream& os);

// Effective settings for Report::config (no kubeconfig contents, no credentials).
nlohmann::json PlanToJson(const CheckFlags& flags, const MeshConfig& mesh);

}  // namespace meshverify::cli
