#!/usr/bin/env bash
# Drain rate of a queue pre-filled with N mixed INVERS events, in one run on one broker:
#   1. a bare RabbitMQ.Client consumer that only acknowledges (the floor),
#   2. FleetTwins in the embedded profile (in-memory twins),
#   3. FleetTwins in the cluster profile (twins persisted in PostgreSQL before each acknowledgement).
# Usage: bash tools/bench/amqp-drain.sh [events=100000] [vehicles=1000]   (BENCH_SMOKE=1: 1000 and 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/bench/services.sh tools/bench/AmqpDrain
if [ "$smoke" = "1" ]; then defaults=(1000 100); else defaults=(100000 1000); fi
count="${1:-${defaults[0]}}"; vehicles="${2:-${defaults[1]}}"
drain="$bench"
if [ "${BENCH_BUILT:-0}" != "1" ]; then dotnet build tools/FleetTwins.Simulator -c Release -nologo -clp:ErrorsOnly >/dev/null; fi
fill() { dotnet tools/FleetTwins.Simulator/bin/Release/net10.0/FleetTwins.Simulator.dll fill-invers "$uri" "$1" "$count" --vehicles "$vehicles"; }
uri="$FLEETTWINS_TEST_RABBITMQ"
run="$(date +%s)-$$"   # queue names of this run only (the broker may be shared with other runs)

fill "bench.bare.$run"
$drain bare "$uri" "bench.bare.$run" "$count"

# Starts the host on a pre-filled queue; reports the time from "ready" until the queue holds nothing.
measure() {
  local name="$1"; shift
  local queue="bench.$name.$run"
  fill "$queue" >/dev/null
  # BENCH_ENV adds settings to every host run, e.g. BENCH_ENV="Ingestion__Invers__CacheSize=10000".
  start_host "/tmp/fleettwins-bench-$name-$run.log" "$@" Ingestion__Invers__Queues__0="$queue" \
    Ingestion__Invers__ParkingQueue="$queue.parked" ConnectionStrings__RabbitMQ="$uri" Benchmark__FloorEndpoints=true
  local start end depth before after
  start=$(date +%s.%N); before=$(process_counters "$host_url")
  while depth=$(bash tools/services.sh queue-depth "$queue"); [ "${depth:-1}" != "0" ]; do sleep 0.2; done
  end=$(date +%s.%N); after=$(process_counters "$host_url")
  stop_host
  awk -v n="$count" -v s="$start" -v e="$end" -v name="$name" 'BEGIN { printf "%s: %d events applied and acknowledged in %.2f s = %.0f events/s\n", name, n, e - s, n / (e - s) }'
  per_event "$before" "$after" "$count" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')"
}

measure embedded-sqlite FleetTwins__Profile=Embedded FleetTwins__DataPath="$(bench_data_file amqp)"
measure embedded-memory FleetTwins__Profile=Embedded FleetTwins__DataPath=:memory:
postgres="$(bench_database bench)"
measure cluster FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true \
  Ingestion__Telematica__Enabled=false Ingestion__Volteras__Enabled=false Ingestion__Tracker__Enabled=false \
  "ConnectionStrings__Postgres=$postgres"
