#!/usr/bin/env bash
# Drain rate of a queue pre-filled with N mixed INVERS events, in one run on one broker:
#   1. a bare RabbitMQ.Client consumer that only acknowledges (the floor),
#   2. FleetTwins in the embedded profile (in-memory twins),
#   3. FleetTwins in the cluster profile (twins persisted in PostgreSQL before each acknowledgement).
# Usage: bash tools/bench/amqp-drain.sh [events=100000] [vehicles=1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-100000}"; vehicles="${2:-1000}"
source tools/bench/services.sh tools/bench/AmqpDrain
drain="$bench"
dotnet build tools/FleetTwins.Simulator -c Release -nologo -clp:ErrorsOnly >/dev/null
fill() { dotnet tools/FleetTwins.Simulator/bin/Release/net10.0/FleetTwins.Simulator.dll fill-invers "$uri" "$1" "$count" --vehicles "$vehicles"; }
uri="$FLEETTWINS_TEST_RABBITMQ"

fill bench.bare
$drain bare "$uri" bench.bare "$count"

# Starts the host on a pre-filled queue; reports the time from "ready" until the queue holds nothing.
measure() {
  local name="$1"; shift
  fill "bench.$name" >/dev/null
  # BENCH_ENV adds settings to every host run, e.g. BENCH_ENV="Ingestion__Invers__CacheSize=10000".
  ( cd "$host" && env "$@" ${BENCH_ENV:-} Ingestion__Invers__Queues__0="bench.$name" ConnectionStrings__RabbitMQ="$uri" Benchmark__FloorEndpoints=true \
      Kestrel__Endpoints__Http__Url=http://127.0.0.1:5180 Kestrel__Endpoints__Grpc__Url=http://127.0.0.1:5181 \
      Logging__LogLevel__Default=Warning dotnet FleetTwins.Host.dll > "/tmp/fleettwins-bench-$name.log" 2>&1 & )
  wait_ready http://127.0.0.1:5180 "/tmp/fleettwins-bench-$name.log"
  local start end depth before after
  start=$(date +%s.%N); before=$(process_counters http://127.0.0.1:5180)
  while depth=$(bash tools/services.sh queue-depth "bench.$name"); [ "${depth:-1}" != "0" ]; do sleep 0.2; done
  end=$(date +%s.%N); after=$(process_counters http://127.0.0.1:5180)
  pkill -f "FleetTwins.Host.dll" || true; sleep 2
  awk -v n="$count" -v s="$start" -v e="$end" -v name="$name" 'BEGIN { printf "%s: %d events applied and acknowledged in %.2f s = %.0f events/s\n", name, n, e - s, n / (e - s) }'
  per_event "$before" "$after" "$count" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')"
}

measure embedded FleetTwins__Profile=Embedded
postgres_admin -c "CREATE DATABASE bench"
measure cluster FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true \
  Ingestion__Telematica__Enabled=false Ingestion__Volteras__Enabled=false Ingestion__Tracker__Enabled=false \
  "ConnectionStrings__Postgres=Host=127.0.0.1;Port=$FLEETTWINS_PG_PORT;Username=fleettwins;Password=fleettwins;Database=bench"
