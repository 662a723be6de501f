#!/usr/bin/env bash
# A local Prometheus whose history is the embedded demo's SLI data (docs/demo.md, "Against a
# local Prometheus"): writes the last N days as OpenMetrics, backfills them into TSDB blocks
# with promtool and starts prometheus on them (in the foreground; Ctrl-C stops it).
#
#   bash scripts/demo-prometheus.sh [--days 90] [--dir DIR] [--port 9090] [--no-start] [--keep-input]
#
# Then start the app with app-config.prometheus.yaml (the command is printed at the end).
# Needs Debian's prometheus package (apt-get install -y prometheus) and `yarn install` done.
set -euo pipefail
cd "$(dirname "$0")/.."

days=90
dir="${DEMO_PROMETHEUS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/airworthy/demo-prometheus}"
port=9090
start=1
keep=0
while (($#)); do
  case "$1" in
  --days) days="$2"; shift 2 ;;
  --dir) dir="$2"; shift 2 ;;
  --port) port="$2"; shift 2 ;;
  --no-start) start=0; shift ;;
  --keep-input) keep=1; shift ;;
  -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "demo-prometheus: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$days" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "demo-prometheus: --days must be a positive number, not $days" >&2
  exit 2
fi

PROMETHEUS="${PROMETHEUS_BIN:-$(command -v prometheus || true)}"
PROMTOOL="${PROMTOOL_BIN:-$(command -v promtool || true)}"
if [[ -z "$PROMETHEUS" || -z "$PROMTOOL" ]]; then
  echo "demo-prometheus: prometheus and promtool are needed: apt-get install -y prometheus" >&2
  echo "(or set PROMETHEUS_BIN and PROMTOOL_BIN)" >&2
  exit 1
fi
if [[ ! -d node_modules/@backstage/cli ]]; then
  echo "demo-prometheus: run 'node scripts/run.js yarn install' first" >&2
  exit 1
fi
node_bin="$(node scripts/run.js node-bin)"

mkdir -p "$dir"
input="$dir/demo.om"
data="$dir/data"
rm -rf "$data"

echo "1/3 Writing $days days of demo history to $input"
t0=$(date +%s%3N)
summary=$("$node_bin/node" scripts/demo-openmetrics.js --out "$input" --days "$days")
echo "    $summary"
anchor=$(sed -n 's/.*"anchor":"\([^"]*\)".*/\1/p' <<<"$summary")

echo "2/3 Backfilling TSDB blocks into $data (promtool)"
t1=$(date +%s%3N)
# Large blocks: promtool reads the whole input once per block, so 2-hour blocks (its default)
# would read a 90-day file a thousand times.
"$PROMTOOL" tsdb create-blocks-from openmetrics --quiet \
  --max-block-duration=1458h "$input" "$data"
t2=$(date +%s%3N)
((keep)) || rm -f "$input"
ms() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
echo "    generated in $(ms $((t1 - t0))) s, backfilled in $(ms $((t2 - t1))) s; data: $(du -sh "$data" | cut -f1)"

cat >"$dir/prometheus.yml" <<'EOF'
# No scrape targets: the demo history comes from backfilled blocks.
global:
  scrape_interval: 1m
EOF

cat <<EOF

Start the app against it (the demo's incidents line up with this history through the anchor):

  APP_CONFIG_operability_demo_anchor=$anchor \\
    node scripts/run.js yarn start --config ../../app-config.yaml --config ../../app-config.prometheus.yaml

EOF

# A 1-minute lookback: gauges (probes, lag) have one sample a minute, and after the history
# ends the default 5 minutes would repeat their last sample for 4 more minutes.
args=(--config.file="$dir/prometheus.yml" --storage.tsdb.path="$data"
  --storage.tsdb.retention.time=120d --query.lookback-delta=1m
  --web.listen-address="127.0.0.1:$port")
if ((start)); then
  echo "3/3 Starting prometheus on http://127.0.0.1:$port (Ctrl-C stops it)"
  exec "$PROMETHEUS" "${args[@]}"
else
  echo "3/3 Not started (--no-start). Start it with:"
  echo "  $PROMETHEUS ${args[*]}"
fi
