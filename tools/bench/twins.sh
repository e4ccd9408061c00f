#!/usr/bin/env bash
# Twin footprint, measured in one run:
#   1. managed heap per active vehicle twin with realistic state (two telemetry deliveries, master data, tires,
#      charging; notifications raised), state only in the activation ("discard", as with PostgreSQL storage) and
#      with the embedded profile's in-process storage; BENCH_HEAP_BY_TYPE=1 adds the heap by type (ClrMD); then,
#      the fleet's steady state, the heap again once the idle alias grains are collected (BENCH_SETTLE_SECONDS,
#      200; 0 skips it);
#   2. cold start: twins written through a silo on PostgreSQL, the silo restarted, every twin activated from
#      storage (256 reads in flight) — with the cluster profile's grain storage, then with Orleans' ADO.NET
#      storage as the baseline, each in a fresh database.
# Usage: bash tools/bench/twins.sh [twins=100000] [cold-start twins=20000]   (BENCH_SMOKE=1: 100 and 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/bench/services.sh tools/bench/TwinMemory
if [ "$smoke" = "1" ]; then defaults=(100 100); else defaults=(100000 20000); fi
twins="${1:-${defaults[0]}}"; cold="${2:-${defaults[1]}}"
if [ "$smoke" = "1" ]; then settle=0; else settle="${BENCH_SETTLE_SECONDS:-200}"; fi
BENCH_SETTLE_SECONDS="$settle" $bench memory "$twins" discard
BENCH_SETTLE_SECONDS="$settle" $bench memory "$twins" embedded
for storage in fleettwins adonet; do
  postgres="$(bench_database twinbench)"
  ConnectionStrings__Postgres="$postgres" dotnet "$host/FleetTwins.Host.dll" migrate >/dev/null
  $bench coldstart "$postgres" "$cold" "$storage"
done
