#!/usr/bin/env bash
# The durable webhook path next to what a user would write instead, in one run on one PostgreSQL, same load:
#   naive: tools/bench/NaiveReceiver, verify the Svix signature + one upsert per event (dedup by delivery id), 200 after commit;
#   floor: POST /webhooks/floor/volteras/{type} in the FleetTwins host: body read + signature check, no parse, no grain;
#   twin:  the cluster profile's real path, answered after the twin's journal record is committed;
# each closed loop with C requests in flight for D seconds (signed Volteras deliveries of V vehicles from the fleet
# simulator), then the twin path paced at half its rate for the answer latency under a steady load; ratios at the end.
# Usage: bash tools/bench/durable.sh [seconds=30] [concurrency=64] [vehicles=5000]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-30}"; concurrency="${2:-64}"; vehicles="${3:-5000}"
source tools/bench/services.sh tools/FleetTwins.Simulator
simulator="$bench"
dotnet build tools/bench/NaiveReceiver -c Release -nologo -clp:ErrorsOnly >/dev/null
secret="whsec_c2ltdWxhdG9yLXZvbHRlcmFzLXNlY3JldC0wMDE="
postgres() { echo "Host=127.0.0.1;Port=$FLEETTWINS_PG_PORT;Username=fleettwins;Password=fleettwins;Database=$1"; }

# CPU seconds used so far by the processes matching a pattern (live ones: PostgreSQL backends of a pool stay up).
cpu_of() { local t=0 p; for p in $(pgrep -f "$1"); do t=$((t + $(awk '{ print $14 + $15 }' /proc/$p/stat 2>/dev/null || echo 0))); done; echo "$t"; }

drive() { # url [simulator options]: the rate on stdout, the simulator's result line on stderr
  local url="$1"; shift
  local result
  result=$($simulator run --url "$url" --providers volteras --vehicles "$vehicles" --duration "$seconds" \
    --concurrency "$concurrency" --volteras-secret "$secret" "$@" 2>/dev/null | grep '^result:')
  echo "  $result" >&2
  sed -E 's/.* = ([0-9]+)\/s.*/\1/' <<< "$result"
}

postgres_admin -c "DROP DATABASE IF EXISTS naivebench" -c "CREATE DATABASE naivebench" -c "DROP DATABASE IF EXISTS durablebench" -c "CREATE DATABASE durablebench"

echo "== naive receiver (one upsert per event)"
dotnet tools/bench/NaiveReceiver/bin/Release/net10.0/NaiveReceiver.dll http://127.0.0.1:5190 "$(postgres naivebench)" "$secret" \
  > /tmp/fleettwins-bench-naive.log 2>&1 &
naive_pid=$!
until curl -s -o /dev/null http://127.0.0.1:5190/; do sleep 0.2; done
naive=$(drive http://127.0.0.1:5190)
kill "$naive_pid"; wait "$naive_pid" 2>/dev/null || true

echo "== FleetTwins, cluster profile"
( cd "$host" && env FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true Benchmark__FloorEndpoints=true \
    RateLimits__Webhooks__PermitsPerSecond=0 Ingestion__Volteras__Secrets__0="$secret" \
    Ingestion__Telematica__Enabled=false Ingestion__Tracker__Enabled=false "ConnectionStrings__Postgres=$(postgres durablebench)" \
    Kestrel__Endpoints__Http__Url=http://127.0.0.1:5180 Kestrel__Endpoints__Grpc__Url=http://127.0.0.1:5181 \
    Logging__LogLevel__Default=Warning dotnet FleetTwins.Host.dll > /tmp/fleettwins-bench-durable.log 2>&1 & )
wait_ready http://127.0.0.1:5180 /tmp/fleettwins-bench-durable.log
echo "floor:" >&2; floor=$(drive http://127.0.0.1:5180 --prefix /webhooks/floor)
before=$(process_counters http://127.0.0.1:5180)
pg0=$(cpu_of "postgres.*$FLEETTWINS_SERVICES_DIR|postgres: fleettwins"); host0=$(cpu_of "FleetTwins.Host.dll")
echo "twin:" >&2; twin=$(drive http://127.0.0.1:5180)
pg1=$(cpu_of "postgres.*$FLEETTWINS_SERVICES_DIR|postgres: fleettwins"); host1=$(cpu_of "FleetTwins.Host.dll")
after=$(process_counters http://127.0.0.1:5180)
per_event "$before" "$after" "$((twin * seconds))" "$seconds" >&2
tick=$(getconf CLK_TCK)
awk -v h=$((host1 - host0)) -v p=$((pg1 - pg0)) -v t="$tick" -v s="$seconds" -v n="$((twin * seconds))" 'BEGIN {
  printf "  cores busy during the twin run: host %.2f, PostgreSQL %.2f (%.0f us of PostgreSQL CPU per event); the rest is the load generator\n",
    h / t / s, p / t / s, 1e6 * p / t / n }' >&2
echo "twin at half that rate:" >&2; drive http://127.0.0.1:5180 --rate $((twin / 2)) > /dev/null
pkill -f "FleetTwins.Host.dll" || true

awk -v n="$naive" -v f="$floor" -v t="$twin" 'BEGIN {
  printf "naive %d/s, floor %d/s, twin %d/s: twin / naive = %.2fx, twin / floor = %.0f %%\n", n, f, t, t / n, 100 * t / f }'
