#!/usr/bin/env bash
# The webhook path next to its floor, in one run per profile: signed Volteras deliveries from the fleet simulator
# (tools/FleetTwins.Simulator, 1,000 vehicles, with its duplicates and reordering), closed loop with C requests in
# flight for D seconds, against
#   floor: POST /webhooks/floor/volteras/{type} in the same host: body read + signature check, no parse, no grain;
#   twin:  POST /webhooks/volteras/{type}: the real path, answered after the twin persisted the event;
# then the twin path again paced at half the rate it reached, for the answer latency under a steady load.
# Usage: bash tools/bench/webhook.sh [seconds=20] [concurrency=32]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-20}"; concurrency="${2:-32}"
source tools/bench/services.sh tools/FleetTwins.Simulator
simulator="$bench"
secret="whsec_c2ltdWxhdG9yLXZvbHRlcmFzLXNlY3JldC0wMDE="

start_host() {
  local name="$1"; shift
  ( cd "$host" && env "$@" Benchmark__FloorEndpoints=true RateLimits__Webhooks__PermitsPerSecond=0 Ingestion__Volteras__Secrets__0="$secret" \
      Kestrel__Endpoints__Http__Url=http://127.0.0.1:5180 Kestrel__Endpoints__Grpc__Url=http://127.0.0.1:5181 \
      Logging__LogLevel__Default=Warning dotnet FleetTwins.Host.dll > "/tmp/fleettwins-bench-webhook-$name.log" 2>&1 & )
  wait_ready http://127.0.0.1:5180 "/tmp/fleettwins-bench-webhook-$name.log"
}

drive() { # prints the simulator's result line and the host's CPU and allocations per event on stderr, the rate on stdout
  local result before after
  before=$(process_counters http://127.0.0.1:5180)
  result=$($simulator run --url http://127.0.0.1:5180 --providers volteras --vehicles 1000 --duration "$seconds" \
    --concurrency "$concurrency" --volteras-secret "$secret" "$@" 2>/dev/null | grep '^result:')
  after=$(process_counters http://127.0.0.1:5180)
  echo "$result" >&2
  per_event "$before" "$after" "$(sed -E 's/^result: ([0-9]+) deliveries.*/\1/' <<< "$result")" \
    "$(sed -E 's/^result: [0-9]+ deliveries in ([0-9.]+) s.*/\1/' <<< "$result")" >&2
  sed -E 's/.* = ([0-9]+)\/s.*/\1/' <<< "$result"
}

measure() {
  local name="$1"; shift
  start_host "$name" "$@"
  echo "== $name profile"
  echo -n "floor: " >&2; floor=$(drive --prefix /webhooks/floor)
  echo -n "twin:  " >&2; twin=$(drive)
  echo -n "twin at half that rate: " >&2; drive --rate $((twin / 2)) > /dev/null
  awk -v t="$twin" -v f="$floor" 'BEGIN { printf "twin path / floor = %.0f %%\n", 100 * t / f }'
  pkill -f "FleetTwins.Host.dll" || true; sleep 2
}

measure embedded FleetTwins__Profile=Embedded
postgres_admin -c "DROP DATABASE IF EXISTS webhookbench" -c "CREATE DATABASE webhookbench"
measure cluster FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true Ingestion__Telematica__Enabled=false Ingestion__Tracker__Enabled=false \
  "ConnectionStrings__Postgres=Host=127.0.0.1;Port=$FLEETTWINS_PG_PORT;Username=fleettwins;Password=fleettwins;Database=webhookbench"
