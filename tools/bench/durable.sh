#!/usr/bin/env bash
# The durable webhook path next to what a user would write instead, in one run on one PostgreSQL, same load:
#   naive: tools/bench/NaiveReceiver, verify the Svix signature + one upsert per event (dedup by delivery id), 200 after commit;
#   floor: POST /webhooks/floor/volteras/{type} in the FleetTwins host: body read + signature check, no parse, no grain;
#   embedded: the embedded profile's real path on its SQLite file, answered after the journal record's commit is synced;
#   twin:  the cluster profile's real path, answered after the twin's journal record is committed;
# each closed loop with C requests in flight for D seconds (signed Volteras deliveries of V vehicles from the fleet
# simulator), then the twin path paced at half its rate for the answer latency under a steady load; ratios at the end.
# Usage: bash tools/bench/durable.sh [seconds=20] [concurrency=64] [vehicles=5000]   (BENCH_SMOKE=1: 1 s, 8, 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/bench/services.sh tools/FleetTwins.Simulator
if [ "$smoke" = "1" ]; then defaults=(1 8 100); else defaults=(20 64 5000); fi
seconds="${1:-${defaults[0]}}"; concurrency="${2:-${defaults[1]}}"; vehicles="${3:-${defaults[2]}}"
simulator="$bench"
if [ "${BENCH_BUILT:-0}" != "1" ]; then dotnet build tools/bench/NaiveReceiver -c Release -nologo -clp:ErrorsOnly >/dev/null; fi
secret="whsec_c2ltdWxhdG9yLXZvbHRlcmFzLXNlY3JldC0wMDE="

# CPU clock ticks used so far by a process; by PostgreSQL: its server process and every child of it alive now (the
# pool's backends stay up for the run, beside the WAL writer and checkpointer).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
postgres_ticks() {
  local server t=0 p
  server=$(pgrep -f "postgres -D $FLEETTWINS_SERVICES_DIR/postgres" | head -1)
  for p in "$server" $(pgrep -P "$server"); do t=$((t + $(ticks "$p"))); done
  echo "$t"
}

drive() { # url [simulator options]: the rate on stdout, the simulator's result line on stderr
  local url="$1"; shift
  local result
  result=$($simulator run --url "$url" --providers volteras --vehicles "$vehicles" --duration "$seconds" \
    --concurrency "$concurrency" --volteras-secret "$secret" "$@" 2>/dev/null | grep '^result:')
  echo "  $result" >&2
  sed -E 's/.* = ([0-9]+)\/s.*/\1/' <<< "$result"
}

echo "== naive receiver (one upsert per event)"
naive_url="http://127.0.0.1:$(free_port)"
dotnet tools/bench/NaiveReceiver/bin/Release/net10.0/NaiveReceiver.dll "$naive_url" "$(bench_database naivebench)" "$secret" \
  > "/tmp/fleettwins-bench-naive-$$.log" 2>&1 &
naive_pid=$!
host_pids+=("$naive_pid")
until curl -s -o /dev/null "$naive_url/"; do
  kill -0 "$naive_pid" 2>/dev/null || { tail -20 "/tmp/fleettwins-bench-naive-$$.log" >&2; exit 1; }
  sleep 0.2
done
naive=$(drive "$naive_url")
kill "$naive_pid"; wait "$naive_pid" 2>/dev/null || true

echo "== FleetTwins, embedded profile on its SQLite file (synchronous=FULL, the default)"
start_host "/tmp/fleettwins-bench-durable-embedded-$$.log" FleetTwins__Profile=Embedded FleetTwins__DataPath="$(bench_data_file durable)" \
  Benchmark__FloorEndpoints=true RateLimits__Webhooks__PermitsPerSecond=0 Ingestion__Volteras__Secrets__0="$secret"
# The floor first, as in the cluster run below: the same warm-up (JIT, connections) before the twin path is measured.
echo "embedded floor (warm-up):" >&2; drive "$host_url" --prefix /webhooks/floor > /dev/null
host0=$(ticks "$host_pid")
echo "embedded twin:" >&2; embedded=$(drive "$host_url")
host1=$(ticks "$host_pid")
awk -v h=$((host1 - host0)) -v t="$(getconf CLK_TCK)" -v s="$seconds" 'BEGIN { printf "  cores busy: host %.2f (SQLite writes in the host process)\n", h / t / s }' >&2
stop_host

echo "== FleetTwins, cluster profile"
start_host "/tmp/fleettwins-bench-durable-$$.log" FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true \
  Benchmark__FloorEndpoints=true RateLimits__Webhooks__PermitsPerSecond=0 Ingestion__Volteras__Secrets__0="$secret" \
  Ingestion__Telematica__Enabled=false Ingestion__Tracker__Enabled=false "ConnectionStrings__Postgres=$(bench_database durablebench)"
echo "floor:" >&2; floor=$(drive "$host_url" --prefix /webhooks/floor)
before=$(process_counters "$host_url")
pg0=$(postgres_ticks); host0=$(ticks "$host_pid")
echo "twin:" >&2; twin=$(drive "$host_url")
pg1=$(postgres_ticks); host1=$(ticks "$host_pid")
after=$(process_counters "$host_url")
per_event "$before" "$after" "$((twin * seconds))" "$seconds" >&2
awk -v h=$((host1 - host0)) -v p=$((pg1 - pg0)) -v t="$(getconf CLK_TCK)" -v s="$seconds" -v n="$((twin * seconds))" 'BEGIN {
  printf "  cores busy during the twin run: host %.2f, PostgreSQL %.2f (%.0f us of PostgreSQL CPU per event); the rest is the load generator\n",
    h / t / s, p / t / s, 1e6 * p / t / (n > 0 ? n : 1) }' >&2
echo "twin at half that rate:" >&2; drive "$host_url" --rate $((twin / 2 > 0 ? twin / 2 : 1)) > /dev/null
stop_host

awk -v n="$naive" -v f="$floor" -v t="$twin" -v e="$embedded" 'BEGIN {
  printf "naive %d/s, floor %d/s, twin %d/s, embedded (SQLite) twin %d/s: twin / naive = %.2fx, embedded / naive = %.2fx, twin / floor = %.0f %%\n",
    n, f, t, e, t / n, e / n, 100 * t / f }'
