#!/usr/bin/env bash
# The load report's HTML page in a real headless browser (Debian's chromium): it renders (its
# own script marks the page once every chart has a size), every step's share and error-rate
# charts hold one point per window and series, events are marked on every chart, sweep curves
# hold one point per step, the page asks for nothing from the network, and a screenshot is not
# blank. Reports come from real `load --direct` runs against helloworld-server on loopback.
set -uo pipefail

root="${MESHVERIFY_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
build="${MESHVERIFY_BUILD_DIR:-$root/build}"
bin="${MESHVERIFY_BINARY:-$build/meshverify}"
server="$build/helloworld-server"
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "load_html_browser_test: chromium missing (scripts/deps.sh installs it)" >&2
  exit 77
fi
tmp="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$server" --bind 127.0.0.1 --port "$port" --version v2 --instance helloworld-v2-lo &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; [[ -n ${KEEP_TMP:-} ]] && echo "kept $tmp" || rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/hello" && break
  sleep 0.05
done
url="http://127.0.0.1:$port/hello"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$bin" load --direct --url "$url" --rate 200 --duration 4s --window 500ms --warmup 500ms \
  --at '1s=true' --at '2500ms=echo x' --expect v2=1 --json "$tmp/events.json" \
  --html "$tmp/events.html" >/dev/null || fail "events run exited $?"
"$bin" load --direct --url "$url" --duration 2s --sweep concurrency=1,2,4 \
  --json "$tmp/sweep.json" --html "$tmp/sweep.html" >/dev/null || fail "sweep run exited $?"

browse() {  # browse NAME: dump the rendered DOM and a screenshot of $tmp/NAME.html
  local name=$1
  # shellcheck disable=SC2054 # --window-size=W,H is one word
  local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --user-data-dir="$tmp/profile-$name" --window-size=1000,2400 --virtual-time-budget=3000)
  timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$tmp/$name.html" >"$tmp/$name.dom" \
    2>"$tmp/$name.log" || fail "$name: chromium --dump-dom exited $?: $(tail -2 "$tmp/$name.log")"
  timeout 120 "$browser" "${flags[@]}" --screenshot="$tmp/$name.png" "file://$tmp/$name.html" \
    >>"$tmp/$name.log" 2>&1 || fail "$name: chromium --screenshot exited $?"
}
browse events
browse sweep

python3 - "$tmp" <<'PY' || failures=$((failures + 1))
import html.parser, json, struct, sys, zlib

tmp = sys.argv[1]
bad = []

class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.body, self.charts, self.chart, self.series = {}, {}, None, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        elif tag == "svg" and "data-chart" in a:
            self.chart = a["data-chart"]
            self.charts[self.chart] = {"series": {}, "markers": 0}
        elif tag == "g" and a.get("class") == "series":
            self.series = a["data-series"]
            self.charts[self.chart]["series"][self.series] = []
        elif tag == "g" and a.get("class") == "marker":
            self.charts[self.chart]["markers"] += 1
        elif tag == "circle" and self.series is not None:
            self.charts[self.chart]["series"][self.series].append(int(a["data-window"]))
        elif tag in ("script", "link", "img", "iframe") and ("src" in a or "href" in a):
            bad.append(f"external resource: <{tag} {a}>")
    def handle_endtag(self, tag):
        if tag == "g":
            self.series = None
        if tag == "svg":
            self.chart = None

def dom(name):
    d = Dom()
    d.feed(open(f"{tmp}/{name}.dom", encoding="utf-8").read())
    if d.body.get("data-rendered") != "ok":
        bad.append(f"{name}: page not marked rendered: {d.body}")
    if int(d.body.get("data-charts", "0")) != len(d.charts):
        bad.append(f"{name}: the page's script saw {d.body.get('data-charts')} charts, DOM has {len(d.charts)}")
    return d

def png_not_blank(name):
    data = open(f"{tmp}/{name}.png", "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    w, h, depth, ctype = ihdr[:4]
    bpp = {2: 3, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride, prev, colors, ink = w * bpp, bytearray(w * bpp), set(), 0
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 4 == 0:
            for x in range(0, w, 2):
                px = tuple(line[x * bpp:x * bpp + 3])
                colors.add(px)
                ink += px != (255, 255, 255)
        prev = line
    if ink < 2000 or len(colors) < 8:
        bad.append(f"{name}: screenshot looks blank ({ink} non-white samples, {len(colors)} colours)")
    return ink, len(colors)

events = json.load(open(f"{tmp}/events.json"))
d = dom("events")
windows = [w["index"] for w in events["pooled"]]
if len(windows) != 8:
    bad.append(f"events: {len(windows)} pooled windows, want 8 (4 s / 500 ms)")
for chart in ("share-step0", "errors-step0"):
    c = d.charts.get(chart)
    if not c or not c["series"]:
        bad.append(f"events: chart {chart} missing or empty")
        continue
    for s, pts in c["series"].items():
        if pts != windows:
            bad.append(f"events: {chart}/{s} holds windows {pts}, want {windows}")
for chart, c in d.charts.items():
    if c["markers"] != 2:
        bad.append(f"events: chart {chart} has {c['markers']} event markers, want 2")
lat = d.charts.get("latency-step0", {"series": {}})["series"]
if sorted(lat) != ["unknown p50", "unknown p99"] or any(len(p) != len(windows) for p in lat.values()):
    bad.append(f"events: latency series {({k: len(v) for k, v in lat.items()})}")
if "share" not in open(f"{tmp}/events.dom").read() or 'class="band"' not in open(f"{tmp}/events.dom").read():
    bad.append("events: no expected-share band")

sweep = json.load(open(f"{tmp}/sweep.json"))
s = dom("sweep")
steps = [st["index"] for st in sweep["steps"]]
for chart in ("sweep-throughput", "sweep-errors", "sweep-share", "sweep-p99"):
    c = s.charts.get(chart)
    if not c:
        bad.append(f"sweep: chart {chart} missing")
        continue
    for name, pts in c["series"].items():
        if pts != steps:
            bad.append(f"sweep: {chart}/{name} holds steps {pts}, want {steps}")
for st in sweep["steps"]:
    want = [w["index"] for w in sweep["pooled"] if w["step"] == st["index"]]
    got = s.charts[f"errors-step{st['index']}"]["series"]["errors"]
    if got != want:
        bad.append(f"sweep: step {st['index']} error chart holds {got}, want {want}")
print("load_html_browser_test: screenshots", png_not_blank("events"), png_not_blank("sweep"))
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY

if [[ $failures -ne 0 ]]; then
  echo "load_html_browser_test: $failures failure(s)" >&2
  exit 1
fi
echo "load_html_browser_test: ok"
