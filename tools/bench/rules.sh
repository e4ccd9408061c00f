#!/usr/bin/env bash
# The twin path with the operators' rules and geofences next to the same path with none, in one run, on both
# profiles (embedded on its SQLite file, cluster on PostgreSQL):
#   A: a host with no rules and no geofences;
#   B: a host given R rules and G geofences through the API first (tools/bench/RulesBench: soc thresholds with `for`
#      and clearWhen, appliesTo scopes, now() arithmetic, localTime windows, changed(), near(), inside() of zones
#      and of small geofences; 10 zones holding most vehicles, the rest small squares, circles and hexagons over the
#      simulated fleet's area), then asked afterwards what they decided (rule alerts, vehicles inside geofences): a
#      B run that raised no alert or put no vehicle inside a zone fails;
# each phase a fresh host (and data file or database), the same load: signed Volteras deliveries of V vehicles from
# the fleet simulator, a W s warm-up on the same vehicles, then C requests in flight for D s, measured. Phases
# alternate A, B, A, B, ... (N rounds) so the machine's noise shows beside the difference; each run is reported,
# then B / A per round and of the means.
# The dashboard is off in both (its grain profiler runs for the first minute after a start: A's measured drive would
# fall inside it, B's, after the setup, not). BENCH_PERF=1 samples the host with perf during each measured drive and
# prints its top frames (exclusive, then inclusive), as profile.sh does; BENCH_PROFILES=embedded (or cluster) runs one.
# Usage: bash tools/bench/rules.sh [seconds=20] [concurrency=64] [rules=100] [geofences=10000] [rounds=2] [vehicles=1000]
#        (BENCH_SMOKE=1: 1 s after a 1 s warm-up, 8 in flight, 10 rules, 200 geofences, 1 round, 100 vehicles)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/bench/services.sh tools/FleetTwins.Simulator
if [ "$smoke" = "1" ]; then defaults=(1 8 10 200 1 100); warm=1; else defaults=(20 64 100 10000 2 1000); warm=10; fi
seconds="${1:-${defaults[0]}}"; concurrency="${2:-${defaults[1]}}"; rules="${3:-${defaults[2]}}"; geofences="${4:-${defaults[3]}}"
rounds="${5:-${defaults[4]}}"; vehicles="${6:-${defaults[5]}}"
simulator="$bench"
if [ "${BENCH_BUILT:-0}" != "1" ]; then dotnet build tools/bench/RulesBench -c Release -nologo -clp:ErrorsOnly >/dev/null; fi
rulesbench="dotnet tools/bench/RulesBench/bin/Release/net10.0/RulesBench.dll"
secret="whsec_c2ltdWxhdG9yLXZvbHRlcmFzLXNlY3JldC0wMDE="
key="bench-rules-key-0123456789abcdef"
# The fleet's clock (source times): the warm-up from 3 h ago, the measured drive from 2 h ago, so that the measured
# readings are newer than the warm-up's and every one moves the twins' state, their rules and their geofences on.
warm_start=$(date -u -d '-3 hours' +%Y-%m-%dT%H:%M:%SZ)
run_start=$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:%SZ)
results=()
profiles="${BENCH_PROFILES:-embedded cluster}"
# The first $TOP sample lines of a perf report, reading it to the end (head would close the pipe: SIGPIPE under pipefail).
top_lines() { awk -v n="${TOP:-30}" '/^ +[0-9.]+%/ && shown++ < n'; }

drive() { # start-time duration: the simulator's result line
  $simulator run --url "$host_url" --providers volteras --vehicles "$vehicles" --duration "$2" --concurrency "$concurrency" \
    --volteras-secret "$secret" --start "$1" 2>/dev/null | grep '^result:'
}

phase() { # profile round A|B host-settings...
  local profile="$1" round="$2" kind="$3"; shift 3
  local perf_env=()
  if [ "${BENCH_PERF:-0}" = "1" ]; then perf_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0); fi
  start_host "/tmp/fleettwins-bench-rules-$profile-$kind$round-$$.log" "$@" "${perf_env[@]}" Dashboard__Enabled=false Benchmark__FloorEndpoints=true \
    RateLimits__Webhooks__PermitsPerSecond=0 RateLimits__Api__PermitsPerSecond=0 Ingestion__Volteras__Secrets__0="$secret" \
    Api__Keys__0="$key:read,command,admin" Rules__TimeZone=Europe/Berlin
  if [ "$kind" = B ]; then $rulesbench setup "$host_url" "$key" "$rules" "$geofences" | sed 's/^/  /'; fi
  drive "$warm_start" "$warm" > /dev/null
  local before after result counters
  before=$(process_counters "$host_url")
  local perf_out="/tmp/fleettwins-bench-rules-$$.perf" perf_pid=""
  if [ "${BENCH_PERF:-0}" = "1" ]; then
    perf record -q -e cpu-clock -F 499 -g -p "$host_pid" -o "$perf_out" -- sleep "$((seconds - 2))" 2>/dev/null &
    perf_pid=$!
  fi
  result=$(drive "$run_start" "$seconds")
  after=$(process_counters "$host_url")
  if [ -n "$perf_pid" ]; then
    wait "$perf_pid" || true
    echo "  perf, exclusive:"; perf report -i "$perf_out" --stdio --no-children --sort symbol -g none 2>/dev/null | top_lines
    echo "  perf, inclusive:"; perf report -i "$perf_out" --stdio --children --sort symbol -g none 2>/dev/null | top_lines
    rm -f "$perf_out"
  fi
  counters=$(per_event "$before" "$after" "$(sed -E 's/^result: ([0-9]+) deliveries.*/\1/' <<< "$result")" \
    "$(sed -E 's/^result: [0-9]+ deliveries in ([0-9.]+) s.*/\1/' <<< "$result")")
  echo "$profile $kind round $round: $result"
  echo "$counters"
  if [ "$kind" = B ]; then $rulesbench check "$host_url" "$key" "$rules" | sed 's/^/  /'; fi
  stop_host
  # profile kind round rate p50 p99 cpu-us kb-per-event
  results+=("$profile $kind $round $(sed -E 's/.* = ([0-9]+)\/s.*p50 ([0-9.]+) ms, p99 ([0-9.]+) ms.*/\1 \2 \3/' <<< "$result") \
$(sed -E 's/^ *host: ([0-9]+) us CPU per event, ([0-9.]+) KB allocated.*/\1 \2/' <<< "$counters")")
}

for round in $(seq 1 "$rounds"); do
  [[ " $profiles " == *" embedded "* ]] || break
  for kind in A B; do
    echo "== embedded profile (SQLite file), round $round, $kind"
    phase embedded "$round" "$kind" FleetTwins__Profile=Embedded FleetTwins__DataPath="$(bench_data_file "rules-$kind$round")"
  done
done
for round in $(seq 1 "$rounds"); do
  [[ " $profiles " == *" cluster "* ]] || break
  for kind in A B; do
    echo "== cluster profile (PostgreSQL), round $round, $kind"
    phase cluster "$round" "$kind" FleetTwins__Profile=Cluster FleetTwins__MigrateOnStart=true Ingestion__Telematica__Enabled=false \
      Ingestion__Tracker__Enabled=false "ConnectionStrings__Postgres=$(bench_database rulesbench)"
  done
done

echo "== summary: A no rules or geofences, B $rules rules and $geofences geofences; $vehicles vehicles, $concurrency in flight, $seconds s"
printf '%s\n' "${results[@]}" | awk '
  { rate[$1, $2, $3] = $4; line[$1, $2, $3] = sprintf("%d/s, p50 %s ms, p99 %s ms, %d us CPU, %s KB per event", $4, $5, $6, $7, $8)
    sum[$1, $2] += $4; cpu[$1, $2] += $7; n[$1, $2]++; if ($3 + 0 > rounds) rounds = $3 + 0; seen[$1] = 1 }
  END {
    split("embedded cluster", profiles, " ")
    for (i = 1; i <= 2; i++) {
      p = profiles[i]; if (!(p in seen)) continue
      for (r = 1; r <= rounds; r++)
        printf "%s round %d: A %s; B %s; B / A = %.2f\n", p, r, line[p, "A", r], line[p, "B", r], rate[p, "B", r] / rate[p, "A", r]
      printf "%s: mean A %.0f/s (%.0f us CPU), mean B %.0f/s (%.0f us CPU): B / A = %.2f, B %.0f %% slower (target: at most 15 %%)\n",
        p, sum[p, "A"] / n[p, "A"], cpu[p, "A"] / n[p, "A"], sum[p, "B"] / n[p, "B"], cpu[p, "B"] / n[p, "B"],
        sum[p, "B"] / sum[p, "A"] * n[p, "A"] / n[p, "B"], 100 * (1 - sum[p, "B"] / sum[p, "A"] * n[p, "A"] / n[p, "B"])
    }
  }'
