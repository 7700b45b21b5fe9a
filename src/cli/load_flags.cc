#include "cli/load_flags.h"

#include <sstream>

#include <ostream>

#include "cli/options.h"
#include "cli/shard_flags.h"
#include "meshverify/config.h"

namespace meshverify::cli {
namespace {

struct Raw {
  std::string duration, window = "1s", warmup = "0s", timeout, event_timeout = "60s";
  std::string sweep, expect;
  std::vector<std::string> at, slo, instance_cluster;
  std::string shard;
  double rate = 0, tolerance = 0, alpha = 0;
  int concurrency = 0;
  uint64_t requests = 0;
};

po::options_description Describe(LoadFlags* f, Raw* r) {
  po::options_description desc("meshverify load options");
  desc.add_options()("help,h", "show this help")(
      "config,c", po::value(&f->config)->value_name("FILE"), "mesh.yaml (optional with --direct)")(
      "rate", po::value(&r->rate)->value_name("R"), "open loop: R requests/s per source")(
      "concurrency", po::value(&r->concurrency)->value_name("C"),
      "closed loop: C connections per source; open loop: in-flight cap (default 64)")(
      "duration", po::value(&r->duration)->value_name("D"), "per step (default 10s)")(
      "requests", po::value(&r->requests)->value_name("N"), "per source per step")(
      "window", po::value(&r->window)->value_name("W"), "window length (default 1s)")(
      "warmup", po::value(&r->warmup)->value_name("D"), "windows before D are not gated")(
      "timeout", po::value(&r->timeout)->value_name("D"), "per request (default 5s)")(
      "at", po::value(&r->at)->value_name("T=CMD")->composing(),
      "run CMD (through /bin/sh -c) at offset T of every step; repeatable")(
      "at-timeout", po::value(&r->event_timeout)->value_name("D"), "bound of each --at command")(
      "sweep", po::value(&r->sweep)->value_name("AXIS=V,..."),
      "one step per value: concurrency=1,4,16 or rate=100,500")(
      "slo", po::value(&r->slo)->value_name("EXPR")->composing(),
      "gate: 'errors<0.1%', 'share(cluster2) in [0.4,0.6]', 'p99(cluster2)<50ms'; repeatable")(
      "direct", "send from this process with libcurl (no kubectl exec)")(
      "url", po::value(&f->url)->value_name("URL"), "target (default: mesh.yaml target.url)")(
      "source-cluster", po::value(&f->source_cluster)->value_name("NAME"),
      "direct mode: the cluster this process runs in")(
      "expect", po::value(&r->expect)->value_name("K=V,..."),
      "expected shares by cluster or version (the charts' band)")(
      "tolerance", po::value(&r->tolerance)->value_name("D"), "band half-width (default 0.05)")(
      "alpha", po::value(&r->alpha)->value_name("A"), "error rate of intervals and tests")(
      "pattern", po::value(&f->pattern)->value_name("RE2"),
      "answer format (groups version, "
      "instance[, cluster])")("jsonl", po::value(&f->jsonl_path)->value_name("PATH"),
                              "stream one line per window")(
      "json", po::value(&f->json_path)->value_name("PATH"), "write the JSON report")(
      "html", po::value(&f->html_path)->value_name("PATH"), "write the HTML report")(
      "markdown", po::value(&f->markdown_path)->value_name("PATH"), "write a Markdown report")(
      "fortio", po::value(&f->fortio_path)->value_name("PATH"), "write fortio's result JSON")(
      "output,o", po::value(&f->output)->value_name("FMT"), "stdout format: text | json")(
      "shard", po::value(&r->shard)->value_name("I/N"),
      "shard I (0-based) of N: its part of the requests or rate, windows on the wall clock")(
      "source-name", po::value(&f->source_name)->value_name("NAME"),
      "direct mode: this source's name in the report (default direct)")(
      "instance-cluster", po::value(&r->instance_cluster)->value_name("POD=CLUSTER")->composing(),
      "a destination pod's cluster (instead of asking kubectl); repeatable")(
      "quit-sidecar",
      "when done, POST the Istio sidecar's /quitquitquit (Jobs without native "
      "sidecars)");
  return desc;
}

Status Duration(const std::string& text, const char* flag, bool positive,
                std::chrono::milliseconds* out) {
  Result<std::chrono::milliseconds> d = ParseDuration(text, std::string("--") + flag);
  if (!d.ok()) return d.status();
  if (d->count() < 0 || (positive && d->count() == 0)) {
    return Status::Usage(std::string("--") + flag + " must be positive");
  }
  *out = *d;
  return Status::Ok();
}

Status Check(const po::variables_map& vm, const Raw& r, LoadFlags* f) {
  if (vm.count("rate")) {
    if (!(r.rate > 0)) return Status::Usage("--rate must be positive");
    f->rate = r.rate;
  }
  if (vm.count("concurrency")) {
    if (r.concurrency < 1 || r.concurrency > 10000) {
      return Status::Usage("--concurrency must be in [1, 10000]");
    }
    f->concurrency = r.concurrency;
  }
  if (vm.count("requests")) {
    if (r.requests == 0) return Status::Usage("--requests must be positive");
    f->requests = r.requests;
  }
  if (vm.count("duration")) {
    if (Status s = Duration(r.duration, "duration", true, &f->duration); !s.ok()) return s;
  }
  if (Status s = Duration(r.window, "window", true, &f->window); !s.ok()) return s;
  if (Status s = Duration(r.warmup, "warmup", false, &f->warmup); !s.ok()) return s;
  if (Status s = Duration(r.event_timeout, "at-timeout", true, &f->event_timeout); !s.ok())
    return s;
  if (vm.count("timeout")) {
    std::chrono::milliseconds t{0};
    if (Status s = Duration(r.timeout, "timeout", true, &t); !s.ok()) return s;
    f->timeout = t;
  }
  for (const std::string& a : r.at) {
    Result<load::EventSpec> e = load::ParseEvent(a);
    if (!e.ok()) return e.status();
    f->events.push_back(*e);
  }
  for (const std::string& text : r.slo) {
    Result<load::Slo> s = load::ParseSlo(text);
    if (!s.ok()) return s.status();
    f->slos.push_back(*s);
  }
  if (vm.count("sweep")) {
    Result<load::Sweep> s = load::ParseSweep(r.sweep);
    if (!s.ok()) return s.status();
    f->sweep = *s;
  }
  if (vm.count("expect")) {
    Result<std::map<std::string, double>> e = ParseShares(r.expect, "--expect");
    if (!e.ok()) return e.status();
    f->expect = *e;
  }
  if (vm.count("tolerance")) {
    if (!(r.tolerance > 0 && r.tolerance <= 0.5)) {
      return Status::Usage("--tolerance must be in (0, 0.5]");
    }
    f->tolerance = r.tolerance;
  }
  if (vm.count("alpha")) {
    if (!(r.alpha > 0 && r.alpha < 1))
      return Status::Usage("--alpha must be in (0, 1)");
    f->alpha = r.alpha;
  }
  ShardFlags shard;
  if (Status s = ParseShardValues(vm, {r.shard, r.instance_cluster, {}}, &shard); !s.ok()) return s;
  f->shard_index = shard.index;
  f->shard_count = shard.count;
  f->instance_clusters = std::move(shard.instance_clusters);
  if (Result<bool> json = ParseTextOrJson(f->output); !json.ok()) return json.status();
  if (f->sweep && f->sweep->axis == "rate" && f->rate) {
    return Status::Usage("--sweep rate=... and --rate both set the rate");
  }
  if (f->sweep && f->sweep->axis == "concurrency" && f->concurrency) {
    return Status::Usage("--sweep concurrency=... and --concurrency both set it");
  }
  if (!f->direct && (!f->url.empty() || !f->source_cluster.empty())) {
    return Status::Usage("--url and --source-cluster need --direct");
  }
  if (!f->direct && !f->source_name.empty()) {
    return Status::Usage("--source-name needs --direct");
  }
  return Status::Ok();
}

}  // namespace

Result<LoadFlags> ParseLoadFlags(const Args& args) {
  LoadFlags f;
  Raw raw;
  po::options_description desc = Describe(&f, &raw);
  po::variables_map vm;
  if (Status s = ParseArgs(args, desc, nullptr, &vm); !s.ok()) return s;
  if (vm.count("help")) {
    std::ostringstream help;
    PrintLoadHelp(help);
    f.help = help.str();
    return f;
  }
  f.direct = vm.count("direct") != 0;
  f.quit_sidecar = vm.count("quit-sidecar") != 0;
  if (Status s = Check(vm, raw, &f); !s.ok()) return s;
  return f;
}

void PrintLoadHelp(std::ostream& os) {
  LoadFlags f;
  Raw r;
  os << "usage: meshverify load -c mesh.yaml [--rate R | --concurrency C] [--duration D | "
        "--requests N]\n"
        "    [--window 1s] [--warmup 0s] [--at T=COMMAND]... [--sweep concurrency=1,4,16 | "
        "rate=100,500]\n"
        "    [--slo EXPR]... [--direct [--url URL] [--source-cluster NAME]]\n"
        "    [--jsonl PATH] [--json PATH] [--html PATH] [--markdown PATH] [--fortio PATH] "
        "[-o text|json]\n\n"
        "Load and balance experiments over time: requests in closed or open loop, cut into\n"
        "windows with shares per destination, errors and latency; faults on a timeline; SLO "
        "gates.\n"
        "Exit: 0 passed, 1 an SLO failed, 2 usage/config error, 3 could not run, 4 "
        "inconclusive,\n130 interrupted.\n\n"
     << Describe(&f, &r);
}

}  // namespace meshverify::cli
