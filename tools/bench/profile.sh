#!/usr/bin/env bash
# A CPU profile of the cluster profile's durable webhook path under load (what docs/PERFORMANCE.md's top frames come
# from): the host on PostgreSQL, the fleet simulator driving signed Volteras deliveries, the host sampled for the
# middle of the run, then the top frames by exclusive and by inclusive time. PROFILER=perf (the default where perf
# is installed): perf's CPU clock with the runtime's perf map, managed, native and kernel frames alike;
# PROFILER=dotnet-trace: dotnet-trace's sampled thread time (the samples of running threads only).
# Usage: bash tools/bench/profile.sh [seconds=20] [concurrency=64]   (BENCH_SMOKE=1: 2 s after 3 s, 8, 100 vehicles)
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet tool restore >/dev/null
source tools/bench/services.sh tools/FleetTwins.Simulator
if [ "$smoke" = "1" ]; then defaults=(2 8); vehicles=100; warm=3; else defaults=(20 64); vehicles=5000; warm=15; fi
seconds="${1:-${defaults[0]}}"; concurrency="${2:-${defaults[1]}}"
if command -v perf >/dev/null; then profiler="${PROFILER:-perf}"; else profiler="${PROFILER:-dotnet-trace}"; fi
simulator="$bench"
secret="whsec_c2ltdWxhdG9yLXZvbHRlcmFzLXNlY3JldC0wMDE="
out="/tmp/fleettwins-profile-$$"
# ReadyToRun off so that every method is jitted and named in the perf map; W^X off so that perf can read the code.
start_host "$out.log" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 \
  FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true RateLimits__Webhooks__PermitsPerSecond=0 \
  Ingestion__Volteras__Secrets__0="$secret" Ingestion__Telematica__Enabled=false Ingestion__Tracker__Enabled=false \
  "ConnectionStrings__Postgres=$(bench_database profilebench)"
$simulator run --url "$host_url" --providers volteras --vehicles "$vehicles" --duration "$((seconds + warm + 5))" \
  --concurrency "$concurrency" --volteras-secret "$secret" 2>/dev/null | grep '^result:' &
load=$!
sleep "$warm"  # past start-up and the JIT
# The first $TOP sample lines of a perf report, reading it to the end (head would close the pipe: SIGPIPE under pipefail).
top_lines() { awk -v n="${TOP:-45}" '/^ +[0-9.]+%/ && shown++ < n'; }
if [ "$profiler" = perf ]; then
  # The software clock works where the VM has no PMU.
  perf record -q -e cpu-clock -F 499 -g -p "$host_pid" -o "$out.perf" -- sleep "$seconds" 2>/dev/null
  wait "$load"
  echo "== CPU samples of the host by function, exclusive"
  perf report -i "$out.perf" --stdio --no-children --sort symbol -g none 2>/dev/null | top_lines
  echo "== inclusive"
  perf report -i "$out.perf" --stdio --children --sort symbol -g none 2>/dev/null | top_lines
else
  dotnet dotnet-trace collect -p "$host_pid" --profile dotnet-sampled-thread-time --duration "00:00:$(printf '%02d' "$seconds")" \
    --format Speedscope -o "$out.nettrace" >/dev/null
  wait "$load"
  python3 tools/bench/top-frames.py "$out.speedscope.json" "${TOP:-35}"
fi
stop_host
rm -f "$out.perf" "$out.nettrace" "$out.speedscope.json"
