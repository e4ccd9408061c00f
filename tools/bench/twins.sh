#!/usr/bin/env bash
# Twin footprint, measured in one run:
#   1. managed heap per active vehicle twin with realistic state (two telemetry deliveries, master data, tires,
#      charging; notifications raised), state only in the activation ("discard", as with PostgreSQL storage) and
#      with the embedded profile's in-process storage; BENCH_HEAP_BY_TYPE=1 adds the heap by type (ClrMD);
#   2. cold start: twins written through a silo on PostgreSQL, the silo restarted, every twin activated from
#      storage (256 reads in flight) — with the cluster profile's grain storage, then with Orleans' ADO.NET
#      storage as the baseline, each in a fresh database.
# Usage: bash tools/bench/twins.sh [twins=100000] [cold-start twins=20000]
set -euo pipefail
cd "$(dirname "$0")/../.."
twins="${1:-100000}"; cold="${2:-20000}"
source tools/bench/services.sh tools/bench/TwinMemory
$bench memory "$twins" discard
$bench memory "$twins" embedded
for storage in fleettwins adonet; do
  postgres_admin -c "DROP DATABASE IF EXISTS twinbench" -c "CREATE DATABASE twinbench"
  postgres="Host=127.0.0.1;Port=$FLEETTWINS_PG_PORT;Username=fleettwins;Password=fleettwins;Database=twinbench"
  ConnectionStrings__Postgres="$postgres" dotnet "$host/FleetTwins.Host.dll" migrate >/dev/null
  $bench coldstart "$postgres" "$cold" "$storage"
done
