#!/usr/bin/env bash
# demo.sh runs the mcpaudit demo end to end on this machine:
#   1. starts `mcpaudit up` (embedded Kafka-protocol broker + local ClickHouse)
#      in the background, data under .data/demo, log in .data/demo/up.log;
#   2. waits for GET /healthz on the REST address (bounded);
#   3. runs `mcpdemo run`: benign and attack MCP sessions through
#      `mcpaudit tap`, then waits for and prints the alerts;
#   4. stops `up` with SIGTERM and waits for it (via a trap), unless
#      DEMO_KEEP_RUNNING=1 and the demo passed: then `up` keeps running so
#      the URLs mcpdemo printed work, and the script says how to stop it.
# Exit status is mcpdemo's: non-zero when an expected alert is missing or a
# benign session raised one.
#
# Called by `make demo` after it built bin/mcpaudit and bin/mcpdemo and
# installed clickhouse-server and the npm reference servers.
#
# Environment overrides:
#   MCPAUDIT, MCPDEMO          binaries (default bin/mcpaudit, bin/mcpdemo)
#   DEMO_DATA_DIR              data directory (default .data/demo; wiped first
#                              unless DEMO_KEEP_DATA=1)
#   DEMO_GRPC_ADDR             collector address (default 127.0.0.1:7070)
#   DEMO_HTTP_ADDR             REST/health address (default 127.0.0.1:7080)
#   DEMO_START_TIMEOUT         seconds to wait for /healthz (default 60)
#   DEMO_ALERT_TIMEOUT         how long mcpdemo waits for alerts (default 45s)
#   DEMO_KEEP_RUNNING          1: leave `mcpaudit up` running after a passing
#                              demo (its pid in DATA_DIR/up.pid)
#   MCPAUDIT_NPM_PREFIX        npm prefix of the reference servers (default .tmp/npm)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mcpaudit="${MCPAUDIT:-$root/bin/mcpaudit}"
mcpdemo="${MCPDEMO:-$root/bin/mcpdemo}"
data_dir="${DEMO_DATA_DIR:-$root/.data/demo}"
grpc_addr="${DEMO_GRPC_ADDR:-127.0.0.1:7070}"
http_addr="${DEMO_HTTP_ADDR:-127.0.0.1:7080}"
start_timeout="${DEMO_START_TIMEOUT:-60}"
alert_timeout="${DEMO_ALERT_TIMEOUT:-45s}"
keep_running="${DEMO_KEEP_RUNNING:-0}"
export MCPAUDIT_NPM_PREFIX="${MCPAUDIT_NPM_PREFIX:-$root/.tmp/npm}"

die() { echo "demo: $*" >&2; exit 1; }

for bin in "$mcpaudit" "$mcpdemo"; do
	[[ -x "$bin" ]] || die "$bin not found or not executable (run 'make build')"
done
[[ -d "$MCPAUDIT_NPM_PREFIX/node_modules/@modelcontextprotocol" ]] ||
	die "reference MCP servers missing under $MCPAUDIT_NPM_PREFIX (run 'make deps' or: npm install --prefix $MCPAUDIT_NPM_PREFIX @modelcontextprotocol/server-filesystem @modelcontextprotocol/server-memory @modelcontextprotocol/server-everything)"

port_in_use() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }
for addr in "$grpc_addr" "$http_addr"; do
	if port_in_use "$addr"; then
		die "$addr is already in use (another 'mcpaudit up'?); set DEMO_GRPC_ADDR / DEMO_HTTP_ADDR"
	fi
done

if [[ "${DEMO_KEEP_DATA:-0}" != 1 ]]; then
	rm -rf "$data_dir"
fi
mkdir -p "$data_dir"
log="$data_dir/up.log"

up_pid=""
cleanup() {
	local status=$?
	trap - EXIT INT TERM
	if [[ $status -eq 0 && "$keep_running" == 1 && -n "$up_pid" ]] && kill -0 "$up_pid" 2>/dev/null; then
		echo "$up_pid" >"$data_dir/up.pid"
		echo "demo: mcpaudit up keeps running (pid $up_pid, log $log): the curl commands above work now."
		echo "demo: stop it with: kill $up_pid"
		exit 0
	fi
	if [[ -n "$up_pid" ]] && kill -0 "$up_pid" 2>/dev/null; then
		echo "demo: stopping mcpaudit up (pid $up_pid)"
		kill -TERM "$up_pid" 2>/dev/null || true
		for _ in $(seq 1 300); do # 30 s
			kill -0 "$up_pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$up_pid" 2>/dev/null; then
			echo "demo: mcpaudit up did not stop within 30s; killing it" >&2
			kill -KILL "$up_pid" 2>/dev/null || true
		fi
		wait "$up_pid" 2>/dev/null || true
	fi
	if [[ $status -ne 0 && -f "$log" ]]; then
		echo "demo: last lines of $log:" >&2
		tail -n 30 "$log" >&2 || true
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "demo: starting mcpaudit up (data $data_dir, log $log)"
"$mcpaudit" up --data-dir "$data_dir" --grpc-addr "$grpc_addr" --http-addr "$http_addr" >"$log" 2>&1 &
up_pid=$!

echo -n "demo: waiting for http://$http_addr/healthz "
deadline=$((SECONDS + start_timeout))
until curl -fsS -o /dev/null --max-time 2 "http://$http_addr/healthz" 2>/dev/null; do
	kill -0 "$up_pid" 2>/dev/null || { echo; die "mcpaudit up exited during start-up"; }
	((SECONDS < deadline)) || { echo; die "mcpaudit up not healthy after ${start_timeout}s"; }
	echo -n "."
	sleep 0.5
done
echo " ready"

# timeout(1) is a hard stop should anything hang; mcpdemo bounds itself well
# inside it.
timeout --signal=TERM --kill-after=10s 90s \
	"$mcpdemo" run \
	--mcpaudit "$mcpaudit" \
	--collector "$grpc_addr" \
	--query-url "http://$http_addr" \
	--timeout "$alert_timeout" \
	--work-dir "$data_dir/scenarios"
echo "demo: done; mcpaudit up's log is $log"
if [[ "$keep_running" != 1 ]]; then
	echo "demo: mcpaudit up stops now, so the curl commands above need it running again; start it on the same"
	echo "demo: data (kept until the next demo) with: $mcpaudit up --data-dir $data_dir --grpc-addr $grpc_addr --http-addr $http_addr"
	echo "demo: or run the demo with DEMO_KEEP_RUNNING=1 (make demo DEMO_KEEP_RUNNING=1) to leave it running."
fi
