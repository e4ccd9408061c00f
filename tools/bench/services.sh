# Sourced by the benchmark scripts (from the repository root), with the benchmark program's folder as $1 (e.g.
# tools/bench/AmqpDrain); $bench runs it. Provides:
#   - PostgreSQL and RabbitMQ: the ones exported by `eval "$(bash tools/services.sh start)"` (or by tools/test.sh)
#     when FLEETTWINS_TEST_POSTGRES, FLEETTWINS_TEST_RABBITMQ and the FLEETTWINS_* ports are set, left running;
#     else services of their own, apart from the test and development ones, stopped on exit;
#   - a Release build of the solution and of the program (skipped with BENCH_BUILT=1, as the test command does);
#   - start_host / stop_host: a FleetTwins host on free ports, stopped by its process id (never by name: other
#     hosts on the machine are not ours);
#   - BENCH_SMOKE=1: each script's sizes shrink to seconds (a thousand events, a hundred twins), so that the test
#     command can show every benchmark still starts and finishes.
if [ -n "${FLEETTWINS_TEST_POSTGRES:-}" ] && [ -n "${FLEETTWINS_TEST_RABBITMQ:-}" ] && [ -n "${FLEETTWINS_SERVICES_DIR:-}" ] \
    && [ -n "${FLEETTWINS_PG_PORT:-}" ] && [ -n "${FLEETTWINS_AMQP_PORT:-}" ]; then
  own_services=0
else
  export FLEETTWINS_SERVICES_DIR=/tmp/fleettwins-bench-services FLEETTWINS_PG_PORT=15434 FLEETTWINS_AMQP_PORT=15684 FLEETTWINS_RABBITMQ_DIST_PORT=15694
  eval "$(bash tools/services.sh start)"
  own_services=1
fi
host_pids=()
data_dirs=()
bench_exit() {
  for pid in "${host_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for dir in "${data_dirs[@]}"; do rm -rf "$dir"; done
  if [ "$own_services" -eq 1 ]; then bash tools/services.sh stop >/dev/null 2>&1 || true; fi
}
trap bench_exit EXIT
if [ "${BENCH_BUILT:-0}" != "1" ]; then
  dotnet build FleetTwins.sln -c Release -nologo -clp:ErrorsOnly >/dev/null
  dotnet build "$1" -c Release -nologo -clp:ErrorsOnly >/dev/null
fi
bench="dotnet $1/bin/Release/net10.0/$(basename "$1").dll"
host="src/FleetTwins.Host/bin/Release/net10.0"
smoke="${BENCH_SMOKE:-0}"
postgres_admin() { PGPASSWORD=fleettwins PGOPTIONS="--client-min-messages=warning" psql -q -h 127.0.0.1 -p "$FLEETTWINS_PG_PORT" -U fleettwins -d postgres "$@"; }
# A database of its own for this run: bench_database NAME prints its connection string.
bench_database() {
  postgres_admin -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >&2
  echo "Host=127.0.0.1;Port=$FLEETTWINS_PG_PORT;Username=fleettwins;Password=fleettwins;Database=$1"
}
# A fresh SQLite data file for an embedded host (FleetTwins__DataPath), in a folder deleted on exit: bench_data_file NAME.
# Under /tmp: the same kind of disk a user's ./data would be on here (set BENCH_DATA_DIR to measure another).
bench_data_file() {
  local dir
  dir="$(mktemp -d "${BENCH_DATA_DIR:-/tmp}/fleettwins-bench-data.XXXXXX")"
  data_dirs+=("$dir")
  echo "$dir/$1.db"
}
# TCP ports on loopback that nothing listens on, distinct from one another: free_ports [N=1], one per line.
# Drawn below the kernel's ephemeral range (ip_local_port_range), where no outgoing connection of the simulator,
# the broker or a host that just stopped can hold the port: a connect probe sees only listeners, not those.
free_ports() {
  local count="${1:-1}" low port given=" "
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  while [ "$count" -gt 0 ]; do
    port=$((10000 + RANDOM % (low - 10000)))
    case "$given" in *" $port "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"; given+="$port "; count=$((count - 1))
    fi
  done
}
free_port() { free_ports 1; }
# Starts the host in the background on free ports with the given settings (NAME=value ...), logging to LOG, and
# waits until it answers /health/ready: start_host LOG settings... ; sets $host_url and $host_pid.
start_host() {
  local log="$1"; shift
  local http grpc silo gateway
  read -r http grpc silo gateway <<< "$(free_ports 4 | tr '\n' ' ')"
  ( cd "$host" && exec env "$@" ${BENCH_ENV:-} Kestrel__Endpoints__Http__Url="http://127.0.0.1:$http" \
      Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$grpc" FleetTwins__Silo__SiloPort="$silo" \
      FleetTwins__Silo__GatewayPort="$gateway" Logging__LogLevel__Default=Warning dotnet FleetTwins.Host.dll ) > "$log" 2>&1 &
  host_pid=$!
  host_pids+=("$host_pid")
  host_url="http://127.0.0.1:$http"
  wait_ready "$host_url" "$log"
}
# Stops the host start_host started last (SIGTERM, then waits for it to exit).
stop_host() {
  kill "$host_pid" 2>/dev/null || true
  wait "$host_pid" 2>/dev/null || true
}
# Waits for a host started in the background to answer /health/ready; gives up after 3 minutes, showing its log.
wait_ready() {
  local deadline=$((SECONDS + 180))
  until curl -sf -o /dev/null "$1/health/ready"; do
    if [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "$host_pid" 2>/dev/null; then
      echo "the host at $1 did not become ready; its first errors and the end of its log ($2):" >&2
      grep -m 5 -E '^(crit|fail)|Exception: ' "$2" >&2 || true; tail -20 "$2" >&2; exit 1
    fi
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
