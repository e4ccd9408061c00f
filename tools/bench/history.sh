#!/usr/bin/env bash
# History and time travel, measured in one run on this machine (tools/bench/HistoryBench, docs/PERFORMANCE.md):
#   1. one twin with N readings: the first page of /history, p50/p99 over M sequential requests, next to reads of
#      the twin itself (the baseline: the live twin, same host, same run), and the cold first page (journal decoded);
#   2. ingestion rate to 64 other twins with 32 concurrent history readers of that twin, next to none before and after.
# Both profiles: embedded (journal in process) and cluster (journal and snapshot archive in PostgreSQL).
# Usage: bash tools/bench/history.sh [readings=100000] [pages=1000] [seconds=10]   (BENCH_SMOKE=1: 300, 50, 1)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/bench/services.sh tools/bench/HistoryBench
if [ "$smoke" = "1" ]; then defaults=(300 50 1); else defaults=(100000 1000 10); fi
readings="${1:-${defaults[0]}}"; pages="${2:-${defaults[1]}}"; seconds="${3:-${defaults[2]}}"
secret="whsec_YmVuY2gtaGlzdG9yeS1zZWNyZXQtMDAwMDAwMDA="
key="bench-history-key-0123456789"

run() {
  local name="$1"; shift
  start_host "/tmp/fleettwins-bench-history-$name-$$.log" "$@" Ingestion__Volteras__Secrets__0="$secret" Api__Keys__0="$key" \
    RateLimits__Api__PermitsPerSecond=0 RateLimits__Webhooks__PermitsPerSecond=0
  echo "$name:"
  $bench "$host_url" "$secret" "$key" "$readings" "$pages" 32 "$seconds" | sed 's/^/  /'
  stop_host
}

run embedded FleetTwins__Profile=Embedded
postgres="$(bench_database historybench)"
run cluster FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true "ConnectionStrings__Postgres=$postgres" \
  Ingestion__Telematica__Enabled=false Ingestion__Tracker__Enabled=false
