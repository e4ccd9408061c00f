#!/usr/bin/env bash
# Fleet search, measured in one run on this machine:
#   1. latency of the documented queries over N seeded twins, PostgreSQL projection next to the in-memory one;
#   2. ingest-to-search lag: from a webhook's 200 answer until fleet search returns the new value, in the cluster
#      profile (projection in PostgreSQL, the N twins present) and in the embedded profile.
# Usage: bash tools/bench/search.sh [twins=100000] [lag-samples=200]
set -euo pipefail
cd "$(dirname "$0")/../.."
twins="${1:-100000}"; samples="${2:-200}"
source tools/bench/services.sh tools/bench/SearchBench
secret="whsec_YmVuY2gtc2VhcmNoLXNlY3JldC0wMDAwMDAwMDAw"
key="bench-search-key-0123456789"

postgres_admin -c "DROP DATABASE IF EXISTS searchbench" -c "CREATE DATABASE searchbench"
postgres="Host=127.0.0.1;Port=$FLEETTWINS_PG_PORT;Username=fleettwins;Password=fleettwins;Database=searchbench"
$bench query "$postgres" "$twins"

lag() {
  local name="$1"; shift
  ( cd "$host" && env "$@" Ingestion__Volteras__Secrets__0="$secret" Api__Keys__0="$key" RateLimits__Api__PermitsPerSecond=0 \
      Kestrel__Endpoints__Http__Url=http://127.0.0.1:5180 Kestrel__Endpoints__Grpc__Url=http://127.0.0.1:5181 \
      Logging__LogLevel__Default=Warning dotnet FleetTwins.Host.dll > "/tmp/fleettwins-bench-search-$name.log" 2>&1 & )
  wait_ready http://127.0.0.1:5180 "/tmp/fleettwins-bench-search-$name.log"
  echo -n "$name: "
  $bench lag http://127.0.0.1:5180 "$secret" "$key" "$samples"
  pkill -f "FleetTwins.Host.dll" || true; sleep 2
}

lag cluster FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true "ConnectionStrings__Postgres=$postgres" \
  Ingestion__Telematica__Enabled=false Ingestion__Tracker__Enabled=false
lag embedded FleetTwins__Profile=Embedded
