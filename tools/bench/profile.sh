#!/usr/bin/env bash
# A CPU profile of the cluster profile's durable webhook path under load (what docs/PERFORMANCE.md's top frames come
# from): the host on PostgreSQL, the fleet simulator driving signed Volteras deliveries, dotnet-trace sampling the
# host for the middle of the run (perf's CPU clock with the runtime's perf map; PROFILER=dotnet-trace for dotnet-trace's
# thread time instead); prints the top frames by exclusive and by inclusive time.
# Usage: bash tools/bench/profile.sh [seconds=20] [concurrency=64]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-20}"; concurrency="${2:-64}"
dotnet tool restore >/dev/null
source tools/bench/services.sh tools/FleetTwins.Simulator
simulator="$bench"
secret="whsec_c2ltdWxhdG9yLXZvbHRlcmFzLXNlY3JldC0wMDE="
postgres_admin -c "DROP DATABASE IF EXISTS profilebench" -c "CREATE DATABASE profilebench"
( cd "$host" && env DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true RateLimits__Webhooks__PermitsPerSecond=0 \
    Ingestion__Volteras__Secrets__0="$secret" Ingestion__Telematica__Enabled=false Ingestion__Tracker__Enabled=false \
    "ConnectionStrings__Postgres=Host=127.0.0.1;Port=$FLEETTWINS_PG_PORT;Username=fleettwins;Password=fleettwins;Database=profilebench" \
    Kestrel__Endpoints__Http__Url=http://127.0.0.1:5180 Kestrel__Endpoints__Grpc__Url=http://127.0.0.1:5181 \
    Logging__LogLevel__Default=Warning dotnet FleetTwins.Host.dll > /tmp/fleettwins-bench-profile.log 2>&1 & )
wait_ready http://127.0.0.1:5180 /tmp/fleettwins-bench-profile.log
pid=$(pgrep -f "FleetTwins.Host.dll" | head -1)
$simulator run --url http://127.0.0.1:5180 --providers volteras --vehicles 5000 --duration "$((seconds + 20))" \
  --concurrency "$concurrency" --volteras-secret "$secret" 2>/dev/null | grep '^result:' &
sleep 15  # past start-up and the JIT: every method compiled (ReadyToRun off, so that perf names them all)
if [ "${PROFILER:-perf}" = perf ]; then
  # CPU time, managed (the runtime's perf map), native and kernel alike; the software clock works where the VM has no PMU.
  perf record -q -e cpu-clock -F 499 -g -p "$pid" -o /tmp/fleettwins-profile.perf -- sleep "$seconds" 2>/dev/null
  wait
  echo "== CPU samples of the host by function, exclusive"
  perf report -i /tmp/fleettwins-profile.perf --stdio --no-children --sort symbol 2>/dev/null | grep -E '^ +[0-9]' | head -"${TOP:-45}"
  echo "== inclusive"
  perf report -i /tmp/fleettwins-profile.perf --stdio --children --sort symbol 2>/dev/null | grep -E '^ +[0-9]' | head -"${TOP:-45}"
else
  trace="/tmp/fleettwins-profile-$$.nettrace"
  dotnet dotnet-trace collect -p "$pid" --profile dotnet-sampled-thread-time --duration "00:00:$(printf '%02d' "$seconds")" \
    --format Speedscope -o "$trace" >/dev/null
  wait
  # Thread time samples every thread, parked ones too: top-frames.py keeps the samples of running threads only.
  python3 tools/bench/top-frames.py "${trace%.nettrace}.speedscope.json" "${TOP:-35}"
fi
pkill -f "FleetTwins.Host.dll" || true
