#!/usr/bin/env bash
# A local Prometheus whose history is the embedded demo's SLI data (docs/demo.md, "Against a
# local Prometheus"): writes the last N days as OpenMetrics, backfills them into TSDB blocks
# with promtool, then runs the demo's live exporter, an Alertmanager that sends alerts to the
# app's receiver, and prometheus (in the foreground; Ctrl-C stops them all) with the rules
# `airworthy rules` generates for the demo's SLOs, so that burn alerts come through the chain.
#
#   bash scripts/demo-prometheus.sh [--days 90] [--dir DIR] [--port 9090] [--app-url URL]
#                                   [--no-start] [--keep-input]
#
# Then start the app with app-config.prometheus.yaml (the command is printed at the end).
# Needs Debian's prometheus and prometheus-alertmanager packages and `yarn install` done.
set -euo pipefail
cd "$(dirname "$0")/.."

days=90
dir="${DEMO_PROMETHEUS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/airworthy/demo-prometheus}"
port=9090
app_url=http://127.0.0.1:7007
start=1
keep=0
while (($#)); do
  case "$1" in
  --days) days="$2"; shift 2 ;;
  --dir) dir="$2"; shift 2 ;;
  --port) port="$2"; shift 2 ;;
  --app-url) app_url="$2"; shift 2 ;;
  --no-start) start=0; shift ;;
  --keep-input) keep=1; shift ;;
  -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "demo-prometheus: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$days" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "demo-prometheus: --days must be a positive number, not $days" >&2
  exit 2
fi

PROMETHEUS="${PROMETHEUS_BIN:-$(command -v prometheus || true)}"
PROMTOOL="${PROMTOOL_BIN:-$(command -v promtool || true)}"
ALERTMANAGER="${ALERTMANAGER_BIN:-$(command -v prometheus-alertmanager || true)}"
if [[ -z "$PROMETHEUS" || -z "$PROMTOOL" || -z "$ALERTMANAGER" ]]; then
  echo "demo-prometheus: prometheus, promtool and alertmanager are needed:" >&2
  echo "  apt-get install -y prometheus prometheus-alertmanager" >&2
  echo "(or set PROMETHEUS_BIN, PROMTOOL_BIN and ALERTMANAGER_BIN)" >&2
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

echo "1/4 Writing $days days of demo history to $input"
t0=$(date +%s%3N)
summary=$("$node_bin/node" scripts/demo-openmetrics.js --out "$input" --days "$days")
echo "    $summary"
anchor=$(sed -n 's/.*"anchor":"\([^"]*\)".*/\1/p' <<<"$summary")
from=$(sed -n 's/.*"from":"\([^"]*\)".*/\1/p' <<<"$summary")

echo "2/4 Backfilling TSDB blocks into $data (promtool)"
t1=$(date +%s%3N)
# Large blocks: promtool reads the whole input once per block, so 2-hour blocks (its default)
# would read a 90-day file a thousand times.
"$PROMTOOL" tsdb create-blocks-from openmetrics --quiet \
  --max-block-duration=1458h "$input" "$data"
t2=$(date +%s%3N)
((keep)) || rm -f "$input"
ms() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
echo "    generated in $(ms $((t1 - t0))) s, backfilled in $(ms $((t2 - t1))) s; data: $(du -sh "$data" | cut -f1)"

echo "3/4 Generating the demo SLOs' rules (airworthy rules examples/slos)"
"$node_bin/node" packages/cli/bin/airworthy rules examples/slos >"$dir/rules.yaml" 2>/dev/null

exporter_port=$((port + 1))
am_port=$((port + 2))
# The app's receiver and its token (operability.incidents.alertmanager.token of app-config.yaml).
token="${AIRWORTHY_ALERTMANAGER_TOKEN:-demo-alertmanager-token}"
cat >"$dir/alertmanager.yml" <<EOF
route:
  receiver: airworthy
  group_by: [alertname, sloth_id, sloth_severity]
  group_wait: 10s
  group_interval: 1m
  repeat_interval: 4h
receivers:
  - name: airworthy
    webhook_configs:
      - url: $app_url/api/operability/webhooks/alertmanager
        send_resolved: true
        http_config:
          authorization: { type: Bearer, credentials: $token }
EOF

cat >"$dir/prometheus.yml" <<EOF
# The history comes from the backfilled blocks; the live exporter continues it.
global:
  scrape_interval: 1m
  scrape_timeout: 50s
  evaluation_interval: 1m
rule_files: [$dir/rules.yaml]
scrape_configs:
  - job_name: demo
    static_configs: [{ targets: ['127.0.0.1:$exporter_port'] }]
alerting:
  alertmanagers:
    - static_configs: [{ targets: ['127.0.0.1:$am_port'] }]
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
exporter_args=(scripts/demo-openmetrics.js --serve "$exporter_port" --from "$from" --anchor "$anchor")
am_args=(--config.file="$dir/alertmanager.yml" --storage.path="$dir/alertmanager"
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address=)
if ((start)); then
  echo "4/4 Starting the exporter (:$exporter_port), Alertmanager (:$am_port, to $app_url)"
  echo "    and prometheus on http://127.0.0.1:$port (Ctrl-C stops them)"
  pids=()
  trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
  "$node_bin/node" "${exporter_args[@]}" &
  pids+=($!)
  "$ALERTMANAGER" "${am_args[@]}" &
  pids+=($!)
  "$PROMETHEUS" "${args[@]}"
else
  echo "4/4 Not started (--no-start). Start them with:"
  echo "  $node_bin/node ${exporter_args[*]} &"
  echo "  $ALERTMANAGER ${am_args[*]} &"
  echo "  $PROMETHEUS ${args[*]}"
fi
