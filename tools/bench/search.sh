#!/usr/bin/env bash
# Fleet search, measured in one run on this machine:
#   1. latency of the documented queries over N seeded twins, PostgreSQL projection next to the in-memory one;
#   2. ingest-to-search lag: from a webhook's 200 answer until fleet search returns the new value, in the cluster
#      profile (projection in PostgreSQL, the N twins present) and in the embedded profile.
# Usage: bash tools/bench/search.sh [twins=100000] [lag-samples=200]   (BENCH_SMOKE=1: 100 and 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/bench/services.sh tools/bench/SearchBench
if [ "$smoke" = "1" ]; then defaults=(100 5); else defaults=(100000 200); fi
twins="${1:-${defaults[0]}}"; samples="${2:-${defaults[1]}}"
secret="whsec_YmVuY2gtc2VhcmNoLXNlY3JldC0wMDAwMDAwMDAw"
key="bench-search-key-0123456789"

postgres="$(bench_database searchbench)"
$bench query "$postgres" "$twins"

lag() {
  local name="$1"; shift
  start_host "/tmp/fleettwins-bench-search-$name-$$.log" "$@" Ingestion__Volteras__Secrets__0="$secret" Api__Keys__0="$key" \
    RateLimits__Api__PermitsPerSecond=0
  echo -n "$name: "
  $bench lag "$host_url" "$secret" "$key" "$samples"
  stop_host
}

lag cluster FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true "ConnectionStrings__Postgres=$postgres" \
  Ingestion__Telematica__Enabled=false Ingestion__Tracker__Enabled=false
lag embedded FleetTwins__Profile=Embedded
