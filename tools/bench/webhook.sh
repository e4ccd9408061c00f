#!/usr/bin/env bash
# The webhook path next to its floor, in one run per profile (embedded on its SQLite file, embedded :memory:, cluster): signed Volteras deliveries from the fleet simulator
# (tools/FleetTwins.Simulator, 1,000 vehicles, with its duplicates and reordering), closed loop with C requests in
# flight for D seconds, against
#   floor: POST /webhooks/floor/volteras/{type} in the same host: body read + signature check, no parse, no grain;
#   twin:  POST /webhooks/volteras/{type}: the real path, answered after the twin persisted the event;
# then the twin path again paced at half the rate it reached, for the answer latency under a steady load.
# Usage: bash tools/bench/webhook.sh [seconds=20] [concurrency=32]   (BENCH_SMOKE=1: 1 s, 100 vehicles)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/bench/services.sh tools/FleetTwins.Simulator
if [ "$smoke" = "1" ]; then defaults=(1 8); vehicles=100; else defaults=(20 32); vehicles=1000; fi
seconds="${1:-${defaults[0]}}"; concurrency="${2:-${defaults[1]}}"
simulator="$bench"
secret="whsec_c2ltdWxhdG9yLXZvbHRlcmFzLXNlY3JldC0wMDE="

drive() { # prints the simulator's result line and the host's CPU and allocations per event on stderr, the rate on stdout
  local result before after
  before=$(process_counters "$host_url")
  result=$($simulator run --url "$host_url" --providers volteras --vehicles "$vehicles" --duration "$seconds" \
    --concurrency "$concurrency" --volteras-secret "$secret" "$@" 2>/dev/null | grep '^result:')
  after=$(process_counters "$host_url")
  echo "$result" >&2
  per_event "$before" "$after" "$(sed -E 's/^result: ([0-9]+) deliveries.*/\1/' <<< "$result")" \
    "$(sed -E 's/^result: [0-9]+ deliveries in ([0-9.]+) s.*/\1/' <<< "$result")" >&2
  sed -E 's/.* = ([0-9]+)\/s.*/\1/' <<< "$result"
}

measure() {
  local name="$1"; shift
  start_host "/tmp/fleettwins-bench-webhook-$name-$$.log" "$@" Benchmark__FloorEndpoints=true \
    RateLimits__Webhooks__PermitsPerSecond=0 Ingestion__Volteras__Secrets__0="$secret"
  echo "== $name profile"
  echo -n "floor: " >&2; floor=$(drive --prefix /webhooks/floor)
  echo -n "twin:  " >&2; twin=$(drive)
  echo -n "twin at half that rate: " >&2; drive --rate $((twin / 2)) > /dev/null
  awk -v t="$twin" -v f="$floor" 'BEGIN { printf "twin path / floor = %.0f %%\n", 100 * t / f }'
  stop_host
}

# The embedded profile on its data file (the default: synchronous=FULL), then with nothing kept (:memory:) beside it.
measure embedded-sqlite FleetTwins__Profile=Embedded FleetTwins__DataPath="$(bench_data_file webhook)"
measure embedded-memory FleetTwins__Profile=Embedded FleetTwins__DataPath=:memory:
postgres="$(bench_database webhookbench)"
measure cluster FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true Ingestion__Telematica__Enabled=false Ingestion__Tracker__Enabled=false \
  "ConnectionStrings__Postgres=$postgres"
