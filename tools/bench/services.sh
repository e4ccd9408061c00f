# Sourced by the benchmark scripts (from the repository root): PostgreSQL and RabbitMQ of their own, apart from
# the test and development services and stopped on exit with any host they started, and a Release build of the
# solution and of the benchmark program in the folder $1 (e.g. tools/bench/AmqpDrain); $bench runs it.
export FLEETTWINS_SERVICES_DIR=/tmp/fleettwins-bench-services FLEETTWINS_PG_PORT=55434 FLEETTWINS_AMQP_PORT=55674 FLEETTWINS_RABBITMQ_DIST_PORT=35674
eval "$(bash tools/services.sh start)"
trap 'pkill -f "FleetTwins.Host.dll" 2>/dev/null || true; bash tools/services.sh stop >/dev/null 2>&1 || true' EXIT
dotnet build FleetTwins.sln -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build "$1" -c Release -nologo -clp:ErrorsOnly >/dev/null
bench="dotnet $1/bin/Release/net10.0/$(basename "$1").dll"
host="src/FleetTwins.Host/bin/Release/net10.0"
postgres_admin() { PGPASSWORD=fleettwins psql -q -h 127.0.0.1 -p "$FLEETTWINS_PG_PORT" -U fleettwins -d postgres "$@"; }
# Waits for a host started in the background to answer /health/ready; gives up after 3 minutes, showing its log.
wait_ready() {
  local deadline=$((SECONDS + 180))
  until curl -sf -o /dev/null "$1/health/ready"; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "the host at $1 did not become ready; its log ($2):" >&2; tail -20 "$2" >&2; exit 1; fi
    sleep 0.2
  done
}
# The host's process counters (GET /benchmark/process, served with Benchmark__FloorEndpoints=true) as one line.
process_counters() { curl -sf "$1/benchmark/process"; }
# Host CPU time and managed allocations per event between two process_counters readings:
#   per_event BEFORE AFTER EVENTS SECONDS
per_event() {
  field() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/" <<< "$2"; }
  awk -v c0="$(field cpuMilliseconds "$1")" -v c1="$(field cpuMilliseconds "$2")" \
      -v a0="$(field allocatedBytes "$1")" -v a1="$(field allocatedBytes "$2")" \
      -v g0="$(field gen2Collections "$1")" -v g1="$(field gen2Collections "$2")" -v n="$3" -v s="$4" \
      'BEGIN { printf "  host: %.0f us CPU per event, %.1f KB allocated per event (%.0f MB/s), %d gen2 collections\n",
               1000 * (c1 - c0) / n, (a1 - a0) / n / 1024, (a1 - a0) / s / 1048576, g1 - g0 }'
}
